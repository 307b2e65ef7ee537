"""`kiosk purge`, `kiosk withdraw` and `kiosk audit`: personal data kept no longer than
needed, a citizen's withdrawal, and the officers' actions on record."""

import argparse
import sys
from pathlib import Path

from kiosk.cli.common import Command, open_store
from kiosk.files import atomic_write
from kiosk.i18n import _
from kiosk.privacy import audit, erasure


def cmd_purge(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        erased = erasure.purge(store, args.older_than, actor="cli")
    print(_("Personal details of {count} records were erased.").format(count=erased))
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        erasure.withdraw(store, args.reference, actor="cli")
    print(
        _(
            "Consent withdrawn: the personal details of {code} were erased from this kiosk; the hub is asked to"
            " erase them at the next sync."
        ).format(code=args.reference)
    )
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    with open_store(args) as store:
        entries = store.audit_entries()
        if args.output:
            with atomic_write(Path(args.output)) as out:
                audit.write_csv(entries, out)
            store.audit("cli", "audit_export", entries=len(entries))
            print(_("{count} entries written to {path}").format(count=len(entries), path=args.output), file=sys.stderr)
        else:
            audit.write_csv(entries, sys.stdout)
    return 0


def add_commands(command: Command, common: argparse.ArgumentParser) -> None:
    purge = command("purge", cmd_purge)
    purge.add_argument(
        "--older-than",
        type=int,
        metavar=_("DAYS"),
        help=_("acknowledged by the hub at least this many days ago (default: the retention setting)"),
    )
    withdraw = command("withdraw", cmd_withdraw)
    withdraw.add_argument("reference", metavar=_("CODE"))
    auditor = command("audit", cmd_audit)
    auditor.add_argument("--output", metavar=_("FILE"), help=_("write to this file instead of the screen"))
