from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "framja.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from framja.audit import registry

        registry.connect_signals()
