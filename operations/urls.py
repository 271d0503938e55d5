from django.urls import path

from operations import health

app_name = "operations"
urlpatterns = [
    path("", health.liveness, name="liveness"),
    path("pret/", health.readiness, name="readiness"),
]
