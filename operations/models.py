from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A running task worker (`manage.py db_worker`), as last seen.

    The worker writes its row at start and every WORKER_HEARTBEAT_INTERVAL seconds, and deletes
    it when it stops cleanly. Readiness wants one seen in the last minute; a task left running by
    a worker that stopped beating is taken back (operations.worker.recover_lost_tasks).
    """

    worker_id = models.CharField(_("identifiant"), max_length=64, unique=True)
    hostname = models.CharField(_("machine"), max_length=255)
    pid = models.PositiveIntegerField(_("processus"))
    started_at = models.DateTimeField(_("démarré le"))
    seen_at = models.DateTimeField(_("vu le"), db_index=True)

    class Meta:
        verbose_name = _("processus de tâches de fond")
        verbose_name_plural = _("processus de tâches de fond")
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
