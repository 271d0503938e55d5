from django.contrib import admin

from roadmap.models import (
    Ambition,
    Edition,
    Maturity,
    Orientation,
    PlanRisk,
    PlanRiskMitigation,
    Radar,
    RadarScore,
    Section,
    SectionItem,
    StrategicOrientation,
    Topic,
)


class SectionInline(admin.TabularInline):
    model = Section
    fields = ("order", "key", "title", "level")
    extra = 0
    show_change_link = True


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ("fiscal_year", "update_number", "ministry_acronym", "status", "created_at")
    list_filter = ("status",)
    inlines = [SectionInline]


class SectionItemInline(admin.StackedInline):
    model = SectionItem
    extra = 0


class TopicInline(admin.StackedInline):
    model = Topic
    extra = 0
    show_change_link = True


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("title", "key", "edition", "order", "level")
    list_filter = ("edition",)
    search_fields = ("title", "body")
    inlines = [SectionItemInline, TopicInline]


@admin.register(SectionItem)
class SectionItemAdmin(admin.ModelAdmin):
    list_display = ("title", "section", "order")
    list_filter = ("section__edition",)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("title", "section", "order")
    list_filter = ("section__edition",)
    search_fields = ("title",)


@admin.register(StrategicOrientation)
class StrategicOrientationAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "edition")
    list_filter = ("edition",)


class AmbitionInline(admin.TabularInline):
    model = Ambition
    extra = 0


@admin.register(Orientation)
class OrientationAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "edition")
    list_filter = ("edition",)
    filter_horizontal = ("strategic_orientations",)
    inlines = [AmbitionInline]


@admin.register(Ambition)
class AmbitionAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "orientation")
    list_filter = ("orientation__edition",)
    list_select_related = ("orientation",)


@admin.register(Maturity)
class MaturityAdmin(admin.ModelAdmin):
    list_display = ("edition", "score", "current_stage", "target_stage", "target_date")


class RadarScoreInline(admin.TabularInline):
    model = RadarScore
    extra = 0


@admin.register(Radar)
class RadarAdmin(admin.ModelAdmin):
    list_display = ("edition", "overall")
    inlines = [RadarScoreInline]


@admin.register(RadarScore)
class RadarScoreAdmin(admin.ModelAdmin):
    list_display = ("category", "score", "radar")


class PlanRiskMitigationInline(admin.TabularInline):
    model = PlanRiskMitigation
    extra = 0


@admin.register(PlanRisk)
class PlanRiskAdmin(admin.ModelAdmin):
    list_display = ("title", "edition", "order")
    list_filter = ("edition",)
    inlines = [PlanRiskMitigationInline]


@admin.register(PlanRiskMitigation)
class PlanRiskMitigationAdmin(admin.ModelAdmin):
    list_display = ("text", "risk")
