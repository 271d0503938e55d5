"""The Django admin covers every model of the portal, and each list and form opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.personas import client_for

ALL_MODELS = [
    model
    for app in ("accounts", "roadmap", "initiatives", "benefits", "followup")
    for model in apps.get_app_config(app).get_models()
]
HISTORY_MODELS = [m for m in ALL_MODELS if m.__name__.startswith("Historical")]
PORTAL_MODELS = [m for m in ALL_MODELS if m not in HISTORY_MODELS]


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m.__name__)
def test_every_model_is_in_the_admin(model):
    assert admin.site.is_registered(model)


@pytest.fixture
def admin_client_(db) -> Client:
    return client_for("admin")


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m.__name__)
def test_admin_list_and_change_pages_open(admin_client_, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client_.get(changelist).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert admin_client_.get(change).status_code == 200


def test_history_is_not_editable_in_the_admin():
    assert HISTORY_MODELS, "every portal model keeps a history"
    for model in HISTORY_MODELS:
        assert not admin.site.is_registered(model), model


def test_an_admin_change_is_recorded_with_its_author(admin_client_, edition):
    from initiatives.models import Initiative

    initiative = Initiative.objects.get(edition=edition, code="1.1.2")
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    form = admin_client_.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"lead", "unit"}}
    data.update(
        {
            "title": "Titre changé dans l'admin",
            "lead": "",
            "unit": initiative.unit_id,
            **{f"{p}-TOTAL_FORMS": 0 for p in ("dependencies", "contributions", "milestones")},
            **{f"{p}-INITIAL_FORMS": 0 for p in ("dependencies", "contributions", "milestones")},
        }
    )
    response = admin_client_.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = initiative.history.first()
    assert record.title == "Titre changé dans l'admin"
    assert record.history_user.username == "admin"


def test_readers_cannot_open_the_admin(reader_client):
    response = reader_client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
