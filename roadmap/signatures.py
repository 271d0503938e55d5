"""The signature blocks of the plan's messages: the person each names, and what the workflow adds.

A block always shows the signatory as entered on its section (name and title). Once the edition
is frozen, the step that concerns the block is added: the DI's recommendation (« Recommandé
le … ») or the deputy minister's approval (« Approuvé le … »), with the account that did it when
that account is not the person the block names. Nothing here overwrites what was entered.

Reads `Transition` rows only, so the PDF, the section page and the edition page use it without
importing the workflow.
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from accounts import roles
from roadmap.models import FROZEN_STATUSES, Edition, Section, SectionKind, Transition

Action = Transition.Action

# The step of the workflow that fills each signature block: a signed message names its signer's
# role (Section.signer_role), and the step of that role signs it.
SIGNING_STEPS: dict[str, str] = {
    Action.RECOMMEND: roles.INFORMATION_DIRECTOR,
    Action.APPROVE: roles.HEAD,
}


@dataclass(frozen=True)
class Signature:
    """What the workflow recorded for one signature block."""

    action: str  # Transition.Action.RECOMMEND or APPROVE
    at: datetime.datetime
    name: str  # who signs: the signatory named on the section, else the account
    title: str
    recorded_by: str  # the account that did the step, when it is not the named signatory

    @property
    def approved(self) -> bool:
        return self.action == Action.APPROVE


def signatures(edition: Edition, sections: Iterable[Section] = ()) -> dict[str, Signature]:
    """The steps that fill the signature blocks, by the signer's role (Section.signer_role),
    with the names entered on the given sections' signed messages.

    Only the steps since the last return to draft count, and only while the edition is frozen
    (no query otherwise).
    """
    if edition.status not in FROZEN_STATUSES:
        return {}
    named = {
        section.signer_role: section
        for section in sections
        if section.kind == SectionKind.SIGNED_MESSAGE and section.signer_role
    }
    found: dict[str, Transition] = {}
    for step in edition.transitions.select_related("user").order_by("at", "pk"):
        if step.action == Action.RETURN:
            found.clear()
        elif step.action in SIGNING_STEPS:
            found[SIGNING_STEPS[step.action]] = step
    return {role: _signature(step, named.get(role)) for role, step in found.items()}


def _signature(step: Transition, section: Section | None) -> Signature:
    account = str(step.user) if step.user else ""
    if section is not None and section.signatory_name:
        return Signature(
            action=step.action,
            at=step.at,
            name=section.signatory_name,
            title=section.signatory_title,
            recorded_by="" if same_person(account, section.signatory_name) else account,
        )
    title = step.user.job_title if step.user else ""
    return Signature(action=step.action, at=step.at, name=account, title=title, recorded_by="")


def same_person(account_name: str, signatory_name: str) -> bool:
    """Whether an account's name is the named signatory's: case, accents and spacing aside, and
    without the designations after a comma (« Marie Fortier, CPA » is Marie Fortier)."""
    return bool(account_name) and _folded(account_name) == _folded(signatory_name)


def _folded(name: str) -> str:
    name = unicodedata.normalize("NFKD", name.split(",")[0])
    return " ".join("".join(c for c in name if not unicodedata.combining(c)).casefold().split())


def blocks_named_for_someone_else(edition: Edition, user, actions: Iterable[str]) -> list[Section]:
    """The signature blocks that ``user``'s next steps (``actions``) would fill although they
    name another person: shown to that person before they act. No query without such a step."""
    signers = [SIGNING_STEPS[action] for action in actions if action in SIGNING_STEPS]
    if not signers:
        return []
    account = str(user)
    return [
        section
        for section in edition.sections.filter(
            kind=SectionKind.SIGNED_MESSAGE, signer_role__in=signers
        ).exclude(signatory_name="")
        if not same_person(account, section.signatory_name)
    ]
