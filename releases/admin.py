from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from releases.models import Ground, Publication, RecourseNotice, Release, Withholding


@admin.register(Ground)
class GroundAdmin(SimpleHistoryAdmin):
    list_display = ["article", "title", "order"]


@admin.register(RecourseNotice)
class RecourseNoticeAdmin(SimpleHistoryAdmin):
    list_display = ["title", "body"]


class WithholdingInline(admin.TabularInline):
    model = Withholding
    extra = 0
    fields = ["content_type", "object_id", "field", "passage", "ground", "decided_by"]
    readonly_fields = fields
    can_delete = False


@admin.register(Release)
class ReleaseAdmin(SimpleHistoryAdmin):
    list_display = ["edition", "number", "request_number", "received_on", "due_on", "sent_on"]
    list_select_related = ["edition__body"]
    readonly_fields = ["edition", "number", "pdf", "pdf_sha256", "pdf_at", "from_release"]
    inlines = [WithholdingInline]


@admin.register(Publication)
class PublicationAdmin(SimpleHistoryAdmin):
    list_display = ["edition", "release", "published_at", "withdrawn_at"]
    list_select_related = ["edition__body", "release"]
