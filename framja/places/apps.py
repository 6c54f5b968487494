from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "framja.places"
    label = "places"
    verbose_name = _("Places")

    def ready(self) -> None:
        from framja.places import models, option_cache

        option_cache.connect(
            [models.County, models.Municipality, models.SniSection, models.SniDivision, models.SniCode]
        )
