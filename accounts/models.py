"""People, the public bodies whose plans they work on, and their roles in each body."""

import re

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# A body's slug is the first segment of its plans' URLs (/plan/<slug>/<fiscal year>/); a slug
# shaped like a fiscal year would be taken for an old URL without the body (/plan/2023-2024/).
FISCAL_YEAR_LIKE = re.compile(r"^\d{4}-\d{4}$")


def validate_body_slug(value: str) -> None:
    if FISCAL_YEAR_LIKE.match(value or ""):
        raise ValidationError(
            _(
                "L'identifiant « %(value)s » ressemble à un exercice financier : choisissez-en un autre."
            ),
            params={"value": value},
        )


class PublicBody(models.Model):
    """A public body under the LGGRI (« organisme public »): it produces its own plan.

    Everything a page, an e-mail, an export or the PDF says about the body is read from here:
    its name (and how a sentence names it), the titles of its head and of its DI, and the
    diffusion of its plan.
    """

    class Kind(models.TextChoices):
        MINISTRY = "ministere", _("ministère")
        BUDGETARY = "organisme_budgetaire", _("organisme budgétaire")
        NON_BUDGETARY = "organisme_autre_que_budgetaire", _("organisme autre que budgétaire")
        OTHER = "autre", _("autre")

    acronym = models.CharField(_("sigle"), max_length=20, unique=True)
    slug = models.SlugField(
        _("identifiant dans les adresses"),
        max_length=40,
        unique=True,
        validators=[validate_body_slug],
        help_text=_("En minuscules, ex. : meie (les adresses des plans : /plan/meie/2024-2025/)."),
    )
    name = models.CharField(_("nom"), max_length=200, unique=True)
    name_in_sentence = models.CharField(
        _("nom dans une phrase"),
        max_length=220,
        help_text=_(
            "Le nom précédé de sa préposition, tel qu'il suit « Plan de transformation numérique » : "
            "« du ministère de l'Économie… », « de la Régie… »."
        ),
    )
    kind = models.CharField(_("type d'organisme"), max_length=40, choices=Kind.choices)
    head_title = models.CharField(
        _("titre de la personne à la tête de l'organisme"),
        max_length=120,
        help_text=_("Ex. : sous-ministre, présidente-directrice générale."),
    )
    information_director_title = models.CharField(
        _("titre de la personne dirigeante de l'information"),
        max_length=120,
        help_text=_("Ex. : dirigeante de l'information, dirigeant principal de l'information."),
    )
    diffusion = models.TextField(
        _("diffusion du plan"),
        help_text=_("La mention de diffusion du plan (page couverte et pied des pages)."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("organisme public")
        verbose_name_plural = _("organismes publics")

    def __str__(self) -> str:
        return self.name

    def role_title(self, role: str) -> str:
        """How this body names a role: its head and its DI have titles of their own."""
        if role == Role.HEAD:
            return self.head_title
        if role == Role.INFORMATION_DIRECTOR:
            return self.information_director_title
        return str(Role(role).label)


class Unit(models.Model):
    """An administrative unit of a public body (a direction); initiatives and users belong to one."""

    body = models.ForeignKey(
        PublicBody,
        verbose_name=_("organisme public"),
        on_delete=models.CASCADE,
        related_name="units",
    )
    acronym = models.CharField(_("sigle"), max_length=20)
    name = models.CharField(_("nom"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unité administrative")
        verbose_name_plural = _("unités administratives")
        constraints = [
            models.UniqueConstraint(fields=["body", "acronym"], name="unit_acronym_unique_in_body"),
            models.UniqueConstraint(fields=["body", "name"], name="unit_name_unique_in_body"),
        ]

    def __str__(self) -> str:
        return self.name


class ParticipatingBody(models.Model):
    """A participating body of a public body's portfolio: its staff read that body's plans (the
    « Note au lecteur » of the MEIE's plan names three)."""

    public_body = models.ForeignKey(
        PublicBody,
        verbose_name=_("organisme public"),
        on_delete=models.CASCADE,
        related_name="participating_bodies",
    )
    acronym = models.CharField(_("sigle"), max_length=20)
    name = models.CharField(_("nom"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisme participant")
        verbose_name_plural = _("organismes participants")
        constraints = [
            models.UniqueConstraint(
                fields=["public_body", "acronym"], name="participating_body_unique_acronym"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    unit = models.ForeignKey(
        Unit, verbose_name=_("unité"), null=True, blank=True, on_delete=models.SET_NULL
    )
    participating_body = models.ForeignKey(
        ParticipatingBody,
        verbose_name=_("organisme participant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        help_text=_("Pour le personnel d'un organisme participant du portefeuille."),
    )
    job_title = models.CharField(_("titre du poste"), max_length=200, blank=True)
    is_demo = models.BooleanField(
        _("compte de démonstration"),
        default=False,
        help_text=_(
            "Les comptes de démonstration ne peuvent pas se connecter quand DEBUG est désactivé."
        ),
    )

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    """Every role of the portal (accounts/roles.py is where the code asks about them).

    The first five are held in one public body; the last two are global (no body)."""

    READER = "reader", _("lecteur")
    LEAD = "lead", _("responsable d'initiative")
    COORDINATOR = "coordinator", _("coordonnateur PTN")
    INFORMATION_DIRECTOR = "information_director", _("dirigeante de l'information")
    # Shown with the body's own title of its head (« sous-ministre », « présidente-directrice
    # générale »…): PublicBody.role_title.
    HEAD = "head", _("sous-ministre")
    # Decides on access-to-information requests for the body's plans (chapter ): opens
    # releases, withholds passages on the act's grounds (releases/).
    ACCESS_OFFICER = "access_officer", _("responsable de l'accès aux documents")
    ADMINISTRATOR = "administrator", _("administrateur")
    # The office of the government's chief of digital transformation: reads every body's
    # transmitted editions, and nothing else.
    CGTN_OFFICE = "cgtn_office", _("bureau du chef gouvernemental")


GLOBAL_ROLES = (Role.ADMINISTRATOR, Role.CGTN_OFFICE)
BODY_ROLES = tuple(role for role in Role if role not in GLOBAL_ROLES)


class RoleAssignment(models.Model):
    """A role held by a person in one public body (or, for a global role, in none)."""

    user = models.ForeignKey(
        User, verbose_name=_("personne"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    body = models.ForeignKey(
        PublicBody,
        verbose_name=_("organisme public"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        help_text=_("Vide pour un rôle global (administrateur, bureau du chef gouvernemental)."),
    )
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attribution de rôle")
        verbose_name_plural = _("attributions de rôles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "body", "role"],
                condition=Q(body__isnull=False),
                name="role_unique_in_body",
            ),
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(body__isnull=True), name="global_role_unique"
            ),
            models.CheckConstraint(
                condition=Q(body__isnull=True, role__in=GLOBAL_ROLES)
                | Q(body__isnull=False, role__in=BODY_ROLES),
                name="role_held_where_it_applies",
            ),
        ]

    def __str__(self) -> str:
        if self.body_id is None:
            return f"{self.user} — {self.get_role_display()}"
        return f"{self.user} — {self.body.role_title(self.role)} ({self.body.acronym})"

    def clean(self) -> None:
        if self.role in GLOBAL_ROLES and self.body_id is not None:
            raise ValidationError(
                {"body": _("Ce rôle est global : il ne se donne pas dans un organisme.")}
            )
        if self.role in BODY_ROLES and self.body_id is None:
            raise ValidationError(
                {"body": _("Ce rôle se donne dans un organisme : choisissez-le.")}
            )
