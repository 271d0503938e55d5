from django.urls import path

from followup import views

app_name = "followup"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("pdf/", views.progress_pdf, name="pdf"),
    path("pdf/production/", views.progress_pdf_progress, name="pdf_progress"),
    path("periodes/", views.periods, name="periods"),
    path("periodes/<int:pk>/supprimer/", views.period_delete, name="period_delete"),
    path("risques/", views.risks, name="risks"),
    path("indicateurs/<int:pk>/", views.indicator, name="indicator"),
    path("initiatives/<code:code>/", views.initiative_reports, name="initiative"),
    path("initiatives/<code:code>/<str:period>/", views.report, name="report"),
    path("initiatives/<code:code>/<str:period>/soumettre/", views.report_submit, name="submit"),
    path("initiatives/<code:code>/<str:period>/examiner/", views.report_review, name="review"),
]
