"""The workbook's words in French and in English: sheet names, column headers, yes and no.

The export writes the words of the interface's language; the import reads a file in either
language (and the headers of older exports). These words are a file format, not interface
text: a file exported last year must still import, so they are fixed here rather than in the
translation catalogue. Choice values (statuses, kinds of benefit…) are the model's own labels,
translated as everywhere in the portal, and the import accepts them in both languages.
"""

from __future__ import annotations

from django.utils import translation

FRENCH, ENGLISH = "fr", "en"

SHEETS = {
    "Initiatives": "Initiatives",
    "Bénéfices": "Benefits",
    "Indicateurs": "Indicators",
    "Mesures": "Measurements",
    "Montants annuels": "Yearly amounts",
    "Risques": "Risks",
    "Atténuations": "Mitigations",
    "Jalons": "Milestones",
    "Contributions": "Contributions",
    # The plan's structure (roadmap/exchange/workbook.py)
    "Plan": "Plan",
    "Sections": "Sections",
    "Sujets": "Topics",
    "Éléments de section": "Section items",
    "Orientations stratégiques": "Strategic orientations",
    "Orientations": "Orientations",
    "Ambitions": "Ambitions",
    "Maturité": "Maturity",
    "Étapes de maturité": "Maturity stages",
    "Radar": "Radar",
    "Axes du radar": "Radar axes",
    "Risques du plan": "Plan risks",
    "Atténuations du plan": "Plan mitigations",
}

COLUMNS = {
    # Initiatives
    "Code": "Code",
    "Ambition": "Ambition",
    "Titre": "Title",
    "Acronyme": "Acronym",
    "Description": "Description",
    "Responsable": "Lead",
    "Unité": "Unit",
    "Statut": "Status",
    "Financée": "Funded",
    "Projet qualifié": "Qualified project",
    "Phase": "Phase",
    "Début de l'horizon": "Horizon start",
    "Fin de l'horizon": "Horizon end",
    "Budget ($)": "Budget ($)",
    # Benefits, indicators, measurements
    "Code de l'initiative": "Initiative code",
    "N° du bénéfice": "Benefit no.",
    "Nature": "Type",
    "Bénéfice": "Benefit",
    "Montant net ($)": "Net amount ($)",
    "Horizon (années)": "Horizon (years)",
    "Mesurable": "Measurable",
    "N° de l'indicateur": "Indicator no.",
    "Indicateur": "Indicator",
    "Unité de mesure": "Unit of measure",
    "Sens": "Direction",
    "Valeur de départ": "Baseline",
    "Cible": "Target",
    "Seuil": "Threshold",
    "Date de la mesure": "Measurement date",
    "Valeur": "Value",
    "Remarque": "Note",
    "Exercice": "Fiscal year",
    "Montant prévu ($)": "Planned amount ($)",
    "Montant réalisé ($)": "Realized amount ($)",
    "Date de la valeur de départ": "Baseline date",
    "Source des données": "Data source",
    "Fréquence de mesure": "Measurement frequency",
    # Risks, mitigations, milestones
    "N° du risque": "Risk no.",
    "Risque": "Risk",
    "Précisions": "Details",
    "N° de la mesure": "Mitigation no.",
    "Mesure d'atténuation": "Mitigation",
    "N° du jalon": "Milestone no.",
    "Jalon": "Milestone",
    "Échéance": "Due date",
    "Atteint": "Achieved",
    # Contributions
    "Section": "Section",
    "N° du sujet": "Topic no.",
    "Sujet (pour information)": "Topic (for information)",
    "N° de la contribution": "Contribution no.",
    "Intitulé": "Heading",
    "Texte": "Text",
    # The plan's structure
    "Champ": "Field",
    "Clé": "Key",
    "Type de section": "Section kind",
    "Rôle signataire": "Signing role",
    "Niveau": "Level",
    "Ordre": "Order",
    "Affiche l'énoncé de vision": "Shows the vision statement",
    "Signataire": "Signatory",
    "Titre du signataire": "Signatory title",
    "Texte de clôture": "Closing text",
    "Consignes du modèle": "Template guidance",
    "Raison de l'absence de contribution": "Reason for no contribution",
    "Probabilité (1 à 5)": "Probability (1 to 5)",
    "Impact (1 à 5)": "Impact (1 to 5)",
    "Responsable du risque": "Risk owner",
    "État du risque": "Risk status",
    "Prochaine revue": "Next review",
    "Introduction": "Introduction",
    "N°": "No.",
    "Libellé": "Label",
    "Orientations stratégiques servies": "Strategic orientations served",
    "Résultat": "Score",
    "Minimum de l'échelle": "Scale minimum",
    "Maximum de l'échelle": "Scale maximum",
    "Étape visée": "Target stage",
    "Échéance de la cible": "Target date",
    "Source": "Source",
    "Étape": "Stage",
    "Axe": "Axis",
}

# The « Plan » sheet: one row per field (the « Champ » column), in French and in English.
PLAN_FIELDS = {
    "Organisme public": "Public body",
    "Sigle": "Acronym",
    "Exercice": "Fiscal year",
    "Statut": "Status",
    "Modèle de plan": "Plan template",
    "Version du modèle": "Template version",
    "Version du format": "Format version",
    "Exporté le": "Exported on",
    "N° de mise à jour": "Update no.",
    "Énoncé de vision": "Vision statement",
    "Avertissement": "Notice",
}
_FRENCH_PLAN_FIELD = {english: french for french, english in PLAN_FIELDS.items()}

# Headers of earlier exports, still read.
ALIASES = {"Responsable (identifiant)": "Responsable"}

YES = {FRENCH: "Oui", ENGLISH: "Yes"}
NO = {FRENCH: "Non", ENGLISH: "No"}

_FRENCH_SHEET = {english: french for french, english in SHEETS.items()}
_FRENCH_COLUMN = {english: french for french, english in COLUMNS.items()}
_ENGLISH_ONLY = set(_FRENCH_COLUMN) - set(COLUMNS)


def language(code: str | None = None) -> str:
    """``fr`` or ``en``, from a language code (by default the active one)."""
    code = code or translation.get_language() or FRENCH
    return ENGLISH if code.lower().startswith(ENGLISH) else FRENCH


def sheet_name(french: str, lang: str) -> str:
    return SHEETS.get(french, french) if lang == ENGLISH else french


def column_name(french: str, lang: str) -> str:
    return COLUMNS.get(french, french) if lang == ENGLISH else french


def french_sheet(name: str) -> str:
    return _FRENCH_SHEET.get(name, name)


def plan_field(french: str, lang: str) -> str:
    return PLAN_FIELDS.get(french, french) if lang == ENGLISH else french


def french_plan_field(name: str) -> str:
    return _FRENCH_PLAN_FIELD.get(name, name)


def french_column(name: str) -> str:
    return ALIASES.get(name) or _FRENCH_COLUMN.get(name, name)


def language_of(headers: list[str]) -> str:
    """The language a sheet was written in, from its headers."""
    return ENGLISH if any(h in _ENGLISH_ONLY for h in headers) else FRENCH


def translation_code(lang: str) -> str:
    """The Django language to render a sheet's values in (choice labels)."""
    return "en" if lang == ENGLISH else "fr-ca"
