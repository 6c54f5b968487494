from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndexesConfig(AppConfig):
    name = "framja.indexes"
    label = "indexes"
    verbose_name = _("Similarity indexes")
    default_auto_field = "django.db.models.BigAutoField"
