"""A complaint's voice recording and photos on its console page, against a real hub process on
loopback, on SQLite and on PostgreSQL alike: only a role that may see personal data gets a
player, pictures and the bytes behind them, only of files the complaint names, each fetch in
the audit log."""

import hashlib
import io
import math
import re
from array import array

import factories
import requests
from PIL import Image
from postgres import backend, database, postgres_server, postgres_url, storage_of  # noqa: F401 - fixtures
from test_console import TIMEOUT, Office, audited, signed_in

from kiosk.media.voice import Take, encode
from kiosk.store import intake


def tone(seconds: int, rate: int = 16000) -> bytes:
    """A voice note as the kiosk keeps one (Ogg/Opus): a few seconds of a 440 Hz tone."""
    pcm = array("h", (int(8000 * math.sin(2 * math.pi * 440 * n / rate)) for n in range(seconds * rate)))
    return encode(Take(pcm.tobytes(), rate)).data


def picture(colour: str) -> bytes:
    """A photo as the kiosk keeps one (JPEG, re-encoded)."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


VOICE = tone(3)
PHOTOS = [picture("red"), picture("blue")]
STRAY = picture("green")  # uploaded, but named by no complaint
FILES = [
    intake.attachment(VOICE, "audio/ogg", "voice", "suara.ogg", duration_s=3),
    intake.attachment(PHOTOS[0], "image/jpeg", "photo", "foto-1.jpg"),
    intake.attachment(PHOTOS[1], "image/jpeg", "photo", "foto-2.jpg"),
]
BYTES = {entry["sha256"]: data for entry, data in zip(FILES, [VOICE, *PHOTOS], strict=True)}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def send(office: Office, entries: list[dict], contents: list[bytes]) -> dict:
    """A kiosk's schema-2 complaint naming these files, uploaded first (as sync does)."""
    for data in contents:
        put = requests.put(
            office.url(f"/api/v1/attachments/{sha(data)}"), data=data, headers=office.bearer, timeout=TIMEOUT
        )
        assert put.status_code in (200, 201), put.text
    complaint = factories.complaint(schema=2, attachments=entries)
    answer = requests.post(
        office.url("/api/v1/records"), json={"records": [complaint]}, headers=office.bearer, timeout=TIMEOUT
    )
    assert answer.json()["results"][0]["status"] == "stored", answer.text
    return complaint


def with_files(hub) -> tuple[Office, str]:
    """The office of test_console, and the path of a complaint with a voice note and two photos."""
    office = Office(hub)
    complaint = send(office, FILES, [VOICE, *PHOTOS, STRAY])
    return office, f"/console/complaints/{complaint['uuid']}"


def in_english(session: requests.Session, office: Office) -> requests.Session:
    session.get(office.url("/console/language?lang=en"), timeout=TIMEOUT)
    return session


def players(html: str) -> list[str]:
    return re.findall(r'<audio controls preload="none" src="([^"]+)"', html)


def pictures(html: str) -> list[tuple[str, str, str]]:
    """(link, picture, alt text) of each picture on the page."""
    return re.findall(r'<a href="([^"]+)"><img src="([^"]+)" alt="([^"]+)"', html)


def test_the_verifier_hears_and_sees_the_files(hub):
    """The verifier's page has a player for the voice note, with its length, and each photo linked
    to itself with its place among the photos as its text; each file comes back byte for byte,
    of its own type, not to be kept or sniffed, loading nothing else when opened on its own; and
    each fetch is in the audit log."""
    office, path = with_files(hub)
    verifier = in_english(signed_in(office, "verifikator"), office)
    html = verifier.get(office.url(path), timeout=TIMEOUT).text
    urls = [f"{path}/attachments/{entry['sha256']}" for entry in FILES]
    assert players(html) == urls[:1]
    assert "Voice recording 1 of 1 (3 seconds)" in html
    assert pictures(html) == [(urls[1], urls[1], "Photo 1 of 2"), (urls[2], urls[2], "Photo 2 of 2")]
    for url, entry in zip(urls, FILES, strict=True):
        answer = verifier.get(office.url(url), timeout=TIMEOUT)
        assert answer.status_code == 200 and answer.content == BYTES[entry["sha256"]]
        assert answer.headers["content-type"] == entry["mime"]
        assert answer.headers["cache-control"] == "no-store"
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["content-disposition"] == "inline"
        assert answer.headers["content-security-policy"].startswith("default-src 'none';")
    uuid = path.rsplit("/", 1)[1]
    assert audited(office.hub, "view_attachment") == [
        ("verifikator", f"{uuid}/{entry['sha256']}", "127.0.0.1") for entry in FILES
    ]


def test_a_range_is_answered_with_the_whole_file(hub):
    """Players ask for ranges; the console hands out the whole file, once, audited once."""
    office, path = with_files(hub)
    verifier = signed_in(office, "verifikator")
    answer = verifier.get(
        office.url(f"{path}/attachments/{sha(VOICE)}"), headers={"Range": "bytes=100-"}, timeout=TIMEOUT
    )
    assert answer.status_code == 200 and answer.content == VOICE
    assert len(audited(office.hub, "view_attachment")) == 1


def test_a_role_without_personal_data_gets_neither_player_nor_bytes(hub):
    """The viewer's page names how many files there are but has no player, picture or link to
    one, and the bytes are refused (403), as they are to a liaison of another agency; a stranger
    is sent to the login page. Nothing is handed out, so nothing is audited."""
    office, path = with_files(hub)
    viewer = signed_in(office, "pemantau")
    html = viewer.get(office.url(path), timeout=TIMEOUT).text
    assert "/attachments/" not in html and "<audio" not in html and "<img" not in html
    url = office.url(f"{path}/attachments/{sha(VOICE)}")
    assert viewer.get(url, timeout=TIMEOUT).status_code == 403
    assert signed_in(office, "penghubung").get(url, timeout=TIMEOUT).status_code == 403
    stranger = requests.get(url, allow_redirects=False, timeout=TIMEOUT)
    assert stranger.status_code == 303 and stranger.headers["location"] == "/console/login"
    assert audited(office.hub, "view_attachment") == []


def test_a_file_the_complaint_does_not_name_is_not_found(hub):
    """A file the hub holds but this complaint does not name, another complaint's photo, a
    malformed hash and an unknown complaint: each is 404, and nothing is audited."""
    office, path = with_files(hub)
    other = send(office, [intake.attachment(STRAY, "image/jpeg", "photo", "lain.jpg")], [])
    verifier = signed_in(office, "verifikator")
    for url in (
        f"{path}/attachments/{sha(STRAY)}",
        f"/console/complaints/{other['uuid']}/attachments/{sha(VOICE)}",
        f"{path}/attachments/..%2F..%2Fhub.sqlite3",
        f"{path}/attachments/{'0' * 64}",
        f"{office.complaint_path(0)}/attachments/{sha(VOICE)}",
        f"/console/complaints/{factories.new_uuid()}/attachments/{sha(VOICE)}",
    ):
        assert verifier.get(office.url(url), timeout=TIMEOUT).status_code == 404, url
    assert audited(office.hub, "view_attachment") == []


def test_a_file_a_browser_would_not_just_show_is_never_handed_out(hub):
    """An SVG (a document that may carry script) sent as a complaint's document gets a line on
    the page, not a picture, and its bytes are not served."""
    office = Office(hub)
    drawing = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    complaint = send(office, [intake.attachment(drawing, "image/svg+xml", "document", "surat.svg")], [drawing])
    path = f"/console/complaints/{complaint['uuid']}"
    verifier = in_english(signed_in(office, "verifikator"), office)
    html = verifier.get(office.url(path), timeout=TIMEOUT).text
    assert "The console cannot show this type of file." in html and "<img" not in html
    assert verifier.get(office.url(f"{path}/attachments/{sha(drawing)}"), timeout=TIMEOUT).status_code == 404


def test_the_files_of_a_withdrawn_complaint_are_gone_from_the_page(hub):
    """Consent withdrawn: the page says, for each file, that it is no longer at the hub, and
    offers no player or picture; the bytes are not found, even a photo the hub keeps because
    another complaint still names it."""
    office, path = with_files(hub)
    send(office, [intake.attachment(PHOTOS[0], "image/jpeg", "photo", "sama.jpg")], [])
    uuid = path.rsplit("/", 1)[1]
    withdrawn = requests.post(
        office.url("/api/v1/withdrawals"), json={"uuids": [uuid]}, headers=office.bearer, timeout=TIMEOUT
    )
    assert withdrawn.status_code == 200, withdrawn.text
    verifier = in_english(signed_in(office, "verifikator"), office)
    for entry in FILES:
        assert verifier.get(office.url(f"{path}/attachments/{entry['sha256']}"), timeout=TIMEOUT).status_code == 404
    html = verifier.get(office.url(path), timeout=TIMEOUT).text
    assert players(html) == [] and pictures(html) == []
    assert html.count("The file is not at the hub") == len(FILES)
