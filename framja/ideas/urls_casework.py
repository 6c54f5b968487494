"""Casework pages (coordinators, advisers, region coordinators). Mounted at /ideas/."""

from django.urls import path, re_path

from framja.ideas.views import casework as views

urlpatterns = [
    path("inbox/", views.inbox, name="ideas-inbox"),
    re_path(r"^inbox/export\.(?P<fmt>csv|xlsx)$", views.inbox_export, name="ideas-inbox-export"),
    path("casework/<dbid:pk>/", views.detail, name="ideas-casework-detail"),
    path("casework/<dbid:pk>/edit/", views.edit, name="ideas-casework-edit"),
    path("casework/<dbid:pk>/attachments/<dbid:attachment_pk>/", views.attachment, name="ideas-casework-attachment"),
    path("casework/<dbid:pk>/assign/", views.assign, name="ideas-casework-assign"),
    path("casework/<dbid:pk>/notes/", views.add_note, name="ideas-casework-note"),
    path("casework/<dbid:pk>/answers/", views.add_answer, name="ideas-casework-answer"),
    path("casework/<dbid:pk>/decide/", views.decide, name="ideas-casework-decide"),
    path("casework/<dbid:pk>/duplicate/search/", views.duplicate_search, name="ideas-casework-duplicate-search"),
    path("casework/<dbid:pk>/duplicate/", views.link_duplicate, name="ideas-casework-duplicate-link"),
    path("casework/<dbid:pk>/duplicate/remove/", views.unlink_duplicate, name="ideas-casework-duplicate-unlink"),
    path("casework/<dbid:pk>/discussion/", views.discussion, name="ideas-casework-discussion"),
    path("casework/<dbid:pk>/invite/", views.invite, name="ideas-casework-invite"),
    path("casework/<dbid:pk>/costs/", views.costs, name="ideas-casework-costs"),
    path("invitations/<dbid:pk>/", views.participant_respond, name="ideas-participant-respond"),
    path("regional/", views.regional, name="ideas-regional"),
    path("regional/candidates/<dbid:pk>/", views.judge_candidate, name="ideas-regional-judge"),
    path("dashboard/", views.dashboard, name="ideas-dashboard"),
    re_path(r"^dashboard/export\.(?P<fmt>csv|xlsx)$", views.dashboard_export, name="ideas-dashboard-export"),
    path("sluices/", views.sluice_list, name="ideas-sluice-list"),
    path("sluices/<slug:slug>/settings/", views.sluice_settings, name="ideas-sluice-settings"),
]
