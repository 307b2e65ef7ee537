"""The dashboard (`/console/stats`) in a real headless Chromium against a real hub on loopback, as
test_console_browser.py drives the console: a viewer signs in, reads the fleet's registrations,
narrows them through the form (with JavaScript switched off, as the form must work without it)
and reads the narrowed figures, in the headline and in the charts' written numbers. The page is
then photographed whole to /tmp/console-shots/ on a laptop and a phone, each also at 200% zoom,
and must not scroll sideways on any of them."""

import test_console_browser
from test_console import Office
from test_console_browser import SHOTS, click_and_wait, sign_in
from test_console_stats import ACEH, registrations

from hub.console.tour import Variant, _photograph, _screen

pytestmark = test_console_browser.pytestmark
browser = test_console_browser.browser  # the fixture, where pytest looks for it
SCREENS = [  # as hub.console.tour photographs its pages: the whole height, zoom as a reader sets it
    ("1366x768", (1366, 768), Variant("normal")),
    ("390x844", (390, 844), Variant("normal")),
    ("1366x768-200", (1366, 768), Variant("large", zoom=2)),
    ("390x844-200", (390, 844), Variant("large", zoom=2)),
]


def headline(browser) -> list[str]:
    """Registrations, events, and the shares of women, youth and people with a disability."""
    from selenium.webdriver.common.by import By

    return [figure.text for figure in browser.find_elements(By.CSS_SELECTOR, "main > .headline strong")]


def chart(browser, name: str) -> list[tuple[str, str]]:
    """A chart's bars as the SVG writes them: (label, number)."""
    from selenium.webdriver.common.by import By

    drawn = browser.find_element(By.CSS_SELECTOR, f"figure[aria-labelledby={name}-title] svg")
    labels, values = (
        [text.get_attribute("textContent") for text in drawn.find_elements(By.CSS_SELECTOR, f"text.{kind}")]
        for kind in ("label", "value")
    )
    return list(zip(labels, values, strict=True))


def show(browser, **chosen: str) -> None:
    """Chooses in the form's lists (by value, "" for all) and sends it."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    def chose(driver) -> bool:
        """False while the page the last click asked for is still replacing the old one."""
        try:
            for name, value in chosen.items():
                Select(driver.find_element(By.ID, name)).select_by_value(value)
        except WebDriverException:  # stale, or "node does not belong to the document"
            return False
        return True

    WebDriverWait(browser, 10).until(chose)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.filters button[type=submit]"))


def test_a_viewer_narrows_the_dashboard_and_reads_it_on_a_laptop_and_a_phone(hub, browser):
    """The figures match the registrations the kiosks sent; each choice in the form (province,
    then its regency, then an event from the list the "show everything" link brings back) changes
    them to that choice's, in the headline and in the bars; the page fits every screen."""
    from selenium.webdriver.common.by import By

    office = Office(hub)
    registrations(office)
    sign_in(browser, office, "pemantau")
    browser.get(office.url("/console/stats"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Statistik"
    assert headline(browser) == ["6", "3", "66,7%", "50,0%", "16,7%"]
    assert chart(browser, "province") == [("Aceh", "3"), ("Jawa Barat", "3")]
    assert chart(browser, "month") == [("Agustus 2026", "4"), ("September 2026", "2")]

    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    show(browser, province="Jawa Barat")
    assert "province=Jawa+Barat" in browser.current_url
    assert headline(browser) == ["3", "2", "100,0%", "33,3%", "33,3%"]
    assert chart(browser, "regency") == [("Bandung", "1"), ("Garut", "2")]
    show(browser, regency="Garut")
    assert headline(browser)[:2] == ["2", "1"]
    assert chart(browser, "type") == [("Sosialisasi", "2")]
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.filters .actions a"))
    show(browser, event=ACEH["uuid"])
    assert headline(browser) == ["3", "1", "33,3%", "66,7%", "0,0%"]
    assert chart(browser, "month") == [("Agustus 2026", "1"), ("September 2026", "2")]
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})

    show(browser, event="", province="Jawa Barat")  # the fullest page: every list and chart
    SHOTS.mkdir(exist_ok=True)
    too_wide = []
    for name, size, variant in SCREENS:
        _screen(browser, size, variant)
        if _photograph(browser, size, variant, SHOTS / f"stats-{name}.png"):
            too_wide.append(name)
    assert too_wide == []
