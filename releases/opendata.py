"""The published edition as open data: CSV files, the whole plan as the `ptn-plan/1` JSON
document (`plan.json`, see below), and the Frictionless Data `datapackage.json` that describes them (fields, types, licence CC-BY 4.0 as Québec's open data uses), ready for a
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

from initiatives.models import Contribution, Initiative
from releases.models import Ground, Publication
from releases.pdf import redacted_context
from releases.redaction import (
    REDACTABLE,
    TOKEN_RE,
    Redaction,
    Withheld,
    box_words,
    replace_passages,
)
from roadmap.exchange import document
from roadmap.models import Orientation, PlanRisk, Section, StrategicOrientation, Topic

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
        # Not only tables: the plan's JSON document is one of the resources.
        "profile": "data-package",
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
        ]
        + [
            {
                "name": "plan",
                "title": "Le plan entier (document ptn-plan/1)",
                "description": (
                    "L'édition entière en un document JSON au format ptn-plan/1, décrit par son "
                    "schéma JSON. Un renseignement retiré est la mention « Renseignement retiré » "
                    "suivie de l'article dans un texte, null (ou absent) dans un champ typé ; "
                    "le tableau « withheld » les énumère."
                ),
                "path": f"{base_url}{PLAN_FILE}",
                "profile": "data-resource",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "licenses": [LICENCE],
                "schema": f"{base_url}{SCHEMA_FILE}",
            }
        ],
    }


def datapackage_json(publication: Publication, base_url: str) -> bytes:
    return json.dumps(datapackage(publication, base_url), ensure_ascii=False, indent=2).encode()


# --- The whole edition as the `ptn-plan/1` JSON document ------------------------------------
#
# The document is the exchange's own (`export_document`), then redacted by walking it beside the
# records it was written from (matched by their natural keys and the export's own order). Where
# a withheld field is text, it becomes the words « Renseignement retiré — art. 22 »; where it is
# typed (a number, a date, a choice, a unit) it becomes null if the schema allows it, otherwise it
# is left out (an optional property), otherwise the element is left out of its list (a
# measurement). A withheld record keeps its keys (code, key, number, order), its text fields are
# the words, its other withheld fields as above and its lists are empty. Every withholding is
# listed in the document's `withheld` array: the JSON Pointer of what was withheld, whether a
# record, a field or a passage, the article and the words. The result is valid against the
# published schema. Published, the document names no person: no initiative lead (a login and
# a name), no risk owner; nor the template's guidance to those who write the plan.

PLAN_FILE = "plan.json"
SCHEMA_FILE = "ptn-plan-1.schema.json"
NEVER_PUBLIC = {"owner", "guidance"}


def _resolve(node: dict) -> dict:
    """A schema node with its reference followed and, for `anyOf`, its non-null option."""
    if "$ref" in node:
        node = document.schema()["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    for option in node.get("anyOf", ()):
        option = _resolve(option)
        if option.get("type") in {"object", "array"}:
            return option
    return node


def _options(node: dict) -> list[dict]:
    return [_resolve(option) for option in node.get("anyOf", [node])]


class _PlanRedactor:
    def __init__(self, redaction: Redaction) -> None:
        self.redaction = redaction
        self.withheld: list[dict] = []

    def note(self, path: str, scope: str, ground: Ground) -> None:
        self.withheld.append(
            {"path": path, "scope": scope, "article": ground.label, "text": box_words(ground)}
        )

    def hide(self, node: dict, schema_node: dict, name: str, ground: Ground) -> bool:
        """Withhold ``node[name]``; False when the schema leaves no way (the element goes)."""
        if name not in node:
            return True
        words = box_words(ground)
        options = _options(schema_node["properties"][name])
        if any(
            o.get("type") == "string"
            and not {"format", "pattern", "enum"} & o.keys()
            and o.get("maxLength", len(words)) >= len(words)
            for o in options
        ):
            node[name] = words
        elif any(o.get("type") == "null" for o in options):
            node[name] = None
        elif name not in schema_node.get("required", ()):
            del node[name]
        else:
            return False
        return True

    def record(self, node: dict, obj: Any, path: str, schema_node: dict) -> Ground | None:
        """Apply the decisions on ``obj`` to its node; the ground that takes the whole node away
        when the schema leaves no way to show it without the withheld value (else None)."""
        redaction = self.redaction
        schema_node = _resolve(schema_node)
        spec = REDACTABLE[type(obj)]
        key = (redaction.content_type_id(type(obj)), obj.pk)
        if redaction.public:
            for name in spec.people:
                if name in node:
                    node[name] = None
            for name in NEVER_PUBLIC & node.keys():
                del node[name]
        whole = redaction.whole.get(key)
        if whole is not None:
            self.note(path, "record", whole)
            for name, value in node.items():
                if isinstance(value, list):
                    node[name] = []
            shown = all([self.hide(node, schema_node, name, whole) for name in spec.fields])
            return None if shown else whole
        dropped = None
        for name in spec.fields:
            ground = redaction.fields.get((*key, name))
            if ground is not None:
                self.note(f"{path}/{name}", "field", ground)
                if not self.hide(node, schema_node, name, ground):
                    dropped = ground
                continue
            passages = redaction.passages.get((*key, name))
            if passages and isinstance(node.get(name), str):
                for _passage, ground in passages:
                    self.note(f"{path}/{name}", "passage", ground)
                node[name] = _plain(replace_passages(node[name], passages), redaction)
        return dropped

    def whole(self, obj: Any) -> bool:
        redaction = self.redaction
        return (redaction.content_type_id(type(obj)), obj.pk) in redaction.whole

    def records(self, nodes: list, objs: Iterable, path: str, schema_node: dict, children=None):
        """The nodes of a list kept after their records' decisions, each record's children
        redacted by ``children(node, obj, path)`` unless the whole record is withheld."""
        items = _resolve(schema_node)["items"]
        kept = []
        for node, obj in zip(nodes, objs, strict=True):
            here = f"{path}/{len(kept)}"
            mark = len(self.withheld)
            ground = self.record(node, obj, here, items)
            if ground is not None:
                # Not representable without the withheld value (a measurement): the element
                # goes, the list says so.
                del self.withheld[mark:]
                self.note(path, "record", ground)
                continue
            if children is not None and not self.whole(obj):
                children(node, obj, here)
            kept.append(node)
        return kept


def _by_order(objs: Iterable) -> list:
    return sorted(objs, key=lambda o: (o.order, o.pk))


def plan_document(publication: Publication) -> dict:
    """The published edition as a `ptn-plan/1` document, with the release's withholdings (a
    fixed number of queries: the export's, the decisions' and one per kind of record)."""
    edition = publication.edition
    doc = document.export_document(edition)
    redaction = Redaction.of_release(publication.release, public=True)
    redactor = _PlanRedactor(redaction)
    root = document.schema()
    props, defs = root["properties"], root["$defs"]
    redactor.record(doc["edition"], edition, "/edition", props["edition"])

    def sub(schema_node: dict, *names: str) -> dict:
        """The schema of a property (a name) or of a list's elements ("[]")."""
        for name in names:
            schema_node = _resolve(schema_node)
            schema_node = schema_node["items"] if name == "[]" else schema_node["properties"][name]
        return schema_node

    # Sections, their list items and topics. A topic withheld (or in a withheld section)
    # withholds the contributions the initiatives make to it, as on the public pages.
    sections = {
        s.key: s
        for s in Section.objects.filter(edition=edition).prefetch_related("items", "topics")
    }
    hidden_topics: dict[int, Ground] = {}

    def section_children(node: dict, section: Section, path: str) -> None:
        node["items"] = redactor.records(
            node["items"],
            _by_order(section.items.all()),
            f"{path}/items",
            sub(defs["section"], "items"),
        )
        topics = _by_order(section.topics.all())
        node["topics"] = redactor.records(
            node["topics"], topics, f"{path}/topics", sub(defs["section"], "topics")
        )

    topic_ct, section_ct = redaction.content_type_id(Topic), redaction.content_type_id(Section)
    for section in sections.values():
        for topic in section.topics.all():
            ground = redaction.whole.get((topic_ct, topic.pk)) or redaction.whole.get(
                (section_ct, section.pk)
            )
            if ground is not None:
                hidden_topics[topic.pk] = ground
    doc["sections"] = redactor.records(
        doc["sections"],
        [sections[node["key"]] for node in doc["sections"]],
        "/sections",
        props["sections"],
        section_children,
    )

    strategic = {s.number: s for s in StrategicOrientation.objects.filter(edition=edition)}
    doc["strategic_orientations"] = redactor.records(
        doc["strategic_orientations"],
        [strategic[node["number"]] for node in doc["strategic_orientations"]],
        "/strategic_orientations",
        props["strategic_orientations"],
    )

    def ambitions(node: dict, orientation: Orientation, path: str) -> None:
        found = {a.number: a for a in orientation.ambitions.all()}
        node["ambitions"] = redactor.records(
            node["ambitions"],
            [found[a["number"]] for a in node["ambitions"]],
            f"{path}/ambitions",
            sub(defs["orientation"], "ambitions"),
        )

    orientations = {
        o.number: o
        for o in Orientation.objects.filter(edition=edition).prefetch_related("ambitions")
    }
    doc["orientations"] = redactor.records(
        doc["orientations"],
        [orientations[node["number"]] for node in doc["orientations"]],
        "/orientations",
        props["orientations"],
        ambitions,
    )

    def mitigations(node: dict, risk: Any, path: str) -> None:
        node["mitigations"] = redactor.records(
            node["mitigations"],
            _by_order(risk.mitigations.all()),
            f"{path}/mitigations",
            sub(defs["risk"], "mitigations"),
        )

    doc["plan_risks"] = redactor.records(
        doc["plan_risks"],
        _by_order(PlanRisk.objects.filter(edition=edition).prefetch_related("mitigations")),
        "/plan_risks",
        props["plan_risks"],
        mitigations,
    )

    benefit_schema = sub(defs["initiative"], "benefits", "[]")
    indicator_schema = sub(benefit_schema, "indicators", "[]")

    def measurements(node: dict, indicator: Any, path: str) -> None:
        node["measurements"] = redactor.records(
            node["measurements"],
            sorted(indicator.measurements.all(), key=lambda m: m.measured_on),
            f"{path}/measurements",
            sub(indicator_schema, "measurements"),
        )

    def indicators(node: dict, benefit: Any, path: str) -> None:
        node["indicators"] = redactor.records(
            node["indicators"],
            _by_order(benefit.indicators.all()),
            f"{path}/indicators",
            sub(benefit_schema, "indicators"),
            measurements,
        )

    contribution_ct = redaction.content_type_id(Contribution)

    def initiative_children(node: dict, initiative: Initiative, path: str) -> None:
        node["milestones"] = redactor.records(
            node["milestones"],
            _by_order(initiative.milestones.all()),
            f"{path}/milestones",
            sub(defs["initiative"], "milestones"),
        )
        node["risks"] = redactor.records(
            node["risks"],
            _by_order(initiative.risks.all()),
            f"{path}/risks",
            sub(defs["initiative"], "risks"),
            mitigations,
        )
        contributions = sorted(
            initiative.contributions.all(),
            key=lambda c: (c.topic.section.order, c.topic.order, c.order, c.pk),
        )
        for contribution in contributions:
            if contribution.topic_id in hidden_topics:
                redaction.whole.setdefault(
                    (contribution_ct, contribution.pk), hidden_topics[contribution.topic_id]
                )
        node["contributions"] = redactor.records(
            node["contributions"],
            contributions,
            f"{path}/contributions",
            sub(defs["initiative"], "contributions"),
        )
        node["benefits"] = redactor.records(
            node["benefits"],
            _by_order(initiative.benefits.all()),
            f"{path}/benefits",
            sub(defs["initiative"], "benefits"),
            indicators,
        )

    initiatives = {
        i.code: i
        for i in Initiative.objects.filter(edition=edition).prefetch_related(
            "milestones",
            "risks__mitigations",
            "contributions__topic__section",
            "benefits__indicators__measurements",
        )
    }
    doc["initiatives"] = redactor.records(
        doc["initiatives"],
        [initiatives[node["code"]] for node in doc["initiatives"]],
        "/initiatives",
        props["initiatives"],
        initiative_children,
    )
    if redactor.withheld:
        doc["withheld"] = redactor.withheld
    return doc


def plan_json(publication: Publication) -> bytes:
    return document.write_document(plan_document(publication))


def plan_schema_json() -> bytes:
    return document.SCHEMA_PATH.read_bytes()
