from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.Model):
    """An administrative unit of the ministry (a direction); initiatives and users belong to one."""

    acronym = models.CharField(_("sigle"), max_length=20, unique=True)
    name = models.CharField(_("nom"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unité administrative")
        verbose_name_plural = _("unités administratives")

    def __str__(self) -> str:
        return self.name


class Body(models.Model):
    """A participating body of the ministry's portfolio (reads the plan, per the Note au lecteur)."""

    acronym = models.CharField(_("sigle"), max_length=20, unique=True)
    name = models.CharField(_("nom"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisme participant")
        verbose_name_plural = _("organismes participants")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    unit = models.ForeignKey(
        Unit, verbose_name=_("unité"), null=True, blank=True, on_delete=models.SET_NULL
    )
    body = models.ForeignKey(
        Body,
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
