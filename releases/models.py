"""Releasing the plan: access-to-information releases with their withholdings, and publication.

A release (« diffusion ») answers one request for an approved edition under the access act
(chapter A-2.1). Its withholdings name the record (content type and id), the field, optionally a
passage of the field's text, and the legal ground. Nothing here ever writes to the edition: the
redacted document is built from a copy of the data (releases/redaction.py).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Ground(models.Model):
    """A restriction of the access act on which information may be withheld (« art. 22 »)."""

    article = models.CharField(
        _("article"), max_length=20, unique=True, help_text=_("Ex. : 22, 53.")
    )
    title = models.CharField(_("intitulé"), max_length=300)
    wording = models.TextField(_("texte"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "article"]
        verbose_name = _("motif de restriction")
        verbose_name_plural = _("motifs de restriction")

    def __str__(self) -> str:
        return _("art. %(article)s — %(title)s") % {"article": self.article, "title": self.title}

    @property
    def label(self) -> str:
        return _("art. %(article)s") % {"article": self.article}


class RecourseNotice(models.Model):
    """The notice of recourse that accompanies a decision (art. 135 ff.): text as data, in French.
    One per body when a body wants its own wording, else the default (no body)."""

    body = models.OneToOneField(
        "accounts.PublicBody",
        verbose_name=_("organisme public"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="recourse_notice",
    )
    title = models.CharField(_("titre"), max_length=200)
    text = models.TextField(_("texte"), help_text=_("Markdown."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("avis de recours")
        verbose_name_plural = _("avis de recours")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def for_body(cls, body_id: int) -> RecourseNotice | None:
        return (
            cls.objects.filter(models.Q(body_id=body_id) | models.Q(body=None))
            .order_by(models.F("body_id").asc(nulls_last=True))
            .first()
        )


class Release(models.Model):
    """A release of an approved edition in answer to an access request."""

    edition = models.ForeignKey(
        "roadmap.Edition",
        verbose_name=_("édition"),
        on_delete=models.PROTECT,
        related_name="releases",
    )
    number = models.PositiveIntegerField(_("numéro de diffusion"), editable=False)
    request_number = models.CharField(_("numéro de la demande"), max_length=60)
    received_on = models.DateField(_("date de réception"))
    # Kept for the officer's records: never printed in the PDF, never published.
    applicant = models.CharField(
        _("demandeur"),
        max_length=300,
        blank=True,
        help_text=_("N'apparaît dans aucun document produit."),
    )
    due_on = models.DateField(_("date limite de réponse"))
    sent_on = models.DateField(_("envoyée le"), null=True, blank=True)
    from_release = models.ForeignKey(
        "self",
        verbose_name=_("reprend les décisions de"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ouverte par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ouverte le"), auto_now_add=True)
    pdf = models.FileField(_("PDF diffusé"), upload_to="releases/", blank=True)
    pdf_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    pdf_at = models.DateTimeField(_("PDF produit le"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["edition", "number"]
        verbose_name = _("diffusion")
        verbose_name_plural = _("diffusions")
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="release_number_unique")
        ]

    def __str__(self) -> str:
        return _("Diffusion %(number)s (demande %(request)s)") % {
            "number": self.number,
            "request": self.request_number,
        }

    @property
    def is_sent(self) -> bool:
        return self.sent_on is not None

    def clean(self) -> None:
        if self.received_on and self.due_on and self.due_on < self.received_on:
            raise ValidationError(
                {"due_on": _("La date limite précède la date de réception de la demande.")}
            )


class Withholding(models.Model):
    """A decision to withhold a record, one of its fields, or a passage of a field's text."""

    release = models.ForeignKey(Release, on_delete=models.CASCADE, related_name="withholdings")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    # Empty: the whole record.
    field = models.CharField(_("champ"), max_length=60, blank=True)
    # Empty: the whole field; else the passage, as it appears in the field's text.
    passage = models.TextField(_("passage"), blank=True)
    ground = models.ForeignKey(
        Ground, verbose_name=_("motif"), on_delete=models.PROTECT, related_name="withholdings"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("décidé par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("décidé le"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["release", "decided_at", "pk"]
        verbose_name = _("retrait")
        verbose_name_plural = _("retraits")

    def __str__(self) -> str:
        what = self.field or _("enregistrement")
        return f"{self.content_type.model} {self.object_id} {what} ({self.ground.label})"


class Publication(models.Model):
    """An edition published on the public pages (/public/<body>/<fiscal year>/), with the
    withholdings of a release applied or none. Withdrawn: the pages are gone (404)."""

    edition = models.OneToOneField(
        "roadmap.Edition",
        verbose_name=_("édition"),
        on_delete=models.CASCADE,
        related_name="publication",
    )
    release = models.ForeignKey(
        Release,
        verbose_name=_("retraits appliqués"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publications",
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publiée par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("retirée le"), null=True, blank=True)
    # The published PDF, rendered when the edition is published (never on an anonymous request).
    pdf = models.FileField(_("PDF publié"), upload_to="public/", blank=True)
    pdf_sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return str(self.edition)

    @property
    def is_live(self) -> bool:
        return self.published_at is not None and self.withdrawn_at is None

    @property
    def etag(self) -> str:
        """Changes with every publication (a new release applied, a republication)."""
        stamp = self.published_at.timestamp() if self.published_at else 0
        return f"{self.pk}-{int(stamp * 1000)}-{self.release_id or 0}"
