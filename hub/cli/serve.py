"""`kiosk-hub serve`: the HTTP API under uvicorn, in one process or, on PostgreSQL, several."""

import argparse
import os
import sys
import threading
from typing import TYPE_CHECKING, Any

from hub import settings
from hub.cli import bridge
from hub.cli.common import CommandFailed, hub_settings
from hub.storage import open_storage

if TYPE_CHECKING:
    from fastapi import FastAPI

SWITCH_INTERVAL = 0.0002  # seconds (README: Performance)


def _tune() -> None:
    # The thread storing a batch gives Python's lock up while the database works and then
    # waits for it while the event loop checks the next batch: by default up to 5 ms each time.
    sys.setswitchinterval(SWITCH_INTERVAL)


def worker_app() -> "FastAPI":
    """The app of one worker process, from the settings its parent put in the environment."""
    from hub.api import create_app

    _tune()
    chosen = settings.load()
    return create_app(open_storage(chosen.data_dir, chosen.database), chosen.limits, chosen.console)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    chosen = hub_settings(
        args,
        host=args.host,
        port=args.port,
        workers=args.workers,
        max_batch=args.max_batch,
        max_body=args.max_body,
        max_attachment=args.max_attachment,
    )
    if chosen.workers > 1 and not chosen.database:
        raise CommandFailed(
            "--workers needs PostgreSQL (--database postgresql://...): SQLite takes one writer at a time"
        )
    bridging = bridge.load_config(args.bridge_config) if args.bridge else None
    stop = threading.Event()
    serving: dict[str, Any] = {"log_level": "warning", "access_log": False, "timeout_graceful_shutdown": 5}
    if chosen.workers == 1:
        from hub.api import create_app

        opened = open_storage(chosen.data_dir, chosen.database)
        app = create_app(opened, chosen.limits, chosen.console)
        if bridging is not None:  # beside the API, on its storage: SQLite's one writer serves both
            bridge.start(opened, bridging, stop)
        _tune()
        uvicorn.run(app, host=chosen.host, port=chosen.port, **serving)
        stop.set()
        return 0
    opened = open_storage(chosen.data_dir, chosen.database)  # unreachable or behind: said once, here
    if bridging is not None:  # one bridge in the parent process, whatever the number of workers
        bridge.start(opened, bridging, stop)
    else:
        opened.close()
    for name in (
        "data_dir",
        "database",
        "max_batch",
        "max_body",
        "max_attachment",
        "console_idle_minutes",
        "timezone",
    ):
        os.environ[settings.ENV_PREFIX + name.upper()] = str(getattr(chosen, name))
    uvicorn.run(
        f"{__name__}:worker_app", factory=True, workers=chosen.workers, host=chosen.host, port=chosen.port, **serving
    )
    stop.set()
    return 0


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    serve = commands.add_parser("serve", parents=[common], help="run the hub's HTTP API")
    serve.add_argument("--host", help="the address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="the port to listen on (default 8700)")
    serve.add_argument("--workers", type=int, help="worker processes, PostgreSQL only (default 1)")
    serve.add_argument(
        "--max-batch", type=int, help=f"records accepted in one request (default {settings.Limits.max_batch})"
    )
    serve.add_argument(
        "--max-body", type=int, help=f"bytes accepted in one request (default {settings.Limits.max_body})"
    )
    serve.add_argument(
        "--max-attachment",
        type=int,
        metavar="BYTES",
        help=f"bytes of one attachment, whole or sent in chunks (default {settings.Limits.max_attachment})",
    )
    serve.add_argument(
        "--bridge", action="store_true", help="also run the bridge to SP4N-LAPOR! and SMS (kiosk-hub bridge run)"
    )
    serve.add_argument(
        "--bridge-config", metavar="FILE", help=f"the bridge's TOML configuration (or ${bridge.CONFIG_ENV})"
    )
    serve.set_defaults(func=cmd_serve)
