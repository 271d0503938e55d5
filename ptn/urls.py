from allauth.account import views as account_views
from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path, register_converter
from django.views.i18n import set_language

from ptn.converters import FiscalYearConverter, InitiativeCodeConverter
from roadmap import views as roadmap_views
from roadmap.editing import views as roadmap_editing_views
from roadmap.workflow import views as roadmap_workflow_views

register_converter(FiscalYearConverter, "fy")

handler500 = "operations.views.server_error"
register_converter(InitiativeCodeConverter, "code")

# The admin's login is the portal's (allauth: MFA, throttling, lockouts), not a second one.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", roadmap_views.index, name="index"),
    path("connexion/", account_views.login, name="login"),
    path("deconnexion/", account_views.logout, name="logout"),
    # Account pages: password change and reset, MFA, single sign-on (django-allauth).
    path("compte/", include("security.urls")),
    path("compte/", include("allauth.urls")),
    # The language switch must also work on the login page.
    path("langue/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("sante/", include("operations.urls")),
    path("apercu/", roadmap_editing_views.preview, name="markdown_preview"),
    # Before the body's pages: a body's slug never looks like a fiscal year (PublicBody.slug).
    # An address from before bodies (/plan/2023-2024/…) leads to the same page of the one
    # edition of that year the person may read.
    re_path(
        r"^plan/(?P<fiscal_year>\d{4}-\d{4})/(?P<rest>.*)$",
        roadmap_views.without_body,
        name="plan_without_body",
    ),
    path("plan/<slug:body>/", roadmap_views.body, name="body"),
    path("plan/<slug:body>/commencer/", roadmap_workflow_views.start, name="edition_start"),
    path(
        "plan/<slug:body>/suivante/",
        roadmap_workflow_views.create_next,
        name="edition_create_next",
    ),
    path("plan/<slug:body>/<fy:fiscal_year>/", include("roadmap.urls")),
    path("plan/<slug:body>/<fy:fiscal_year>/initiatives/", include("initiatives.urls")),
    path("plan/<slug:body>/<fy:fiscal_year>/benefices/", include("benefits.urls")),
    path("plan/<slug:body>/<fy:fiscal_year>/suivi/", include("followup.urls")),
    path("plan/<slug:body>/<fy:fiscal_year>/diffusions/", include("releases.urls")),
    # Published editions, for anyone (releases/public.py): 404 unless published.
    path("public/<slug:body>/<fy:fiscal_year>/", include("releases.public_urls")),
]
