"""The workbook with the plan's structure: a « Plan » sheet and a sheet for each part of the
plan that is not an initiative's (sections, topics, orientations, ambitions, maturity, radar,
plan risks), after the initiatives' sheets of the service.

The export writes them; the import reads them first, in the same transaction as the
initiatives' sheets, with the records of the JSON document's import (roadmap/exchange/
document.py): found by their natural keys, created or updated (with history and the next
version number), never deleted — a workbook, unlike the JSON document, may hold part of the
plan. A problem is reported at its sheet, row and column; one problem anywhere and nothing is
written.

The sheets of one part travel together (sections with topics, orientations with ambitions and
the strategic plan's orientations, maturity with its stages, the radar with its axes, the plan's
risks with their mitigations): a workbook that holds one without the other is refused, rather
than reading a missing sheet as « nothing ».
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import tablib
from django.utils import timezone, translation

from roadmap.exchange import vocabulary
from roadmap.exchange.document import (
    FORMAT,
    _apply_edition,
    _apply_maturity,
    _apply_orientations,
    _apply_radar,
    _apply_risks,
    _apply_sections,
    _Sync,
    export_structure,
)
from roadmap.exchange.files import Sheet, write_xlsx
from roadmap.exchange.resources import follow_up_refusal
from roadmap.exchange.service import (
    ImportReport,
    Problem,
    _export_datasets,
    _extra_datasets,
    run_import,
)
from roadmap.models import Edition, PlanRisk, PlanRiskMitigation

# Each structure sheet: its columns (French), and the document field each column holds.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    "Sections": [
        ("Clé", "key"),
        ("Titre", "title"),
        ("Type de section", "kind"),
        ("Rôle signataire", "signer_role"),
        ("Niveau", "level"),
        ("Ordre", "order"),
        ("Affiche l'énoncé de vision", "shows_vision"),
        ("Signataire", "signatory_name"),
        ("Titre du signataire", "signatory_title"),
        ("Texte", "body"),
        ("Texte de clôture", "conclusion"),
        ("Consignes du modèle", "guidance"),
        ("Raison de l'absence de contribution", "no_contribution_reason"),
    ],
    "Sujets": [
        ("Section", "section"),
        ("N° du sujet", "order"),
        ("Titre", "title"),
        ("Introduction", "intro"),
    ],
    "Éléments de section": [
        ("Section", "section"),
        ("Ordre", "order"),
        ("Titre", "title"),
        ("Texte", "text"),
    ],
    "Orientations stratégiques": [("N°", "number"), ("Libellé", "title")],
    "Orientations": [
        ("N°", "number"),
        ("Libellé", "title"),
        ("Orientations stratégiques servies", "strategic_orientations"),
    ],
    "Ambitions": [("Ambition", "code"), ("Libellé", "title")],
    "Maturité": [
        ("Résultat", "score"),
        ("Minimum de l'échelle", "scale_min"),
        ("Maximum de l'échelle", "scale_max"),
        ("Étape visée", "target_stage"),
        ("Échéance de la cible", "target_date"),
        ("Source", "source"),
    ],
    "Étapes de maturité": [("Étape", "number"), ("Libellé", "label")],
    "Radar": [
        ("Minimum de l'échelle", "scale_min"),
        ("Maximum de l'échelle", "scale_max"),
        ("Source", "source"),
    ],
    "Axes du radar": [("Ordre", "order"), ("Axe", "category"), ("Résultat", "score")],
    "Risques du plan": [
        ("N° du risque", "order"),
        ("Risque", "title"),
        ("Précisions", "description"),
        ("Probabilité (1 à 5)", "probability"),
        ("Impact (1 à 5)", "impact"),
        ("Responsable du risque", "owner"),
        ("État du risque", "status"),
        ("Prochaine revue", "review_date"),
    ],
    "Atténuations du plan": [
        ("N° du risque", "risk"),
        ("N° de la mesure", "order"),
        ("Mesure d'atténuation", "text"),
    ],
}
GROUPS = [
    ("Sections", "Sujets", "Éléments de section"),
    ("Orientations stratégiques", "Orientations", "Ambitions"),
    ("Maturité", "Étapes de maturité"),
    ("Radar", "Axes du radar"),
    ("Risques du plan", "Atténuations du plan"),
]
PLAN = "Plan"
# Model fields (as the records' problems name them) → document fields, where they differ.
MODEL_FIELDS = {"number": "number", "category": "category"}


def _columns(sheet: str) -> list[tuple[str, str]]:
    return COLUMNS[sheet]


def _risk_statuses() -> dict[str, list[str]]:
    """A risk's status by its code: its labels in French and in English (the workbook writes
    the label of its language and reads either, or the code)."""
    found: dict[str, list[str]] = {}
    for lang in (vocabulary.FRENCH, vocabulary.ENGLISH):
        with translation.override(vocabulary.translation_code(lang)):
            for code, label in PlanRisk.Status.choices:
                found.setdefault(code, []).append(str(label))
    return found


def _risk_status_label(code: str, lang: str) -> str:
    with translation.override(vocabulary.translation_code(lang)):
        return str(PlanRisk.Status(code).label)


# --- Export ---------------------------------------------------------------------------------


def _yes_no(value: bool, lang: str) -> str:
    return vocabulary.YES[lang] if value else vocabulary.NO[lang]


def _plan_rows(edition: Edition, document: dict) -> list[tuple[str, object]]:
    header = document["edition"]
    template = header.get("template") or {}
    return [
        ("Organisme public", document["body"]["name"]),
        ("Sigle", document["body"]["acronym"]),
        ("Exercice", header["fiscal_year"]),
        ("Statut", edition.get_status_display()),
        ("Modèle de plan", template.get("code", "")),
        ("Version du modèle", template.get("version", "")),
        ("Version du format", FORMAT),
        ("Exporté le", timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        ("N° de mise à jour", header["update_number"]),
        ("Énoncé de vision", header["vision"]),
        ("Avertissement", header["notice"]),
    ]


def _structure_rows(document: dict, lang: str) -> dict[str, list[dict]]:
    sections = document["sections"]
    return {
        "Sections": [{**s, "shows_vision": _yes_no(s["shows_vision"], lang)} for s in sections],
        "Sujets": [{**t, "section": s["key"]} for s in sections for t in s["topics"]],
        "Éléments de section": [{**i, "section": s["key"]} for s in sections for i in s["items"]],
        "Orientations stratégiques": document["strategic_orientations"],
        "Orientations": [
            {**o, "strategic_orientations": ", ".join(map(str, o["strategic_orientations"]))}
            for o in document["orientations"]
        ],
        "Ambitions": [
            {"code": f"{o['number']}.{a['number']}", "title": a["title"]}
            for o in document["orientations"]
            for a in o["ambitions"]
        ],
        "Maturité": [document["maturity"]] if document["maturity"] else [],
        "Étapes de maturité": (document["maturity"] or {}).get("stages", []),
        "Radar": [document["radar"]] if document["radar"] else [],
        "Axes du radar": (document["radar"] or {}).get("axes", []),
        "Risques du plan": [
            {**r, "status": _risk_status_label(r["status"], lang)} for r in document["plan_risks"]
        ],
        "Atténuations du plan": [
            {**m, "risk": r["order"]} for r in document["plan_risks"] for m in r["mitigations"]
        ],
    }


def _cell(value):
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.date.fromisoformat(value)
    return "" if value is None else value


def structure_datasets(edition: Edition, lang: str) -> list[tuple[str, tablib.Dataset]]:
    """The « Plan » sheet first, then one sheet per part of the structure."""
    document = export_structure(edition)
    column = lambda name: vocabulary.column_name(name, lang)  # noqa: E731
    with translation.override(vocabulary.translation_code(lang)):
        plan = tablib.Dataset(headers=[column("Champ"), column("Valeur")])
        for name, value in _plan_rows(edition, document):
            plan.append([vocabulary.plan_field(name, lang), value])
    datasets = [(vocabulary.sheet_name(PLAN, lang), plan)]
    rows = _structure_rows(document, lang)
    for sheet in COLUMNS:
        columns = _columns(sheet)
        dataset = tablib.Dataset(headers=[column(c) for c, _f in columns])
        for row in rows[sheet]:
            dataset.append([_cell(row.get(f)) for _c, f in columns])
        datasets.append((vocabulary.sheet_name(sheet, lang), dataset))
    return datasets


def export_workbook(
    edition: Edition,
    initiatives=None,
    lang: str = vocabulary.FRENCH,
    options: Mapping[str, str] | None = None,
) -> bytes:
    """The « Plan » sheet, the initiatives' sheets (limited to ``initiatives`` when the roadmap
    is filtered), the plan's structure, then the sheets other apps add (the follow-up's progress
    reports; its « État d'avancement » when ``options`` asks for it, see ExtraSheet)."""
    plan, *structure = structure_datasets(edition, lang)
    extras = _extra_datasets(edition, initiatives, lang, options)
    return write_xlsx([plan, *_export_datasets(edition, initiatives, lang), *structure, *extras])


# --- Import ---------------------------------------------------------------------------------


class _Cells:
    """Reads a structure sheet's cells into document values; a problem is reported at its
    sheet, row and column."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report

    def problem(self, sheet: str, row: int | None, column: str, message: str) -> None:
        self.report.problems.append(Problem(sheet, row, column, message))

    def rows(self, sheet: Sheet) -> list[tuple[int, dict]]:
        """Each non-blank row as {document field: cell}, with its spreadsheet row number."""
        columns = _columns(sheet.name)
        wanted = {c for c, _f in columns}
        for header in sheet.headers:
            if header not in wanted:
                self.problem(sheet.name, 1, header or "(vide)", "Colonne inconnue.")
        fields = {c: f for c, f in columns}
        positions = {fields[h]: i for i, h in enumerate(sheet.headers) if h in fields}
        for c, f in columns:
            if f not in positions:
                self.problem(sheet.name, 1, c, "Colonne manquante.")
        found = []
        for number, row in enumerate(sheet.rows, start=2):
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in row):
                continue
            found.append(
                (number, {f: row[i] if i < len(row) else None for f, i in positions.items()})
            )
        return found

    def text(self, value, where, *, required: bool = False) -> str:
        text = "" if value is None else str(value).strip()
        if isinstance(value, datetime.datetime):
            text = value.date().isoformat()
        if required and not text:
            self.problem(*where, "Cette cellule ne peut pas être vide.")
        return text

    def whole(self, value, where, *, required: bool = True) -> int | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(*where, "Un nombre entier est attendu.")
            return None
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or number != number.to_integral_value() or isinstance(value, bool):
            self.problem(*where, f"« {value} » n'est pas un nombre entier.")
            return None
        return int(number)

    def decimal(self, value, where, *, required: bool = True) -> float | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(*where, "Un nombre est attendu.")
            return None
        try:
            text = re.sub(r"[\s\u00a0\u202f]", "", str(value)).replace(",", ".")
            return float(Decimal(text))
        except InvalidOperation:
            self.problem(*where, f"« {value} » n'est pas un nombre.")
            return None

    def date(self, value, where, *, required: bool = True) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem(*where, "Une date est attendue (ex. : 2025-03-31).")
            return None
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        try:
            return datetime.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            self.problem(*where, f"« {value} » n'est pas une date (ex. : 2025-03-31).")
            return None

    def choice(self, value, choices, where, default: str) -> str:
        """A choice by its code or its label (French or English, any case); empty: ``default``."""
        text = "" if value is None else str(value).strip()
        if not text:
            return default
        for code, labels in choices.items():
            if text.casefold() in {code.casefold(), *(label.casefold() for label in labels)}:
                return code
        names = ", ".join(labels[0] for labels in choices.values())
        self.problem(*where, f"« {text} » n'est pas une valeur permise ({names}).")
        return default

    def yes_no(self, value, where) -> bool:
        folded = "" if value is None else str(value).strip().casefold()
        if value is True or folded in {"oui", "yes", "vrai", "true", "1", "x"}:
            return True
        if value in (None, False) or folded in {"", "non", "no", "faux", "false", "0"}:
            return False
        self.problem(*where, f"« {value} » : écrivez Oui ou Non.")
        return False


def read_structure(edition: Edition, sheets: list[Sheet], report: ImportReport) -> set[str]:
    """The structure sheets among ``sheets`` (French names), applied to ``edition`` (within the
    import's transaction); returns the names of the sheets it read."""
    by_name = {s.name: s for s in sheets if s.name in COLUMNS or s.name == PLAN}
    if not by_name:
        return set()
    start = len(report.problems)
    cells = _Cells(report)
    for group in GROUPS:
        present = [name for name in group if name in by_name]
        if present and len(present) != len(group):
            for name in group:
                if name not in by_name:
                    cells.problem(
                        name, None, "",
                        f"Feuille manquante : elle accompagne la feuille « {present[0]} ».",
                    )  # fmt: skip
    rows = {name: cells.rows(sheet) for name, sheet in by_name.items() if name != PLAN}
    places: dict[str, tuple[str, int]] = {}  # JSON path → sheet and row, for the records' problems
    parts = _read_parts(cells, rows, places)
    plan = _read_plan(cells, by_name.get(PLAN), places) if PLAN in by_name else None
    if len(report.problems) > start:
        return set(by_name)
    sync = _Sync(report)
    if edition.is_followed_up:  # approved: the plan's risks' follow-up only
        sync.frozen = lambda model, new: _follow_up_refusal(edition, model, new=new)
    if plan is not None:
        _apply_edition(sync, edition, plan)
    if "Sections" in parts:
        _apply_sections(sync, edition, parts["Sections"])
    if "Orientations" in parts:
        _apply_orientations(sync, edition, parts["Orientations"])
    if "Maturité" in parts:
        _apply_maturity(sync, edition, parts["Maturité"])
    if "Radar" in parts:
        _apply_radar(sync, edition, parts["Radar"])
    if "Risques du plan" in parts:
        _apply_risks(
            sync, "Risques du plan", "Atténuations du plan",
            PlanRisk.objects.filter(edition=edition),
            PlanRiskMitigation.objects.filter(risk__edition=edition).select_related("risk"),
            lambda r: (), lambda m: (), [((), {"edition": edition}, "$.plan_risks", parts["Risques du plan"], "")],
            PlanRisk, PlanRiskMitigation,
        )  # fmt: skip
    _locate(report, start, places)
    return set(by_name)


# The structure sheet of each model that has follow-up columns (Versioned.FOLLOW_UP_FIELDS).
FOLLOW_UP_SHEETS = {PlanRisk: "Risques du plan"}


def _follow_up_refusal(edition: Edition, model, *, new: bool) -> str:
    sheet = FOLLOW_UP_SHEETS.get(model)
    allowed = getattr(model, "FOLLOW_UP_FIELDS", frozenset())
    columns = [c for c, f in COLUMNS[sheet] if f in allowed] if sheet else []
    return follow_up_refusal(edition, columns, new=new)


def _read_plan(cells: _Cells, sheet: Sheet, places: dict) -> dict | None:
    values = {}
    for number, row in enumerate(sheet.rows, start=2):
        if not row or row[0] is None:
            continue
        values[vocabulary.french_plan_field(str(row[0]).strip())] = (
            (row[1] if len(row) > 1 else None),
            number,
        )
    found = values.get("Version du format")
    if found and found[0] and str(found[0]).strip() != FORMAT:
        cells.problem(
            PLAN,
            found[1],
            "Valeur",
            f"Version du format inconnue : « {found[0]} » (attendu : {FORMAT}).",
        )
    for name, path in (
        ("N° de mise à jour", "update_number"),
        ("Énoncé de vision", "vision"),
        ("Avertissement", "notice"),
    ):
        if name in values:
            places[f"$.edition.{path}"] = (PLAN, values[name][1])
    update = values.get("N° de mise à jour")
    found = {}
    code, version = values.get("Modèle de plan"), values.get("Version du modèle")
    if code is not None or version is not None:
        # The template the plan follows: both cells empty, none.
        code_text = cells.text((code or (None,))[0], None)
        if code_text:
            where = (PLAN, (version or code)[1], "Valeur")
            number = cells.whole((version or (None,))[0], where)
            found["template"] = {"code": code_text, "version": number}
            places["$.edition.template"] = (PLAN, code[1])
        else:
            found["template"] = None
    return {
        **found,
        "update_number": cells.whole(update[0], (PLAN, update[1], "Valeur")) if update else 0,
        "vision": cells.text(values.get("Énoncé de vision", (None,))[0], (PLAN, None, "Valeur")),
        "notice": cells.text(values.get("Avertissement", (None,))[0], (PLAN, None, "Valeur")),
    }


def _read_parts(cells: _Cells, rows: dict, places: dict) -> dict:
    """Each group of sheets as the document's fragment (the JSON document's shape)."""
    parts: dict = {}
    at = lambda sheet, number, column: (sheet, number, column)  # noqa: E731
    if all(n in rows for n in ("Sections", "Sujets", "Éléments de section")):
        sections, by_key = [], {}
        for number, r in rows["Sections"]:
            section = {
                "key": cells.text(r.get("key"), at("Sections", number, "Clé"), required=True),
                "title": cells.text(r.get("title"), at("Sections", number, "Titre"), required=True),
                "level": cells.whole(r.get("level"), at("Sections", number, "Niveau")),
                "order": cells.whole(r.get("order"), at("Sections", number, "Ordre")),
                "kind": cells.text(
                    r.get("kind"), at("Sections", number, "Type de section"), required=True
                ),
                "signer_role": cells.text(r.get("signer_role"), None),
                "shows_vision": cells.yes_no(
                    r.get("shows_vision"), at("Sections", number, "Affiche l'énoncé de vision")
                ),
                "signatory_name": cells.text(r.get("signatory_name"), None),
                "signatory_title": cells.text(r.get("signatory_title"), None),
                "body": cells.text(r.get("body"), None),
                "conclusion": cells.text(r.get("conclusion"), None),
                "guidance": cells.text(r.get("guidance"), None),
                "no_contribution_reason": cells.text(r.get("no_contribution_reason"), None),
                "topics": [],
                "items": [],
            }
            if section["key"] in by_key:
                cells.problem("Sections", number, "Clé", f"« {section['key']} » est en double.")
            places[f"$.sections[{len(sections)}]"] = ("Sections", number)
            by_key[section["key"]] = (len(sections), section)
            sections.append(section)
        for number, r in rows["Sujets"]:
            key = cells.text(r.get("section"), at("Sujets", number, "Section"), required=True)
            if key not in by_key:
                cells.problem("Sujets", number, "Section", f"Section inconnue : « {key} ».")
                continue
            index, section = by_key[key]
            places[f"$.sections[{index}].topics[{len(section['topics'])}]"] = ("Sujets", number)
            section["topics"].append(
                {
                    "order": cells.whole(r.get("order"), at("Sujets", number, "N° du sujet")),
                    "title": cells.text(
                        r.get("title"), at("Sujets", number, "Titre"), required=True
                    ),
                    "intro": cells.text(r.get("intro"), None),
                }
            )
        for number, r in rows["Éléments de section"]:
            key = cells.text(
                r.get("section"), at("Éléments de section", number, "Section"), required=True
            )
            if key not in by_key:
                cells.problem(
                    "Éléments de section", number, "Section", f"Section inconnue : « {key} »."
                )
                continue
            index, section = by_key[key]
            places[f"$.sections[{index}].items[{len(section['items'])}]"] = (
                "Éléments de section",
                number,
            )
            section["items"].append(
                {
                    "order": cells.whole(
                        r.get("order"), at("Éléments de section", number, "Ordre")
                    ),
                    "title": cells.text(
                        r.get("title"), at("Éléments de section", number, "Titre"), required=True
                    ),
                    "text": cells.text(r.get("text"), None),
                }
            )
        parts["Sections"] = sections
    names = ("Orientations stratégiques", "Orientations", "Ambitions")
    if all(n in rows for n in names):
        strategic = []
        for number, r in rows[names[0]]:
            places[f"$.strategic_orientations[{len(strategic)}]"] = (names[0], number)
            strategic.append(
                {
                    "number": cells.whole(r.get("number"), at(names[0], number, "N°")),
                    "title": cells.text(
                        r.get("title"), at(names[0], number, "Libellé"), required=True
                    ),
                }
            )
        orientations, by_number = [], {}
        for number, r in rows[names[1]]:
            served = []
            for part in re.split(r"[,;\s]+", cells.text(r.get("strategic_orientations"), None)):
                if part:
                    served.append(
                        cells.whole(part, at(names[1], number, "Orientations stratégiques servies"))
                    )
            orientation = {
                "number": cells.whole(r.get("number"), at(names[1], number, "N°")),
                "title": cells.text(r.get("title"), at(names[1], number, "Libellé"), required=True),
                "strategic_orientations": served,
                "ambitions": [],
            }
            places[f"$.orientations[{len(orientations)}]"] = (names[1], number)
            by_number[orientation["number"]] = len(orientations)
            orientations.append(orientation)
        for number, r in rows[names[2]]:
            code = cells.text(r.get("code"), at(names[2], number, "Ambition"), required=True)
            match = re.fullmatch(r"(\d+)\.(\d+)", code)
            if not match:
                if code:
                    cells.problem(
                        names[2],
                        number,
                        "Ambition",
                        f"« {code} » n'est pas un code d'ambition (ex. : 2.1).",
                    )
                continue
            if int(match[1]) not in by_number:
                cells.problem(
                    names[2],
                    number,
                    "Ambition",
                    f"L'orientation {match[1]} n'est pas dans la feuille Orientations.",
                )
                continue
            index = by_number[int(match[1])]
            ambitions = orientations[index]["ambitions"]
            places[f"$.orientations[{index}].ambitions[{len(ambitions)}]"] = (names[2], number)
            ambitions.append(
                {
                    "number": int(match[2]),
                    "title": cells.text(
                        r.get("title"), at(names[2], number, "Libellé"), required=True
                    ),
                }
            )
        parts["Orientations"] = {"strategic_orientations": strategic, "orientations": orientations}
    if "Maturité" in rows and "Étapes de maturité" in rows:
        maturity = None
        for number, r in rows["Maturité"][:1]:
            places["$.maturity"] = ("Maturité", number)
            maturity = {
                "score": cells.decimal(
                    r.get("score"), at("Maturité", number, "Résultat"), required=False
                ),
                "scale_min": cells.whole(
                    r.get("scale_min"), at("Maturité", number, "Minimum de l'échelle")
                ),
                "scale_max": cells.whole(
                    r.get("scale_max"), at("Maturité", number, "Maximum de l'échelle")
                ),
                "target_stage": cells.whole(
                    r.get("target_stage"), at("Maturité", number, "Étape visée"), required=False
                ),
                "target_date": cells.date(
                    r.get("target_date"),
                    at("Maturité", number, "Échéance de la cible"),
                    required=False,
                ),
                "source": cells.text(r.get("source"), None),
                "stages": [],
            }
            for k, (n, s) in enumerate(rows["Étapes de maturité"]):
                places[f"$.maturity.stages[{k}]"] = ("Étapes de maturité", n)
                maturity["stages"].append(
                    {
                        "number": cells.whole(
                            s.get("number"), at("Étapes de maturité", n, "Étape")
                        ),
                        "label": cells.text(
                            s.get("label"), at("Étapes de maturité", n, "Libellé"), required=True
                        ),
                    }
                )
        if maturity is not None:
            parts["Maturité"] = maturity
    if "Radar" in rows and "Axes du radar" in rows:
        radar = None
        for number, r in rows["Radar"][:1]:
            places["$.radar"] = ("Radar", number)
            radar = {
                "scale_min": cells.whole(
                    r.get("scale_min"), at("Radar", number, "Minimum de l'échelle")
                ),
                "scale_max": cells.whole(
                    r.get("scale_max"), at("Radar", number, "Maximum de l'échelle")
                ),
                "source": cells.text(r.get("source"), None),
                "axes": [],
            }
            for k, (n, a) in enumerate(rows["Axes du radar"]):
                places[f"$.radar.axes[{k}]"] = ("Axes du radar", n)
                radar["axes"].append(
                    {
                        "order": cells.whole(a.get("order"), at("Axes du radar", n, "Ordre")),
                        "category": cells.text(
                            a.get("category"), at("Axes du radar", n, "Axe"), required=True
                        ),
                        "score": cells.decimal(
                            a.get("score"), at("Axes du radar", n, "Résultat"), required=False
                        ),
                    }
                )
        if radar is not None:
            parts["Radar"] = radar
    if "Risques du plan" in rows and "Atténuations du plan" in rows:
        risks, by_order, statuses = [], {}, _risk_statuses()
        for number, r in rows["Risques du plan"]:
            where = lambda column: at("Risques du plan", number, column)  # noqa: B023, E731
            risk = {
                "order": cells.whole(r.get("order"), at("Risques du plan", number, "N° du risque")),
                "title": cells.text(
                    r.get("title"), at("Risques du plan", number, "Risque"), required=True
                ),
                "description": cells.text(r.get("description"), None),
                "probability": cells.whole(
                    r.get("probability"), where("Probabilité (1 à 5)"), required=False
                ),
                "impact": cells.whole(r.get("impact"), where("Impact (1 à 5)"), required=False),
                "owner": cells.text(r.get("owner"), None),
                "status": cells.choice(
                    r.get("status"), statuses, where("État du risque"), PlanRisk.Status.OPEN
                ),
                "review_date": cells.date(
                    r.get("review_date"), where("Prochaine revue"), required=False
                ),
                "mitigations": [],
            }
            places[f"$.plan_risks[{len(risks)}]"] = ("Risques du plan", number)
            by_order[risk["order"]] = len(risks)
            risks.append(risk)
        for number, m in rows["Atténuations du plan"]:
            order = cells.whole(m.get("risk"), at("Atténuations du plan", number, "N° du risque"))
            if order not in by_order:
                if order is not None:
                    cells.problem(
                        "Atténuations du plan",
                        number,
                        "N° du risque",
                        f"Risque inconnu : « {order} ».",
                    )
                continue
            index = by_order[order]
            places[f"$.plan_risks[{index}].mitigations[{len(risks[index]['mitigations'])}]"] = (
                "Atténuations du plan",
                number,
            )
            risks[index]["mitigations"].append(
                {
                    "order": cells.whole(
                        m.get("order"), at("Atténuations du plan", number, "N° de la mesure")
                    ),
                    "text": cells.text(
                        m.get("text"),
                        at("Atténuations du plan", number, "Mesure d'atténuation"),
                        required=True,
                    ),
                }
            )
        parts["Risques du plan"] = risks
    return parts


def _locate(report: ImportReport, start: int, places: dict) -> None:
    """The records' problems (at a JSON path of the fragments) at their sheet, row and column."""
    for problem in report.problems[start:]:
        path = problem.sheet
        if not path.startswith("$"):
            continue
        prefix = max(
            (p for p in places if path == p or path.startswith(p + ".")), key=len, default=None
        )
        if prefix is None:
            continue
        sheet, row = places[prefix]
        field = path[len(prefix) + 1 :]
        if sheet == PLAN:  # one row per field: its value
            column = "Valeur"
        else:
            column = next((c for c, f in COLUMNS.get(sheet, []) if f == field), field)
        problem.sheet, problem.row, problem.column = sheet, row, column


def import_workbook(edition: Edition, sheets: list[Sheet], **options) -> ImportReport:
    """The workbook's import, the plan's structure included."""
    return run_import(edition, sheets, structure=read_structure, **options)
