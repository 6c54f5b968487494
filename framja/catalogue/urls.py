from django.urls import path

from framja.catalogue import views

urlpatterns = [
    path("", views.directory, name="catalogue-directory"),
    path("offerings/<dbid:pk>/", views.offering_detail, name="catalogue-offering-detail"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="catalogue-organisation-detail"),
    path("calendar/", views.calendar_page, name="catalogue-calendar"),
    path("events/<dbid:pk>/", views.event_detail, name="catalogue-event-detail"),
    path("events/<dbid:pk>/register/", views.event_register, name="catalogue-event-register"),
    path("registrations/<str:token>/cancel/", views.registration_cancel, name="catalogue-registration-cancel"),
    path("start/contact/<dbid:pk>/", views.contact, name="catalogue-contact"),
    path("manage/<slug:slug>/", views.manage, name="catalogue-manage"),
    path("manage/<slug:slug>/events/", views.manage_events, name="catalogue-manage-events"),
    path("manage/<slug:slug>/contact-requests/", views.contact_requests, name="catalogue-contact-requests"),
    path(
        "manage/<slug:slug>/contact-requests/<dbid:pk>/answered/",
        views.contact_request_answered,
        name="catalogue-contact-request-answered",
    ),
    path("manage/<slug:slug>/offerings/new/", views.offering_edit, name="catalogue-offering-create"),
    path("manage/<slug:slug>/offerings/<dbid:pk>/", views.offering_edit, name="catalogue-offering-edit"),
    path("manage/<slug:slug>/events/new/", views.event_edit, name="catalogue-event-create"),
    path("manage/<slug:slug>/events/<dbid:pk>/", views.event_edit, name="catalogue-event-edit"),
    path("manage/<slug:slug>/events/<dbid:pk>/cancel/", views.event_cancel, name="catalogue-event-cancel"),
    path("manage/<slug:slug>/events/<dbid:pk>/participants/", views.participants, name="catalogue-participants"),
]
