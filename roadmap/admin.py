from django.contrib import admin

from roadmap.models import (
    Ambition,
    Edition,
    Maturity,
    MaturityStage,
    Orientation,
    PlanRisk,
    PlanRiskMitigation,
    PlanTemplate,
    Radar,
    RadarScore,
    ReviewComment,
    Section,
    SectionItem,
    StrategicOrientation,
    Topic,
    Transition,
)


class FrozenEditionAdmin(admin.ModelAdmin):
    """Records of a recommended or approved edition are read-only in the admin too.

    (The models refuse the write anyway; this shows it instead of failing on save.)

    Once approved, the follow-up a model declares (Versioned.FOLLOW_UP_FIELDS, or its whole
    records with FOLLOW_UP_RECORD) stays writable here too; every other field is read-only.
    """

    def _follow_up_only(self, obj) -> bool:
        return obj is not None and obj.is_in_frozen_edition() and obj.is_in_follow_up()

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_in_frozen_edition() and not obj.is_in_follow_up():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if (
            obj is not None
            and obj.is_in_frozen_edition()
            and not (obj.FOLLOW_UP_RECORD and obj.is_in_follow_up())
        ):
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if self._follow_up_only(obj) and not obj.FOLLOW_UP_RECORD:
            names = [f.name for f in obj._meta.fields if f.editable and not f.primary_key]
            readonly += tuple(n for n in names if n not in obj.FOLLOW_UP_FIELDS)
        return readonly

    def get_inline_instances(self, request, obj=None):
        # A followed record's own inlines (mitigations, …) are not follow-up: not shown.
        if self._follow_up_only(obj):
            return []
        return super().get_inline_instances(request, obj)


class SectionInline(admin.TabularInline):
    model = Section
    fields = ("order", "key", "title", "level", "kind")
    extra = 0
    show_change_link = True


@admin.register(Edition)
class EditionAdmin(FrozenEditionAdmin):
    list_display = ("fiscal_year", "body", "update_number", "status", "created_at")
    list_filter = ("body", "status")
    list_select_related = ("body",)
    inlines = [SectionInline]

    def get_readonly_fields(self, request, obj=None) -> tuple[str, ...]:
        """The workflow's state changes only through its steps (who, when, why, the e-mails,
        the archive): never in the admin. A new edition starts as a draft."""
        return ("status", *super().get_readonly_fields(request, obj))


@admin.register(PlanTemplate)
class PlanTemplateAdmin(admin.ModelAdmin):
    """The plan's templates are read here, never changed: a version ships with the portal (a
    data migration) and editions keep pointing to the version they were started from."""

    list_display = ("code", "version", "name", "published_on", "is_default")
    readonly_fields = ("code", "version", "name", "published_on", "is_default", "data")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class SectionItemInline(admin.StackedInline):
    model = SectionItem
    extra = 0


class TopicInline(admin.StackedInline):
    model = Topic
    extra = 0
    show_change_link = True


@admin.register(Section)
class SectionAdmin(FrozenEditionAdmin):
    list_display = ("title", "key", "kind", "edition", "order", "level")
    list_filter = ("edition",)
    search_fields = ("title", "body")
    inlines = [SectionItemInline, TopicInline]


@admin.register(SectionItem)
class SectionItemAdmin(FrozenEditionAdmin):
    list_display = ("title", "section", "order")
    list_filter = ("section__edition",)


@admin.register(Topic)
class TopicAdmin(FrozenEditionAdmin):
    list_display = ("title", "section", "order")
    list_filter = ("section__edition",)
    search_fields = ("title",)


@admin.register(StrategicOrientation)
class StrategicOrientationAdmin(FrozenEditionAdmin):
    list_display = ("number", "title", "edition")
    list_filter = ("edition",)


class AmbitionInline(admin.TabularInline):
    model = Ambition
    extra = 0


@admin.register(Orientation)
class OrientationAdmin(FrozenEditionAdmin):
    list_display = ("number", "title", "edition")
    list_filter = ("edition",)
    filter_horizontal = ("strategic_orientations",)
    inlines = [AmbitionInline]


@admin.register(Ambition)
class AmbitionAdmin(FrozenEditionAdmin):
    list_display = ("code", "title", "orientation")
    list_filter = ("orientation__edition",)
    list_select_related = ("orientation",)


class MaturityStageInline(admin.TabularInline):
    model = MaturityStage
    extra = 0


@admin.register(Maturity)
class MaturityAdmin(FrozenEditionAdmin):
    list_display = ("edition", "score", "current_stage", "target_stage", "target_date")
    inlines = [MaturityStageInline]


@admin.register(MaturityStage)
class MaturityStageAdmin(FrozenEditionAdmin):
    list_display = ("number", "label", "maturity")


class RadarScoreInline(admin.TabularInline):
    model = RadarScore
    extra = 0


@admin.register(Radar)
class RadarAdmin(FrozenEditionAdmin):
    list_display = ("edition", "overall")
    inlines = [RadarScoreInline]


@admin.register(RadarScore)
class RadarScoreAdmin(FrozenEditionAdmin):
    list_display = ("category", "score", "radar")


class PlanRiskMitigationInline(admin.TabularInline):
    model = PlanRiskMitigation
    extra = 0


@admin.register(PlanRisk)
class PlanRiskAdmin(FrozenEditionAdmin):
    list_display = ("title", "edition", "order")
    list_filter = ("edition",)
    inlines = [PlanRiskMitigationInline]


@admin.register(PlanRiskMitigation)
class PlanRiskMitigationAdmin(FrozenEditionAdmin):
    list_display = ("text", "risk")


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    """The workflow's record: read only (steps are taken on the edition page)."""

    list_display = ("edition", "action", "from_status", "to_status", "user", "at")
    list_filter = ("edition", "action")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReviewComment)
class ReviewCommentAdmin(admin.ModelAdmin):
    list_display = ("edition", "initiative", "author", "created_at", "resolved_at")
    list_filter = ("edition",)
