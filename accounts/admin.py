from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Body, Unit, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("unit", "body", "job_title", "is_demo")}),
    )
    list_display = ("username", "first_name", "last_name", "unit", "body", "is_demo", "is_active")
    list_filter = ("groups", "unit", "body", "is_demo", "is_active")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("acronym", "name")
    search_fields = ("acronym", "name")


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ("acronym", "name")
    search_fields = ("acronym", "name")
