from django.urls import path

from releases import public

app_name = "public"
urlpatterns = [
    path("", public.home, name="home"),
    path("feuille-de-route/", public.roadmap, name="roadmap"),
    path("initiatives/<code:code>/", public.initiative, name="initiative"),
    path("sections/", public.sections, name="sections"),
    path("sections/<slug:key>/", public.section, name="section"),
    path("pdf/", public.pdf, name="pdf"),
]
