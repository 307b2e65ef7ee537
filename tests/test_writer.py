"""The one writer (kiosk.store.writer): jobs run in order on one thread that owns the store,
their results and failures reach the caller, and closing waits for what was handed in."""

import sqlite3
import threading

import factories
import pytest

from kiosk.store import Store
from kiosk.store.writer import Writer


def test_jobs_run_in_the_order_handed_in_on_one_thread(data_dir):
    seen = []
    with Writer(data_dir) as writer:
        futures = [
            writer.submit(lambda store, n: seen.append((n, threading.current_thread().name)), n) for n in range(50)
        ]
        for future in futures:
            future.result(timeout=10)
    assert seen == [(n, "kiosk-db") for n in range(50)]


def test_a_result_and_a_failure_reach_the_caller(data_dir):
    with Writer(data_dir) as writer:
        event = factories.event()
        (outcome,) = writer.run(Store.add_records, [event])
        assert outcome.status == "stored"
        with pytest.raises(sqlite3.OperationalError):
            writer.run(lambda store: store.db.execute("SELECT * FROM no_such_table"))
        assert writer.run(Store.count, "event") == 1  # the writer goes on after a failed job


def test_closing_waits_for_every_job_and_then_refuses_more(data_dir):
    writer = Writer(data_dir)
    futures = [writer.submit(Store.add_records, [factories.event()]) for _ in range(20)]
    writer.close()
    assert all(future.done() for future in futures)
    with Store(data_dir) as store:
        assert store.count("event") == 20
    with pytest.raises(RuntimeError):
        writer.submit(Store.count)


def test_a_job_may_hand_in_a_job_of_its_own(data_dir):
    """`run` from the writer's own thread runs at once rather than waiting on itself."""
    with Writer(data_dir) as writer:
        assert writer.run(lambda store: writer.run(Store.count)) == 0
