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
