from django.urls import path, re_path

from framja.equality import views
from framja.ideas.exports import URL_FORMATS

urlpatterns = [
    path("<slug:slug>/", views.dashboard, name="equality-dashboard"),
    re_path(
        rf"^(?P<slug>[-a-zA-Z0-9_]+)/export\.(?P<fmt>{URL_FORMATS})$",
        views.dashboard_export,
        name="equality-dashboard-export",
    ),
    path("<slug:slug>/reference-shares/", views.reference_shares, name="equality-reference-shares"),
    path(
        "<slug:slug>/reference-shares/<dbid:pk>/delete/",
        views.reference_share_delete,
        name="equality-reference-share-delete",
    ),
]
