from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
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
