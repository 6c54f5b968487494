"""The Content-Security-Policy in a real browser: inline code is blocked, and the page fixture
reports what was blocked, so every browser test fails on a CSP violation."""

from __future__ import annotations

import pytest

from tests.browser.fixtures import _WATCHES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_inline_script_is_blocked_and_reported(page, visit):
    visit(page, "/")
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.injected = true;";
          document.body.appendChild(script);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.injected === undefined")
    errors = _WATCHES[id(page)].errors
    assert any("CSP violation" in error or "Content Security Policy" in error for error in errors), errors
    errors.clear()  # the violation was the point of this test
