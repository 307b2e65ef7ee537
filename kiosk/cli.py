"""The `kiosk` command line (DESIGN.md's contract).

Every subcommand takes `--data-dir` before or after its name, and a failure ends in
one translated line on stderr and a non-zero exit: 1 when some input was refused or a
check failed, 2 when the command could not run at all.
"""

import argparse
import gc
import importlib
import os
import sqlite3
import sys
from pathlib import Path

from kiosk import __version__
from kiosk.errors import KioskError
from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES, CatalogMissing, _, missing_catalogs, set_language
from kiosk.paths import default_data_dir, locales_dir

LANGUAGE_ENV = "KIOSK_LANG"
EXIT_REFUSED, EXIT_FAILED = 1, 2
# What the kiosk window needs of the core before its home screen shows (see cmd_run).
START_NEEDS = ("kiosk.store", "kiosk.config", "kiosk.officer", "kiosk.sync.credentials", "kiosk.sync.outbox")


def _choose_language() -> None:
    language = os.environ.get(LANGUAGE_ENV) or DEFAULT_LANGUAGE
    if language not in LANGUAGES:
        print(f"kiosk: {LANGUAGE_ENV}={language} is not offered ({', '.join(LANGUAGES)})", file=sys.stderr)
        language = DEFAULT_LANGUAGE
    try:
        set_language(language)
    except CatalogMissing as exc:
        print(f"kiosk: warning: {exc}; messages are shown in English", file=sys.stderr)


def _data_dir(args) -> Path:
    return Path(args.data_dir).expanduser() if getattr(args, "data_dir", None) else default_data_dir()


def _open_store(args):
    from kiosk.store import Store

    return Store(_data_dir(args))


def cmd_import(args) -> int:
    from kiosk.importer import import_stream
    from kiosk.store import CONFLICT, DUPLICATE, INVALID, STORED

    def report(number, error):
        print(f"{number}: {error}", file=sys.stderr)

    path = Path(args.file)
    with _open_store(args) as store:
        try:
            with path.open("rb") as stream:
                counts = import_stream(store, stream, report)
        except OSError as exc:
            raise KioskError(_("Cannot read {path}: {reason}").format(path=path, reason=exc.strerror)) from exc
        store.audit("cli", "import", file=path.name, **{k: counts[k] for k in (STORED, DUPLICATE, CONFLICT, INVALID)})
    print(
        _("{stored} stored, {duplicate} already present, {invalid} refused, {conflict} in conflict").format(
            stored=counts[STORED], duplicate=counts[DUPLICATE], invalid=counts[INVALID], conflict=counts[CONFLICT]
        )
    )
    return EXIT_REFUSED if counts[INVALID] or counts[CONFLICT] else 0


def cmd_export(args) -> int:
    from kiosk.files import atomic_write

    with _open_store(args) as store:
        lines = store.status_lines() if args.status else store.record_lines(args.kind)
        if args.output:
            with atomic_write(Path(args.output)) as out:
                written = _write_lines(lines, out)
        else:
            written = _write_lines(lines, sys.stdout)
        store.audit("cli", "export", kind="status" if args.status else args.kind or "all", records=written)
    if args.output:
        print(_("{count} records written to {path}").format(count=written, path=args.output), file=sys.stderr)
    return 0


def _write_lines(lines, out) -> int:
    written = 0
    for line in lines:
        out.write(line + "\n")
        written += 1
    return written


def cmd_purge(args) -> int:
    from kiosk import privacy

    with _open_store(args) as store:
        erased = privacy.purge(store, args.older_than, actor="cli")
    print(_("Personal details of {count} records were erased.").format(count=erased))
    return 0


def cmd_withdraw(args) -> int:
    from kiosk import privacy

    with _open_store(args) as store:
        privacy.withdraw(store, args.reference, actor="cli")
    print(_("Consent withdrawn: the personal details of {code} were erased from this kiosk; the hub is asked to"
            " erase them at the next sync.").format(code=args.reference))
    return 0


def cmd_audit(args) -> int:
    from kiosk import audit
    from kiosk.files import atomic_write

    with _open_store(args) as store:
        entries = store.audit_entries()
        if args.output:
            with atomic_write(Path(args.output)) as out:
                audit.write_csv(entries, out)
            store.audit("cli", "audit_export", entries=len(entries))
            print(_("{count} entries written to {path}").format(count=len(entries), path=args.output),
                  file=sys.stderr)
        else:
            audit.write_csv(entries, sys.stdout)
    return 0


def cmd_doctor(args) -> int:
    from kiosk.doctor import FAIL, run_checks

    checks = run_checks(_data_dir(args))
    for check in checks:
        print(check.line())
    if args.speech_sample:
        from kiosk.doctor import speech_samples

        for path in speech_samples(Path(args.speech_sample)):
            print(_("Spoken sample written to {path}").format(path=path))
    return EXIT_REFUSED if any(check.status == FAIL for check in checks) else 0


def cmd_enroll(args) -> int:
    from kiosk.sync.engine import enroll

    device_id = enroll(_data_dir(args), args.hub, args.code)
    print(_("Enrolled with {url} as {device_id}.").format(url=args.hub, device_id=device_id))
    return 0


def cmd_sync(args) -> int:
    import json

    from kiosk.logs import log_to
    from kiosk.sync.engine import LARGE_SKEW_S, error_text, run_sync

    log_to(_data_dir(args))
    report = run_sync(_data_dir(args))
    if args.json:
        print(json.dumps(report.as_dict()))
    else:
        print(_("{acked} records acknowledged, {quarantined} quarantined, {remaining} waiting, "
                "{statuses} status updates").format(acked=report.acked, quarantined=report.quarantined,
                                                     remaining=report.remaining, statuses=report.statuses))
        if report.quarantined_total:
            print(_("{count} records are quarantined: see Quarantined records in officer mode.").format(
                count=report.quarantined_total), file=sys.stderr)
        if report.skew_seconds is not None and abs(report.skew_seconds) > LARGE_SKEW_S:
            print(_("This kiosk's clock differs from the hub's by {minutes} minutes: set the clock.").format(
                minutes=round(abs(report.skew_seconds) / 60)), file=sys.stderr)
        if report.error:
            print(f"kiosk: {error_text(report.error)}", file=sys.stderr)
    return 0 if report.done else EXIT_REFUSED


def _day(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("{value} is not a date (write it as YYYY-MM-DD)").format(value=text)) from None


def cmd_stats(args) -> int:
    import json

    from kiosk import report, stats

    if args.format in ("xlsx", "pdf") and not args.output:
        raise KioskError(_("--format {format} needs --output FILE").format(format=args.format))
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise KioskError(_("--from must not be after --to"))
    with _open_store(args) as store:
        if args.event and (store.get(args.event) or {}).get("kind") != "event":
            raise KioskError(_("No event {uuid} on this kiosk.").format(uuid=args.event))
        figures = stats.compute(store, stats.Filters(args.event, args.date_from, args.date_to))
        if args.open_data:
            figures = stats.open_data(figures)
        store.audit("cli", "stats_export", format=args.format, open_data=args.open_data)
    if args.format == "pdf":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from kiosk.ui.report_pdf import write_pdf

        write_pdf(figures, Path(args.output))
    elif args.format == "xlsx":
        report.write_xlsx(figures, Path(args.output))
    else:
        render = {"json": lambda out: json.dump(figures, out, ensure_ascii=False, indent=2),
                  "csv": lambda out: report.write_csv(figures, out),
                  "table": lambda out: out.write(report.table_text(figures))}[args.format]
        if args.output:
            from kiosk.files import atomic_write

            with atomic_write(Path(args.output)) as out:
                render(out)
        else:
            render(sys.stdout)
            if args.format == "json":
                print()
    if args.output:
        print(_("Statistics written to {path}").format(path=args.output), file=sys.stderr)
    return 0


def cmd_status(args) -> int:
    from kiosk import refcode
    from kiosk.progress import describe

    with _open_store(args) as store:
        code = refcode.normalize(args.reference)
        record = store.find_complaint(code) if code else store.get(args.reference.strip().lower())
        if record is None or record.get("kind") != "complaint":
            raise KioskError(_("No report with the code {code} on this kiosk.").format(code=args.reference))
        progress = store.complaint_progress(record["uuid"])
    print(refcode.ref_code(record["uuid"]), record["uuid"])
    print(record["title"])
    for line in describe(progress):
        print(line)
    if progress.get("status_updated_at"):
        print(_("Updated: {when}").format(when=progress["status_updated_at"]))
    return 0


class _Parser(argparse.ArgumentParser):
    """Usage mistakes end in one line, like every other failure."""

    def error(self, message):
        self.exit(EXIT_FAILED, _("{prog}: {message} (see {prog} --help)").format(prog=self.prog, message=message) + "\n")


class _Formatter(argparse.HelpFormatter):
    def _get_help_string(self, action):
        if action.dest == "data_dir":  # the platform's folder is looked up only when help is shown
            return action.help.format(env="KIOSK_DATA_DIR", default=default_data_dir())
        return action.help


def _parser(factory=_Parser, **kwargs) -> argparse.ArgumentParser:
    """A parser whose own words (usage, headings, --help) are translated too."""
    parser = factory(add_help=False, formatter_class=_Formatter, **kwargs)
    parser._positionals.title = _("arguments")
    parser._optionals.title = _("options")
    parser.add_argument("-h", "--help", action="help", help=_("show this help and exit"))
    return parser


def _import_start_needs() -> None:
    """Before Qt: PySide6 hooks the import system, which makes every later import slower, so the
    core that the start needs (the store, the settings, the PIN) comes first."""
    for module in START_NEEDS:
        importlib.import_module(module)


def _need_catalogs() -> None:
    """The screens switch language at a tap: without a catalog, the window would stop half-built."""
    if missing := missing_catalogs():
        raise KioskError(_("The screens cannot be shown: no compiled catalog for {languages} in {path} "
                           "(run `make locales`).").format(languages=", ".join(missing), path=locales_dir()))


def cmd_run(args) -> int:
    _need_catalogs()
    # The start makes objects that live as long as the kiosk: the cycle collector would walk them
    # again and again for no garbage. It is back on once the home screen shows (kiosk.ui.app.run).
    gc.disable()
    if not args.demo:
        _import_start_needs()
        from kiosk.ui.app import run

        return run(_data_dir(args), windowed=args.windowed, exit_after_startup=args.exit_after_startup)
    from kiosk.demo import DEMO_PIN, fill_aside, new_demo_dir

    data_dir = new_demo_dir()
    print(_("Demo kiosk in {path}; the officer PIN is {pin}.").format(path=data_dir, pin=DEMO_PIN))
    filled = fill_aside(data_dir)
    try:
        _import_start_needs()
        from kiosk.ui.app import run

        return run(data_dir, windowed=args.windowed, exit_after_startup=args.exit_after_startup, before_load=filled)
    finally:
        import shutil

        try:
            filled()  # the child is done with the folder before it goes
        except KioskError:
            pass  # run() stopped before the window read the folder, and says why
        shutil.rmtree(data_dir, ignore_errors=True)  # throw-away: nothing of a demo stays behind


def cmd_tour(args) -> int:
    _need_catalogs()
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from kiosk.ui.tour import render

    written = render(Path(args.output))
    print(_("{count} screens written to {path}").format(count=len(written), path=args.output))
    return 0


def cmd_set_pin(args) -> int:
    import getpass

    from kiosk import officer

    pin = getpass.getpass(_("New officer PIN: ")) if sys.stdin.isatty() else sys.stdin.readline().strip()
    with _open_store(args) as store:
        officer.set_pin(store, pin, actor="cli")
    print(_("The officer PIN is set."))
    return 0


def build_parser() -> argparse.ArgumentParser:
    from kiosk.argparse_words import use_kiosk_catalog
    from kiosk.kinds import KINDS

    use_kiosk_catalog()

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar=_("DIR"),
        default=argparse.SUPPRESS,
        help=_("where the kiosk keeps its data (default: ${env} or {default})"),
    )
    parser = _parser(
        prog="kiosk", parents=[common], description=_("LAPOR! Field Kiosk: complaints and attendance, offline first.")
    )
    parser.add_argument(
        "--version", action="version", version=f"kiosk {__version__}", help=_("show the version and exit")
    )
    commands = parser.add_subparsers(dest="command", metavar=_("COMMAND"), title=_("commands"))

    def command(name, help_text, handler):
        sub = _parser(commands.add_parser, name=name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    importer = command("import", _("validate and store records from a JSON Lines file"), cmd_import)
    importer.add_argument("file", metavar=_("FILE.jsonl"))
    exporter = command("export", _("write every local record as JSON Lines"), cmd_export)
    exporter.add_argument("--kind", choices=KINDS, help=_("only records of this kind"))
    exporter.add_argument("--output", metavar=_("FILE"), help=_("write to this file instead of the screen"))
    exporter.add_argument("--status", action="store_true",
                          help=_("instead of records, the status of each complaint as the hub last reported it"))
    doctor = command("doctor", _("check that this kiosk can keep records safely"), cmd_doctor)
    doctor.add_argument("--speech-sample", metavar=_("DIR"),
                        help=_("also write one short spoken WAV per language to DIR/<lang>.wav"))
    runner = command("run", _("start the kiosk (the default command)"), cmd_run)
    runner.add_argument("--windowed", action="store_true", help=_("in a window instead of full screen"))
    runner.add_argument("--demo", action="store_true", help=_("on a throw-away data folder with a sample event"))
    runner.add_argument(
        "--exit-after-startup", action="store_true", help=_("quit once the home screen shows, printing how long it took")
    )
    tour = command("tour", _("render every screen to PNG files, without a display"), cmd_tour)
    tour.add_argument("--output", required=True, metavar=_("DIR"), help=_("folder for the images"))
    enroller = command("enroll", _("register this kiosk with an intake hub"), cmd_enroll)
    enroller.add_argument("--hub", required=True, metavar=_("URL"), help=_("the hub's address"))
    enroller.add_argument("--code", required=True, metavar=_("CODE"), help=_("the one-time code from the hub"))
    syncer = command("sync", _("send waiting records to the hub and bring complaint status back"), cmd_sync)
    syncer.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    statistics = command("stats", _("participation statistics for reports"), cmd_stats)
    statistics.add_argument("--event", metavar="UUID", help=_("only this event"))
    statistics.add_argument("--from", dest="date_from", type=_day, metavar=_("DAY"),
                            help=_("only records made on or after this day (YYYY-MM-DD)"))
    statistics.add_argument("--to", dest="date_to", type=_day, metavar=_("DAY"),
                            help=_("only records made on or before this day (YYYY-MM-DD)"))
    statistics.add_argument("--format", choices=("table", "json", "csv", "xlsx", "pdf"), default="table",
                            help=_("how to write them (default: table)"))
    statistics.add_argument("--output", metavar=_("FILE"), help=_("write to this file instead of the screen"))
    statistics.add_argument("--open-data", action="store_true",
                            help=_("safe to publish: no free text, and counts of 1 to 4 shown as <5"))
    purge = command("purge", _("erase personal details the hub has had for long enough"), cmd_purge)
    purge.add_argument("--older-than", type=int, metavar=_("DAYS"),
                       help=_("acknowledged by the hub at least this many days ago (default: the retention setting)"))
    withdraw = command("withdraw", _("a citizen withdraws consent: erase their report's personal details"),
                       cmd_withdraw)
    withdraw.add_argument("reference", metavar=_("CODE"))
    auditor = command("audit", _("write the log of officer actions as CSV"), cmd_audit)
    auditor.add_argument("--output", metavar=_("FILE"), help=_("write to this file instead of the screen"))
    status = command("status", _("show what this kiosk knows of a report"), cmd_status)
    status.add_argument("reference", metavar=_("CODE_OR_UUID"))
    officer = command("officer", _("officer set-up"), None)
    officer_commands = officer.add_subparsers(dest="officer_command", metavar=_("COMMAND"), title=_("commands"),
                                              required=True)
    set_pin = _parser(officer_commands.add_parser, name="set-pin", parents=[common],
                      help=_("set the officer PIN, read from standard input"))
    set_pin.set_defaults(handler=cmd_set_pin)
    return parser


def main(argv: list[str] | None = None) -> int:
    if getattr(sys, "frozen", False):  # the speech worker is a spawned process, which a bundle starts through here
        import multiprocessing

        multiprocessing.freeze_support()
    os.umask(0o077)  # every file the kiosk makes (database, log, credentials) is its user's alone
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(errors="backslashreplace")
    _choose_language()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "run"])
    try:
        return args.handler(args)
    except KioskError as exc:
        message = str(exc)
    except BrokenPipeError:
        # The reader went away (`kiosk export | head`): nothing left to say to anyone.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
    except sqlite3.Error as exc:
        message = _("The database failed: {reason}").format(reason=exc)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        message = _("{path}: {reason}").format(path=exc.filename, reason=reason) if exc.filename else reason
    except KeyboardInterrupt:
        message = _("Stopped.")
    except Exception as exc:  # noqa: BLE001 - the contract is one line, never a traceback
        message = _("Unexpected failure ({kind}): {reason}").format(kind=type(exc).__name__, reason=exc)
    print(f"kiosk: {message}", file=sys.stderr)
    return EXIT_FAILED
