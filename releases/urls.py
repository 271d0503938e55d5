from django.urls import path

from releases import views

app_name = "releases"
urlpatterns = [
    path("", views.release_list, name="list"),
    path("publication/", views.publication, name="publication"),
    path("publication/production/", views.publication_progress, name="publication_progress"),
    path("publication/retirer/", views.unpublish, name="unpublish"),
    path("<int:number>/", views.release_detail, name="detail"),
    path("<int:number>/retirer/", views.withhold, name="withhold"),
    path("<int:number>/retraits/<int:pk>/annuler/", views.unwithhold, name="unwithhold"),
    path("<int:number>/motifs/ajouter/", views.ground_add, name="ground_add"),
    path("<int:number>/pdf/produire/", views.produce, name="produce"),
    path("<int:number>/pdf/production/", views.produce_progress, name="pdf_progress"),
    path("<int:number>/pdf/", views.download, name="pdf"),
    path("<int:number>/envoyee/", views.mark_sent, name="sent"),
]
