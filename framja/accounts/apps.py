from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "framja.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from framja.accounts import checks  # noqa: F401 - registers the system checks
        from framja.accounts.middleware import note_sign_in
        from framja.accounts.models import ApiToken, Invitation, Membership, Organisation, User
        from framja.audit import registry as audit

        audit.register(Organisation, organisation=lambda org: org.pk, exclude={"updated_at"})
        audit.register(Membership, organisation=lambda m: m.organisation_id)
        audit.register(Invitation, organisation=lambda i: i.organisation_id, exclude={"token_hash"})
        audit.register(ApiToken, organisation=lambda t: None, exclude={"token_hash", "last_used_at"})
        audit.register(User, organisation=lambda u: None, exclude={"last_login"}, redact={"password"})
        user_logged_in.connect(note_sign_in, dispatch_uid="framja-session-sign-in")
