from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Suivi")

    def ready(self) -> None:
        # The « Bilans d'étape » sheet of the plan's workbook, then the dashboard's information
        # sheets (the exchange calls them; it never imports the follow-up).
        from followup import exchange, sheets

        exchange.register()
        sheets.register()

        # Every edition, however created (a template, a copy, an import, the admin), starts
        # with the default reporting periods; the coordinator changes them from there.
        from django.db.models.signals import post_save

        from roadmap.models import Edition

        post_save.connect(_default_periods, sender=Edition, dispatch_uid="followup-periods")


def _default_periods(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from followup.services import periods_ensure

        periods_ensure(edition=instance)
