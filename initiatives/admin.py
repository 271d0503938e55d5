from django.contrib import admin

from initiatives.models import (
    Contribution,
    Dependency,
    Initiative,
    InitiativeRisk,
    InitiativeRiskMitigation,
    Milestone,
)
from roadmap.admin import FrozenEditionAdmin


class ContributionInline(admin.StackedInline):
    model = Contribution
    extra = 0
    autocomplete_fields = ("topic",)


class DependencyInline(admin.TabularInline):
    model = Dependency
    fk_name = "initiative"
    extra = 0
    autocomplete_fields = ("depends_on",)


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Initiative)
class InitiativeAdmin(FrozenEditionAdmin):
    list_display = ("code", "title", "acronym", "status", "funded", "lead", "unit", "edition")
    list_filter = ("edition", "status", "funded", "qualified_project", "unit")
    list_select_related = ("lead", "unit", "edition")
    search_fields = ("code", "title", "acronym")
    autocomplete_fields = ("lead",)
    readonly_fields = ("updated_at",)
    inlines = [DependencyInline, ContributionInline, MilestoneInline]


@admin.register(Dependency)
class DependencyAdmin(FrozenEditionAdmin):
    list_display = ("initiative", "depends_on")
    list_select_related = ("initiative", "depends_on")


@admin.register(Contribution)
class ContributionAdmin(FrozenEditionAdmin):
    list_display = ("initiative", "topic", "title")
    list_select_related = ("initiative", "topic")


class InitiativeRiskMitigationInline(admin.TabularInline):
    model = InitiativeRiskMitigation
    extra = 0


@admin.register(InitiativeRisk)
class InitiativeRiskAdmin(FrozenEditionAdmin):
    list_display = ("title", "initiative")
    list_select_related = ("initiative",)
    inlines = [InitiativeRiskMitigationInline]


@admin.register(InitiativeRiskMitigation)
class InitiativeRiskMitigationAdmin(FrozenEditionAdmin):
    list_display = ("text", "risk")


@admin.register(Milestone)
class MilestoneAdmin(FrozenEditionAdmin):
    list_display = ("title", "initiative", "due_date", "done")
