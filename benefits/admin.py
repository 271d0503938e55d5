from django.contrib import admin

from benefits.models import Benefit, BenefitYear, Indicator, Measurement
from roadmap.admin import FrozenEditionAdmin


class BenefitYearInline(admin.TabularInline):
    model = BenefitYear
    extra = 0


class IndicatorInline(admin.StackedInline):
    model = Indicator
    extra = 0
    show_change_link = True


@admin.register(Benefit)
class BenefitAdmin(FrozenEditionAdmin):
    list_display = ("description", "initiative", "kind", "amount", "horizon_years")
    list_filter = ("kind", "initiative__edition")
    list_select_related = ("initiative",)
    inlines = [BenefitYearInline, IndicatorInline]


class MeasurementInline(admin.TabularInline):
    model = Measurement
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(FrozenEditionAdmin):
    list_display = ("name", "benefit", "unit", "baseline", "target", "threshold")
    inlines = [MeasurementInline]


@admin.register(Measurement)
class MeasurementAdmin(FrozenEditionAdmin):
    list_display = ("indicator", "measured_on", "value")


@admin.register(BenefitYear)
class BenefitYearAdmin(FrozenEditionAdmin):
    list_display = ("benefit", "fiscal_year", "planned", "realized")
    list_select_related = ("benefit__initiative",)
