from django.urls import path

from roadmap import views

app_name = "roadmap"
urlpatterns = [
    path("", views.home, name="home"),
    path("feuille-de-route/", views.roadmap, name="roadmap"),
    path("risques/", views.risks, name="risks"),
    path("sections/", views.sections, name="sections"),
    path("sections/<slug:key>/", views.section, name="section"),
]
