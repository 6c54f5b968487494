"""Every page of the site at 320 CSS pixels wide (WCAG 2.1 1.4.10 Reflow: 1280 px zoomed to 400 %),
in Swedish, Norwegian and English, with axe-core on each:

- nothing is wider than the window: the page never scrolls sideways. A table may scroll inside
  its own container, if that container is a named region a keyboard user can reach with Tab
  (2.1.1; axe's scrollable-region-focusable);
- no text sticks out of its box (a long e-mail address wraps);
- references ("IDE-2380-2026-0004") and dates stay on one line instead of breaking in the middle;
- nothing is said twice: "Östersunds kommun · Östersunds kommun", a field labelled with the heading
  of its section.

Each page is visited by the persona that sees it: an anonymous visitor walks the public pages, an
organisation's administrator (who also coordinates the region) every page behind sign-in. The page
data are those of the server-side page checks (tests/fixtures_pages.py) with a long, realistic
e-mail address and a sluice with its default name. All findings of a walk are reported at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from framja.accounts.models import User
from framja.ideas.models import Idea, Sluice
from tests.pages import ADMIN_STATUSES, PageParameters, page_routes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 320
LANGUAGES = ("sv", "nb", "en")
ROUTES = page_routes()
# Not pages a person reads: downloads, feeds and the HTMX fragments a page swaps in (their content
# is checked on the page that shows them; the Atom feed in tests/ideas/test_public_browsing.py).
NOT_PAGES = {
    "ideas-feed",
    "ideas-inbox-export",
    "ideas-dashboard-export",
    "ideas-sluice-dashboard-export",
    "ideas-export-download",
    "ideas-casework-attachment",
    "places-municipality-options",
    "places-sni-options",
    "ideas-similar",
    "support-person-export",
    "equality-dashboard-export",
}
# What the administrator gets elsewhere (405 from form targets, redirects) is not a page either.
SIGNED_IN_PAGES = [r for r in ROUTES if r.name not in NOT_PAGES and ADMIN_STATUSES.get(r.name, 200) == 200]
LONG_EMAIL = "kim.karlsson-lindqvist@ostersunds-foretagarforening.example.org"

# What does not reflow, as readable sentences: the page's width, boxes whose content sticks out,
# sideways scrollers a keyboard cannot reach, and references and dates broken over two lines.
REFLOW_PROBLEMS = r"""(width) => {
  const problems = [];
  const describe = (el) => {
    const names = typeof el.className === "string" ? el.className.trim() : "";
    const cls = names ? "." + names.split(/\s+/).join(".") : "";
    const text = (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 50);
    return `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls}> "${text}"`;
  };
  const root = document.documentElement;
  if (root.scrollWidth > width) {
    const wide = [...document.body.querySelectorAll("*")].filter(el => el.getBoundingClientRect().right > width + 1);
    const outer = wide.filter(el => !wide.includes(el.parentElement)).slice(0, 5);
    problems.push(`the page is ${root.scrollWidth}px wide: ` +
      outer.map(el => `${describe(el)} ends at ${Math.round(el.getBoundingClientRect().right)}px`).join("; "));
  }
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    if (style.display === "none" || style.display === "inline" || el.clientWidth === 0) continue;
    if (el.closest(".visually-hidden")) continue;
    const overflows = el.scrollWidth > el.clientWidth + 1;
    if (!overflows) continue;
    if (style.overflowX === "auto" || style.overflowX === "scroll") {
      const named = el.getAttribute("aria-label") || el.getAttribute("aria-labelledby");
      if (el.tabIndex < 0 || el.getAttribute("role") !== "region" || !named) {
        problems.push(`${describe(el)} scrolls sideways but is not a named region reachable by Tab`);
      }
    } else if (style.overflowX === "visible") {
      const scrollerInside = [...el.querySelectorAll("*")].some(inner => {
        const s = getComputedStyle(inner);
        return s.overflowX === "auto" || s.overflowX === "scroll";
      });
      const excess = el.scrollWidth - el.clientWidth;
      if (!scrollerInside) problems.push(`${describe(el)}: its content is ${excess}px wider than the box`);
    }
  }
  const broken = (rects) => new Set([...rects].filter(r => r.width > 0).map(r => Math.round(r.top))).size > 1;
  for (const time of document.querySelectorAll("time")) {
    if (broken(time.getClientRects())) problems.push(`the date ${describe(time)} breaks over two lines`);
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const code = /\b[A-Z]{3}-\d{4}-\d{4}-\d{3,}\b|\b\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2})?\b/g;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (const match of node.data.matchAll(code)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      if (broken(range.getClientRects())) problems.push(`${match[0]} breaks over two lines`);
    }
  }
  // Said twice: "Östersunds kommun · Östersunds kommun", or a field labelled with its section's heading.
  for (const el of document.querySelectorAll("main p, main dd, main li, main td, main th")) {
    const text = el.textContent.replace(/\s+/g, " ").trim();
    const twice = text.match(/(?:^|[(:] ?)([^·()]{3,}?) · \1(?:$|[)·])/);
    if (twice) problems.push(`${describe(el)} says "${twice[1]}" twice`);
  }
  const plain = (el) => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll(".muted, .visually-hidden").forEach(inner => inner.remove());
    return copy.textContent.replace(/\s+/g, " ").replace(/[:*]\s*$/, "").trim().toLowerCase();
  };
  for (const label of document.querySelectorAll("main label")) {
    if (label.closest(".visually-hidden") || label.classList.contains("visually-hidden")) continue;
    const section = label.closest("section, fieldset");
    const heading = section && section.querySelector("h2, h3, h4, legend");
    if (heading && heading !== label && plain(heading) === plain(label)) {
      problems.push(`the field label "${plain(label)}" repeats the heading above it`);
    }
  }
  return problems;
}"""


def reflow_problems(page: Any) -> list[str]:
    problems: list[str] = page.evaluate(REFLOW_PROBLEMS, WIDTH)
    return problems


@pytest.fixture
def worst_case(page_parameters: PageParameters) -> None:
    """The idea on the casework pages was sent in with a long (and ordinary) e-mail address, and
    its sluice has the default name: its lead organisation's."""
    idea = Idea.objects.select_related("sluice__lead_organisation").get(pk=page_parameters.values["pk"])
    Idea.objects.filter(pk=idea.pk).update(submitter_email=LONG_EMAIL)
    assert idea.sluice is not None
    Sluice.objects.filter(pk=idea.sluice.pk).update(name=idea.sluice.lead_organisation.name)


def walk(page: Any, urls: list[tuple[str, str]], accessibility_report: Callable[[Any], str]) -> list[str]:
    """Visit each (name, url) at 320 px; every finding, page by page."""
    findings: list[str] = []
    for name, url in urls:
        response = page.goto(url)
        assert response is not None, f"no response for {url}"
        problems = [f"answered {response.status}"] if response.status != 200 else reflow_problems(page)
        report = accessibility_report(page)
        if report:
            problems.append(report)
        findings.extend(f"{name} {url}: {problem}" for problem in problems)
    return findings


def first_answer(page: Any, url: str) -> int:
    """The status of a URL without following a redirect (in the browser context's session)."""
    status: int = page.request.get(url, max_redirects=0).status
    return status


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_signed_in_page_reflows_at_320_px(
    page, login, accessibility_report, page_parameters, owner: User, worst_case: None, language: str
) -> None:
    page.set_viewport_size({"width": WIDTH, "height": 800})
    login(page, owner)
    urls = [(route.name, page_parameters.url(route, language)) for route in SIGNED_IN_PAGES]
    findings = walk(page, urls, accessibility_report)
    assert not findings, f"{len(findings)} problem(s) at {WIDTH}px:\n" + "\n".join(findings)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_reflows_at_320_px(page, accessibility_report, page_parameters, language: str) -> None:
    """The anonymous visitor's pages: those that answer at once (not a form's target, which
    answers 405, nor a page that sends the visitor to sign in); the password-reset link, which
    sends on to its own form, is followed."""
    page.set_viewport_size({"width": WIDTH, "height": 800})
    urls = []
    for route in ROUTES:
        if route.name in NOT_PAGES:
            continue
        url = page_parameters.url(route, language)
        if route.name in page_parameters.follow or first_answer(page, url) == 200:
            urls.append((route.name, url))
    assert len(urls) >= 20, f"only {len(urls)} public pages found: {urls}"
    findings = walk(page, urls, accessibility_report)
    assert not findings, f"{len(findings)} problem(s) at {WIDTH}px:\n" + "\n".join(findings)
