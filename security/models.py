from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityEvent(models.Model):
    """One security event (a login, a lockout, a role granted…), kept for administrators and
    written to the log as well (``security.events``). Append-only."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Connexion")
        LOGIN_FAILED = "login_failed", _("Échec de connexion")
        LOGOUT = "logout", _("Déconnexion")
        SESSION_EXPIRED = "session_expired", _("Session expirée")
        LOCKOUT = "lockout", _("Verrouillage")
        MFA_ADDED = "mfa_added", _("Facteur d'authentification ajouté")
        MFA_REMOVED = "mfa_removed", _("Facteur d'authentification retiré")
        MFA_RESET = "mfa_reset", _("Codes de récupération régénérés")
        PASSWORD_CHANGED = "password_changed", _("Mot de passe changé")
        PASSWORD_RESET = "password_reset", _("Mot de passe réinitialisé")
        ROLE_ADDED = "role_added", _("Rôle accordé")
        ROLE_REMOVED = "role_removed", _("Rôle retiré")
        SSO_ACCOUNT_CREATED = "sso_account_created", _("Compte créé par authentification unique")
        SSO_REFUSED = "sso_refused", _("Authentification unique refusée")

    at = models.DateTimeField(_("le"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("événement"), max_length=30, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # As typed at a failed login (the account may not exist), else the account's name then.
    username = models.CharField(_("nom d'utilisateur"), max_length=150, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    request_id = models.CharField(_("identifiant de requête"), max_length=64, blank=True)
    detail = models.JSONField(_("détails"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("événement de sécurité")
        verbose_name_plural = _("journal de sécurité")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.username}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Security events are never changed once written.")
        super().save(*args, **kwargs)


class PendingMail(models.Model):
    """An account e-mail waiting for the task worker (``security.mail``): its rendered parts.

    They are kept here, not in the task's arguments: a password reset link is a credential for
    three days, and task results are kept, shown in the admin and copied into backups. The row
    is deleted once the message is sent or given up; one left by a lost task goes after a day (housekeeping).
    Not in the admin."""

    message = models.JSONField()
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("courriel de compte en attente")
        verbose_name_plural = _("courriels de compte en attente")

    def __str__(self) -> str:
        return f"{self.message.get('subject', '')} → {', '.join(self.message.get('to', []))}"
