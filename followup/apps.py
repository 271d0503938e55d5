from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "followup"
    verbose_name = _("Suivi")

    def ready(self) -> None:
        # The « Bilans d'étape » sheet of the plan's workbook (the exchange calls it; it never
        # imports the follow-up).
        from followup.exchange import register

        register()
