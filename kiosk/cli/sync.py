"""`kiosk enroll` and `kiosk sync`: joining a hub, and sending to it."""

import argparse
import json
import sys

from kiosk.cli.common import EXIT_REFUSED, Command, data_folder
from kiosk.i18n import _
from kiosk.logs import log_to
from kiosk.sync.engine import LARGE_SKEW_S, enroll, error_text, run_sync


def cmd_enroll(args: argparse.Namespace) -> int:
    device_id = enroll(data_folder(args), args.hub, args.code)
    print(_("Enrolled with {url} as {device_id}.").format(url=args.hub, device_id=device_id))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    log_to(data_folder(args))
    report = run_sync(data_folder(args))
    if args.json:
        print(json.dumps(report.as_dict()))
    else:
        print(
            _(
                "{acked} records acknowledged, {quarantined} quarantined, {remaining} waiting, "
                "{statuses} status updates"
            ).format(
                acked=report.acked, quarantined=report.quarantined, remaining=report.remaining, statuses=report.statuses
            )
        )
        if report.events:
            print(_("{count} new events shared by the hub.").format(count=report.events))
        if report.quarantined_total:
            print(
                _("{count} records are quarantined: see Quarantined records in officer mode.").format(
                    count=report.quarantined_total
                ),
                file=sys.stderr,
            )
        if report.skew_seconds is not None and abs(report.skew_seconds) > LARGE_SKEW_S:
            print(
                _("This kiosk's clock differs from the hub's by {minutes} minutes: set the clock.").format(
                    minutes=round(abs(report.skew_seconds) / 60)
                ),
                file=sys.stderr,
            )
        if report.error:
            print(f"kiosk: {error_text(report.error)}", file=sys.stderr)
    return 0 if report.done else EXIT_REFUSED


def add_commands(command: Command, common: argparse.ArgumentParser) -> None:
    enroller = command("enroll", cmd_enroll)
    enroller.add_argument("--hub", required=True, metavar=_("URL"), help=_("the hub's address"))
    enroller.add_argument("--code", required=True, metavar=_("CODE"), help=_("the one-time code from the hub"))
    syncer = command("sync", cmd_sync)
    syncer.add_argument("--json", action="store_true", help=_("print the result as JSON"))
