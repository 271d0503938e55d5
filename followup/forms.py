"""The follow-up's forms: a progress report (numbers and amounts typed as a Québec reader types
them, as in every form of the portal), the coordinator's review, a reporting period."""

from __future__ import annotations

from functools import partial

from django import forms
from django.utils.translation import gettext_lazy as _

from followup.models import ProgressReport
from followup.services import REPORT_FIELDS
from roadmap.editing.forms import VersionedForm, formfield


class ProgressReportForm(VersionedForm):
    class Meta:
        model = ProgressReport
        fields = REPORT_FIELDS
        formfield_callback = partial(
            formfield, money_fields=("spent_to_date", "estimate_at_completion")
        )
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 5}),
            "justification": forms.Textarea(attrs={"rows": 4}),
        }


class ReviewForm(forms.Form):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label=_("Commentaire au responsable"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour retourner le bilan."),
    )


class PeriodForm(forms.Form):
    end_date = forms.DateField(
        label=_("Fin de la période"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
