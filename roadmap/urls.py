from django.urls import path

from roadmap import views
from roadmap.editing import views as editing_views
from roadmap.exchange import views as exchange_views
from roadmap.history import views as history_views
from roadmap.pdf import views as pdf_views
from roadmap.workflow import views as workflow_views

app_name = "roadmap"
urlpatterns = [
    path("", views.home, name="home"),
    path("feuille-de-route/", views.roadmap, name="roadmap"),
    path("feuille-de-route/assigner/", views.assign, name="assign"),
    path("risques/", views.risks, name="risks"),
    path("sections/", views.sections, name="sections"),
    path("sections/<slug:key>/", views.section, name="section"),
    path("historique/", history_views.history, name="history"),
    path("pdf/", pdf_views.plan_pdf, name="pdf"),
    path("pdf/production/", pdf_views.pdf_progress, name="pdf_progress"),
    path("exporter/", exchange_views.export, name="export"),
    path("importer/", exchange_views.import_upload, name="import"),
    path("importer/confirmer/", exchange_views.import_confirm, name="import_confirm"),
    path("edition/", workflow_views.edition, name="edition"),
    path("edition/<slug:step>/", workflow_views.transition, name="transition"),
    path("comparaison/", workflow_views.comparison, name="compare"),
    path("commentaires/", workflow_views.comment_add, name="comment_add"),
    path("commentaires/<code:code>/", workflow_views.comment_add, name="comment_add_initiative"),
    path("commentaires/<int:pk>/regler/", workflow_views.comment_resolve, name="comment_resolve"),
    path("modifier/<slug:kind>/<int:pk>/", editing_views.edit, name="edit"),
    path("modifier/<slug:kind>/<int:pk>/supprimer/", editing_views.delete, name="delete"),
    path("modifier/<slug:kind>/<int:pk>/deplacer/", editing_views.move, name="move"),
    path("modifier/<slug:kind>/ajouter/", editing_views.add, name="add"),
    path("modifier/<slug:kind>/ajouter/<int:parent_pk>/", editing_views.add, name="add_under"),
]
