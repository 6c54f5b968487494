from django.contrib.auth import views as auth_views
from django.urls import path

from framja.accounts import views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="accounts-login"),
    path("logout/", auth_views.LogoutView.as_view(), name="accounts-logout"),
    path("", views.home, name="accounts-home"),
    path("me/", views.profile, name="accounts-profile"),
    path("organisations/", views.organisation_list, name="accounts-organisation-list"),
]
