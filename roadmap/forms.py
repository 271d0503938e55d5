import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import Unit, User
from initiatives.models import Initiative, InitiativeQuerySet
from roadmap.history.changes import Sources, edition_sources, filter_sources, initiative_sources
from roadmap.models import Edition, Topic


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Topic) -> str:
        return f"{obj.section.title} — {obj.title}"


class RoadmapFilterForm(forms.Form):
    """The roadmap's filters: a GET form, so a filtered view has a URL that can be shared."""

    q = forms.CharField(label=_("Recherche"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous les statuts")), *Initiative.Status.choices],
    )
    unit = forms.ModelChoiceField(
        label=_("Unité"),
        required=False,
        queryset=Unit.objects.none(),
        empty_label=_("Toutes les unités"),
    )
    topic = TopicChoiceField(
        label=_("Sujet"),
        required=False,
        queryset=Topic.objects.none(),
        empty_label=_("Tous les sujets"),
    )

    def __init__(self, *args, edition: Edition, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(initiative__edition=edition).distinct()
        self.fields["topic"].queryset = (
            Topic.objects.filter(section__edition=edition, contributions__isnull=False)
            .select_related("section")
            .distinct()
            .order_by("section__order", "order")
        )

    def filter(self, initiatives: InitiativeQuerySet) -> InitiativeQuerySet:
        """Apply the valid filters; an invalid one is reported by the form and ignored."""
        data = self.cleaned_data if self.is_bound else {}
        if data.get("q"):
            initiatives = initiatives.search(data["q"])
        if data.get("status"):
            initiatives = initiatives.filter(status=data["status"])
        if data.get("unit"):
            initiatives = initiatives.filter(unit=data["unit"])
        if data.get("topic"):
            initiatives = initiatives.filter(contributions__topic=data["topic"]).distinct()
        return initiatives

    @property
    def is_filtering(self) -> bool:
        return self.is_bound and any(self.cleaned_data.get(name) for name in self.fields)


class InitiativeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Initiative) -> str:
        name = obj.acronym or (obj.title if len(obj.title) <= 70 else obj.title[:69] + "…")
        return f"{obj.code} {name}"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


# Everyone whose work leaves history: all roles but the readers'.
WRITING_ROLES = [r for r in roles.ALL_ROLES if r != roles.READER]


class HistoryFilterForm(forms.Form):
    """The history page's filters: a GET form, validated; an invalid filter is reported and
    ignored."""

    initiative = InitiativeChoiceField(
        label=_("Initiative"),
        required=False,
        queryset=Initiative.objects.none(),
        empty_label=_("Toute l'édition"),
    )
    person = PersonChoiceField(
        label=_("Personne"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Toutes les personnes"),
    )
    start = forms.DateField(
        label=_("Du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("Au (inclusivement)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, edition: Edition, **kwargs) -> None:
        # Its own ids: the roadmap's filters, on the same page, have a « unit » field too.
        kwargs.setdefault("auto_id", "assign-%s")
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = Initiative.objects.filter(edition=edition).only(
            "pk", "code", "acronym", "title"
        )
        self.fields["person"].queryset = (
            User.objects.filter(Q(groups__name__in=WRITING_ROLES) | Q(is_superuser=True))
            .distinct()
            .only("pk", "username", "first_name", "last_name")
            .order_by("last_name", "first_name", "username")
        )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("La date de fin doit suivre la date de début."))
        return data

    def sources(self, edition: Edition) -> Sources:
        """Where the history is read from, limited by the valid filters."""
        data = self.cleaned_data if self.is_bound else {}
        initiative = data.get("initiative")
        sources = initiative_sources([initiative.pk]) if initiative else edition_sources(edition)
        start, end = data.get("start"), data.get("end")
        return filter_sources(
            sources,
            who=data.get("person"),
            since=_midnight(start) if start else None,
            before=_midnight(end + datetime.timedelta(days=1)) if end else None,
        )

    @property
    def is_filtering(self) -> bool:
        return self.is_bound and any(self.cleaned_data.get(name) for name in self.fields)


def _midnight(day: datetime.date) -> datetime.datetime:
    """The start of ``day`` in the portal's time zone (dates are read as people in Québec do)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.acronym} — {obj.name}"


class BulkAssignForm(forms.Form):
    """The roadmap's « assign to the checked initiatives »: each checked initiative comes with
    the version the person saw (``version-<pk>``), so a row changed meanwhile is not
    overwritten."""

    initiative = forms.ModelMultipleChoiceField(
        label=_("Initiatives"),
        queryset=Initiative.objects.none(),
        error_messages={"required": _("Cochez au moins une initiative dans le tableau.")},
    )
    lead = PersonChoiceField(
        label=_("Responsable"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("(ne pas changer)"),
    )
    unit = UnitChoiceField(
        label=_("Unité"),
        required=False,
        queryset=Unit.objects.all(),
        empty_label=_("(ne pas changer)"),
    )

    def __init__(self, *args, edition: Edition, **kwargs) -> None:
        # Its own ids: the roadmap's filters, on the same page, have a « unit » field too.
        kwargs.setdefault("auto_id", "assign-%s")
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = Initiative.objects.filter(edition=edition).only(
            "pk", "code", "version"
        )
        self.fields["lead"].queryset = (
            User.objects.filter(is_active=True, groups__name__in=[roles.LEAD, roles.COORDINATOR])
            .distinct()
            .order_by("last_name", "first_name", "username")
        )

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("lead") and not data.get("unit") and not self.has_error("lead"):
            self.add_error(None, _("Choisissez un responsable, une unité, ou les deux."))
        versions = {}
        for initiative in data.get("initiative") or []:
            try:
                versions[initiative.pk] = int(self.data.get(f"version-{initiative.pk}", ""))
            except ValueError:
                self.add_error("initiative", _("La page est incomplète : rechargez-la."))
                break
        data["versions"] = versions
        return data

    @property
    def selected(self) -> frozenset[str]:
        """The checked initiatives' ids as sent (to check them again on a page shown back)."""
        return frozenset(self.data.getlist("initiative")) if self.is_bound else frozenset()
