"""The `kiosk-hub` command: run the intake hub and administer it (DESIGN.md's contract).

Every subcommand takes `--data-dir` before or after its name (default: the platform's
user data dir, or `KIOSK_HUB_DATA_DIR`); a failure is one line on stderr and exit 1 when
a request was refused, 2 when the command could not run.
"""

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

from hub.app import Limits
from hub.storage import HubError, HubStorage
from kiosk.records.protocol import COMPLAINT_STATUSES

DATA_DIR_ENV = "KIOSK_HUB_DATA_DIR"
EXIT_REFUSED, EXIT_FAILED = 1, 2
SWITCH_INTERVAL = 0.0002  # seconds (README: Performance)


def _storage(args: argparse.Namespace) -> HubStorage:
    if args.data_dir:
        folder = Path(args.data_dir).expanduser()
    elif os.environ.get(DATA_DIR_ENV):
        folder = Path(os.environ[DATA_DIR_ENV]).expanduser()
    else:
        import platformdirs

        folder = platformdirs.user_data_path("lapor-hub", appauthor=False)
    return HubStorage(folder)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from hub.app import create_app

    app = create_app(_storage(args), Limits(max_batch=args.max_batch, max_body=args.max_body))
    # The thread storing a batch gives Python's lock up while SQLite works and then waits for
    # it while the event loop checks the next batch: by default up to 5 ms each time.
    sys.setswitchinterval(SWITCH_INTERVAL)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False, timeout_graceful_shutdown=5)
    return 0


def cmd_enroll_code(args: argparse.Namespace) -> int:
    code = _storage(args).create_enrollment_code(timedelta(hours=args.hours), args.device)
    print(code)
    print(f"valid once, for {args.hours} hours", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    storage = _storage(args)
    if not args.output:
        for line in storage.record_lines():
            sys.stdout.write(line + "\n")
        return 0
    target = Path(args.output)
    partial = target.with_name(target.name + ".part")
    with open(partial, "w", encoding="utf-8") as out:
        for line in storage.record_lines():
            out.write(line + "\n")
        out.flush()
        os.fsync(out.fileno())
    partial.replace(target)
    print(f"{storage.count()} records written to {target}", file=sys.stderr)
    return 0


def cmd_set_status(args: argparse.Namespace) -> int:
    before = _storage(args).set_status(args.uuid, args.status, args.note)
    print(f"{args.uuid}: {before} -> {args.status}")
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    for device in _storage(args).devices():
        state = f"revoked {device['revoked_at']}" if device["revoked_at"] else "active"
        print(f"{device['device_id']}\tenrolled {device['enrolled_at']}\t{state}\t{device['records']} records")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    _storage(args).revoke(args.device_id)
    print(f"{args.device_id}: revoked; it must be enrolled again (kiosk-hub enroll-code --device {args.device_id})")
    return 0


class _Parser(argparse.ArgumentParser):
    """Usage mistakes end in one line, like every other failure (subcommands inherit the class)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_FAILED, f"{self.prog}: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)  # a _Parser too: typeshed wants the subparsers' parents of their class
    common.add_argument("--data-dir", default=argparse.SUPPRESS, help=f"the hub's data folder (or ${DATA_DIR_ENV})")
    parser = _Parser(prog="kiosk-hub", parents=[common], description="The LAPOR! intake hub.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", parents=[common], help="run the hub's HTTP API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8700)
    serve.add_argument("--max-batch", type=int, default=Limits.max_batch, help="records accepted in one request")
    serve.add_argument("--max-body", type=int, default=Limits.max_body, help="bytes accepted in one request")
    serve.set_defaults(func=cmd_serve)

    code = commands.add_parser("enroll-code", parents=[common], help="print a one-time enrollment code")
    code.add_argument("--hours", type=int, default=24, help="how long the code is valid (default 24)")
    code.add_argument("--device", help="give this enrolled device a new token instead of making a new device")
    code.set_defaults(func=cmd_enroll_code)

    export = commands.add_parser("export", parents=[common], help="every record the hub holds, as JSON Lines")
    export.add_argument("--output", help="write to this file instead of the screen")
    export.set_defaults(func=cmd_export)

    status = commands.add_parser("set-status", parents=[common], help="move a complaint along its lifecycle")
    status.add_argument("uuid")
    status.add_argument("status", choices=COMPLAINT_STATUSES)
    status.add_argument("--note", help="a note the citizen sees at the kiosk")
    status.set_defaults(func=cmd_set_status)

    devices = commands.add_parser("devices", parents=[common], help="list enrolled kiosks")
    devices.set_defaults(func=cmd_devices)

    revoke = commands.add_parser("revoke", parents=[common], help="stop a kiosk's token from working")
    revoke.add_argument("device_id")
    revoke.set_defaults(func=cmd_revoke)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.data_dir = getattr(args, "data_dir", None)
    os.umask(0o077)  # the database, attachments and the sealing key: the hub's user's alone
    try:
        status: int = args.func(args)
        return status
    except HubError as exc:
        print(f"kiosk-hub: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except OSError as exc:
        print(f"kiosk-hub: {exc}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
