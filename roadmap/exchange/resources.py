"""django-import-export resources: one sheet of the workbook each, keyed by initiative code.

Every resource is bound to one edition: codes are looked up in it, and nothing outside it can
be reached from a file. Parents (initiative, benefit, indicator, risk, topic) are read through
caching lookups, so an import runs a fixed number of queries per sheet, not per row.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from operator import attrgetter

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export import fields, resources, widgets
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import Unit, User
from benefits.models import Benefit, BenefitYear, Indicator, Measurement
from initiatives.models import (
    CODE_RE,
    Contribution,
    Initiative,
    InitiativeRisk,
    InitiativeRiskMitigation,
    Milestone,
)
from roadmap.exchange import vocabulary
from roadmap.models import Ambition, Edition, RiskBase, Topic, fiscal_year_label


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text).strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def follow_up_refusal(edition: Edition, columns: list[str], *, new: bool) -> str:
    """Why a cell of an approved (or transmitted) plan cannot change any more: ``columns`` are
    the sheet's follow-up columns, which still may (none: the whole sheet is the plan's);
    ``new``: the cell is the key of a row the file adds."""
    status = _("transmis") if edition.status == Edition.Status.TRANSMITTED else _("approuvé")
    names = ", ".join(f"« {c} »" for c in columns)
    if not columns:
        if new:
            message = _(
                "Le plan est %(status)s : on ne peut plus ajouter de ligne à cette feuille. "
                "Seul son suivi s'importe encore (bilans d'étape, mesures, montants réalisés, "
                "suivi des risques)."
            )
        else:
            message = _(
                "Le plan est %(status)s : cette feuille ne peut plus changer. Seul son suivi "
                "s'importe encore (bilans d'étape, mesures, montants réalisés, suivi des "
                "risques)."
            )
    elif new:
        message = ngettext(
            "Le plan est %(status)s : on ne peut plus ajouter de ligne à cette feuille; seule "
            "la colonne %(columns)s de ses lignes peut encore changer.",
            "Le plan est %(status)s : on ne peut plus ajouter de ligne à cette feuille; seules "
            "les colonnes %(columns)s de ses lignes peuvent encore changer.",
            len(columns),
        )
    else:
        message = ngettext(
            "Le plan est %(status)s : seule la colonne %(columns)s peut encore changer dans "
            "cette feuille.",
            "Le plan est %(status)s : seules les colonnes %(columns)s peuvent encore changer "
            "dans cette feuille.",
            len(columns),
        )
    return message % {"status": status, "columns": names}


class StaleRowError(Exception):
    """A row to update was changed by someone else after the import read it."""


class ChoiceLabelWidget(widgets.Widget):
    """Exports a choice's label in the active language; imports the label in French or in
    English (or the stored value)."""

    def __init__(self, choices, column: str) -> None:
        super().__init__()
        self.choices = list(choices)
        self.column = column
        self._stored: dict[str, str] = {}
        for code in (vocabulary.translation_code(vocabulary.FRENCH), "en"):
            with translation.override(code):
                for stored, label in self.choices:
                    self._stored.setdefault(_fold(str(label)), stored)
        for stored, _label in self.choices:
            self._stored.setdefault(_fold(stored), stored)

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        stored = self._stored.get(_fold(value))
        if stored is not None:
            return stored
        labels = ", ".join(str(label) for _stored, label in self.choices)
        raise ValueError(f"« {value} » n'est pas une valeur permise ({labels}).")

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class OuiNonWidget(widgets.Widget):
    """Oui/Non (Yes/No in an English export); the import reads both."""

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return False
        if isinstance(value, bool):
            return value
        folded = _fold(value)
        if folded in {"oui", "o", "vrai", "1", "x", "yes", "y", "true"}:
            return True
        if folded in {"non", "n", "faux", "0", "no", "false"}:
            return False
        raise ValueError(f"« {value} » : écrivez Oui ou Non.")

    def render(self, value, obj=None, **kwargs):
        lang = vocabulary.language()
        return vocabulary.YES[lang] if value else vocabulary.NO[lang]


def whole_number() -> widgets.IntegerWidget:
    """Numbers (N° of a row, years) written as numbers, not as text."""
    return widgets.IntegerWidget(coerce_to_string=False)


class DollarsWidget(widgets.Widget):
    """Whole dollars; accepts « 2 000 000 », « 2000000 $ » and numbers from Excel."""

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, bool):
            raise ValueError("Un montant en dollars est attendu.")
        if isinstance(value, int | float | Decimal):
            number = Decimal(str(value))
        else:
            text = re.sub(r"[\s\u00a0\u202f$]", "", str(value)).replace(",", ".")
            try:
                number = Decimal(text)
            except InvalidOperation:
                raise ValueError(
                    f"« {value} » n'est pas un montant : écrivez un nombre de dollars (ex. : 2000000)."
                ) from None
        if number != number.to_integral_value() or number < 0:
            raise ValueError(
                f"« {value} » : le montant doit être un nombre entier positif de dollars."
            )
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return value


class FrenchDecimalWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return Decimal(str(value))
        text = re.sub(r"[\s\u00a0\u202f]", "", str(value)).replace(",", ".")
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValueError(f"« {value} » n'est pas un nombre.") from None

    def render(self, value, obj=None, **kwargs):
        return None if value is None else float(value)


class FrenchDateWidget(widgets.Widget):
    FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        for pattern in self.FORMATS:
            try:
                return datetime.datetime.strptime(str(value).strip(), pattern).date()
            except ValueError:
                continue
        raise ValueError(f"« {value} » n'est pas une date (ex. : 2025-03-31).")

    def render(self, value, obj=None, **kwargs):
        return value


class FiscalYearWidget(widgets.Widget):
    """Horizon years as fiscal years: 2024 ↔ « 2024-2025 »."""

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        text = str(value).strip()
        match = re.fullmatch(r"(\d{4})(?:\.0)?(?:-(\d{4}))?", text)
        if not match or (match[2] and int(match[2]) != int(match[1]) + 1):
            raise ValueError(f"« {value} » n'est pas un exercice financier (ex. : 2024-2025).")
        return int(match[1])

    def render(self, value, obj=None, **kwargs):
        return fiscal_year_label(value) if value else ""


class Lookup:
    """Natural key → object of the edition, read in one query on first use (an export, which
    builds the same resources, never needs it)."""

    def __init__(self, load: Callable[[], dict]) -> None:
        self._load = load
        self._found: dict | None = None

    def get(self, key):
        if self._found is None:
            self._found = self._load()
        return self._found.get(key)


class LookupWidget(widgets.Widget):
    """A foreign key found by a natural key within the edition, from a cache filled once."""

    def __init__(self, lookup: Lookup, column: str, what: str) -> None:
        super().__init__()
        self.lookup = lookup
        self.column = column
        self.what = what

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        key = str(value).strip()
        found = self.lookup.get(key)
        if found is None:
            raise ValueError(f"{self.what} inconnu(e) : « {key} ».")
        return found

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, "natural_key_for_export", str(value))


class PersonWidget(widgets.Widget):
    """A lead written by name (« Marie Fortier »); the import finds the person by name, accents
    and case aside, or by login. Two people with the same name are written by login."""

    def __init__(self, users: Lookup) -> None:
        super().__init__()
        self.users = users

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        text = str(value).strip()
        by_login, by_name = self.users.get("login"), self.users.get("name")
        if text in by_login:
            return by_login[text]
        found = by_name.get(_fold(text), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise ValueError(
                f"Plusieurs personnes se nomment « {text} » : écrivez l'identifiant de "
                "connexion de la bonne personne."
            )
        raise ValueError(f"Responsable inconnu(e) : « {text} ».")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        name = value.get_full_name()
        if not name or len(self.users.get("name").get(_fold(name), [])) > 1:
            return value.username
        return name


def _people(body_id: int) -> dict[str, dict]:
    """The people of the body (a role in it) who may be named as a lead, by login and by
    folded full name: nobody of another body."""
    by_login, by_name = {}, {}
    for user in User.objects.filter(is_active=True, role_assignments__body=body_id).distinct():
        by_login[user.username] = user
        if user.get_full_name():
            by_name.setdefault(_fold(user.get_full_name()), []).append(user)
    return {"login": by_login, "name": by_name}


class ParentField(fields.Field):
    """The parent of a row, found from several key columns (e.g. code + N° du bénéfice)."""

    def __init__(self, columns: list[str], lookup: Lookup, what: str, **kwargs) -> None:
        super().__init__(attribute=kwargs.pop("attribute"), column_name=columns[-1], **kwargs)
        self.columns = columns
        self.lookup = lookup
        self.what = what

    def clean(self, row, **kwargs):
        values = []
        for column in self.columns:
            if column not in row:
                raise KeyError(f"Colonne manquante : « {column} ».")
            value = row[column]
            if _blank(value):
                raise ValueError(f"La colonne « {column} » est vide.")
            values.append(_key_part(value))
        found = self.lookup.get(tuple(values))
        if found is None:
            raise ValueError(f"{self.what} inconnu(e) : « {' / '.join(values)} ».")
        return found


def _identity(value):
    return value.pk if hasattr(value, "pk") else value


def _value(instance, name: str):
    """A column's value as stored (a foreign key's id, not the related object)."""
    return getattr(instance, instance._meta.get_field(name).attname)


def _key_part(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip()


class PlanResource(resources.ModelResource):
    sheet = ""
    # Columns a file may leave out (added to the format after its first version: a file
    # written before still imports, and what it does not hold is left as it is).
    optional_columns: frozenset[str] = frozenset()

    def __init__(self, edition: Edition, **kwargs) -> None:
        self.edition = edition
        super().__init__(**kwargs)

    class Meta:
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True  # the preview shows its own cell-by-cell changes
        clean_model_instances = True
        store_instance = True
        # Each row is read and validated on its own; the changed rows of a sheet are written
        # together at its end, with their history rows (see bulk_create / bulk_update below),
        # so an import costs a fixed number of queries per sheet however many rows change.
        use_bulk = True

    def get_instance(self, instance_loader, row):
        """Existing rows are read once per sheet, not queried row by row."""
        if not hasattr(self, "_existing"):
            id_fields = [self.fields[name] for name in self.get_import_id_fields()]
            self._existing = {
                tuple(
                    _identity(attrgetter(f.attribute.replace("__", "."))(obj)) for f in id_fields
                ): obj
                for obj in self.get_queryset()
            }
            # The values as read, to write back only the columns a file changed.
            names = [f.name for f in self._meta.model._meta.concrete_fields]
            self._loaded = {
                obj.pk: {name: _value(obj, name) for name in names}
                for obj in self._existing.values()
            }
        key = []
        for name in self.get_import_id_fields():
            field = self.fields[name]
            if field.column_name not in row:
                return None
            try:
                key.append(_identity(field.clean(row)))
            except (ValueError, KeyError, ValidationError):
                return None  # reported when the row is imported
        return self._existing.get(tuple(key))

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's own checks (fields, ``clean()``), without the database round trips.

        A foreign key set from the edition's lookups exists, so it is not looked up again;
        uniqueness is the key of the sheet, checked once over the file
        (service._check_duplicate_keys) and by the database when the rows are written.
        """
        errors = dict(import_validation_errors or {})
        if self.edition.is_followed_up:
            for name, message in self.frozen_cells(instance).items():
                errors.setdefault(name, ValidationError(message))
        found = [
            f.name
            for f in instance._meta.concrete_fields
            if f.is_relation and getattr(instance, f.attname) is not None
        ]
        try:
            instance.full_clean(
                exclude=[*errors, *found], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def frozen_cells(self, instance) -> dict[str, str]:
        """In an approved (or transmitted) edition, the row's changes that are not follow-up
        (Versioned.FOLLOW_UP_FIELDS), by model field: each is refused at its cell, instead of
        the model's guard refusing the whole sheet's write. A new row is refused at its key
        unless the sheet's records are follow-up as a whole (the measurements)."""
        model = self._meta.model
        if model.FOLLOW_UP_RECORD:
            return {}
        follow_up = [
            f.column_name for f in self.get_import_fields() if f.attribute in model.FOLLOW_UP_FIELDS
        ]
        if instance.pk is None:
            key = next(f for f in self.fields.values() if f.column_name == self.key_columns[-1])
            return {key.attribute: follow_up_refusal(self.edition, follow_up, new=True)}
        loaded = self._loaded[instance.pk]
        message = follow_up_refusal(self.edition, follow_up, new=False)
        return {
            f.attribute: message
            for f in self.get_import_fields()
            if f.attribute in loaded
            and f.attribute not in model.FOLLOW_UP_FIELDS
            and _value(instance, f.attribute) != loaded[f.attribute]
        }

    def before_save_instance(self, instance, row, **kwargs):
        """What ``save()`` would do, done before the bulk write: next version, fresh dates."""
        now = timezone.now()
        if not instance._state.adding:
            instance.version_read = instance.version
            instance.version += 1
            for f in instance._meta.concrete_fields:
                if getattr(f, "auto_now", False):
                    setattr(instance, f.attname, now)

    def get_bulk_update_fields(self) -> list[str]:
        """The columns that changed in at least one of the rows to update (a bulk update
        writes each listed column of every row), with the version and modification date."""
        model = self._meta.model
        names = {f.name for f in model._meta.concrete_fields if not f.primary_key}
        written = {f.attribute for f in self.get_import_fields() if f.attribute in names}
        changed = {
            name
            for instance in self.update_instances
            for name in written
            if _value(instance, name) != self._loaded[instance.pk].get(name)
        }
        derived = {f.name for f in model._meta.concrete_fields if getattr(f, "auto_now", False)}
        return sorted(changed | derived | {"version"})

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._bulk_write(self.create_instances, result, raise_errors, create=True)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._bulk_write(self.update_instances, result, raise_errors, create=False)

    def _bulk_write(self, instances: list, result, raise_errors: bool, *, create: bool) -> None:
        """Write the sheet's new or changed rows and their history rows in a few queries.

        The history is the same as a one-by-one save's (who, when, every value), written by
        django-simple-history's bulk helpers. A row changed by someone else since this
        import read it is refused: the import never silently overwrites an edit.
        """
        if not instances:
            return
        model = self._meta.model
        try:
            with transaction.atomic():  # a failed write leaves the outer transaction usable
                if create:
                    bulk_create_with_history(instances, model)
                else:
                    self._refuse_stale(instances)
                    bulk_update_with_history(instances, model, self.get_bulk_update_fields())
        except Exception as error:  # noqa: BLE001 - reported in the preview, then rolled back
            self.handle_import_error(result, error, raise_errors)
        finally:
            instances.clear()

    def _refuse_stale(self, instances: list) -> None:
        read = {obj.pk: obj.version_read for obj in instances}
        current = dict(
            self._meta.model._base_manager.select_for_update()
            .filter(pk__in=read)
            .values_list("pk", "version")
        )
        stale = [obj for obj in instances if current.get(obj.pk) != read[obj.pk]]
        if stale:
            keys = ", ".join(f"« {self.key_text(obj)} »" for obj in stale[:10])
            raise StaleRowError(
                f"Modifié par quelqu'un d'autre pendant l'import : {keys}"
                f"{' et d’autres' if len(stale) > 10 else ''}. Rien n'a été importé; "
                "téléversez le fichier de nouveau pour voir l'aperçu à jour."
            )

    def key_text(self, instance) -> str:
        fields_ = [f for f in self.get_export_fields() if f.column_name in self.key_columns]
        return " / ".join(str(f.export(instance)) for f in fields_)

    @property
    def headers(self) -> list[str]:
        return [f.column_name for f in self.get_export_fields()]

    @property
    def key_columns(self) -> list[str]:
        return []


def _initiatives(edition: Edition) -> dict[str, Initiative]:
    return {i.code: i for i in Initiative.objects.filter(edition=edition)}


class InitiativeResource(PlanResource):
    sheet = "Initiatives"

    def __init__(self, edition: Edition, **kwargs) -> None:
        super().__init__(edition, **kwargs)
        ambitions = Lookup(
            lambda: {
                a.code: a
                for a in Ambition.objects.filter(orientation__edition=edition).select_related(
                    "orientation"
                )
            }
        )
        units = Lookup(lambda: {u.acronym: u for u in Unit.objects.filter(body=edition.body_id)})
        self.fields["ambition"].widget = LookupWidget(ambitions, "Ambition", "Ambition")
        self.fields["unit"].widget = LookupWidget(units, "Unité", "Unité")
        self.fields["lead"].widget = PersonWidget(Lookup(lambda: _people(edition.body_id)))

    code = fields.Field("code", "Code")
    ambition = fields.Field("ambition", "Ambition")
    title = fields.Field("title", "Titre")
    acronym = fields.Field("acronym", "Acronyme")
    description = fields.Field("description", "Description")
    lead = fields.Field("lead", "Responsable")
    unit = fields.Field("unit", "Unité")
    status = fields.Field(
        "status", "Statut", widget=ChoiceLabelWidget(Initiative.Status.choices, "Statut")
    )
    funded = fields.Field("funded", "Financée", widget=OuiNonWidget())
    qualified_project = fields.Field("qualified_project", "Projet qualifié", widget=OuiNonWidget())
    phase = fields.Field("phase", "Phase")
    horizon_start = fields.Field("horizon_start", "Début de l'horizon", widget=FiscalYearWidget())
    horizon_end = fields.Field("horizon_end", "Fin de l'horizon", widget=FiscalYearWidget())
    budget = fields.Field("budget", "Budget ($)", widget=DollarsWidget())

    class Meta(PlanResource.Meta):
        model = Initiative
        import_id_fields = ("code",)
        fields = (
            "code", "ambition", "title", "acronym", "description", "lead", "unit", "status",
            "funded", "qualified_project", "phase", "horizon_start", "horizon_end", "budget",
        )  # fmt: skip

    key_columns = ["Code"]

    def get_queryset(self):
        return Initiative.objects.filter(edition=self.edition).select_related(
            "ambition__orientation", "lead", "unit"
        )

    def init_instance(self, row=None):
        return Initiative(edition=self.edition)

    def dehydrate_ambition(self, initiative: Initiative) -> str:
        return initiative.ambition.code

    def dehydrate_unit(self, initiative: Initiative) -> str:
        return initiative.unit.acronym if initiative.unit else ""

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        for name in ("title", "acronym", "description", "phase"):
            if getattr(instance, name) is None:
                setattr(instance, name, "")
        if instance.number is None:
            # A new initiative's number is the last part of its code (2.2.6 → 6); the model
            # checks that the code sits under the ambition and is free in the edition
            # (Initiative.clean: 3.2.4 may follow 3.2.1), against the codes read already.
            match = CODE_RE.match(instance.code or "")
            instance.number = int(match[3]) if match else 0
        if not hasattr(self, "_codes"):
            self._codes = {obj.pk: obj.code for obj in self._existing.values()}
            self._code_set = set(self._codes.values())
        own = self._codes.get(instance.pk)
        instance.other_codes = self._code_set - {own} if own else self._code_set

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        instance.search_text = instance.compute_search_text()  # as Initiative.save() does

    def get_bulk_update_fields(self) -> list[str]:
        return [*super().get_bulk_update_fields(), "search_text"]


class ChildResource(PlanResource):
    """A row that belongs to a parent found by key columns (the first is the initiative code)."""

    parent_attribute = ""
    parent_columns: list[str] = []
    parent_what = ""

    def __init__(self, edition: Edition, **kwargs) -> None:
        super().__init__(edition, **kwargs)
        field = ParentField(
            self.parent_columns,
            Lookup(lambda: self.parents(edition)),
            self.parent_what,
            attribute=self.parent_attribute,
        )
        field.readonly = False
        self.fields["parent"] = field

    def parents(self, edition: Edition) -> dict:
        raise NotImplementedError

    @property
    def key_columns(self) -> list[str]:
        return [*self.parent_columns, self.fields["order"].column_name]

    def get_export_fields(self, selected_fields=None):
        # The parent is exported as its key columns (readonly fields), not as one cell.
        # Asked for every exported row: computed once.
        if selected_fields is None and hasattr(self, "_export_fields"):
            return self._export_fields
        found = [
            f
            for f in super().get_export_fields(selected_fields)
            if f is not self.fields.get("parent")
        ]
        if selected_fields is None:
            self._export_fields = found
        return found

    def get_import_id_fields(self):
        return ["parent", "order"]

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        for f in instance._meta.fields:
            if (
                f.get_internal_type() in ("CharField", "TextField")
                and getattr(instance, f.attname) is None
            ):
                setattr(instance, f.attname, "")


class BenefitResource(ChildResource):
    sheet = "Bénéfices"
    parent_attribute = "initiative"
    parent_columns = ["Code de l'initiative"]
    parent_what = "Initiative"

    code = fields.Field("initiative__code", "Code de l'initiative", readonly=True)
    order = fields.Field("order", "N° du bénéfice", widget=whole_number())
    kind = fields.Field("kind", "Nature", widget=ChoiceLabelWidget(Benefit.Kind.choices, "Nature"))
    description = fields.Field("description", "Bénéfice")
    amount = fields.Field("amount", "Montant net ($)", widget=DollarsWidget())
    horizon_years = fields.Field("horizon_years", "Horizon (années)", widget=whole_number())
    measurable = fields.Field("measurable", "Mesurable", widget=OuiNonWidget())

    class Meta(PlanResource.Meta):
        model = Benefit
        fields = ("code", "order", "kind", "description", "amount", "horizon_years", "measurable")

    def parents(self, edition):
        return {(code,): i for code, i in _initiatives(edition).items()}

    def get_queryset(self):
        return Benefit.objects.filter(initiative__edition=self.edition).select_related("initiative")


def _benefits(edition: Edition) -> dict:
    return {
        (b.initiative.code, str(b.order)): b
        for b in Benefit.objects.filter(initiative__edition=edition).select_related("initiative")
    }


class BenefitYearResource(ChildResource):
    sheet = "Montants annuels"
    parent_attribute = "benefit"
    parent_columns = ["Code de l'initiative", "N° du bénéfice"]
    parent_what = "Bénéfice"

    code = fields.Field("benefit__initiative__code", "Code de l'initiative", readonly=True)
    benefit_order = fields.Field(
        "benefit__order", "N° du bénéfice", readonly=True, widget=whole_number()
    )
    order = fields.Field("fiscal_year", "Exercice")
    planned = fields.Field("planned", "Montant prévu ($)", widget=DollarsWidget())
    realized = fields.Field("realized", "Montant réalisé ($)", widget=DollarsWidget())

    class Meta(PlanResource.Meta):
        model = BenefitYear
        fields = ("code", "benefit_order", "order", "planned", "realized")

    def parents(self, edition):
        return _benefits(edition)

    def get_queryset(self):
        return BenefitYear.objects.filter(benefit__initiative__edition=self.edition).select_related(
            "benefit__initiative"
        )


class IndicatorResource(ChildResource):
    sheet = "Indicateurs"
    parent_attribute = "benefit"
    parent_columns = ["Code de l'initiative", "N° du bénéfice"]
    parent_what = "Bénéfice"

    code = fields.Field("benefit__initiative__code", "Code de l'initiative", readonly=True)
    benefit_order = fields.Field(
        "benefit__order", "N° du bénéfice", readonly=True, widget=whole_number()
    )
    order = fields.Field("order", "N° de l'indicateur", widget=whole_number())
    name = fields.Field("name", "Indicateur")
    unit = fields.Field("unit", "Unité de mesure")
    direction = fields.Field(
        "direction", "Sens", widget=ChoiceLabelWidget(Indicator.Direction.choices, "Sens")
    )
    baseline = fields.Field("baseline", "Valeur de départ", widget=FrenchDecimalWidget())
    target = fields.Field("target", "Cible", widget=FrenchDecimalWidget())
    threshold = fields.Field("threshold", "Seuil", widget=FrenchDecimalWidget())
    baseline_date = fields.Field(
        "baseline_date", "Date de la valeur de départ", widget=FrenchDateWidget()
    )
    target_date = fields.Field("target_date", "Échéance de la cible", widget=FrenchDateWidget())
    source = fields.Field("source", "Source des données")
    frequency = fields.Field(
        "frequency",
        "Fréquence de mesure",
        widget=ChoiceLabelWidget(Indicator._meta.get_field("frequency").choices, "Fréquence"),
    )
    optional_columns = frozenset(
        {"Date de la valeur de départ", "Échéance de la cible", "Source des données",
         "Fréquence de mesure"}
    )  # fmt: skip

    class Meta(PlanResource.Meta):
        model = Indicator
        fields = (
            "code",
            "benefit_order",
            "order",
            "name",
            "unit",
            "direction",
            "baseline",
            "target",
            "threshold",
            "baseline_date",
            "target_date",
            "source",
            "frequency",
        )

    def parents(self, edition):
        return _benefits(edition)

    def get_queryset(self):
        return Indicator.objects.filter(benefit__initiative__edition=self.edition).select_related(
            "benefit__initiative"
        )


def _indicators(edition: Edition) -> dict:
    return {
        (i.benefit.initiative.code, str(i.benefit.order), str(i.order)): i
        for i in Indicator.objects.filter(benefit__initiative__edition=edition).select_related(
            "benefit__initiative"
        )
    }


class MeasurementResource(ChildResource):
    sheet = "Mesures"
    parent_attribute = "indicator"
    parent_columns = ["Code de l'initiative", "N° du bénéfice", "N° de l'indicateur"]
    parent_what = "Indicateur"

    code = fields.Field(
        "indicator__benefit__initiative__code", "Code de l'initiative", readonly=True
    )
    benefit_order = fields.Field(
        "indicator__benefit__order", "N° du bénéfice", readonly=True, widget=whole_number()
    )
    indicator_order = fields.Field(
        "indicator__order", "N° de l'indicateur", readonly=True, widget=whole_number()
    )
    order = fields.Field("measured_on", "Date de la mesure", widget=FrenchDateWidget())
    value = fields.Field("value", "Valeur", widget=FrenchDecimalWidget())
    note = fields.Field("note", "Remarque")

    class Meta(PlanResource.Meta):
        model = Measurement
        fields = ("code", "benefit_order", "indicator_order", "order", "value", "note")

    def parents(self, edition):
        return _indicators(edition)

    def get_queryset(self):
        return Measurement.objects.filter(
            indicator__benefit__initiative__edition=self.edition
        ).select_related("indicator__benefit__initiative")


class RiskResource(ChildResource):
    sheet = "Risques"
    parent_attribute = "initiative"
    parent_columns = ["Code de l'initiative"]
    parent_what = "Initiative"

    code = fields.Field("initiative__code", "Code de l'initiative", readonly=True)
    order = fields.Field("order", "N° du risque", widget=whole_number())
    title = fields.Field("title", "Risque")
    description = fields.Field("description", "Précisions")
    probability = fields.Field("probability", "Probabilité (1 à 5)", widget=whole_number())
    impact = fields.Field("impact", "Impact (1 à 5)", widget=whole_number())
    owner = fields.Field("owner", "Responsable du risque")
    status = fields.Field(
        "status", "État du risque", widget=ChoiceLabelWidget(RiskBase.Status.choices, "État")
    )
    review_date = fields.Field("review_date", "Prochaine revue", widget=FrenchDateWidget())
    optional_columns = frozenset(
        {"Probabilité (1 à 5)", "Impact (1 à 5)", "Responsable du risque", "État du risque",
         "Prochaine revue"}
    )  # fmt: skip

    class Meta(PlanResource.Meta):
        model = InitiativeRisk
        fields = (
            "code", "order", "title", "description", "probability", "impact", "owner",
            "status", "review_date",
        )  # fmt: skip

    def parents(self, edition):
        return {(code,): i for code, i in _initiatives(edition).items()}

    def get_queryset(self):
        return InitiativeRisk.objects.filter(initiative__edition=self.edition).select_related(
            "initiative"
        )


class MitigationResource(ChildResource):
    sheet = "Atténuations"
    parent_attribute = "risk"
    parent_columns = ["Code de l'initiative", "N° du risque"]
    parent_what = "Risque"

    code = fields.Field("risk__initiative__code", "Code de l'initiative", readonly=True)
    risk_order = fields.Field("risk__order", "N° du risque", readonly=True, widget=whole_number())
    order = fields.Field("order", "N° de la mesure", widget=whole_number())
    text = fields.Field("text", "Mesure d'atténuation")

    class Meta(PlanResource.Meta):
        model = InitiativeRiskMitigation
        fields = ("code", "risk_order", "order", "text")

    def parents(self, edition):
        return {
            (r.initiative.code, str(r.order)): r
            for r in InitiativeRisk.objects.filter(initiative__edition=edition).select_related(
                "initiative"
            )
        }

    def get_queryset(self):
        return InitiativeRiskMitigation.objects.filter(
            risk__initiative__edition=self.edition
        ).select_related("risk__initiative")


class MilestoneResource(ChildResource):
    sheet = "Jalons"
    parent_attribute = "initiative"
    parent_columns = ["Code de l'initiative"]
    parent_what = "Initiative"

    code = fields.Field("initiative__code", "Code de l'initiative", readonly=True)
    order = fields.Field("order", "N° du jalon", widget=whole_number())
    title = fields.Field("title", "Jalon")
    due_date = fields.Field("due_date", "Échéance", widget=FrenchDateWidget())
    done = fields.Field("done", "Atteint", widget=OuiNonWidget())

    class Meta(PlanResource.Meta):
        model = Milestone
        fields = ("code", "order", "title", "due_date", "done")

    def parents(self, edition):
        return {(code,): i for code, i in _initiatives(edition).items()}

    def get_queryset(self):
        return Milestone.objects.filter(initiative__edition=self.edition).select_related(
            "initiative"
        )


class ContributionResource(ChildResource):
    """Contributions are keyed by their topic (section key + N° du sujet) and their order."""

    sheet = "Contributions"
    parent_attribute = "topic"
    parent_columns = ["Section", "N° du sujet"]
    parent_what = "Sujet"

    section = fields.Field("topic__section__key", "Section", readonly=True)
    topic_order = fields.Field("topic__order", "N° du sujet", readonly=True, widget=whole_number())
    topic_title = fields.Field("topic__title", "Sujet (pour information)", readonly=True)
    order = fields.Field("order", "N° de la contribution", widget=whole_number())
    initiative = fields.Field("initiative", "Code de l'initiative")
    title = fields.Field("title", "Intitulé")
    text = fields.Field("text", "Texte")

    class Meta(PlanResource.Meta):
        model = Contribution
        fields = ("section", "topic_order", "topic_title", "order", "initiative", "title", "text")

    def __init__(self, edition: Edition, **kwargs) -> None:
        super().__init__(edition, **kwargs)
        self.fields["initiative"].widget = LookupWidget(
            Lookup(lambda: _initiatives(edition)), "Code de l'initiative", "Initiative"
        )

    def parents(self, edition):
        return {
            (t.section.key, str(t.order)): t
            for t in Topic.objects.filter(section__edition=edition).select_related("section")
        }

    def dehydrate_initiative(self, contribution: Contribution) -> str:
        return contribution.initiative.code

    def get_queryset(self):
        return Contribution.objects.filter(initiative__edition=self.edition).select_related(
            "initiative", "topic__section"
        )


RESOURCES: list[type[PlanResource]] = [
    InitiativeResource,
    BenefitResource,
    BenefitYearResource,
    IndicatorResource,
    MeasurementResource,
    RiskResource,
    MitigationResource,
    MilestoneResource,
    ContributionResource,
]
