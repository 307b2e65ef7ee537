"""`kiosk-hub bridge`: run the bridge to SP4N-LAPOR! and the SMS gateway, or print an example
configuration to start from (README: "The bridge to SP4N-LAPOR!")."""

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from hub.bridge import config
from hub.bridge.errors import ConfigError
from hub.bridge.worker import Bridge
from hub.cli.common import CommandFailed, storage
from hub.settings import ENV_PREFIX
from hub.storage import Storage

CONFIG_ENV = ENV_PREFIX + "BRIDGE_CONFIG"


def load_config(given: str | None) -> config.BridgeConfig:
    path = given or os.environ.get(CONFIG_ENV)
    if not path:
        raise CommandFailed(f"the bridge needs its configuration: --config FILE or ${CONFIG_ENV}")
    try:
        return config.load(Path(path))
    except ConfigError as exc:
        raise CommandFailed(str(exc)) from None


def start(opened: Storage, chosen: config.BridgeConfig, stop: threading.Event) -> threading.Thread:
    """The bridge in a thread of this process (`serve --bridge`), until `stop` is set."""
    bridge = Bridge(opened, chosen)

    def work() -> None:
        try:
            bridge.run(stop)
        finally:
            bridge.close()

    thread = threading.Thread(target=work, name="bridge", daemon=True)
    thread.start()
    return thread


def cmd_run(args: argparse.Namespace) -> int:
    chosen = load_config(args.config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    with storage(args) as opened:
        bridge = Bridge(opened, chosen)
        try:
            if args.once:
                done = bridge.round()
                print(
                    f"forwarded {done.forwarded}, handed over {done.handed}, put off {done.put_off},"
                    f" refused {done.dead}, news {done.heard}; SMS sent {done.sms_sent},"
                    f" put off {done.sms_put_off}, failed {done.sms_failed}, dropped {done.sms_dropped}"
                )
                return 0
            stop = threading.Event()
            for each in (signal.SIGINT, signal.SIGTERM):
                signal.signal(each, lambda *_: stop.set())
            bridge.run(stop)
        finally:
            bridge.close()
    return 0


def cmd_example(args: argparse.Namespace) -> int:
    sys.stdout.write(config.EXAMPLE)
    return 0


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    bridge = commands.add_parser("bridge", parents=[common], help="the bridge to SP4N-LAPOR! and SMS")
    actions = bridge.add_subparsers(dest="bridge_command", required=True)
    run = actions.add_parser(
        "run", parents=[common], help="forward the outbox to SP4N-LAPOR!, poll national statuses, send SMS"
    )
    run.add_argument("--config", metavar="FILE", help=f"the bridge's TOML configuration (or ${CONFIG_ENV})")
    run.add_argument("--once", action="store_true", help="one round, then exit")
    run.set_defaults(func=cmd_run)
    example = actions.add_parser("example", parents=[common], help="print a complete example configuration")
    example.set_defaults(func=cmd_example)
