"""Checks an officer runs before an event: can this kiosk keep records safely?

Each check reports ok, warn or fail with a plain, translated explanation; one broken
part never hides the others.
"""

import argparse
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk import materials
from kiosk.accessibility.display import display_named
from kiosk.accessibility.screen import MIN_SIZE, NoDisplay, probe
from kiosk.cli.common import EXIT_REFUSED, Command, data_folder
from kiosk.i18n import LANGUAGES, N_, CatalogMissing, _, current_language, load_catalog, set_language
from kiosk.privacy import erasure
from kiosk.records.protocol import KINDS
from kiosk.store import Store
from kiosk.sync import credentials
from kiosk.sync.transport import HubClient, TransportError

OK, WARN, FAIL = "ok", "warn", "fail"
Outcome = tuple[str, str]  # a status and its explanation
STATUS_LABELS = {OK: N_("OK"), WARN: N_("WARNING"), FAIL: N_("FAILED")}
MIN_FREE_BYTES = 50 * 1024 * 1024
LOW_FREE_BYTES = 500 * 1024 * 1024
EARLIEST_PLAUSIBLE_YEAR = 2025


@dataclass(frozen=True)
class Check:
    label: str
    status: str
    detail: str

    def line(self) -> str:
        return f"[{_(STATUS_LABELS[self.status])}] {self.label}: {self.detail}"


def _data_dir(data_dir: Path) -> Outcome:
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".doctor-"):
        pass
    return OK, _("{path} is writable").format(path=data_dir)


def _database(data_dir: Path) -> Outcome:
    with Store(data_dir) as store:
        integrity, journal, synchronous = store.health()
        applied = store.applied_migrations()
        counts = {kind: store.count(kind) for kind in KINDS}
    if integrity != "ok":
        return FAIL, _("the integrity check failed: {result}").format(result=integrity)
    if journal != "wal" or synchronous != 2:
        return FAIL, _("not in durable mode (journal {journal}, synchronous {synchronous})").format(
            journal=journal, synchronous=synchronous
        )
    return OK, _(
        "intact, schema version {version} ({step}); {events} events, {attendance} attendance records, "
        "{complaints} complaints"
    ).format(
        version=len(applied),
        step=applied[-1],
        events=counts["event"],
        attendance=counts["attendance"],
        complaints=counts["complaint"],
    )


def _free_disk(data_dir: Path) -> Outcome:
    free = shutil.disk_usage(data_dir).free
    status = FAIL if free < MIN_FREE_BYTES else WARN if free < LOW_FREE_BYTES else OK
    return status, _("{megabytes} MB free").format(megabytes=free // (1024 * 1024))


def _clock(_data_dir: Path) -> Outcome:
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    if datetime.now().year < EARLIEST_PLAUSIBLE_YEAR:
        return WARN, _("{now} looks wrong: set the date and time so that records carry the right day").format(now=now)
    return OK, now


def _catalogs(_data_dir: Path) -> Outcome:
    missing = []
    for language in LANGUAGES:
        try:
            load_catalog(language)
        except CatalogMissing:
            missing.append(language)
    if missing:
        return FAIL, _("missing for: {languages}").format(languages=", ".join(missing))
    return OK, ", ".join(LANGUAGES)


def _materials(data_dir: Path) -> Outcome:
    parts, missing = [], []
    for language in LANGUAGES:
        shipped, added = materials.count(language, data_dir)
        if not shipped:
            missing.append(language)
        parts.append(
            _("{language}: {shipped} shipped, {added} added by officers").format(
                language=language, shipped=shipped, added=added
            )
        )
    if missing:
        return FAIL, _("none shipped for {languages} in {path}").format(
            languages=", ".join(missing), path=materials.shipped_dir()
        )
    return OK, "; ".join(parts)


def _display(_data_dir: Path) -> Outcome:
    if not display_named():
        return WARN, _(
            "no screen in this session (DISPLAY and WAYLAND_DISPLAY are not set); "
            "run the doctor on the kiosk's own screen to check it"
        )
    try:
        screen = probe()
    except NoDisplay:
        return FAIL, _(
            "the kiosk cannot open a window here; the reason is printed above "
            "(on Linux, often a missing library such as libxcb-cursor0)"
        )
    if screen.platform == "offscreen":
        return OK, _("offscreen (drawn in memory, no screen)")
    shown = _("{platform}, {width} x {height}").format(
        platform=screen.platform, width=screen.width, height=screen.height
    )
    if screen.too_small:
        return WARN, _("{screen}: smaller than {width} x {height}, so some screens will not fit").format(
            screen=shown, width=MIN_SIZE[0], height=MIN_SIZE[1]
        )
    return OK, shown


def _speech(_data_dir: Path) -> Outcome:
    from kiosk.accessibility.speech import describe

    try:
        voices = describe()
    except Exception as exc:  # noqa: BLE001 - no engine at all
        return WARN, _("no speech engine ({reason}); the kiosk works without read-aloud").format(
            reason=f"{type(exc).__name__}: {exc}"
        )
    parts = [
        f"{language}: {voice.name} ({voice.id})" if voice else _("{language}: no voice").format(language=language)
        for language, voice in voices.items()
    ]
    return (OK if all(voices.values()) else WARN), "; ".join(parts)


def _microphone(_data_dir: Path) -> Outcome:
    """None is allowed (citizens then write), but the officer should know before an event."""
    from kiosk.media import microphone

    found = microphone()
    if found.present:
        return OK, _("{name}: citizens may speak their story instead of writing it").format(name=found.name)
    return WARN, _("{problem} Citizens write their story; the choice to speak is not shown.").format(
        problem=_(found.problem or "")
    )


def _camera(_data_dir: Path) -> Outcome:
    from kiosk.media import system_cameras

    found = system_cameras().status()
    if found.present:
        return OK, ", ".join(device.name for device in found.devices)
    return WARN, _("{problem} Photos can only come from files, on an officer's laptop.").format(
        problem=_(found.problem or "")
    )


def _personal_data(data_dir: Path) -> Outcome:
    """Sealed for the hub, kept no longer than the retention time, and in files no one else can read."""
    import stat

    with Store(data_dir) as store:
        summary = erasure.summary(store)
    plain = sum(counts["kept"] - counts["sealed"] for counts in summary["kinds"].values())
    open_files = sorted(
        path.name
        for path in data_dir.rglob("*")
        if path.is_file() and path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)
    )
    if open_files:
        return WARN, _("other users of this computer can read {files}; run: chmod -R go= {path}").format(
            files=", ".join(open_files), path=data_dir
        )
    days = _("erased {days} days after the hub has them").format(days=summary["retention_days"])
    if summary["sealed_for_hub"]:
        return OK, _("sealed for the hub; {rule}").format(rule=days)
    if plain:
        return WARN, _(
            "{count} records hold personal details that are not sealed: enroll the kiosk with its hub to seal them"
        ).format(count=plain)
    return OK, _("none stored; sealed for the hub from enrollment on; {rule}").format(rule=days)


def _hub(data_dir: Path) -> Outcome:
    """Not enrolled is fine (the kiosk works offline); an unreachable hub is a warning, never a failure."""

    enrolled = credentials.load(data_dir)
    if enrolled is None:
        return OK, _("not enrolled with a hub; records stay on this kiosk")
    client = HubClient(enrolled.hub_url, enrolled.token, timeout=(3.0, 5.0))
    try:
        client.health()
    except TransportError:
        return WARN, _("{url} does not answer now; records wait and are sent later").format(url=enrolled.hub_url)
    finally:
        client.close()
    return OK, _("{url} answers (this kiosk is {device_id})").format(url=enrolled.hub_url, device_id=enrolled.device_id)


CHECKS = (
    (N_("Data folder"), _data_dir),
    (N_("Database"), _database),
    (N_("Free disk space"), _free_disk),
    (N_("Clock"), _clock),
    (N_("Translations"), _catalogs),
    (N_("Outreach materials"), _materials),
    (N_("Display"), _display),
    (N_("Speech voices"), _speech),
    (N_("Microphone"), _microphone),
    (N_("Camera"), _camera),
    (N_("Personal data"), _personal_data),
    (N_("Intake hub"), _hub),
)


SAMPLE_TEXT = N_("This is the LAPOR! kiosk. If you can hear this, read-aloud works.")


def speech_samples(folder: Path) -> list[Path]:
    """One short spoken WAV per language, for checking the speakers before an event."""
    from kiosk.accessibility.speech import Speech

    folder.mkdir(parents=True, exist_ok=True)
    speech, written, before = Speech(), [], current_language()
    try:
        for language in LANGUAGES:
            set_language(language)
            written.append(speech.synthesize(_(SAMPLE_TEXT), language, folder / f"{language}.wav"))
    finally:
        speech.close()
        if before:
            set_language(before)
    return written


def run_checks(data_dir: Path) -> list[Check]:
    results = []
    for label, check in CHECKS:
        try:
            status, detail = check(data_dir)
        except OSError as exc:
            status, detail = FAIL, exc.strerror or str(exc)
        except Exception as exc:  # noqa: BLE001 - every failure becomes a line of the report
            status, detail = FAIL, str(exc)
        results.append(Check(_(label), status, detail))
    return results


def cmd_doctor(args: argparse.Namespace) -> int:
    checks = run_checks(data_folder(args))
    for check in checks:
        print(check.line())
    if args.speech_sample:
        for path in speech_samples(Path(args.speech_sample)):
            print(_("Spoken sample written to {path}").format(path=path))
    return EXIT_REFUSED if any(check.status == FAIL for check in checks) else 0


def add_commands(command: Command, common: argparse.ArgumentParser) -> None:
    doctor = command("doctor", cmd_doctor)
    doctor.add_argument(
        "--speech-sample", metavar=_("DIR"), help=_("also write one short spoken WAV per language to DIR/<lang>.wav")
    )
