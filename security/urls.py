from django.urls import path

from security import sso, views

urlpatterns = [
    path("session/prolonger/", views.keep_alive, name="session_keep_alive"),
    # allauth's own paths and names, served with the ID token's signature always checked.
    path("oidc/<str:provider_id>/login/", sso.login, name="openid_connect_login"),
    path("oidc/<str:provider_id>/login/callback/", sso.callback, name="openid_connect_callback"),
]
