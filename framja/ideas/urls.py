"""The idea sluice's pages, mounted at /ideas/: the public side (browsing, submit, public idea,
the submitter's private status link), then casework (coordinators, advisers, region coordinators)."""

from django.urls import path, re_path

from framja.ideas import exports
from framja.ideas.views import casework, public, sluices
from framja.ideas.views import exports as export_views

urlpatterns = [
    # --- public side
    path("", public.public_list, name="ideas-list"),
    path("feed.atom", public.feed, name="ideas-feed"),
    re_path(r"^municipality/(?P<code>(?:SE|NO)-[0-9]{4})/$", public.municipality, name="ideas-municipality"),
    path("submit/", public.submit, name="ideas-submit"),
    path("submit/similar/", public.similar, name="ideas-similar"),
    path("submitted/", public.receipt, name="ideas-receipt"),
    path("<dbid:pk>/", public.public_detail, name="ideas-public-detail"),
    path("<dbid:pk>/support/", public.support, name="ideas-support"),
    path("support/confirm/<str:token>/", public.support_confirm, name="ideas-support-confirm"),
    path("status/lost/", public.resend_status_links, name="ideas-status-resend"),
    path("status/<str:token>/", public.status, name="ideas-status"),
    path("status/<str:token>/information/", public.status_information, name="ideas-status-information"),
    path("status/<str:token>/withdraw/", public.status_withdraw, name="ideas-status-withdraw"),
    path("status/<str:token>/remove-personal-data/", public.status_anonymise, name="ideas-status-anonymise"),
    # --- casework
    path("inbox/", casework.inbox, name="ideas-inbox"),
    re_path(rf"^inbox/export\.(?P<fmt>{exports.URL_FORMATS})$", casework.inbox_export, name="ideas-inbox-export"),
    path("exports/<dbid:pk>/", export_views.detail, name="ideas-export-detail"),
    path("exports/<dbid:pk>/download/", export_views.download, name="ideas-export-download"),
    path("exports/<dbid:pk>/retry/", export_views.retry, name="ideas-export-retry"),
    path("casework/<dbid:pk>/", casework.detail, name="ideas-casework-detail"),
    path("casework/<dbid:pk>/edit/", casework.edit, name="ideas-casework-edit"),
    path(
        "casework/<dbid:pk>/attachments/<dbid:attachment_pk>/",
        casework.attachment,
        name="ideas-casework-attachment",
    ),
    path("casework/<dbid:pk>/assign/", casework.assign, name="ideas-casework-assign"),
    path("casework/<dbid:pk>/notes/", casework.add_note, name="ideas-casework-note"),
    path("casework/<dbid:pk>/answers/", casework.add_answer, name="ideas-casework-answer"),
    path("casework/<dbid:pk>/decide/", casework.decide, name="ideas-casework-decide"),
    path("casework/<dbid:pk>/duplicate/search/", casework.duplicate_search, name="ideas-casework-duplicate-search"),
    path("casework/<dbid:pk>/duplicate/", casework.link_duplicate, name="ideas-casework-duplicate-link"),
    path("casework/<dbid:pk>/duplicate/remove/", casework.unlink_duplicate, name="ideas-casework-duplicate-unlink"),
    path("casework/<dbid:pk>/discussion/", casework.discussion, name="ideas-casework-discussion"),
    path("casework/<dbid:pk>/invite/", casework.invite, name="ideas-casework-invite"),
    path("casework/<dbid:pk>/costs/", casework.costs, name="ideas-casework-costs"),
    path("invitations/<dbid:pk>/", casework.participant_respond, name="ideas-participant-respond"),
    path("regional/", casework.regional, name="ideas-regional"),
    path("regional/candidates/<dbid:pk>/", casework.judge_candidate, name="ideas-regional-judge"),
    path("dashboard/", casework.dashboard, name="ideas-dashboard"),
    re_path(
        rf"^dashboard/export\.(?P<fmt>{exports.URL_FORMATS})$", casework.dashboard_export, name="ideas-dashboard-export"
    ),
    path("sluices/", casework.sluice_list, name="ideas-sluice-list"),
    path("sluices/<slug:slug>/settings/", casework.sluice_settings, name="ideas-sluice-settings"),
    # --- shared sluices
    path("casework/<dbid:pk>/share/", sluices.share_idea, name="ideas-casework-share"),
    path("shared/", sluices.memberships, name="ideas-sluice-memberships"),
    path("shared/new/", sluices.create, name="ideas-sluice-create"),
    path("shared/triage/", sluices.local_triage, name="ideas-sluice-local-triage"),
    path("shared/memberships/<dbid:pk>/answer/", sluices.respond, name="ideas-sluice-membership-respond"),
    path("shared/memberships/<dbid:pk>/leave/", sluices.leave, name="ideas-sluice-membership-leave"),
    path("sluices/<slug:slug>/members/", sluices.members, name="ideas-sluice-members"),
    path("sluices/<slug:slug>/members/<dbid:pk>/end/", sluices.end_membership, name="ideas-sluice-membership-end"),
    path("sluices/<slug:slug>/inbox/", sluices.inbox, name="ideas-sluice-inbox"),
    path("sluices/<slug:slug>/dashboard/", sluices.dashboard, name="ideas-sluice-dashboard"),
    re_path(
        rf"^sluices/(?P<slug>[-a-zA-Z0-9_]+)/dashboard/export\.(?P<fmt>{exports.URL_FORMATS})$",
        sluices.dashboard_export,
        name="ideas-sluice-dashboard-export",
    ),
]
