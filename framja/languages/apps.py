from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LanguagesConfig(AppConfig):
    """The visitor's language (switcher, middleware) and a gettext-free `compilemessages`."""

    name = "framja.languages"
    verbose_name = _("Languages")
