"""Separation of duties: one person never takes two approval steps of one round of an edition."""

import pytest

from accounts import roles
from accounts.models import User
from roadmap.links import plan_url
from roadmap.models import Edition, Transition
from roadmap.workflow.steps import WorkflowError, edition_transition
from tests.personas import client_for, give_roles
from tests.test_workflow import make_ready

Status = Edition.Status
# The approval steps in their order; the person holding every role takes two of them, the demo
# accounts take the others.
STEPS = ["soumettre", "recommander", "approuver"]
DEMO_ACTOR = {"soumettre": "coordonnateur", "recommander": "di", "approuver": "sm"}
PAIRS = [(first, second) for i, first in enumerate(STEPS) for second in STEPS[i + 1 :]]


@pytest.fixture
def ready(edition) -> Edition:
    make_ready(edition)
    return edition


@pytest.fixture
def everything(db) -> User:
    """An account that holds the coordinator's, the DI's and the deputy minister's roles."""
    user = User.objects.create_user("polyvalent", password="un-mot-de-passe-solide-42")
    return give_roles(user, roles.COORDINATOR, roles.INFORMATION_DIRECTOR, roles.HEAD)


def take(edition: Edition, username_or_user, step: str, **kwargs) -> Transition:
    user = username_or_user
    if isinstance(user, str):
        user = User.objects.get(username=user)
    return edition_transition(edition=edition, user=user, step=step, **kwargs)


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_the_same_person_cannot_take_two_steps_of_one_round(ready, everything, first, second):
    for step in STEPS[: STEPS.index(second)]:
        take(ready, everything if step == first else DEMO_ACTOR[step], step)
    status_before = Edition.objects.get(pk=ready.pk).status

    with pytest.raises(WorkflowError) as refusal:
        take(ready, everything, second)

    assert "Séparation des tâches" in str(refusal.value)
    assert "une autre personne" in str(refusal.value)
    assert Edition.objects.get(pk=ready.pk).status == status_before
    assert ready.transitions.filter(user=everything).count() == 1  # only their first step


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_two_different_people_take_the_two_steps(ready, everything, first, second):
    for step in STEPS[: STEPS.index(second)]:
        take(ready, everything if step == first else DEMO_ACTOR[step], step)
    take(ready, DEMO_ACTOR[second], second)
    assert Edition.objects.get(pk=ready.pk).status != Status.DRAFT


def test_a_return_to_draft_starts_a_new_round(ready, everything):
    take(ready, everything, "soumettre")
    take(ready, "di", "retourner-di", comment="À revoir.")
    take(ready, "coordonnateur", "soumettre")

    take(ready, everything, "recommander")  # they submitted in the previous round only

    assert Edition.objects.get(pk=ready.pk).status == Status.RECOMMENDED


def test_the_refusal_is_shown_on_the_edition_page_in_french(ready, everything):
    take(ready, "coordonnateur", "soumettre")
    take(ready, everything, "recommander")
    everything.is_demo = True  # client_for turns the demo flag off; the account is not a demo
    everything.save()
    client = client_for("polyvalent")

    response = client.post(plan_url("roadmap:transition", ready, "approuver"))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Séparation des tâches" in page
    assert "« Recommandation »" in page
    assert Edition.objects.get(pk=ready.pk).status == Status.RECOMMENDED
