"""Administering the hub: enrollment codes, devices, complaint status, the records it holds."""

import argparse
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from hub.cli.common import storage
from kiosk.records.protocol import COMPLAINT_STATUSES


def cmd_enroll_code(args: argparse.Namespace) -> int:
    with storage(args) as hub:
        code = hub.create_enrollment_code(timedelta(hours=args.hours), args.device)
    print(code)
    print(f"valid once, for {args.hours} hours", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with storage(args) as hub:
        if not args.output:
            for line in hub.record_lines():
                sys.stdout.write(line + "\n")
            return 0
        target = Path(args.output)
        partial = target.with_name(target.name + ".part")
        with open(partial, "w", encoding="utf-8") as out:
            for line in hub.record_lines():
                out.write(line + "\n")
            out.flush()
            os.fsync(out.fileno())
        partial.replace(target)
        print(f"{hub.count()} records written to {target}", file=sys.stderr)
    return 0


def cmd_set_status(args: argparse.Namespace) -> int:
    with storage(args) as hub:
        before = hub.set_status(args.uuid, args.status, args.note)
    print(f"{args.uuid}: {before} -> {args.status}")
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    with storage(args) as hub:
        for device in hub.devices():
            state = f"revoked {device['revoked_at']}" if device["revoked_at"] else "active"
            print(f"{device['device_id']}\tenrolled {device['enrolled_at']}\t{state}\t{device['records']} records")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    with storage(args) as hub:
        hub.revoke(args.device_id)
    print(f"{args.device_id}: revoked; it must be enrolled again (kiosk-hub enroll-code --device {args.device_id})")
    return 0


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
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
