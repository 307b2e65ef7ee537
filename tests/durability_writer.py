"""Writes records in a loop, printing each uuid only after its write has returned."""

import sys

import factories

from kiosk.store import Store

with Store(sys.argv[1]) as store:
    event = factories.event()
    store.add_records([event])
    while True:
        batch = [factories.attendance(event["uuid"]) for _ in range(int(sys.argv[2]))]
        store.add_records(batch)
        sys.stdout.write("".join(record["uuid"] + "\n" for record in batch))
        sys.stdout.flush()
