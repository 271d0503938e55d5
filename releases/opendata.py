"""The published edition as open data: CSV files and the Frictionless Data `datapackage.json`
that describes them (fields, types, licence CC-BY 4.0 as Québec's open data uses), ready for a
Données Québec (CKAN) dataset.

The files read the same redacted proxies as the public pages: a withheld value is the words
« Renseignement retiré — art. 22 » (declared as a missing value of the file's schema, so that a
number column stays a number column), a withheld passage those words within its text.
Columns are declared once (`TABLES`): the header, the schema and the rows come from there.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from releases.models import Publication
from releases.pdf import redacted_context
from releases.redaction import TOKEN_RE, Redaction, Withheld, box_words

LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/deed.fr",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # a Frictionless type: string, integer, number, boolean
    title: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Callable[[dict], Iterable]


def _shown(value: Any) -> Any:
    """A display method's answer, or the marker that stands for it when withheld."""
    return value() if callable(value) else value


def _initiative_rows(context: dict) -> Iterable:
    return context["initiatives"]


def _benefit_rows(context: dict) -> Iterable:
    for initiative in context["initiatives"]:
        for benefit in initiative.benefits.all():
            yield initiative, benefit


def _indicator_rows(context: dict) -> Iterable:
    for initiative, benefit in _benefit_rows(context):
        for indicator in benefit.indicators.all():
            yield initiative, benefit, indicator


def _risk_rows(context: dict) -> Iterable:
    for risk in context["plan_risks"]:
        yield None, risk
    for initiative in context["initiatives"]:
        for risk in initiative.risks.all():
            yield initiative, risk


def _mitigation_rows(context: dict) -> Iterable:
    for number, (initiative, risk) in enumerate(_risk_rows(context), start=1):
        for mitigation in risk.mitigations.all():
            yield number, initiative, mitigation


TABLES = (
    Table(
        "sections",
        "Sections du plan",
        (
            Column("ordre", "integer", "Ordre", lambda s: s.order),
            Column("cle", "string", "Clé de la section", lambda s: s.key),
            Column("niveau", "integer", "Niveau", lambda s: s.level),
            Column("titre", "string", "Titre", lambda s: s.title),
            Column("texte", "string", "Texte (Markdown)", lambda s: s.body),
            Column(
                "texte_cloture", "string", "Texte de clôture (Markdown)", lambda s: s.conclusion
            ),
        ),
        lambda context: context["sections"],
    ),
    Table(
        "initiatives",
        "Initiatives de la feuille de route",
        (
            Column("code", "string", "Code", lambda i: i.code),
            Column("titre", "string", "Titre", lambda i: i.title),
            Column("acronyme", "string", "Acronyme", lambda i: i.acronym),
            Column("description", "string", "Description (Markdown)", lambda i: i.description),
            Column("statut", "string", "Statut", lambda i: _shown(i.get_status_display)),
            Column("financee", "boolean", "Financée", lambda i: i.funded),
            Column("projet_qualifie", "boolean", "Projet qualifié", lambda i: i.qualified_project),
            Column("phase", "string", "Phase", lambda i: i.phase),
            Column(
                "horizon_debut", "integer", "Début de l'horizon (année)", lambda i: i.horizon_start
            ),
            Column("horizon_fin", "integer", "Fin de l'horizon (année)", lambda i: i.horizon_end),
            Column("budget", "integer", "Budget ($)", lambda i: i.budget),
        ),
        _initiative_rows,
    ),
    Table(
        "benefices",
        "Bénéfices des initiatives",
        (
            Column("initiative", "string", "Code de l'initiative", lambda r: r[0].code),
            Column("ordre", "integer", "Ordre", lambda r: r[1].order),
            Column("nature", "string", "Nature", lambda r: r[1].get_kind_display()),
            Column("description", "string", "Bénéfice", lambda r: r[1].description),
            Column("montant", "integer", "Montant net ($)", lambda r: r[1].amount),
            Column(
                "horizon_annees",
                "integer",
                "Horizon (années d'exploitation)",
                lambda r: r[1].horizon_years,
            ),
        ),
        _benefit_rows,
    ),
    Table(
        "indicateurs",
        "Indicateurs des bénéfices",
        (
            Column("initiative", "string", "Code de l'initiative", lambda r: r[0].code),
            Column("benefice", "integer", "Ordre du bénéfice", lambda r: r[1].order),
            Column("nom", "string", "Indicateur", lambda r: r[2].name),
            Column("unite", "string", "Unité de mesure", lambda r: r[2].unit),
            Column("valeur_depart", "number", "Valeur de départ", lambda r: r[2].baseline),
            Column("cible", "number", "Cible", lambda r: r[2].target),
            Column("seuil", "number", "Seuil", lambda r: r[2].threshold),
        ),
        _indicator_rows,
    ),
    Table(
        "risques",
        "Risques du plan et des initiatives",
        (
            Column("numero", "integer", "Numéro du risque dans ce fichier", lambda r: None),
            Column(
                "initiative",
                "string",
                "Code de l'initiative (vide : risque du plan)",
                lambda r: r[0].code if r[0] else "",
            ),
            Column("risque", "string", "Risque", lambda r: r[1].title),
            Column("precisions", "string", "Précisions", lambda r: r[1].description),
        ),
        _risk_rows,
    ),
    Table(
        "mesures_attenuation",
        "Mesures de gestion et d'atténuation des risques",
        (
            Column("risque", "integer", "Numéro du risque (fichier risques)", lambda r: r[0]),
            Column(
                "initiative",
                "string",
                "Code de l'initiative (vide : risque du plan)",
                lambda r: r[1].code if r[1] else "",
            ),
            Column("mesure", "string", "Mesure", lambda r: r[2].text),
        ),
        _mitigation_rows,
    ),
)

TABLE_NAMES = {table.name for table in TABLES}


def _plain(value: Any, redaction: Redaction) -> str:
    """A cell: withheld information in words, numbers with a point, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, Withheld):
        return box_words(value.ground)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    text = str(value)

    def words(match) -> str:
        ground = redaction.grounds.get(int(match[1]))
        return box_words(ground) if ground else ""

    return TOKEN_RE.sub(words, text)


def _context(publication: Publication) -> tuple[dict, Redaction]:
    redaction = Redaction.of_release(publication.release, public=True)
    return redacted_context(publication.edition, redaction), redaction


def table_csv(publication: Publication, name: str) -> bytes:
    """One table as CSV: UTF-8, comma-separated, a header of the columns' names."""
    table = next(t for t in TABLES if t.name == name)
    context, redaction = _context(publication)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in table.columns])
    for number, row in enumerate(table.rows(context), start=1):
        values = [
            number if column.name == "numero" else column.value(row) for column in table.columns
        ]
        writer.writerow([_plain(value, redaction) for value in values])
    return buffer.getvalue().encode("utf-8")


def datapackage(publication: Publication, base_url: str) -> dict:
    """The Frictionless Data package describing the files (tabular-data-package)."""
    edition = publication.edition
    body = edition.body
    redaction = Redaction.of_release(publication.release, public=True)
    missing = ["", *sorted(box_words(g) for g in redaction.grounds.values())]
    return {
        "profile": "tabular-data-package",
        "name": f"ptn-{body.slug}-{edition.fiscal_year}",
        "title": f"Plan de transformation numérique {body.name_in_sentence}, {edition.fiscal_year}",
        "description": (
            "Le Plan de transformation numérique tel que publié : sections, initiatives, "
            "bénéfices, indicateurs, risques et mesures d'atténuation. Les renseignements "
            "retirés en vertu de la Loi sur l'accès aux documents des organismes publics "
            "(chapitre A-2.1) sont remplacés par la mention « Renseignement retiré » suivie "
            "de l'article invoqué."
        ),
        "language": "fr-CA",
        "publisher": body.name,
        "licenses": [LICENCE],
        "created": publication.published_at.isoformat() if publication.published_at else None,
        "resources": [
            {
                "name": table.name,
                "title": table.title,
                "path": f"{base_url}{table.name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True},
                "licenses": [LICENCE],
                "schema": {
                    "fields": [
                        {"name": c.name, "type": c.type, "title": c.title} for c in table.columns
                    ],
                    "missingValues": missing,
                },
            }
            for table in TABLES
        ],
    }


def datapackage_json(publication: Publication, base_url: str) -> bytes:
    return json.dumps(datapackage(publication, base_url), ensure_ascii=False, indent=2).encode()
