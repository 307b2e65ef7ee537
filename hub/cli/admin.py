"""Administering the hub: enrollment codes, devices, complaint status, the records it holds."""

import argparse
import json
import os
import sys
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from hub.cli.common import CommandFailed, storage
from hub.storage import Storage
from hub.storage.blobs import FolderBlobs, hashes_named
from hub.storage.events import HUB_DEVICE
from hub.storage.transfer import TABLES
from kiosk.records.protocol import COMPLAINT_STATUSES


def cmd_enroll_code(args: argparse.Namespace) -> int:
    if args.device == HUB_DEVICE:
        raise CommandFailed(f"{HUB_DEVICE} is no kiosk: it holds the events made in the console")
    with storage(args) as hub:
        code = hub.create_enrollment_code(timedelta(hours=args.hours), args.device)
    print(code)
    print(f"valid once, for {args.hours} hours", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with storage(args) as hub:
        if args.output:
            target = Path(args.output)
            _write_whole(target, ((line + "\n").encode() for line in hub.record_lines()))
            print(f"{hub.count()} records written to {target}", file=sys.stderr)
        else:
            sys.stdout.writelines(line + "\n" for line in hub.record_lines())
        if args.attachments:
            written = _export_attachments(FolderBlobs.of(hub.data_dir), _not_withdrawn(hub), Path(args.attachments))
            print(f"{written} attachments written to {args.attachments}", file=sys.stderr)
    return 0


def _not_withdrawn(hub: Storage) -> set[str]:
    """The attachments records not withdrawn name. Hubs older than erasure on withdrawal may still
    hold a withdrawn record's bytes: they are never exported, whatever the folder holds."""
    columns = TABLES["records"]
    body, withdrawn_at = columns.index("body"), columns.index("withdrawn_at")
    named: set[str] = set()
    for table, values in hub.rows():
        if table == "records" and values[withdrawn_at] is None:
            named |= hashes_named(json.loads(str(values[body])))
    return named


def _export_attachments(blobs: FolderBlobs, named: set[str], folder: Path) -> int:
    """The plain bytes the hub holds of these attachments, each file named by its hash."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    written = 0
    for sha256 in sorted(named):
        data = blobs.read(sha256)
        if data is not None:
            _write_whole(folder / sha256, [data])
            written += 1
    return written


def _write_whole(target: Path, chunks: Iterable[bytes]) -> None:
    """Through a temporary name, renamed when whole and on disk: no half file under the real name."""
    partial = target.with_name(target.name + ".part")
    with open(partial, "wb") as out:
        out.writelines(chunks)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(target)


def cmd_seal_attachments(args: argparse.Namespace) -> int:
    with storage(args) as hub:
        sealed = FolderBlobs.of(hub.data_dir).seal_plain()
    print(f"{sealed} attachment files sealed")
    return 0


def cmd_set_status(args: argparse.Namespace) -> int:
    with storage(args) as hub:
        before = hub.set_status(args.uuid, args.status, args.note, args.agency)
    print(f"{args.uuid}: {before} -> {args.status}")
    return 0


def cmd_devices(args: argparse.Namespace) -> int:
    with storage(args) as hub:
        for device in hub.devices():
            if device["device_id"] == HUB_DEVICE:
                continue
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
    export.add_argument(
        "--attachments", metavar="DIR", help="also write the exported records' attachment bytes here, named by sha256"
    )
    export.set_defaults(func=cmd_export)

    seal = commands.add_parser(
        "seal-attachments", parents=[common], help="seal the attachment files an older hub kept plain"
    )
    seal.set_defaults(func=cmd_seal_attachments)

    status = commands.add_parser("set-status", parents=[common], help="move a complaint along its lifecycle")
    status.add_argument("uuid")
    status.add_argument("status", choices=COMPLAINT_STATUSES)
    status.add_argument("--note", help="a note the citizen sees at the kiosk")
    status.add_argument(
        "--agency", help="with forwarded: the code of the agency it is passed to (kiosk-hub agency add)"
    )
    status.set_defaults(func=cmd_set_status)

    devices = commands.add_parser("devices", parents=[common], help="list enrolled kiosks")
    devices.set_defaults(func=cmd_devices)

    revoke = commands.add_parser("revoke", parents=[common], help="stop a kiosk's token from working")
    revoke.add_argument("device_id")
    revoke.set_defaults(func=cmd_revoke)
