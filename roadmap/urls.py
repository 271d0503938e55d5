from django.urls import path

from roadmap import edit_views, views

app_name = "roadmap"
urlpatterns = [
    path("", views.home, name="home"),
    path("feuille-de-route/", views.roadmap, name="roadmap"),
    path("risques/", views.risks, name="risks"),
    path("sections/", views.sections, name="sections"),
    path("sections/<slug:key>/", views.section, name="section"),
    path("historique/", views.history, name="history"),
    path("modifier/<slug:kind>/<int:pk>/", edit_views.edit, name="edit"),
    path("modifier/<slug:kind>/<int:pk>/supprimer/", edit_views.delete, name="delete"),
    path("modifier/<slug:kind>/ajouter/", edit_views.add, name="add"),
    path("modifier/<slug:kind>/ajouter/<int:parent_pk>/", edit_views.add, name="add_under"),
]
