"""The roadmap page's forms: its filters (also those of the export) and the bulk assignment of a
lead and a unit to the checked initiatives."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import Unit, User
from initiatives.models import Initiative, InitiativeQuerySet
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


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.username


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
        queryset=Unit.objects.none(),
        empty_label=_("(ne pas changer)"),
    )

    def __init__(self, *args, edition: Edition, **kwargs) -> None:
        # Its own ids: the roadmap's filters, on the same page, have a « unit » field too.
        kwargs.setdefault("auto_id", "assign-%s")
        super().__init__(*args, **kwargs)
        self.fields["initiative"].queryset = Initiative.objects.filter(edition=edition).only(
            "pk", "code", "version"
        )
        # Leads offered: people with the lead or coordinator role in the edition's body.
        self.fields["lead"].queryset = (
            User.objects.filter(
                is_active=True,
                role_assignments__body=edition.body_id,
                role_assignments__role__in=[roles.LEAD, roles.COORDINATOR],
            )
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["unit"].queryset = Unit.objects.filter(body=edition.body_id)

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
