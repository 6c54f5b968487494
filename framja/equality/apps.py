from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EqualityConfig(AppConfig):
    name = "framja.equality"
    label = "equality"
    verbose_name = _("Equal terms")

    def ready(self) -> None:
        from framja.audit import registry as audit
        from framja.equality import models as m

        audit.register(m.ReferenceShare, organisation=lambda share: share.organisation_id)
