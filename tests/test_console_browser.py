"""The console in a real headless Chromium (Debian's chromium and chromium-driver, driven by
Selenium) against a real hub on loopback: a verifier signs in, finds a report in the inbox,
opens it and verifies it. Screenshots of both pages at 1366x768 go to /tmp/console-shots/."""

import shutil
import tempfile
from pathlib import Path

import pytest
import requests
from test_console import PASSWORD, TIMEOUT, Office

from hub.console.tour import FLAGS  # the console's tour drives Chromium as these tests do

CHROMEDRIVER = Path("/usr/bin/chromedriver")
SHOTS = Path("/tmp/console-shots")

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
    for flag in (*FLAGS, "--window-size=1366,768", f"--user-data-dir={profile}"):
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


def test_a_verifier_sees_the_photos_and_plays_the_voice_note(hub, browser):
    """On the complaint page the photos decode and the voice note loads and plays to its end: the
    console's Content-Security-Policy lets its own pictures and sound in, and the bytes it hands
    out are the kiosk's JPEG and Ogg/Opus as they were taken. (Without byte ranges a browser
    learns an Ogg recording's length only by playing it through.)"""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    from test_console import signed_in
    from test_console_attachments import with_files

    def read(element, what: str):
        return browser.execute_script(f"return arguments[0].{what}", element)

    office, path = with_files(hub)
    token = signed_in(office, "verifikator").cookies["lapor_console"]
    browser.get(office.url("/console/login"))
    browser.add_cookie({"name": "lapor_console", "value": token, "path": "/console", "httpOnly": True})
    browser.get(office.url(f"/console/language?lang=en&back={path}"))
    photos = browser.find_elements(By.CSS_SELECTOR, ".files img")
    assert [photo.get_attribute("alt") for photo in photos] == ["Photo 1 of 2", "Photo 2 of 2"]
    for photo in photos:
        browser.execute_script("arguments[0].scrollIntoView()", photo)
        WebDriverWait(browser, 10).until(lambda _, photo=photo: read(photo, "complete"))
        assert read(photo, "naturalWidth") == 64
    player = browser.find_element(By.CSS_SELECTOR, ".files audio")
    assert read(player, "readyState") == 0  # preload="none"
    browser.execute_script("arguments[0].preload = 'metadata'; arguments[0].load()", player)
    WebDriverWait(browser, 10).until(lambda _: read(player, "readyState") >= 1)
    assert read(player, "error") is None
    browser.find_element(By.TAG_NAME, "h1").click()  # a browser plays sound only after the reader did something
    browser.execute_script("arguments[0].muted = true; return arguments[0].play()", player)
    WebDriverWait(browser, 10).until(lambda _: read(player, "ended"))
    assert abs(read(player, "duration") - 3) < 0.1  # played through
    SHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SHOTS / "complaint-files-1366x768.png"))


def sign_in(browser, office: Office, name: str) -> None:
    from selenium.webdriver.common.by import By

    browser.delete_all_cookies()
    browser.get(office.url("/console/login"))
    browser.find_element(By.ID, "username").send_keys(name)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form.narrow button[type=submit]"))


def test_three_people_take_a_report_to_its_end_and_a_viewer_sees_no_one(hub, browser):
    """The verifier verifies and passes the report to an agency (chosen in the list), the agency's
    liaison finds it in their inbox, records follow-up and completes it; a viewer then opens it
    and finds its title but neither its words nor its reporter. The kiosk hears each step."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    from test_console import BODY, REPORTER

    office = Office(hub)
    sign_in(browser, office, "verifikator")
    browser.get(office.url(office.complaint_path(0)))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=verify]"))
    Select(browser.find_element(By.ID, "agency-dispose")).select_by_value("PUPR")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=dispose]"))
    assert "PUPR" in browser.find_element(By.CSS_SELECTOR, ".fields").text

    sign_in(browser, office, "penghubung")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, office.tracking[0]))
    assert BODY in browser.page_source  # the report passed to their agency, in full
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=follow-up]"))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=complete]"))
    assert "Selesai" in browser.find_element(By.CSS_SELECTOR, ".fields").text

    sign_in(browser, office, "pemantau")
    browser.get(office.url(office.complaint_path(0)))
    assert browser.find_element(By.TAG_NAME, "h1").text == office.complaints[0]["title"]
    assert BODY not in browser.page_source and REPORTER["name"] not in browser.page_source
    assert REPORTER["phone"] not in browser.page_source
    steps = [c["status"] for c in office.changes() if c["uuid"] == office.complaints[0]["uuid"]]
    assert steps == ["received", "verified", "forwarded", "followed_up", "completed"]
