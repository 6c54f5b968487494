"""Settings read from the environment: typed helpers, *_FILE secrets, DATABASE_URL, deploy checks."""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.utils import ConnectionHandler

from framja.settings import database_from_url, env_bool, env_float, env_int, env_list, env_secret

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " True "])
def test_env_bool_reads_true(monkeypatch, raw):
    monkeypatch.setenv("FRAMJA_TEST_FLAG", raw)
    assert env_bool("FRAMJA_TEST_FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "No", "off"])
def test_env_bool_reads_false(monkeypatch, raw):
    monkeypatch.setenv("FRAMJA_TEST_FLAG", raw)
    assert env_bool("FRAMJA_TEST_FLAG", True) is False


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_env_bool_unset_or_blank_gives_default(monkeypatch, raw):
    monkeypatch.delenv("FRAMJA_TEST_FLAG", raising=False)
    if raw is not None:
        monkeypatch.setenv("FRAMJA_TEST_FLAG", raw)
    assert env_bool("FRAMJA_TEST_FLAG", True) is True
    assert env_bool("FRAMJA_TEST_FLAG", False) is False


@pytest.mark.parametrize("raw", ["2", "maybe", "ja", "tru"])
def test_env_bool_rejects_anything_else_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv("FRAMJA_TEST_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="FRAMJA_TEST_FLAG"):
        env_bool("FRAMJA_TEST_FLAG", False)


def test_env_int_parses_and_rejects(monkeypatch):
    monkeypatch.setenv("FRAMJA_TEST_INT", "42")
    assert env_int("FRAMJA_TEST_INT", 1) == 42
    monkeypatch.setenv("FRAMJA_TEST_INT", "forty-two")
    with pytest.raises(ImproperlyConfigured, match="FRAMJA_TEST_INT must be an integer"):
        env_int("FRAMJA_TEST_INT", 1)
    monkeypatch.delenv("FRAMJA_TEST_INT")
    assert env_int("FRAMJA_TEST_INT", 7) == 7


def test_env_float_parses_and_rejects(monkeypatch):
    monkeypatch.setenv("FRAMJA_TEST_FLOAT", "0.35")
    assert env_float("FRAMJA_TEST_FLOAT", 0.1) == pytest.approx(0.35)
    monkeypatch.setenv("FRAMJA_TEST_FLOAT", "high")
    with pytest.raises(ImproperlyConfigured, match="FRAMJA_TEST_FLOAT must be a number"):
        env_float("FRAMJA_TEST_FLOAT", 0.1)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("FRAMJA_TEST_LIST", " a.example.org, ,b.example.org ")
    assert env_list("FRAMJA_TEST_LIST", []) == ["a.example.org", "b.example.org"]
    monkeypatch.delenv("FRAMJA_TEST_LIST")
    assert env_list("FRAMJA_TEST_LIST", ["x"]) == ["x"]


def test_env_secret_prefers_the_file(monkeypatch, tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-the-file\n", encoding="utf-8")
    monkeypatch.setenv("FRAMJA_TEST_SECRET", "from-the-variable")
    monkeypatch.setenv("FRAMJA_TEST_SECRET_FILE", str(secret_file))
    assert env_secret("FRAMJA_TEST_SECRET") == "from-the-file"


def test_env_secret_falls_back_to_the_variable_then_default(monkeypatch):
    monkeypatch.delenv("FRAMJA_TEST_SECRET_FILE", raising=False)
    monkeypatch.setenv("FRAMJA_TEST_SECRET", "from-the-variable")
    assert env_secret("FRAMJA_TEST_SECRET") == "from-the-variable"
    monkeypatch.delenv("FRAMJA_TEST_SECRET")
    assert env_secret("FRAMJA_TEST_SECRET", "fallback") == "fallback"


def test_env_secret_missing_file_is_a_configuration_error(monkeypatch, tmp_path):
    monkeypatch.setenv("FRAMJA_TEST_SECRET_FILE", str(tmp_path / "absent"))
    with pytest.raises(ImproperlyConfigured, match="FRAMJA_TEST_SECRET_FILE"):
        env_secret("FRAMJA_TEST_SECRET")


def test_database_url_postgres():
    config = database_from_url("postgres://framja:s3cret@db.example.org:5433/framja", conn_max_age=30)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("framja", "framja", "s3cret")
    assert (config["HOST"], config["PORT"]) == ("db.example.org", 5433)
    assert config["CONN_MAX_AGE"] == 30
    assert config["CONN_HEALTH_CHECKS"] is True


def test_database_url_sqlite_absolute_path_uses_wal_and_no_persistent_connections(tmp_path):
    config = database_from_url(f"sqlite:///{tmp_path}/framja.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == f"{tmp_path}/framja.sqlite3"
    assert config["CONN_MAX_AGE"] == 0
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.parametrize("url", ["nosuchdb://x/y", "not a url"])
def test_database_url_unknown_scheme_is_a_configuration_error(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


def test_sqlite_file_database_runs_in_wal_mode(tmp_path):
    """The init_command Django runs on connect switches a file database to WAL."""
    config = database_from_url(f"sqlite:///{tmp_path / 'wal.sqlite3'}")
    db = sqlite3.connect(config["NAME"])
    try:
        db.executescript(config["OPTIONS"]["init_command"])
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()


def test_django_connection_uses_wal_on_a_file_database(tmp_path, django_db_blocker):
    """Through Django's own backend: a new connection to a file DB reports journal_mode=wal."""
    handler = ConnectionHandler({"default": database_from_url(f"sqlite:///{tmp_path / 'django.sqlite3'}")})
    try:
        with django_db_blocker.unblock(), handler["default"].cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
    finally:
        handler.close_all()


def _framja(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FRAMJA_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "framja.manage", *args],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _framja(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "FRAMJA_DEBUG": "0",
            "FRAMJA_SECRET_KEY": secrets.token_urlsafe(50),
            "FRAMJA_ALLOWED_HOSTS": "framja.example.org",
            "FRAMJA_DATA_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_without_secret_key_refuse_to_start(tmp_path):
    result = _framja(["check"], {"FRAMJA_DEBUG": "0", "FRAMJA_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "FRAMJA_SECRET_KEY" in result.stderr


def test_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    result = _framja(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "FRAMJA_DEBUG": "0",
            "FRAMJA_SECRET_KEY_FILE": str(key_file),
            "FRAMJA_ALLOWED_HOSTS": "framja.example.org",
            "FRAMJA_DATA_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_invalid_boolean_stops_the_app_with_a_clear_message(tmp_path):
    result = _framja(["check"], {"FRAMJA_DEBUG": "perhaps", "FRAMJA_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "FRAMJA_DEBUG must be a boolean" in result.stderr
