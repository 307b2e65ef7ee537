"""`kiosk import`, `kiosk export` and `kiosk status`: records in and out as JSON Lines (their
attachments' bytes in a folder beside them), and what the kiosk knows of one report."""

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from kiosk.cli.common import EXIT_REFUSED, Command, open_store
from kiosk.errors import KioskError
from kiosk.files import atomic_write
from kiosk.i18n import _
from kiosk.progress import describe
from kiosk.records import FieldError, refcode
from kiosk.records.protocol import CONFLICT, DUPLICATE, INVALID, KINDS, STORED
from kiosk.store import Store, attachments
from kiosk.store.importer import import_stream


def cmd_import(args: argparse.Namespace) -> int:
    def report(number: int, error: FieldError) -> None:
        print(f"{number}: {error}", file=sys.stderr)

    path = Path(args.file)
    folder = Path(args.attachments) if args.attachments else None
    if folder is not None and not folder.is_dir():
        raise KioskError(_("The folder {folder} does not exist.").format(folder=folder))
    with open_store(args) as store:
        try:
            with path.open("rb") as stream:
                counts = import_stream(store, stream, report, files=attachments.in_folder(folder) if folder else None)
        except OSError as exc:
            where = exc.filename or path  # the records' file, or an attachment's
            raise KioskError(_("Cannot read {path}: {reason}").format(path=where, reason=exc.strerror)) from exc
        store.audit("cli", "import", file=path.name, **{k: counts[k] for k in (STORED, DUPLICATE, CONFLICT, INVALID)})
    print(
        _("{stored} stored, {duplicate} already present, {invalid} refused, {conflict} in conflict").format(
            stored=counts[STORED], duplicate=counts[DUPLICATE], invalid=counts[INVALID], conflict=counts[CONFLICT]
        )
    )
    return EXIT_REFUSED if counts[INVALID] or counts[CONFLICT] else 0


def cmd_export(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        lines = store.status_lines() if args.status else store.record_lines(args.kind)
        if args.output:
            with atomic_write(Path(args.output)) as out:
                written = _write_lines(lines, out)
        else:
            written = _write_lines(lines, sys.stdout)
        files = _write_attachments(store, Path(args.attachments)) if args.attachments else None
        detail = {} if files is None else {"attachments": files}
        store.audit("cli", "export", kind="status" if args.status else args.kind or "all", records=written, **detail)
        sealed = store.sealed_attachment_count() if args.attachments else 0
    if args.output:
        print(_("{count} records written to {path}").format(count=written, path=args.output), file=sys.stderr)
    if files is not None:
        print(
            _("{count} attachment files written to {folder}").format(count=files, folder=args.attachments),
            file=sys.stderr,
        )
    if sealed:
        message = _("{count} attachments were not written: they are at the hub, and only the hub can open them now")
        print(message.format(count=sealed), file=sys.stderr)
    return 0


def _write_attachments(store: Store, folder: Path) -> int:
    """Each readable attachment as a file named by its sha256, written whole or not at all."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KioskError(
            _("Cannot use the folder {folder}: {reason}").format(folder=folder, reason=exc.strerror)
        ) from exc
    written = 0
    for sha256, data in store.readable_attachments():
        with atomic_write(folder / sha256, "wb") as out:
            out.write(data)
        written += 1
    return written


def _write_lines(lines: Iterable[str], out: TextIO) -> int:
    written = 0
    for line in lines:
        out.write(line + "\n")
        written += 1
    return written


def cmd_status(args: argparse.Namespace) -> int:
    with open_store(args) as store:
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


def add_commands(command: Command, common: argparse.ArgumentParser) -> None:
    importer = command("import", cmd_import)
    importer.add_argument("file", metavar=_("FILE.jsonl"))
    importer.add_argument(
        "--attachments",
        metavar=_("FOLDER"),
        help=_("the folder holding the attachments' files, each named by its sha256 or by its name"),
    )
    exporter = command("export", cmd_export)
    exporter.add_argument("--kind", choices=KINDS, help=_("only records of this kind"))
    exporter.add_argument("--output", metavar=_("FILE"), help=_("write to this file instead of the screen"))
    exporter.add_argument(
        "--attachments", metavar=_("FOLDER"), help=_("also write the attachments' files here, named by their sha256")
    )
    exporter.add_argument(
        "--status",
        action="store_true",
        help=_("instead of records, the status of each complaint as the hub last reported it"),
    )
    status = command("status", cmd_status)
    status.add_argument("reference", metavar=_("CODE_OR_UUID"))
