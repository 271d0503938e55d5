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
    path("donnees/", public.data_index, name="data_index"),
    path("donnees/datapackage.json", public.datapackage, name="datapackage"),
    path("donnees/plan.json", public.plan_json, name="plan_json"),
    path("donnees/ptn-plan-1.schema.json", public.plan_schema, name="plan_schema"),
    path("donnees/<slug:name>.csv", public.data_file, name="data_file"),
]
