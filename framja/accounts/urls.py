from django.contrib.auth import views as auth_views
from django.urls import path

from framja.accounts import views

urlpatterns = [
    path("login/", views.SignInView.as_view(), name="accounts-login"),
    path("logout/", auth_views.LogoutView.as_view(), name="accounts-logout"),
    path("password/reset/", views.PasswordResetView.as_view(), name="accounts-password-reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="accounts-password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="accounts-password-reset-confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="accounts-password-reset-complete",
    ),
    path("password/change/", views.PasswordChangeView.as_view(), name="accounts-password-change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="accounts-password-change-done",
    ),
    path("", views.home, name="accounts-home"),
    path("me/", views.profile, name="accounts-profile"),
    path("me/tokens/", views.token_create, name="accounts-token-create"),
    path("me/tokens/<dbid:pk>/revoke/", views.token_revoke, name="accounts-token-revoke"),
    path("organisations/", views.organisation_list, name="accounts-organisation-list"),
    path("organisations/new/", views.organisation_create, name="accounts-organisation-create"),
    path("organisations/claims/", views.claim_list, name="accounts-claim-list"),
    path("organisations/claims/<slug:slug>/verify/", views.claim_verify, name="accounts-claim-verify"),
    path("organisations/claims/<slug:slug>/reject/", views.claim_reject, name="accounts-claim-reject"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="accounts-organisation-detail"),
    path("organisations/<slug:slug>/edit/", views.organisation_edit, name="accounts-organisation-edit"),
    path("organisations/<slug:slug>/members/", views.member_list, name="accounts-member-list"),
    # The audit app's page, served here because who may read it is an accounts rule.
    path("organisations/<slug:slug>/audit/", views.audit_log, name="audit-organisation-log"),
    path("organisations/<slug:slug>/members/<dbid:user_id>/role/", views.member_role, name="accounts-member-role"),
    path(
        "organisations/<slug:slug>/members/<dbid:user_id>/remove/", views.member_remove, name="accounts-member-remove"
    ),
    path("organisations/<slug:slug>/invitations/", views.invitation_create, name="accounts-invitation-create"),
    path(
        "organisations/<slug:slug>/invitations/<dbid:pk>/revoke/",
        views.invitation_revoke,
        name="accounts-invitation-revoke",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="accounts-invitation-accept"),
]
