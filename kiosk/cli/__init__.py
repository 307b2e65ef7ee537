"""The `kiosk` command line (DESIGN.md's contract), one module per group of commands.

Every subcommand takes `--data-dir` before or after its name, and a failure ends in
one translated line on stderr and a non-zero exit: 1 when some input was refused or a
check failed, 2 when the command could not run at all.
"""

import argparse
import multiprocessing
import os
import sqlite3
import sys

from kiosk import __version__
from kiosk.cli import doctor, officer, privacy, records, run, statistics, sync
from kiosk.cli.argparse_words import use_kiosk_catalog
from kiosk.cli.common import EXIT_FAILED, Handler, new_parser
from kiosk.errors import KioskError
from kiosk.i18n import DEFAULT_LANGUAGE, LANGUAGES, CatalogMissing, _, set_language

LANGUAGE_ENV = "KIOSK_LANG"


def _choose_language() -> None:
    language = os.environ.get(LANGUAGE_ENV) or DEFAULT_LANGUAGE
    if language not in LANGUAGES:
        print(f"kiosk: {LANGUAGE_ENV}={language} is not offered ({', '.join(LANGUAGES)})", file=sys.stderr)
        language = DEFAULT_LANGUAGE
    try:
        set_language(language)
    except CatalogMissing as exc:
        print(f"kiosk: warning: {exc}; messages are shown in English", file=sys.stderr)


def build_parser() -> argparse.ArgumentParser:
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

    def command(name: str, help_text: str, handler: Handler | None) -> argparse.ArgumentParser:
        sub = new_parser(commands.add_parser, name=name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    records.add_commands(command)
    doctor.add_commands(command)
    run.add_commands(command)
    sync.add_commands(command)
    statistics.add_commands(command)
    privacy.add_commands(command)
    officer.add_commands(command, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    if getattr(sys, "frozen", False):  # the speech worker is a spawned process, which a bundle starts through here
        multiprocessing.freeze_support()
    os.umask(0o077)  # every file the kiosk makes (database, log, credentials) is its user's alone
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]  # always a TextIOWrapper here
    _choose_language()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.command:
        args = parser.parse_args([*(argv if argv is not None else sys.argv[1:]), "run"])
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
