from django.contrib import admin

from followup.models import ProgressReport, Reminder, ReportingPeriod


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ("edition", "end_date")
    list_filter = ("edition__body",)


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ("initiative", "period", "status", "declared_overall")
    list_filter = ("status", "period__edition__body")
    # The report's life goes through its steps (submit, accept, send back), not the admin.
    readonly_fields = ("status", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at")


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Which reminders went out (each once per period and recipient); read-only."""

    list_display = ("period", "email", "kind", "queued_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
