from django.urls import path

from framja.audit import views

urlpatterns = [
    path("organisations/<slug:slug>/", views.organisation_log, name="audit-organisation-log"),
]
