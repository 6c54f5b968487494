"""Feeds are language-neutral: served outside i18n_patterns (framja/urls.py)."""

from django.urls import path

from framja.catalogue import views

urlpatterns = [
    path("calendar.ics", views.calendar_ics, name="catalogue-calendar-ics"),
    path("catalogue/events/<dbid:pk>.ics", views.event_ics, name="catalogue-event-ics"),
]
