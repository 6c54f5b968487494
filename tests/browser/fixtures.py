"""Browser-test fixtures (a pytest plugin, registered in tests/conftest.py so any test directory can
use them): Playwright (sync API) driving Debian's Chromium against pytest-django's live_server,
with axe-core checking every page a test visits. Mark such tests `@pytest.mark.browser`.

- `browser` (session): headless Chromium from /usr/bin/chromium (or FRAMJA_CHROMIUM). Missing
  Chromium skips the browser tests with a reason, except in CI (env CI set), where it fails.
- `page`: a fresh browser context and page per test, opened at the live server. Every page
  the test navigates to must be checked with `assert_accessible(page)` (or reached through
  `visit`): the fixture fails the test otherwise, on JavaScript errors, and on anything the
  Content-Security-Policy blocks. On failure a
  screenshot and the HTML go to test-results/.
- `visit(page, path)`: open a path of the live server and run axe on it.
- `accessibility_report(page)`: axe's findings as text, for walks that report every page at once.
- `login(page, user)`: sign in through the real sign-in form.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD

CHROMIUM = Path(os.environ.get("FRAMJA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`);
});
"""
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
TIMEOUT_MS = 15_000


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Keep each phase's report on the item so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """reverse() in the tests gives the Swedish (unprefixed) URLs, whatever ran before."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM}: apt-get install chromium (or set FRAMJA_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}. CI must run the browser tests.", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to
    # run from it (the tests create their data through the ORM while the browser is open).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@dataclass
class PageWatch:
    """What happened on a page: navigations not yet checked by axe, and JavaScript errors."""

    unchecked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)


_WATCHES: dict[int, PageWatch] = {}


@pytest.fixture
def page(browser: Any, live_server: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    # Report every Content-Security-Policy violation (blocked inline code, eval, foreign origins).
    context.add_init_script(CSP_LISTENER)
    tab = context.new_page()
    watch = _WATCHES[id(tab)] = PageWatch()

    def on_load(loaded: Any) -> None:  # a new document (not a same-page #fragment jump)
        if loaded.url.startswith(live_server.url):
            watch.unchecked.append(loaded.url)

    def on_console(message: Any) -> None:  # Chromium reports what the CSP blocked as console errors
        if message.type == "error" and ("Content Security Policy" in message.text or "CSP violation" in message.text):
            watch.errors.append(f"{message.text} ({tab.url})")

    tab.on("load", on_load)
    tab.on("pageerror", lambda error: watch.errors.append(str(error)))
    tab.on("console", on_console)
    try:
        yield tab
        failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
        if failed:
            _save_evidence(tab, request.node.name)
        else:
            assert not watch.errors, "JavaScript errors on the page:\n" + "\n".join(watch.errors)
            assert not watch.unchecked, (
                "These pages were visited but never checked with axe (call assert_accessible(page)):\n"
                + "\n".join(watch.unchecked)
            )
    finally:
        _WATCHES.pop(id(tab), None)
        context.close()


def _save_evidence(page: Any, name: str) -> None:
    RESULTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", name)
    try:
        page.screenshot(path=str(RESULTS / f"{stem}.png"), full_page=True)
        (RESULTS / f"{stem}.html").write_text(page.content(), encoding="utf-8")
    except Exception:  # noqa: S110 - evidence is best effort; the test already failed
        pass


def format_violations(url: str, violations: list[dict[str, Any]]) -> str:
    """axe's findings as a readable list: rule, impact, help, and the offending elements."""
    lines = [f"axe-core found {len(violations)} accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']}  <{violation['helpUrl']}>")
        for node in violation.get("nodes", [])[:5]:
            lines.append(f"    at {' '.join(map(str, node.get('target', [])))}: {node.get('html', '')[:160]}")
            summary = node.get("failureSummary")
            if summary:
                lines.extend(f"      {line.strip()}" for line in summary.splitlines() if line.strip())
        if len(violation.get("nodes", [])) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)


@pytest.fixture
def accessibility_report(axe: Any) -> Callable[[Any], str]:
    """Run axe-core on the page as it is now: its violations as a readable report ("" if none).
    The page counts as checked either way (for walks that collect every page's findings)."""

    def report(page: Any) -> str:
        page.wait_for_load_state("load")
        results = axe.run(page)
        violations = results.response["violations"]
        watch = _WATCHES.get(id(page))
        if watch is not None:
            watch.checked.extend(watch.unchecked)
            watch.unchecked.clear()
        return format_violations(page.url, violations) if violations else ""

    return report


@pytest.fixture
def assert_accessible(accessibility_report: Callable[[Any], str]) -> Callable[[Any], None]:
    """Run axe-core on the page as it is now and fail with a readable report on any violation."""

    def check(page: Any) -> None:
        report = accessibility_report(page)
        assert not report, report

    return check


@pytest.fixture
def visit(assert_accessible: Callable[[Any], None]) -> Callable[..., Any]:
    """Open a path of the live server (status < 400 expected) and check it with axe."""

    def go(page: Any, path: str, *, status: int | None = None) -> Any:
        response = page.goto(path)
        assert response is not None, f"no response for {path}"
        if status is None:
            assert response.status < 400, f"{path} answered {response.status}"
        else:
            assert response.status == status, f"{path} answered {response.status}, expected {status}"
        assert_accessible(page)
        return response

    return go


@pytest.fixture
def login(visit: Callable[..., Any], assert_accessible: Callable[[Any], None]) -> Callable[..., None]:
    """Sign in through the sign-in page, then check the page it lands on."""

    def sign_in(page: Any, user: Any, password: str = PASSWORD) -> None:
        visit(page, reverse("accounts-login"))
        page.locator("input[name=username]").fill(user.username)
        page.locator("input[name=password]").fill(password)
        with page.expect_navigation():
            page.locator("main form[method=post] [type=submit]").first.click()
        assert_accessible(page)
        assert page.locator("form[action*='logout']").count() == 1, f"not signed in as {user.username} ({page.url})"

    return sign_in
