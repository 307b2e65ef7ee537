"""Renders every screen, in every language and display mode, to PNG files.

`kiosk tour --output DIR` writes `DIR/<screen>-<lang>-<mode>.png` from a throw-away demo
kiosk, so anyone can look at the screens the way a citizen will, without a display.
"""

import math
import shutil
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from kiosk.accessibility.display import DisplayMode
from kiosk.cli.demo import make_demo_dir
from kiosk.i18n import LANGUAGES, _
from kiosk.records.protocol import CONFLICT, PARTLY_SOLVED
from kiosk.records.refcode import ref_code
from kiosk.store import intake
from kiosk.ui import background
from kiosk.ui.app import WINDOW_SIZE, application
from kiosk.ui.context import Context
from kiosk.ui.dbworker import DbWorker
from kiosk.ui.devices import Devices
from kiosk.ui.screens.complaint import SMS_ANSWER
from kiosk.ui.window import KioskWindow
from kiosk.ui.wizard import FieldsStep, TextStep

UNREACHABLE_HUB = "http://127.0.0.1:9"  # the discard port: refused at once, so the kiosk is offline
MODES = {"normal": DisplayMode(), "large": DisplayMode(scale=2.0), "contrast": DisplayMode(high_contrast=True)}

SAMPLE_ANSWERS = {
    "classification": "complaint",
    "title": "Jalan di depan SD Sukamaju rusak",
    "body": "Jalan di depan sekolah berlubang besar sejak Juni. Anak-anak harus berjalan di tepi saluran air.",
    "incident_date": "2026-11-02",
    "location": {"village": "Sukamaju", "district": "Cibatu", "text": "Jl. Raya Sukamaju depan SDN 1"},
    "category": "Jalan",
    "anonymous": False,
    "confidential": True,
    "reporter": {"name": "Siti Aminah", "phone": "081234567890"},
}


def settle(window: KioskWindow, timeout: float = 10.0) -> None:
    """Lets queued database calls finish and their results reach the screens."""
    deadline = time.monotonic() + timeout
    while True:
        QCoreApplication.processEvents()
        if not (window.context.db.busy or background.busy()) or time.monotonic() > deadline:
            break
        time.sleep(0.005)
    for _pass in range(3):  # layouts that grew with the results settle over a few passes
        QCoreApplication.processEvents()


def _wizard_step(flow: str, key: str, answers: dict[str, Any] | None = None) -> Callable[[KioskWindow], None]:
    def show(window: KioskWindow) -> None:
        window.go(flow)
        screen = getattr(window, flow)
        if answers:
            screen.wizard.answers = dict(answers)
        screen.wizard.show_step(key)

    return show


def _save_failed(flow: str, key: str, answers: dict[str, Any]) -> Callable[[KioskWindow], None]:
    """The last step of a flow after its save failed (a full disk): the message, "Try again"."""

    def show(window: KioskWindow) -> None:
        _wizard_step(flow, key, answers)(window)
        getattr(window, flow).saver.failed.emit()

    return show


def _receipt(window: KioskWindow) -> None:
    window.show_receipt(intake.new_complaint({**SAMPLE_ANSWERS, "language": "id", "sms_updates": True}))


def _thanks(window: KioskWindow) -> None:
    window.go("attendance")
    window.attendance._thank(_("Thank you. You are registered."))


# What the hub last said of the tour's report: forwarded to SP4N-LAPOR!, then completed.
FORWARDED_REPORT = {
    "status": "forwarded",
    "note": "Diteruskan ke Dinas PUPR Kabupaten Garut.",
    "tracking_id": "LPR-2026-0118734",
    "national_tracking_id": "4127795",
    "sync_state": "acked",
}
COMPLETED_REPORT = {
    **FORWARDED_REPORT,
    "status": "completed",
    "note": "Jalan di depan SDN 1 Sukamaju sudah ditambal pada 3 Desember.",
}
STATUS_REPORT = "5b0c2f4e-8d1a-4c7e-9f3b-2a6d8e1c4f70"
VERDICT_GIVEN = {"rating": PARTLY_SOLVED, "written": True, "spoken": False}


def _status(progress: dict[str, Any]) -> Callable[[KioskWindow], None]:
    """The status screen with the tour's report looked up, as the hub last reported it."""

    def show(window: KioskWindow) -> None:
        window.go("status")
        # One report, the same in every run (its code is on the screen): the tour compares pictures.
        record = {**intake.new_complaint({**SAMPLE_ANSWERS, "language": "id"}), "uuid": STATUS_REPORT}
        window.status.code.setText(ref_code(record["uuid"]))  # the code of the report it shows
        window.status._looked_up((record, progress))

    return show


def _verdict(page: str) -> Callable[[KioskWindow], None]:
    """After a face was tapped ("partly"): the reason's question (`reason`), with a spoken reason
    kept (`voice`), or the thank-you (`thanks`)."""

    def show(window: KioskWindow) -> None:
        from kiosk.media import Take, encode

        _status(COMPLETED_REPORT)(window)
        window.status.faces.choices.tiles["partly"].click()
        flow = window.status.verdict
        if page == "voice":
            flow.reason.voice = encode(Take(_tone()[: TONE_RATE * 2 * 12], TONE_RATE))
            flow.reason.open_panel(flow.reason.voice_panel)
        elif page == "thanks":
            flow._thank({})

    return show


def _keyboard(step: str, field: str = "", page: str = "") -> Callable[[KioskWindow], None]:
    """A complaint question with the on-screen keyboard docked under it (on `page`, if given).
    Docked directly: an offscreen window that is not the active one never gets focus changes."""

    def show(window: KioskWindow) -> None:
        _wizard_step("complaint", step, SAMPLE_ANSWERS)(window)
        wizard_step = window.complaint.wizard.step
        edit: QWidget
        if isinstance(wizard_step, FieldsStep):
            edit = wizard_step.form.inputs[field]
        else:
            assert isinstance(wizard_step, TextStep)
            edit = wizard_step.edit
        edit.setFocus()
        window.keyboard.dock(edit)
        if page:
            window.keyboard.keyboard.show_page(page)

    return show


def _pin_pad(window: KioskWindow) -> None:
    window.go("officer_login")
    window.keyboard.dock(window.officer_login.pin)


def _officer_tab(index: int) -> Callable[[KioskWindow], None]:
    def show(window: KioskWindow) -> None:
        window.go("officer")
        window.officer.tabs.setCurrentIndex(index)

    return show


TONE_RATE, TONE_SECONDS = 16000, 42


def _tone() -> bytes:
    """42 seconds of a quiet 220 Hz tone, as 16-bit samples at 16 kHz: the tour's "recording"."""
    second = b"".join(
        round(8000 * math.sin(2 * math.pi * 220 * n / TONE_RATE)).to_bytes(2, "little", signed=True)
        for n in range(TONE_RATE)
    )
    return second * TONE_SECONDS


def _sample_devices(folder: Path) -> Devices:
    """A microphone that hears a tone and a camera that sees a drawn road, so that the tour can
    show the story's panels on a machine that has neither."""
    import wave

    from PIL import Image, ImageDraw

    from kiosk.media import FileCameras, FileRecorder

    with wave.open(str(folder / "tone.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(TONE_RATE)
        out.writeframes(_tone())
    road = Image.new("RGB", (640, 480), (135, 190, 235))
    draw = ImageDraw.Draw(road)
    draw.rectangle([(0, 220), (640, 240)], fill=(70, 140, 60))
    draw.polygon([(0, 480), (640, 480), (400, 220), (240, 220)], fill=(90, 90, 90))
    draw.ellipse([(280, 360), (380, 420)], fill=(60, 45, 30))  # the hole in the road
    road.save(folder / "road.jpg", quality=90)
    cameras = FileCameras({"USB": [folder / "road.jpg"]})
    return Devices(recorder=lambda: FileRecorder(folder / "tone.wav"), cameras=cameras)


def _story(panel: str) -> Callable[[KioskWindow], None]:
    """The story step with a recording kept (`voice`), or the camera open with a photo taken (`photos`)."""

    def show(window: KioskWindow) -> None:
        from kiosk.media import Take, encode, ingest

        _wizard_step("complaint", "body", SAMPLE_ANSWERS)(window)
        story = window.complaint.story
        devices = window.context.devices or Devices()
        if panel == "voice":
            story.voice = encode(Take(_tone(), TONE_RATE))
            story.open_panel(story.voice_panel)
        else:
            cameras = devices.cameras
            if cameras is not None:
                with cameras.open(cameras.devices()[0]) as camera:
                    story.photos = [ingest(camera.grab())]
            story.open_panel(story.photo_panel)

    return show


def _idle(window: KioskWindow) -> None:
    _wizard_step("complaint", "body", SAMPLE_ANSWERS)(window)
    window.idle_warning.begin()
    window.idle_warning.tick.stop()


def screens(window: KioskWindow) -> dict[str, Callable[[KioskWindow], None]]:
    """Every screen by file name, with what puts the window there."""
    shown = {"home": lambda window: None}
    for key in (step.key for step in window.complaint.wizard.steps):
        shown[f"complaint-{key}"] = _wizard_step(
            "complaint", key, {**SAMPLE_ANSWERS, "_difficulty": "yes", SMS_ANSWER: "sms"}
        )
    shown["complaint-voice"] = _story("voice")
    shown["complaint-photos"] = _story("photos")
    shown["complaint-save-failed"] = _save_failed("complaint", "review", SAMPLE_ANSWERS)
    shown["receipt"] = _receipt
    for key in ("gender", "age", "difficulty", "wgss-seeing", "wgss-communication", "consent"):
        shown[f"attendance-{key}"] = _wizard_step("attendance", key, {"_difficulty": "yes"})
    shown["attendance-save-failed"] = _save_failed("attendance", "consent", {"_difficulty": "no"})
    shown["attendance-done"] = _thanks
    shown["status"] = _status(FORWARDED_REPORT)
    shown["status-verdict"] = _status(COMPLETED_REPORT)
    shown["status-reason"] = _verdict("reason")
    shown["status-reason-voice"] = _verdict("voice")
    shown["status-thanks"] = _verdict("thanks")
    shown["status-verdict-given"] = _status({**COMPLETED_REPORT, "verdict": VERDICT_GIVEN})
    shown["about"] = lambda window: window.go("about")
    shown["keyboard-letters"] = _keyboard("title")
    shown["keyboard-symbols"] = _keyboard("title", page="symbols")
    shown["keyboard-long-text"] = _keyboard("body")
    shown["keyboard-phone"] = _keyboard("contact", "phone")
    shown["keyboard-email"] = _keyboard("contact", "email")
    shown["officer-login"] = _pin_pad
    shown["officer-events"] = _officer_tab(0)
    shown["officer-settings"] = _officer_tab(1)
    shown["officer-sync"] = _officer_tab(2)
    shown["officer-quarantine"] = _officer_tab(3)
    shown["officer-statistics"] = _officer_tab(4)
    shown["officer-privacy"] = _officer_tab(5)
    shown["idle-warning"] = _idle
    return shown


def show(window: KioskWindow, language: str, mode: DisplayMode, name: str) -> None:
    """Puts a freshly started-over window on screen `name`, in `language` and `mode`."""
    window.start_over()
    settle(window)
    window.set_language(language)
    window.set_mode(mode)
    screens(window)[name](window)
    settle(window)


def _enrolled_and_offline(data_dir: Path) -> None:
    """The tour's kiosk is enrolled with a hub that does not answer, one record in quarantine, and
    a morning of attendance, so the officer pages and the citizens' offline sign show what officers meet."""
    from kiosk.store import Store, outbox
    from kiosk.sync import credentials

    credentials.save(data_dir, credentials.Credentials(UNREACHABLE_HUB, "kiosk-sukamaju-01", "tour"))
    with Store(data_dir) as store:
        record = intake.new_complaint({**SAMPLE_ANSWERS, "language": "id"})
        event_uuid = store.events()[0]["uuid"]
        people = [
            intake.new_attendance(
                event_uuid,
                {
                    "gender": ("female", "male", "female", "unspecified")[n % 4],
                    "age_band": ("16-30", "31-45", "46-60", "16-30", "61+", "0-15")[n % 6],
                    **({"wgss": {"seeing": 3, "walking": 2}} if n % 7 == 0 else {}),
                },
            )
            for n in range(46)
        ]
        store.add_records([record, *people])
        outbox.quarantine(store, [(record["uuid"], CONFLICT)])
        store.set_setting("sync_last_error", {"code": "offline", "at": "2026-11-20T02:15:00+00:00"})
        store.set_setting("sync_last_success", "2026-11-18T07:40:00+00:00")
        store.set_setting("clock_skew_seconds", -1260.0)


def render(
    output: Path,
    size: tuple[int, int] = WINDOW_SIZE,
    languages: Sequence[str] = LANGUAGES,
    modes: Sequence[str] = tuple(MODES),
) -> list[Path]:
    application()
    output.mkdir(parents=True, exist_ok=True)
    data_dir = make_demo_dir()
    _enrolled_and_offline(data_dir)
    window = KioskWindow(Context(db=DbWorker(data_dir), devices=_sample_devices(data_dir)), kiosk_mode=False)
    window.sync.stop()  # shows the stored sync state; trying the hub would make the pictures a race
    written = []
    try:
        window.resize(*size)
        window.show()
        window.load()
        settle(window)
        for language in languages:
            for mode in modes:
                for name in screens(window):
                    show(window, language, MODES[mode], name)
                    path = output / f"{name}-{language}-{mode}.png"
                    window.grab().save(str(path))
                    written.append(path)
    finally:
        window.context.db.close()
        window.deleteLater()
        shutil.rmtree(data_dir, ignore_errors=True)
    return written
