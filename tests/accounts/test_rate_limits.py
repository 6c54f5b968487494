"""Rate limits on password reset, and the shared cache they count in: it holds across processes,
and a per-process cache is refused in production."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.checks import Error, Warning
from django.urls import reverse, translate_url

from framja.accounts import checks, ratelimit

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _reset(client, email: str, *, address: str = "192.0.2.1", language: str = "sv"):
    url = translate_url(reverse("accounts-password-reset"), language)
    return client.post(url, {"email": email}, REMOTE_ADDR=address)


def test_password_reset_mails_one_address_at_most_three_times_an_hour(
    client, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the outbox's send jobs
        codes = [_reset(client, "owner@example.org", address=f"192.0.2.{i}").status_code for i in range(1, 6)]
    assert codes == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3


def test_password_reset_is_limited_per_client_address(client, owner, django_capture_on_commit_callbacks):
    count = ratelimit.PASSWORD_RESETS_PER_ADDRESS[0]
    codes = {_reset(client, f"person{i}@example.org").status_code for i in range(count)}
    assert codes == {302}
    with django_capture_on_commit_callbacks(execute=True):  # a reset mail would be sent by its job
        response = _reset(client, "owner@example.org", language="en")
    assert response.status_code == 429
    assert "Too many requests for a new password" in response.content.decode()
    assert mail.outbox == []
    assert _reset(client, "owner@example.org", address="198.51.100.3").status_code == 302


def test_password_reset_limit_message_is_translated(client, owner):
    for _ in range(3):
        _reset(client, "owner@example.org")
    response = _reset(client, "owner@example.org")
    assert response.status_code == 429
    assert "För många begäranden om nytt lösenord" in response.content.decode()


def test_counters_are_in_the_shared_cache_not_in_the_process():
    backend = settings.CACHES["default"]["BACKEND"]
    assert backend in {"framja.accounts.cache.DatabaseCache", "django.core.cache.backends.redis.RedisCache"}


# A separate Python process counting against the same cache, as a second gunicorn worker would.
_WORKER = textwrap.dedent(
    """
    import django
    django.setup()
    from django.core.management import call_command
    from framja.accounts import ratelimit
    if "{createcachetable}":
        call_command("createcachetable")
    allowed = [ratelimit.hit("{scope}", "192.0.2.1", (5, 600)) for _ in range(3)]
    print(sum(allowed))
    """
)


def _worker(env: dict[str, str], scope: str, *, createcachetable: bool) -> int:
    code = _WORKER.format(scope=scope, createcachetable="yes" if createcachetable else "")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FRAMJA_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**clean, "DJANGO_SETTINGS_MODULE": "framja.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def test_limit_holds_across_two_processes_on_the_database_cache(tmp_path):
    env = {"FRAMJA_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'cache.sqlite3'}"}
    assert _worker(env, "cross-process", createcachetable=True) == 3
    assert _worker(env, "cross-process", createcachetable=False) == 2  # 5 in all, not 3 + 3


def test_limit_holds_across_two_processes_on_redis(tmp_path):
    url = os.environ.get("FRAMJA_REDIS_URL")
    if not url:
        pytest.skip("FRAMJA_REDIS_URL is not set (CI runs this with Redis)")
    prefix = f"framja-test-cross-{os.getpid()}-{tmp_path.name}"
    env = {"FRAMJA_DATA_DIR": str(tmp_path), "FRAMJA_REDIS_URL": url, "FRAMJA_CACHE_KEY_PREFIX": prefix}
    try:
        assert _worker(env, "cross-process", createcachetable=False) == 3
        assert _worker(env, "cross-process", createcachetable=False) == 2
    finally:
        import redis

        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)


def test_database_cache_counts_atomically_and_keeps_the_window():
    from django.core.cache import cache

    assert cache.add("rate:test:x", 0, timeout=600)
    assert [cache.incr("rate:test:x") for _ in range(3)] == [1, 2, 3]
    assert cache.get("rate:test:x") == 3
    with pytest.raises(ValueError, match="not found"):
        cache.incr("rate:test:missing")


@pytest.mark.parametrize("backend", sorted(checks.PER_PROCESS_CACHES))
def test_a_per_process_cache_is_an_error_in_production_and_a_warning_in_debug(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend}}
    settings.DEBUG = False
    assert [type(m) for m in checks.shared_cache()] == [Error]
    settings.DEBUG = True
    assert [type(m) for m in checks.shared_cache()] == [Warning]


def test_shared_caches_pass_the_check(settings):
    for backend in ("framja.accounts.cache.DatabaseCache", "django.core.cache.backends.redis.RedisCache"):
        settings.CACHES = {"default": {"BACKEND": backend, "LOCATION": "framja_cache"}}
        settings.DEBUG = False
        assert checks.shared_cache() == []
