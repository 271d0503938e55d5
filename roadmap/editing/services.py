"""Saving and deleting an edited record without losing anyone's update, and what a person is told
about it: what changed since they opened it, what goes with a deletion, where a new record goes.

Every record carries a version; a save or a deletion whose version is stale is refused
(`ConflictError`) with the record as it is now.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.admin.utils import NestedObjects, model_ngettext
from django.db import models, router, transaction
from django.db.models import F, Max
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative
from roadmap import formatting
from roadmap.editing.forms import VersionedForm
from roadmap.editing.registry import KIND_OF_MODEL, Kind
from roadmap.models import Ambition, Edition, Versioned


class ConflictError(Exception):
    """Someone else saved the record since the person opened it."""

    def __init__(self, current: models.Model | None) -> None:
        super().__init__("conflict")
        self.current = current


@transaction.atomic
def save_record(form: VersionedForm, *, expected_version: int | None) -> models.Model:
    """Save a valid form; refuse it if the record changed since ``expected_version``.

    The version check and the write happen in one transaction: the conditional UPDATE holds
    the row (PostgreSQL) or the database (SQLite) until commit, so two concurrent saves of the
    same version cannot both succeed.
    """
    obj = form.instance
    model = type(obj)
    if obj.pk is not None:
        claimed = model.objects.filter(pk=obj.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not claimed:
            raise ConflictError(model.objects.filter(pk=obj.pk).first())
        obj.version = (expected_version or 0) + 1
        changed = [
            name for name in form.changed_data if name in {f.name for f in model._meta.fields}
        ]
        obj.save(update_fields=[*changed, "version"])
    else:
        obj.save()
    for field in model._meta.many_to_many:  # e.g. the strategic orientations served
        if field.name in form.cleaned_data:
            getattr(obj, field.name).set(form.cleaned_data[field.name])
    return obj


class MoveRefusedError(Exception):
    """The record cannot be moved (the message says why, in French)."""


@transaction.atomic
def move_record(
    kind: Kind, obj: Versioned, *, up: bool, expected_version: int | None = None
) -> bool:
    """Swap ``obj``'s place with its previous (``up``) or next sibling's; False when it is
    already first or last; ConflictError when it changed since ``expected_version`` (the
    version the page showed, when it sent one). Both records get a new version (a form opened
    before the move is told), and the history shows both moves."""
    field = kind.order_field
    parent = kind.model._meta.get_field(kind.parent_field).attname
    siblings = kind.model.objects.select_for_update().filter(**{parent: getattr(obj, parent)})
    obj = siblings.get(pk=obj.pk)  # as it is now, locked
    if expected_version is not None and obj.version != expected_version:
        raise ConflictError(obj)
    value = getattr(obj, field)
    if up:
        other = siblings.filter(**{f"{field}__lt": value}).order_by(f"-{field}", "-pk").first()
    else:
        other = siblings.filter(**{f"{field}__gt": value}).order_by(field, "pk").first()
    if other is None:
        return False
    refusal = kind.move_refusal(obj, other) if kind.move_refusal else ""
    if refusal:
        raise MoveRefusedError(refusal)
    other_value = getattr(other, field)
    if field != "order":  # a number unique among the siblings: through a free value
        setattr(obj, field, 0)
        obj.save(update_fields=[field])
    for record, new_value in ((other, value), (obj, other_value)):
        setattr(record, field, new_value)
        record.version += 1
        record.save(update_fields=[field, "version"])
    return True


@transaction.atomic
def delete_record(obj: Versioned, *, expected_version: int | None) -> None:
    model = type(obj)
    claimed = model.objects.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not claimed:
        raise ConflictError(model.objects.filter(pk=obj.pk).first())
    obj.refresh_from_db()
    obj.delete()


def changes_since(obj: Versioned, version: int | None, fields: tuple[str, ...]) -> dict:
    """What changed in ``obj`` since ``version``, from its history: who, when, which fields."""
    history = obj.history.all()
    before = history.filter(version=version).first() if version else None
    latest = history.select_related("history_user").first()
    changed = []
    for name in fields:
        model_field = obj._meta.get_field(name)
        old = getattr(before, model_field.attname, None) if before else None
        new = getattr(obj, model_field.attname)
        if before is None or old != new:
            changed.append((model_field.verbose_name, _display(obj, model_field)))
    return {
        "who": latest.history_user if latest else None,
        "when": latest.history_date if latest else None,
        "fields": changed,
    }


def _display(obj: models.Model, model_field: models.Field) -> str:
    value = getattr(obj, model_field.name)
    if model_field.choices:
        return str(getattr(obj, f"get_{model_field.name}_display")())
    if isinstance(value, bool):
        return str(_("Oui") if value else _("Non"))
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.date):
        return formatting.long_date(value)
    if isinstance(value, Decimal):
        return formatting.decimal(value)
    return str(value)


def deletion_summary(obj: models.Model) -> str:
    """What goes with ``obj`` when it is deleted, from Django's deletion collector:
    « Cela supprimera aussi 2 indicateurs et 5 mesures. » ("" when nothing else goes)."""
    collector = NestedObjects(using=router.db_for_write(type(obj)))
    collector.collect([obj])
    parts = []
    for model, instances in collector.model_objs.items():
        count = len(instances) - (1 if model is type(obj) else 0)
        if not count:
            continue
        kind = KIND_OF_MODEL.get(model)
        if kind is not None and kind.counted:
            parts.append(kind.counted % {"count": count})
        else:
            parts.append(f"{count} {model_ngettext(model, count)}")
    if not parts:
        return ""
    return _("Cela supprimera aussi %(items)s.") % {"items": get_text_list(parts, _("et"))}


def next_initiative_number(ambition: Ambition) -> int:
    last = ambition.initiatives.aggregate(last=Max("number"))["last"]
    return (last or 0) + 1


def new_record(kind: Kind, parent: models.Model, edition: Edition) -> Versioned:
    """An unsaved record of ``kind`` under ``parent``, placed last among its siblings."""
    obj = kind.model(**{kind.parent_field: parent})
    if isinstance(obj, Initiative):
        obj.edition = edition
        obj.number = next_initiative_number(parent)
        obj.code = f"{parent.code}.{obj.number}"
    field = kind.order_field or (
        "order" if any(f.name == "order" for f in kind.model._meta.fields) else None
    )
    if field:
        siblings = kind.model.objects.filter(**{kind.parent_field: parent})
        setattr(obj, field, (siblings.aggregate(last=Max(field))["last"] or 0) + 1)
    return obj
