"""For a schemathesis CLI run against a live server: `SCHEMATHESIS_HOOKS=tests.fuzz_cli_hooks`
(with DJANGO_SETTINGS_MODULE set: the hooks read the municipality code pattern from the app)."""

import django
import schemathesis

django.setup()

from tests.fuzz_hooks import map_case  # noqa: E402  (after django.setup())

schemathesis.hook(map_case)
