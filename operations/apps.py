from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """What running the portal for real needs: health, logs, the worker's heartbeat,
    housekeeping, backups. Nothing here knows about the plan's content."""

    name = "operations"
    verbose_name = _("Exploitation")

    def ready(self) -> None:
        from operations import logs

        logs.connect_task_signals()
