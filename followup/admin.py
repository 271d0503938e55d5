from django.contrib import admin

from followup.models import ProgressReport, ReportingPeriod


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
