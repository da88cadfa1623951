"""Screenshots of every main page at desktop and phone widths, saved under
var/screenshots/ for people to look at; at phone width nothing may scroll sideways."""

from __future__ import annotations

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    SHOTS,
    has_no_horizontal_overflow,
    open_shot,
    save_screenshot,
)

pytestmark = pytest.mark.browser


def test_main_pages_are_screenshot_at_desktop_and_phone_width_without_sideways_scrolling(
    people_pages, problems
):
    overflowing = []
    saved = []
    for viewport in (DESKTOP, PHONE):
        for shot in SHOTS:
            page = people_pages[shot.who]
            page.set_viewport_size(viewport)
            open_shot(page, shot)
            expect(page.locator("main#content")).to_be_visible()
            expected_lang = "zh-Hans" if shot.who.endswith("_zh") else "en"
            expect(page.locator("html")).to_have_attribute("lang", expected_lang)
            saved.append(save_screenshot(page, shot.name))
            if viewport is PHONE and not has_no_horizontal_overflow(page):
                overflowing.append(
                    (shot.name, page.evaluate("document.documentElement.scrollWidth"))
                )

    assert overflowing == [], f"pages wider than {PHONE['width']} px: {overflowing}"
    for path in saved:
        with Image.open(path) as image:
            assert image.height >= 300, path
    assert problems.besides_favicon() == []
