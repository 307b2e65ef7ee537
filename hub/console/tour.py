"""Every console page as staff will see it, to PNG files: `kiosk-hub tour --output DIR`.

Debian's headless Chromium, driven by Selenium, signs in as each role on a demonstration hub
(hub.console.demo) and photographs each page of PAGES, whole (its full height), in each
language, on each screen size and in each display variant, as
`DIR/<language>/<W>x<H>/<variant>/<page>.png`, so that a reviewer sees at a glance what a
verifier's laptop, a liaison's phone or a low-vision user's browser shows. A page the hub does
not serve (yet) is skipped and named; a page wider than its screen is named too, since its
reader would have to scroll sideways.
"""

import base64
import importlib.util
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path
from typing import TYPE_CHECKING

from hub import i18n
from hub.console.auth import SESSION_COOKIE
from hub.console.demo import Demo
from hub.console.web import LANGUAGE_COOKIE, LOGIN, PREFIX
from hub.storage.roles import ADMIN, LIAISON, VERIFIER, VIEWER

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

Size = tuple[int, int]  # width, height in pixels


@dataclass(frozen=True)
class Page:
    name: str  # of its file, without .png
    path: str  # may name a demonstration complaint by its story: {verified} (hub.console.demo.STORIES)
    role: str | None  # who is signed in; None: nobody


# A new console page is toured by one more line here; one the hub does not serve yet is skipped.
PAGES = (
    Page("login", LOGIN, None),
    Page("inbox", PREFIX + "/", VERIFIER),
    Page("inbox-overdue", PREFIX + "/?overdue=true", VERIFIER),
    Page("inbox-liaison", PREFIX + "/", LIAISON),
    Page("complaint-verifier", PREFIX + "/complaints/{verified}", VERIFIER),
    Page("complaint-liaison", PREFIX + "/complaints/{forwarded}", LIAISON),
    Page("complaint-viewer", PREFIX + "/complaints/{forwarded}", VIEWER),
    Page("refused", PREFIX + "/complaints/{other_agency}", LIAISON),  # another agency's report: 403
    Page("logout", PREFIX + "/logout", VERIFIER),
    Page("kiosks", PREFIX + "/kiosks", ADMIN),
    Page("audit", PREFIX + "/audit", ADMIN),
    Page("days-off", PREFIX + "/days-off", ADMIN),
    Page("events", PREFIX + "/events", VERIFIER),
    Page("national", PREFIX + "/national", VERIFIER),
    Page("stats", PREFIX + "/stats", VIEWER),
)
SIZES: tuple[Size, ...] = ((1366, 768), (390, 844))  # an office laptop, a phone


@dataclass(frozen=True)
class Variant:
    """How the browser shows the page.

    `zoom` is Chrome's page zoom, what a low-vision reader sets (Ctrl + on a laptop, Settings ›
    Accessibility › Page zoom on Android) and what WCAG's 200% text (1.4.4) and reflow (1.4.10)
    are tested with: every CSS pixel becomes `zoom` device pixels, so the page lays itself out
    for a screen `zoom` times narrower and its media queries answer as they would for that
    reader. Chrome's minimum font size, the other setting, only lifts text smaller than itself
    and leaves the console's 16-pixel text as it is. `media` are CSS media features forced as
    the operating system's high-contrast setting forces them.
    """

    name: str
    zoom: int = 1
    media: tuple[Mapping[str, str], ...] = field(default=())


VARIANTS = (
    Variant("normal"),
    Variant("large", zoom=2),
    Variant(
        "contrast", media=({"name": "forced-colors", "value": "active"}, {"name": "prefers-contrast", "value": "more"})
    ),
)
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
LONGEST = 16000  # device pixels of one picture's height, under Chromium's 16,384-pixel texture limit
SIGN_IN_WITHIN = 10  # seconds


class TourFailed(Exception):
    """The browser could not be started or driven; the message says why, in one line."""


@dataclass
class Shots:
    written: list[Path] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # pages the hub does not serve
    too_wide: list[str] = field(default_factory=list)  # language/size/variant/page


def missing() -> str | None:
    """What to install before the tour can run, if anything."""
    if importlib.util.find_spec("selenium") is None:
        return "the tour needs Selenium: pip install '.[dev]'"
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        return "the tour needs Debian's headless Chromium: apt-get install chromium chromium-driver"
    return None


def _browser(profile: Path) -> "WebDriver":
    from selenium import webdriver
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(shutil.which("chromium"))
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    try:
        return webdriver.Chrome(service=Service(str(shutil.which("chromedriver"))), options=options)
    except WebDriverException as exc:
        raise TourFailed(f"Chromium did not start: {(exc.msg or str(exc)).splitlines()[0]}") from None


def _sign_in(driver: "WebDriver", demo: Demo, role: str) -> str:
    """Signs in through the login form as the demonstration's user of `role`; the session's token."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.delete_all_cookies()
    driver.get(demo.url + LOGIN)
    driver.find_element(By.ID, "username").send_keys(demo.users[role])
    password = driver.find_element(By.ID, "password")
    password.send_keys(demo.password)
    password.submit()
    try:
        cookie = WebDriverWait(driver, SIGN_IN_WITHIN).until(lambda d: d.get_cookie(SESSION_COOKIE) or False)
    except TimeoutException:
        raise TourFailed(f"could not sign in as {demo.users[role]} ({role})") from None
    return str(cookie["value"])


def _screen(driver: "WebDriver", size: Size, variant: Variant, height: int | None = None) -> None:
    """The page's own size in CSS pixels, not the window's (whose frame takes its part); a screen
    taller than wide is a phone's, with a phone's viewport rules."""
    width, screen_height = size
    metrics = {
        "width": width // variant.zoom,
        "height": height or screen_height // variant.zoom,
        "deviceScaleFactor": variant.zoom,
        "mobile": width < screen_height,
    }
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


def _open(driver: "WebDriver", url: str, language: str, session: str | None) -> None:
    """Opens `url` as the holder of `session` (None: a stranger) who chose `language`."""
    driver.delete_all_cookies()
    driver.add_cookie({"name": LANGUAGE_COOKIE, "value": language, "path": PREFIX, "sameSite": "Strict"})
    if session is not None:
        cookie = {"name": SESSION_COOKIE, "value": session, "path": PREFIX, "httpOnly": True, "sameSite": "Strict"}
        driver.add_cookie(cookie)
    driver.get(url)


def _photograph(driver: "WebDriver", size: Size, variant: Variant, target: Path) -> bool:
    """The whole page, its full height, to `target`; whether it is wider than the screen."""
    height, too_wide = driver.execute_script(
        "const page = document.documentElement; return [page.scrollHeight, page.scrollWidth > page.clientWidth];"
    )
    _screen(driver, size, variant, min(max(int(height), size[1] // variant.zoom), LONGEST // variant.zoom))
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(base64.b64decode(shot["data"]))
    return bool(too_wide)


def tour(demo: Demo, output: Path, sizes: Iterable[Size] = SIZES, languages: Iterable[str] = i18n.LANGUAGES) -> Shots:
    """Each role signs in once (a login costs a deliberately slow hash); each page is then opened
    with its reader's cookies set afresh, so that no page shows another's language or session."""
    shots = Shots()
    with tempfile.TemporaryDirectory(prefix="kiosk-hub-tour-") as profile:
        driver = _browser(Path(profile))
        try:
            driver.get(demo.url + "/api/v1/health")  # cookies are set for the page the browser is on
            sessions = {role: _sign_in(driver, demo, role) for role in sorted({p.role for p in PAGES if p.role})}
            pages = [(page, demo.url + page.path.format_map(demo.complaints)) for page in PAGES]
            for page, url in pages:
                _open(driver, url, i18n.DEFAULT, page.role and sessions[page.role])
                if driver.execute_script("return document.contentType") != "text/html":
                    shots.absent.append(page.name)
            shown = [(page, url) for page, url in pages if page.name not in shots.absent]
            for language, size, variant in product(languages, sizes, VARIANTS):
                driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": list(variant.media)})
                for page, url in shown:
                    _screen(driver, size, variant)
                    _open(driver, url, language, page.role and sessions[page.role])
                    if page.role and driver.current_url.endswith(LOGIN):
                        raise TourFailed(f"the {page.role}'s session ended before {page.name}")
                    place = f"{language}/{size[0]}x{size[1]}/{variant.name}/{page.name}"
                    if _photograph(driver, size, variant, output / f"{place}.png"):
                        shots.too_wide.append(place)
                    shots.written.append(output / f"{place}.png")
        finally:
            driver.quit()
    return shots
