"""The forms of the release pages (validated; every message in French)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from releases.models import Ground, Release

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReleaseForm(forms.ModelForm):
    from_release = forms.ModelChoiceField(
        queryset=Release.objects.none(),
        required=False,
        label=_("Reprendre les décisions d'une diffusion précédente"),
        empty_label=_("Aucune (partir de l'édition complète)"),
    )

    class Meta:
        model = Release
        fields = ["request_number", "received_on", "due_on", "applicant"]
        widgets = {"received_on": DATE, "due_on": DATE}

    def __init__(self, *args, edition, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_release"].queryset = Release.objects.filter(edition=edition)


class WithholdingForm(forms.Form):
    field = forms.ChoiceField(label=_("Ce qui est retiré"))
    passage = forms.CharField(
        label=_("Passage retiré (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Copiez le passage tel qu'il figure dans le texte; laissez vide pour retirer tout "
            "le champ."
        ),
    )
    ground = forms.ModelChoiceField(
        queryset=Ground.objects.all(), label=_("Motif"), empty_label=None
    )

    def __init__(self, *args, choices, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = choices


class GroundForm(forms.ModelForm):
    class Meta:
        model = Ground
        fields = ["article", "title", "wording"]
        widgets = {"wording": forms.Textarea(attrs={"rows": 3})}


class SentForm(forms.Form):
    sent_on = forms.DateField(label=_("Date d'envoi"), widget=DATE)


class PublishForm(forms.Form):
    release = forms.ModelChoiceField(
        queryset=Release.objects.none(),
        required=False,
        label=_("Retraits appliqués"),
        empty_label=_("Aucun (le plan en entier)"),
        help_text=_(
            "Les renseignements retirés par cette diffusion le sont aussi des pages publiques."
        ),
    )

    def __init__(self, *args, edition, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["release"].queryset = Release.objects.filter(edition=edition)
