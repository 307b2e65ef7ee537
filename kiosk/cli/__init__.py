"""The `kiosk` command line (DESIGN.md's contract), one module per group of commands.

Every subcommand takes `--data-dir` before or after its name, and a failure ends in
one translated line on stderr and a non-zero exit: 1 when some input was refused or a
check failed, 2 when the command could not run at all.

`COMMANDS` below is the table of contents: each command, the module of this package that
defines and runs it, and its one-line help. Only the module of the command being run is
imported (the kiosk's window does not wait for the sync engine, the doctor or the reports);
`kiosk --help` lists every command from the table alone.
"""

import argparse
import importlib
import os
import sqlite3
import sys
from collections.abc import Sequence

from kiosk import __version__
from kiosk.cli.argparse_words import use_kiosk_catalog
from kiosk.cli.common import EXIT_FAILED, Handler, new_parser
from kiosk.errors import KioskError
from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, CatalogMissing, _, set_language

LANGUAGE_ENV = "KIOSK_LANG"
DEFAULT_COMMAND = "run"
COMMANDS = {  # name: (module of kiosk.cli, help)
    "import": ("records", N_("validate and store records from a JSON Lines file")),
    "export": ("records", N_("write every local record as JSON Lines")),
    "doctor": ("doctor", N_("check that this kiosk can keep records safely")),
    "run": ("run", N_("start the kiosk (the default command)")),
    "tour": ("run", N_("render every screen to PNG files, without a display")),
    "enroll": ("sync", N_("register this kiosk with an intake hub")),
    "sync": ("sync", N_("send waiting records to the hub and bring complaint status back")),
    "stats": ("statistics", N_("participation statistics for reports")),
    "purge": ("privacy", N_("erase personal details the hub has had for long enough")),
    "withdraw": ("privacy", N_("a citizen withdraws consent: erase their report's personal details")),
    "audit": ("privacy", N_("write the log of officer actions as CSV")),
    "status": ("records", N_("show what this kiosk knows of a report")),
    "officer": ("officer", N_("officer set-up")),
}


def _choose_language() -> None:
    language = os.environ.get(LANGUAGE_ENV) or DEFAULT_LANGUAGE
    if language not in LANGUAGES:
        print(f"kiosk: {LANGUAGE_ENV}={language} is not offered ({', '.join(LANGUAGES)})", file=sys.stderr)
        language = DEFAULT_LANGUAGE
    try:
        set_language(language)
    except CatalogMissing as exc:
        print(f"kiosk: warning: {exc}; messages are shown in English", file=sys.stderr)


def build_parser(command_name: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; only `command_name`'s module is loaded to define its arguments (the
    other commands are listed with their help, and defined when they are the one run)."""
    use_kiosk_catalog()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar=_("DIR"),
        default=argparse.SUPPRESS,
        help=_("where the kiosk keeps its data (default: ${env} or {default})"),
    )
    parser = new_parser(
        prog="kiosk", parents=[common], description=_("LAPOR! Field Kiosk: complaints and attendance, offline first.")
    )
    parser.add_argument(
        "--version", action="version", version=f"kiosk {__version__}", help=_("show the version and exit")
    )
    commands = parser.add_subparsers(dest="command", metavar=_("COMMAND"), title=_("commands"))
    subparsers: dict[str, argparse.ArgumentParser] = {}
    for name, (_module, help_text) in COMMANDS.items():
        subparsers[name] = new_parser(
            commands.add_parser, name=name, parents=[common], help=_(help_text), description=_(help_text)
        )

    def command(name: str, handler: Handler | None) -> argparse.ArgumentParser:
        subparsers[name].set_defaults(handler=handler)
        return subparsers[name]

    if command_name in COMMANDS:
        module = importlib.import_module(f"kiosk.cli.{COMMANDS[command_name][0]}")
        module.add_commands(command, common)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The command named in `argv`, if any: its first word that is not an option or the
    value of `--data-dir`."""
    words = iter(argv)
    for word in words:
        if word == "--data-dir":
            next(words, None)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def main(argv: list[str] | None = None) -> int:
    if getattr(sys, "frozen", False):  # the speech worker is a spawned process, which a bundle starts through here
        import multiprocessing  # only a bundle needs it here; the window loads it with speech

        multiprocessing.freeze_support()
    os.umask(0o077)  # every file the kiosk makes (database, log, credentials) is its user's alone
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]  # always a TextIOWrapper here
    _choose_language()
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(_command_in(argv)).parse_args(argv)
    if not args.command:
        args = build_parser(DEFAULT_COMMAND).parse_args([*argv, DEFAULT_COMMAND])
    try:
        return int(args.handler(args))
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
