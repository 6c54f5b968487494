from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.i18n import JavaScriptCatalog

from framja import health, views
from framja.accounts.converters import DatabaseIdConverter
from framja.api import api
from framja.catalogue import views as catalogue_views
from framja.languages.views import set_language

# <dbid:pk> instead of <int:pk> everywhere: ids that cannot fit a BIGINT simply do not match (404).
register_converter(DatabaseIdConverter, "dbid")

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", include("framja.catalogue.urls_feeds")),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("workspace/", views.workspace, name="workspace"),
    path("accounts/", include("framja.accounts.urls")),
    path("places/", include("framja.places.urls")),
    path("ideas/", include("framja.ideas.urls")),
    path("catalogue/", include("framja.catalogue.urls")),
    path("support/", include("framja.support.urls")),
    path("equality/", include("framja.equality.urls")),
    path("start/", catalogue_views.start, name="catalogue-start"),
    path("admin/", admin.site.urls),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    prefix_default_language=False,
)
# No public /media/ route, not even in debug mode: uploaded files (idea attachments) may carry
# personal data and are served by permission-checked views only.

handler404 = "framja.views.not_found"
