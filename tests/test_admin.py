"""The Django admin covers every model of the portal, and each list and form opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.models import User

PORTAL_MODELS = [
    model
    for app in ("accounts", "roadmap", "initiatives", "benefits")
    for model in apps.get_app_config(app).get_models()
]


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m.__name__)
def test_every_model_is_in_the_admin(model):
    assert admin.site.is_registered(model)


@pytest.fixture
def admin_client_(db) -> Client:
    user = User.objects.get(username="admin")
    user.is_demo = False
    user.save(update_fields=["is_demo"])
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", PORTAL_MODELS, ids=lambda m: m.__name__)
def test_admin_list_and_change_pages_open(admin_client_, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert admin_client_.get(changelist).status_code == 200
    obj = model.objects.first()
    if obj is not None:
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert admin_client_.get(change).status_code == 200


def test_readers_cannot_open_the_admin(reader_client):
    response = reader_client.get(reverse("admin:index"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
