"""Readable contrast (WCAG 2 AA: 4.5:1 for text, 3:1 for large text) on the pages villagers and
staff read most, measured on the rendered page: each element's own text against the first
opaque background behind it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Served, log_in
from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.browser

LOW_CONTRAST = """
() => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const channel = (c) => {
    c /= 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const background = (element) => {
    for (let e = element; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) { return c.slice(0, 3); }
    }
    return [255, 255, 255];
  };
  const failures = [];
  for (const element of document.body.querySelectorAll("*")) {
    const own = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    const box = element.getBoundingClientRect();
    if (!own || box.width === 0 || box.height === 0) { continue; }
    const style = getComputedStyle(element);
    if (style.visibility === "hidden" || Number(style.opacity) === 0) { continue; }
    const [a, b] = [luminance(rgb(style.color).slice(0, 3)), luminance(background(element))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) {
      const text = element.textContent.trim().slice(0, 20);
      failures.push(`${element.tagName} "${text}" ${ratio.toFixed(2)}`);
    }
  }
  return failures;
}
"""



def test_portal_pages_have_readable_contrast(page: Page, published: Served):
    base = published.base_url
    page.goto(base + "/")
    assert page.evaluate(LOW_CONTRAST) == []
    page.get_by_role("link", name="东风村").first.click()
    # A click starts the navigation without waiting for the next page: on a busy machine
    # the script would otherwise run before that page has a body.
    page.wait_for_url("**/village/*")
    assert page.evaluate(LOW_CONTRAST) == []
    page.get_by_role("link", name="农村最低生活保障名单").click()
    page.wait_for_url("**/program/*")
    assert page.evaluate(LOW_CONTRAST) == []
    for path in ("/check", "/report", "/track"):
        page.goto(base + path)
        assert page.evaluate(LOW_CONTRAST) == [], path


def test_staff_pages_have_readable_contrast(page: Page, published: Served):
    base = published.base_url
    page.goto(base + "/staff/login")
    assert page.evaluate(LOW_CONTRAST) == []
    log_in(page, base, "analyst", PASSWORD)
    for path in ("/staff/dashboard", "/staff/warnings", "/staff/cases", "/staff/uploads"):
        page.goto(base + path)
        assert page.evaluate(LOW_CONTRAST) == [], path
