"""The portal's URLs plus one view that fails, to see the error page a person gets."""

from django.urls import path

from ptn.urls import handler500  # noqa: F401 (handler500 is read)
from ptn.urls import urlpatterns as portal_urls


def fail(request):
    raise RuntimeError("a defect in a view")


urlpatterns = [*portal_urls, path("panne/", fail)]
