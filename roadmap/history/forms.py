"""The history page's filters: which initiative, whose changes, which period."""

import datetime

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import roles
from accounts.models import RoleAssignment, User
from initiatives.models import Initiative
from roadmap.forms import PersonChoiceField
from roadmap.history.changes import Sources, edition_sources, filter_sources, initiative_sources
from roadmap.models import Edition


class InitiativeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Initiative) -> str:
        name = obj.acronym or (obj.title if len(obj.title) <= 70 else obj.title[:69] + "…")
        return f"{obj.code} {name}"


# Everyone whose work leaves history in a body: its roles but the readers'.
WRITING_ROLES = [r for r in roles.BODY_ROLES if r != roles.READER]


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
        # The body's people whose work leaves history, and administrators.
        writes_here = RoleAssignment.objects.filter(
            user=OuterRef("pk"), body=edition.body_id, role__in=WRITING_ROLES
        )
        self.fields["person"].queryset = (
            User.objects.filter(Q(Exists(writes_here)) | Q(is_superuser=True))
            .only("pk", "username", "first_name", "last_name")
            .order_by("last_name", "first_name", "username")
        )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("La date de fin ne peut pas précéder la date de début."))
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
