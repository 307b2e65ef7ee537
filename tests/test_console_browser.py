"""The console in a real headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium) against a real hub on loopback: a verifier signs in, finds a report in the inbox,
opens it and verifies it. Screenshots of both pages at 1366x768 go to /tmp/console-shots/."""

import shutil
import tempfile
from pathlib import Path

import pytest
import requests
from test_console import PASSWORD, TIMEOUT, Office

CHROMEDRIVER = Path("/usr/bin/chromedriver")
SHOTS = Path("/tmp/console-shots")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1366,768",
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("chromium") and CHROMEDRIVER.exists()),
        reason="needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
    ),
]


def viewport(driver, width: int, height: int, mobile: bool = False) -> None:
    """The page's own size, which a window size is not (the window's frame takes its part)."""
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


@pytest.fixture
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="console-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    viewport(driver, 1366, 768)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def click_and_wait(browser, element) -> None:
    """Clicks what leads to another page and waits until the old one is gone."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    element.click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(element))


def test_a_verifier_signs_in_opens_a_report_and_verifies_it(hub, browser):
    """Sign in, see the inbox, open the report, verify it with the note offered: the kiosk's
    changes feed then says `verified` with that note."""
    from selenium.webdriver.common.by import By

    office = Office(hub)
    SHOTS.mkdir(exist_ok=True)
    browser.get(office.url("/console/login"))
    browser.find_element(By.ID, "username").send_keys("verifikator")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.narrow button[type=submit]"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Kotak masuk"
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "id"
    browser.save_screenshot(str(SHOTS / "inbox-1366x768.png"))

    click_and_wait(browser, browser.find_element(By.LINK_TEXT, office.tracking[0]))
    assert browser.find_element(By.TAG_NAME, "h1").text == office.complaints[0]["title"]
    browser.save_screenshot(str(SHOTS / "complaint-1366x768.png"))
    note = browser.find_element(By.ID, "note-verify").get_attribute("value")
    assert note.startswith("Laporan Anda sudah diperiksa")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=verify]"))
    assert "Terverifikasi" in browser.find_element(By.CSS_SELECTOR, ".fields").text

    feed = requests.get(office.url("/api/v1/changes"), headers=office.bearer, timeout=TIMEOUT).json()["changes"]
    assert feed[-1]["status"] == "verified" and feed[-1]["note"] == note
    viewport(browser, 390, 844, mobile=True)
    browser.save_screenshot(str(SHOTS / "complaint-390x844.png"))
