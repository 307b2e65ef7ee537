"""The bridge's worker: empties the two outboxes and asks SP4N-LAPOR! what became of reports.

Each round takes what is due, tries each entry a few times at once (tenacity, waiting as a
Retry-After asks or backing off with jitter), and otherwise writes the next attempt into the
outbox, further off each time, so a hub offline for a week neither loses an entry nor hammers
the national side when it returns. Entries that will not pass as they are become dead letters
(reports) or failed numbers (SMS), shown in the console, never retried forever.
"""

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar

from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter
from tenacity.stop import stop_base
from tenacity.wait import wait_base

from hub.bridge import notices
from hub.bridge.config import BridgeConfig
from hub.bridge.errors import Refused, Retry
from hub.bridge.national import National, News, open_national
from hub.bridge.report import mapped, view
from hub.bridge.sms import Gateway, normalized_phone, open_gateway
from hub.i18n import N_, chosen, translations
from hub.storage import HubError, Storage, forwards
from hub.storage.staff import audit
from kiosk.records.protocol import ARCHIVED, COMPLETED, FOLLOWED_UP, FORWARDED
from kiosk.records.refcode import ref_code

log = logging.getLogger(__name__)
ACTOR = "bridge"  # who the audit log names for what the worker does
QUICK_TRIES = 3  # attempts within one round before the entry waits in the outbox
QUICK_WAIT_MAX_S = 10.0  # a Retry-After longer than this ends the round's attempts
BATCH = 50  # entries taken per round and outbox
STALE = timedelta(days=3)  # an SMS about a step older than this is no longer news: not sent
POLL_BATCH = 500

# Notes the citizen reads at the kiosk when the national side moves their report without a note.
NOTES = {
    FORWARDED: N_("Your report has been passed on to SP4N-LAPOR!, the national complaint service."),
    FOLLOWED_UP: N_("The government office in charge is following up your report (news from SP4N-LAPOR!)."),
    COMPLETED: N_("Your report has been completed (news from SP4N-LAPOR!)."),
    ARCHIVED: N_("SP4N-LAPOR! has closed your report."),
}
T = TypeVar("T")


def note(language: str | None, status: str = FORWARDED) -> str:
    """The note for `status` in the citizen's language."""
    return translations(chosen(language)).gettext(NOTES.get(status, NOTES[FORWARDED]))


def later(attempts: int, asked_s: float | None, base_s: float, cap_s: float) -> datetime:
    """When to try again after `attempts` failed: what Retry-After asked, else doubling from
    `base_s` up to `cap_s`, with jitter so a fleet of entries does not return at once."""
    wait = asked_s if asked_s is not None else min(cap_s, base_s * 2 ** max(attempts - 1, 0))
    return datetime.now(UTC) + timedelta(seconds=wait * random.uniform(1.0, 1.25))


class _QuickWait(wait_base):
    """As long as a Retry-After asks, else doubling from `pause` seconds with jitter."""

    def __init__(self, pause: float) -> None:
        self.backoff = wait_exponential_jitter(multiplier=pause, max=10 * pause)

    def __call__(self, retry_state: RetryCallState) -> float:
        failure = retry_state.outcome.exception() if retry_state.outcome else None
        asked = failure.after_s if isinstance(failure, Retry) else None
        return asked if asked is not None else self.backoff(retry_state)


class _AsksLong(stop_base):
    """Stop trying within the round when the other side asks for a long pause."""

    def __call__(self, retry_state: RetryCallState) -> bool:
        failure = retry_state.outcome.exception() if retry_state.outcome else None
        return isinstance(failure, Retry) and (failure.after_s or 0) > QUICK_WAIT_MAX_S


def attempt(call: Callable[[], T], pause: float, tries: int = QUICK_TRIES) -> tuple[T, int]:
    """`call`'s result and how many tries it took; the last Retry or a Refused is raised, with the
    tries made as `tries` on it."""
    made = 0

    def counted() -> T:
        nonlocal made
        made += 1
        return call()

    retrying = Retrying(
        stop=stop_after_attempt(tries) | _AsksLong(),
        wait=_QuickWait(pause),
        retry=retry_if_exception_type(Retry),
        reraise=True,
    )
    try:
        return retrying(counted), made
    except (Retry, Refused) as failure:
        failure.tries = made
        raise


@dataclass
class Round:
    """What one round did, for the command's output and the tests."""

    queued: int = 0
    forwarded: int = 0
    handed: int = 0
    put_off: int = 0
    dead: int = 0
    heard: int = 0
    sms_sent: int = 0
    sms_put_off: int = 0
    sms_failed: int = 0
    sms_dropped: int = 0

    def busy(self) -> bool:
        return any((self.queued, self.forwarded, self.handed, self.heard, self.sms_sent))


class Bridge:
    def __init__(
        self,
        storage: Storage,
        config: BridgeConfig,
        national: National | None = None,
        gateway: Gateway | None = None,
        pause: float = 0.2,
    ) -> None:
        self.storage = storage
        self.pause = pause  # seconds before the second try within a round
        self.config = config
        self.national = national or (open_national(config.national) if config.national else None)
        self.gateway = gateway or (open_gateway(config.sms) if config.sms else None)
        self.last_poll: datetime | None = None

    def close(self) -> None:
        for part in (self.national, self.gateway):
            if part is not None:
                part.close()

    def round(self) -> Round:
        done = Round()
        if self.national is not None and self.config.national is not None:
            if self.config.national.forward_on_verify:
                with self.storage.writing() as run:
                    done.queued = forwards.queue_verified(run, ACTOR)
            self._forward(done)
            self._poll(done)
        if self.gateway is not None:
            self._notify(done)
        return done

    def run(self, stop: threading.Event, once: bool = False, idle_s: float = 5.0) -> None:
        """Rounds until `stop` is set (or one, `once`); a failing round is logged and the next one
        comes after the idle wait, as a database restart or a network outage pass."""
        while not stop.is_set():
            try:
                done = self.round()
            except Exception:
                if once:
                    raise
                log.exception("bridge round failed; trying again in %s s", idle_s)
                done = Round()
            if once:
                return
            if not done.busy():
                stop.wait(idle_s)

    # SP4N-LAPOR!
    def _forward(self, done: Round) -> None:
        assert self.national is not None and self.config.national is not None
        national, fields = self.national, self.config.national.fields
        with self.storage.writing() as run:
            due = forwards.claim(run, BATCH, datetime.now(UTC))
        for item in due:
            body = mapped(view(item.record, item.hub_number, ref_code(item.uuid), item.received_at), fields)
            try:
                national_id, tries = attempt(partial(national.forward, item.uuid, body), self.pause)
            except Retry as failure:
                tries = item.attempts + failure.tries
                with self.storage.writing() as run:
                    forwards.put_off(run, item.uuid, tries, later(tries, failure.after_s, 30, 6 * 3600), failure.reason)
                done.put_off += 1
                continue
            except Refused as failure:
                with self.storage.writing() as run:
                    forwards.bury(run, item.uuid, item.attempts + failure.tries, failure.reason)
                log.warning("SP4N-LAPOR! refused report %s: %s", item.uuid, failure.reason)
                done.dead += 1
                continue
            with self.storage.changing() as run:
                forwards.handed(run, item.uuid, item.attempts + tries, national_id, note)
                audit(run, ACTOR, forwards.FORWARD_NATIONAL, item.uuid)
            if national_id is None:
                done.handed += 1
            else:
                done.forwarded += 1

    def _poll(self, done: Round) -> None:
        assert self.national is not None and self.config.national is not None
        moment = datetime.now(UTC)
        interval = timedelta(seconds=self.config.national.poll_interval_s)
        if self.last_poll is not None and moment - self.last_poll < interval:
            return
        self.last_poll = moment
        with self.storage.writing() as run:
            asked = forwards.open_reports(run, moment - interval, POLL_BATCH)
        try:
            heard: list[News] = self.national.poll(asked)
        except Retry as failure:
            log.warning("SP4N-LAPOR! could not be asked about reports: %s", failure.reason)
            return
        with self.storage.writing() as run:
            forwards.polled(run, (uuid for uuid, _ in asked), moment)
        for news in heard:
            word = forwards.Word(
                news.uuid, news.tracking_id, news.status, news.national_status, news.note, news.updated_at
            )
            try:
                with self.storage.changing() as run:
                    done.heard += forwards.hear(run, word, note)
            except HubError as refused:  # one report's news that cannot apply holds up no other
                log.warning("news of report %s from SP4N-LAPOR! not applied: %s", news.uuid, refused)
        self.national.done(heard)

    # SMS
    def _notify(self, done: Round) -> None:
        assert self.gateway is not None and self.config.sms is not None
        gateway, most = self.gateway, self.config.sms.max_attempts
        with self.storage.writing() as run:
            due = forwards.claim_notices(run, BATCH, datetime.now(UTC))
        for item in due:
            phone = normalized_phone(str((item.record.get("reporter") or {}).get("phone") or ""))
            with self.storage.writing() as run:
                why = None
                if phone is None or not item.record.get("sms_updates"):
                    why = "no number to send to"
                elif forwards.number_failed(run, item.uuid):
                    why = "an earlier message to this number failed"
                elif datetime.fromisoformat(item.changed_at) < datetime.now(UTC) - STALE:
                    why = "too old to be news"
                if why is not None or phone is None:
                    forwards.notice_done(run, item.seq, forwards.SMS_DROPPED, item.attempts, why)
                    done.sms_dropped += 1
                    continue
            text = notices.notice(item.status, ref_code(item.uuid), item.national_id, item.record.get("language", ""))
            try:
                _, tries = attempt(partial(gateway.send, phone, text, f"lapor-sms-{item.seq}"), self.pause)
            except Retry as failure:
                tries = item.attempts + failure.tries
                with self.storage.writing() as run:
                    if tries >= most:
                        forwards.notice_done(run, item.seq, forwards.SMS_FAILED, tries, failure.reason)
                        done.sms_failed += 1
                    else:
                        forwards.notice_later(
                            run, item.seq, tries, later(tries, failure.after_s, 60, 6 * 3600), failure.reason
                        )
                        done.sms_put_off += 1
                continue
            except Refused as failure:
                with self.storage.writing() as run:
                    forwards.notice_done(
                        run, item.seq, forwards.SMS_FAILED, item.attempts + failure.tries, failure.reason
                    )
                done.sms_failed += 1
                continue
            with self.storage.writing() as run:
                forwards.notice_done(run, item.seq, forwards.SMS_SENT, item.attempts + tries)
            done.sms_sent += 1
