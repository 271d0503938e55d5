from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from security.models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """« Journal de sécurité »: read by administrators, written only by the portal."""

    list_display = ("at", "kind", "username", "actor", "ip_address", "details")
    list_filter = ("kind", "at")
    search_fields = ("username", "ip_address", "request_id")
    date_hierarchy = "at"
    list_select_related = ("actor",)
    readonly_fields = [f.name for f in SecurityEvent._meta.fields]

    @admin.display(description=_("détails"))
    def details(self, event: SecurityEvent) -> str:
        return ", ".join(f"{key} : {value}" for key, value in sorted(event.detail.items()))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
