from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import ParticipatingBody, PublicBody, RoleAssignment, Unit, User


class RoleAssignmentInline(admin.TabularInline):
    """The person's roles, body by body (a global role has no body). Each change is kept in the
    assignments' history and in the security journal."""

    model = RoleAssignment
    fields = ("body", "role")
    extra = 1
    verbose_name = _("rôle")
    verbose_name_plural = _("rôles (par organisme public)")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Organisation"), {"fields": ("unit", "participating_body", "job_title", "is_demo")}),
    )
    inlines = [RoleAssignmentInline]
    list_display = (
        "username",
        "first_name",
        "last_name",
        "unit",
        "participating_body",
        "is_demo",
        "is_active",
    )
    list_filter = (
        "role_assignments__body",
        "role_assignments__role",
        "participating_body",
        "is_demo",
        "is_active",
    )


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


class ParticipatingBodyInline(admin.TabularInline):
    model = ParticipatingBody
    extra = 0


@admin.register(PublicBody)
class PublicBodyAdmin(admin.ModelAdmin):
    list_display = ("acronym", "name", "kind", "head_title")
    search_fields = ("acronym", "name")
    prepopulated_fields = {"slug": ("acronym",)}
    inlines = [ParticipatingBodyInline, UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("acronym", "name", "body")
    list_filter = ("body",)
    search_fields = ("acronym", "name")


@admin.register(ParticipatingBody)
class ParticipatingBodyAdmin(admin.ModelAdmin):
    list_display = ("acronym", "name", "public_body")
    list_filter = ("public_body",)
    search_fields = ("acronym", "name")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "body", "role")
    list_filter = ("body", "role")
    list_select_related = ("user", "body")
    search_fields = ("user__username", "user__first_name", "user__last_name")
    ordering = ("user__username", "body__acronym", "role")
