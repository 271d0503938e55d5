"""The writes of releases and publication, each atomic and validated with a French message.

None of them writes to the edition or its content: a release only records decisions about it.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from releases.models import Ground, Publication, Release, Withholding
from releases.redaction import REDACTABLE
from roadmap.models import Edition

RELEASABLE = (Edition.Status.APPROVED, Edition.Status.TRANSMITTED)


def record_in_edition(model: type[models.Model], pk: int, edition: Edition) -> models.Model | None:
    """The record of ``model`` with ``pk`` if it belongs to ``edition`` (else None)."""
    if model not in REDACTABLE:
        return None
    if model is Edition:
        return edition if pk == edition.pk else None
    return model._default_manager.filter(pk=pk, **{model.edition_path: edition}).first()


@transaction.atomic
def release_open(
    *,
    edition: Edition,
    user: User | None,
    request_number: str,
    received_on: datetime.date,
    due_on: datetime.date,
    applicant: str = "",
    from_release: Release | None = None,
) -> Release:
    """A new release of an approved edition; with ``from_release``, its decisions copied."""
    if edition.status not in RELEASABLE:
        raise ValidationError(_("Seule une édition approuvée ou transmise peut être diffusée."))
    if from_release is not None and from_release.edition_id != edition.pk:
        raise ValidationError(_("La diffusion de départ porte sur une autre édition."))
    # The numbers of an edition's releases follow each other; lock the edition's row so that
    # two officers opening one at the same moment do not take the same number.
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    last = Release.objects.filter(edition=edition).aggregate(last=Max("number"))["last"] or 0
    release = Release(
        edition=edition,
        number=last + 1,
        request_number=request_number.strip(),
        received_on=received_on,
        due_on=due_on,
        applicant=applicant.strip(),
        from_release=from_release,
        created_by=user,
    )
    release.full_clean()
    release.save()
    if from_release is not None:
        Withholding.objects.bulk_create(
            Withholding(
                release=release,
                content_type_id=w.content_type_id,
                object_id=w.object_id,
                field=w.field,
                passage=w.passage,
                ground_id=w.ground_id,
                decided_by=user,
            )
            for w in from_release.withholdings.all()
        )
    return release


def _refuse_if_sent(release: Release) -> None:
    if release.is_sent:
        raise ValidationError(
            _("Cette diffusion a été envoyée : ses décisions ne peuvent plus changer.")
        )


@transaction.atomic
def withholding_add(
    *,
    release: Release,
    user: User | None,
    model: type[models.Model],
    object_id: int,
    field: str,
    ground: Ground,
    passage: str = "",
) -> Withholding:
    """Withhold a record (no ``field``), a field, or a passage of a field's text."""
    release = Release.objects.select_for_update().get(pk=release.pk)
    _refuse_if_sent(release)
    record = record_in_edition(model, object_id, release.edition)
    if record is None:
        raise ValidationError(_("Cet élément n'appartient pas à l'édition diffusée."))
    spec = REDACTABLE[model]
    if field and field not in spec.fields:
        raise ValidationError(_("Ce champ ne peut pas être retiré."))
    passage = passage.strip()
    if passage:
        if field not in spec.texts:
            raise ValidationError(_("Seul un passage d'un texte peut être retiré en partie."))
        if passage not in (getattr(record, field) or ""):
            raise ValidationError(
                _("Le passage « %(passage)s » ne se trouve pas dans ce texte.")
                % {"passage": passage[:80]}
            )
    withholding = Withholding(
        release=release,
        content_type=ContentType.objects.get_for_model(model),
        object_id=object_id,
        field=field,
        passage=passage,
        ground=ground,
        decided_by=user,
    )
    withholding.save()
    return withholding


@transaction.atomic
def withholding_remove(*, release: Release, withholding_id: int) -> None:
    release = Release.objects.select_for_update().get(pk=release.pk)
    _refuse_if_sent(release)
    withholding = release.withholdings.filter(pk=withholding_id).first()
    if withholding is None:
        raise ValidationError(_("Ce retrait n'existe plus."))
    withholding.delete()


@transaction.atomic
def release_mark_sent(*, release: Release, sent_on: datetime.date) -> Release:
    release = Release.objects.select_for_update().get(pk=release.pk)
    if not release.pdf:
        raise ValidationError(_("Produisez le PDF de la diffusion avant de l'inscrire envoyée."))
    if sent_on < release.received_on:
        raise ValidationError(_("La date d'envoi précède la réception de la demande."))
    release.sent_on = sent_on
    release.save(update_fields=["sent_on"])
    return release


@transaction.atomic
def ground_add(*, article: str, title: str, wording: str = "") -> Ground:
    article = article.strip().removeprefix("art.").strip()
    if Ground.objects.filter(article=article).exists():
        raise ValidationError(
            _("Le motif de l'article %(article)s existe déjà.") % {"article": article}
        )
    last = Ground.objects.aggregate(last=Max("order"))["last"] or 0
    ground = Ground(article=article, title=title.strip(), wording=wording.strip(), order=last + 10)
    ground.full_clean()
    ground.save()
    return ground


@transaction.atomic
def edition_publish(
    *, edition: Edition, user: User | None, release: Release | None = None
) -> Publication:
    """Publish a transmitted edition (again), with a release's withholdings applied or none."""
    if edition.status != Edition.Status.TRANSMITTED:
        raise ValidationError(_("Seule une édition transmise peut être publiée."))
    if release is not None and release.edition_id != edition.pk:
        raise ValidationError(_("Cette diffusion porte sur une autre édition."))
    publication, _created = Publication.objects.select_for_update().get_or_create(edition=edition)
    publication.release = release
    publication.published_at = timezone.now()
    publication.published_by = user
    publication.withdrawn_at = None
    if publication.pdf:
        # The PDF of the earlier publication shows its withholdings, not this one's: it goes
        # now, and the task worker renders the new one (releases.tasks.render_publication).
        storage, old_pdf = publication.pdf.storage, publication.pdf.name
        transaction.on_commit(lambda: storage.delete(old_pdf))
        publication.pdf = None
        publication.pdf_sha256 = ""
    publication.save()
    return publication


@transaction.atomic
def edition_unpublish(*, edition: Edition) -> Publication | None:
    """Withdraw the publication: its pages answer 404 from now on."""
    publication = Publication.objects.select_for_update().filter(edition=edition).first()
    if publication is None or not publication.is_live:
        return None
    publication.withdrawn_at = timezone.now()
    publication.save(update_fields=["withdrawn_at"])
    return publication
