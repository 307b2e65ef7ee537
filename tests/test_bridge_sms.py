"""SMS notices: the gateway adapters against a fake provider and real programs, the numbers
citizens type, and the words of each notice within one GSM-7 SMS."""

import email.utils
import gettext
import socket
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fake_sms import FakeGateway, Message

from hub import i18n
from hub.bridge import notices, sms
from hub.bridge.errors import ConfigError, Refused, Retry
from kiosk.records.protocol import COMPLAINT_STATUSES, FORWARDED

PHONE, E164 = "0812-3456-7890", "+6281234567890"
CODE = "K7Q4-9XZM"
LONG_ID = "SP4N-" + "1234567890" * 5 + "ABCDEFGHI"  # 64 characters, the longest national id


@pytest.fixture
def fake():
    with FakeGateway(token="s3cret-token", to_field="msisdn", text_field="message") as gateway:
        yield gateway


@pytest.fixture
def http(fake):
    gateway = sms.HttpGateway(fake.url, "s3cret-token", "msisdn", "message", timeout_s=5)
    yield gateway
    gateway.close()


def test_http_gateway_sends_the_configured_fields_with_token_and_key(fake, http):
    """A message reaches the provider in the fields the config names, E.164, with the bearer token and its key."""
    http.send(PHONE, "Halo", "outbox-1")
    assert fake.messages == [Message(E164, "Halo", "outbox-1")]


def test_a_repeat_with_the_same_key_can_be_dropped_by_the_provider(fake, http):
    """The key travels with each message, so a provider can drop a message sent twice."""
    http.send(PHONE, "Halo", "outbox-1")
    http.send(PHONE, "Halo", "outbox-1")
    assert len(fake.messages) == 1 and fake.repeats == 1


def test_a_wrong_token_is_retried_as_a_setup_problem(fake):
    """A 401 says the token is wrong, not the number: retried, and the reason does not show the token."""
    gateway = sms.HttpGateway(fake.url, "wrong-token", "msisdn", "message", timeout_s=5)
    with pytest.raises(Retry) as caught:
        gateway.send(PHONE, "Halo", "outbox-1")
    assert "401" in caught.value.reason and "wrong-token" not in caught.value.reason
    assert fake.messages == []


def test_a_server_error_is_retried(fake, http):
    """A 500 is retried, with no wait asked for."""
    fake.fail_next("500")
    with pytest.raises(Retry) as caught:
        http.send(PHONE, "Halo", "outbox-1")
    assert "500" in caught.value.reason and caught.value.after_s is None
    http.send(PHONE, "Halo", "outbox-1")
    assert len(fake.messages) == 1


@pytest.mark.parametrize(("retry_after", "after_s"), [("120", 120.0), ("86400", 3600.0), ("soon", None)])
def test_busy_is_retried_after_the_wait_asked_for_in_seconds(fake, http, retry_after, after_s):
    """A 429 is retried after its Retry-After in seconds, at most an hour; an unreadable one asks no wait."""
    fake.fail_next("429", retry_after=retry_after)
    with pytest.raises(Retry) as caught:
        http.send(PHONE, "Halo", "outbox-1")
    assert caught.value.after_s == after_s


def test_busy_is_retried_after_the_wait_asked_for_as_a_date(fake, http):
    """A 429 whose Retry-After is an HTTP date is retried after the time left until then."""
    fake.fail_next("429", retry_after=email.utils.format_datetime(datetime.now(UTC) + timedelta(seconds=90), True))
    with pytest.raises(Retry) as caught:
        http.send(PHONE, "Halo", "outbox-1")
    assert 80 <= caught.value.after_s <= 90


def test_a_number_the_provider_rejects_is_refused_without_showing_it(fake, http):
    """A 400 for an invalid number is refused; the reason quotes the provider but masks the number."""
    fake.reject_number(E164)
    with pytest.raises(Refused) as caught:
        http.send(PHONE, "Halo", "outbox-1")
    assert "400" in caught.value.reason and "invalid number ***890" in caught.value.reason
    assert "81234567" not in caught.value.reason


def test_a_connection_dropped_after_the_provider_took_the_message_is_retried_once(fake, http):
    """A hang-up after the provider recorded the message is retried; the retry is dropped there by its key."""
    fake.fail_next("drop")
    with pytest.raises(Retry):
        http.send(PHONE, "Halo", "outbox-1")
    http.send(PHONE, "Halo", "outbox-1")
    assert fake.messages == [Message(E164, "Halo", "outbox-1")] and fake.repeats == 1


def test_an_unreachable_provider_is_retried():
    """Nobody listening at the address: retried, with a reason that does not show a key given in the address."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gateway = sms.HttpGateway(f"http://127.0.0.1:{port}/messages?apikey=k3y-in-url", None, "to", "text", timeout_s=2)
    with pytest.raises(Retry, match="not reached") as caught:
        gateway.send(PHONE, "Halo", "outbox-1")
    assert "k3y-in-url" not in caught.value.reason


def test_a_provider_that_does_not_answer_in_time_is_retried():
    """A provider that takes the connection but never answers is retried after the timeout."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/messages"
        gateway = sms.HttpGateway(url, None, "to", "text", timeout_s=0.3)
        with pytest.raises(Retry, match="Timeout"):
            gateway.send(PHONE, "Halo", "outbox-1")


def test_a_string_that_is_no_phone_number_is_refused_before_sending(fake, http):
    """Letters are no phone number: refused, and nothing goes out."""
    with pytest.raises(Refused, match="not a phone number"):
        http.send("call me", "Halo", "outbox-1")
    assert fake.messages == []


def test_the_command_gateway_passes_number_and_text_as_arguments_and_on_stdin(tmp_path):
    """The program gets {to}, {text} and {key} inside its arguments, as given, and the text on stdin too."""
    out = tmp_path / "sent.txt"
    script = (
        "import sys; open(sys.argv[1], 'w', encoding='utf-8').write('|'.join(sys.argv[2:]) + '|' + sys.stdin.read())"
    )
    gateway = sms.CommandGateway([sys.executable, "-c", script, str(out), "--to={to}", "{text}", "{key}"], timeout_s=10)
    gateway.send(PHONE, "Halo {to} & {text}; $HOME", "outbox-1")
    gateway.close()
    assert out.read_text(encoding="utf-8") == (
        f"--to={E164}|Halo {{to}} & {{text}}; $HOME|outbox-1|Halo {{to}} & {{text}}; $HOME"
    )


def test_a_failing_command_is_retried_with_its_exit_status_and_last_words(tmp_path):
    """A non-zero exit is retried; the reason has the status and the last line of stderr, numbers masked."""
    script = "import sys; sys.stderr.write('modem ready\\nno network for ' + sys.argv[1] + '\\n'); sys.exit(3)"
    gateway = sms.CommandGateway([sys.executable, "-c", script, "{to}"], timeout_s=10)
    with pytest.raises(Retry) as caught:
        gateway.send(PHONE, "Halo", "outbox-1")
    assert "exit status 3" in caught.value.reason and "no network for ***890" in caught.value.reason


def test_a_command_that_hangs_is_retried_after_the_timeout():
    """A program still running at the timeout is stopped and the message retried."""
    gateway = sms.CommandGateway([sys.executable, "-c", "import time; time.sleep(30)", "{to}"], timeout_s=0.5)
    with pytest.raises(Retry, match="did not finish within 0.5 s"):
        gateway.send(PHONE, "Halo", "outbox-1")


def test_a_missing_program_is_retried_until_it_is_installed(tmp_path):
    """A program that is not installed is the operator's to fix: retried, with a reason naming it."""
    gateway = sms.CommandGateway([str(tmp_path / "gammu-smsd-inject"), "TEXT", "{to}", "-text", "{text}"])
    with pytest.raises(Retry, match="gammu-smsd-inject not found"):
        gateway.send(PHONE, "Halo", "outbox-1")


@dataclass(frozen=True)
class Settings:
    adapter: str
    url: str | None = None
    token: str | None = None
    to_field: str | None = "to"
    text_field: str | None = "text"
    command: tuple[str, ...] | None = None
    timeout_s: float = 5


def test_open_gateway_builds_the_configured_adapter(fake):
    """The config's adapter name picks the gateway; an unusable config is a ConfigError."""
    gateway = sms.open_gateway(Settings("http", fake.url, "s3cret-token", "msisdn", "message"))
    gateway.send(PHONE, "Halo", "outbox-1")
    gateway.close()
    assert fake.messages == [Message(E164, "Halo", "outbox-1")]
    assert isinstance(sms.open_gateway(Settings("command", command=("gammu-smsd-inject", "{to}"))), sms.CommandGateway)
    for broken in (
        Settings("carrier-pigeon"),
        Settings("http"),
        Settings("http", "ftp://gateway.example/"),
        Settings("http", "https://gateway.example/", to_field="key"),
        Settings("command"),
        Settings("command", command=("gammu-smsd-inject", "TEXT")),
    ):
        with pytest.raises(ConfigError):
            sms.open_gateway(broken)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("(0812) 3456.7890", "+6281234567890"),
        ("812 3456 7890", "+6281234567890"),
        ("0062 812 3456 7890", "+6281234567890"),
        ("+62 (0)812 3456 7890", "+6281234567890"),
        (" 0811 234 567 ", "+62811234567"),
        ("021-1234567", "+62211234567"),
        ("+60 12-345 6789", "+60123456789"),
        ("0812-3456", None),
        ("0812-3456-7890-1234", None),
        ("0812-CALL-ME", None),
        ("0812+34567890", None),
        ("++6281234567890", None),
        ("12345678", None),
        ("", None),
    ],
)
def test_normalized_phone(typed, number):
    """Numbers as citizens type them become E.164; what cannot be a phone number becomes None."""
    assert sms.normalized_phone(typed) == number


@pytest.mark.parametrize("status", COMPLAINT_STATUSES)
@pytest.mark.parametrize("language", ["id", "en", "jv"])
@pytest.mark.parametrize("national_id", [None, "4812207", LONG_ID])
def test_every_notice_fits_one_sms_and_names_only_the_report(status, language, national_id):
    """Each notice fits 160 GSM-7 septets, starts with LAPOR!, names the report, and the national id if forwarded."""
    text = notices.notice(status, CODE, national_id, language)
    length = notices.gsm7_length(text)
    assert length is not None and length <= 160, text
    assert text.startswith("LAPOR!:") and CODE in text
    assert (national_id is not None and national_id in text) == (status == FORWARDED and national_id is not None)
    if status == FORWARDED and national_id:
        assert "lapor.go.id" in text and "1708" in text


def test_an_unknown_language_gets_the_indonesian_notice():
    """Indonesian is the default for a language the hub has no words in; en-US is English."""
    assert notices.notice("received", CODE, None, "jv") == notices.notice("received", CODE, None, "id")
    assert notices.notice("received", CODE, None, "en-US") == notices.notice("received", CODE, None, "en")


def test_a_national_id_outside_gsm7_is_sent_with_question_marks():
    """Characters GSM-7 cannot carry come out as "?" rather than turning the SMS into a longer UCS-2 one."""
    text = notices.notice(FORWARDED, CODE, "LPR–2025·77", "en")
    assert "LPR?2025?77" in text and notices.gsm7_length(text) is not None


def test_a_national_id_too_wide_for_one_sms_is_left_out_rather_than_cut():
    """A number of two-septet characters that cannot fit is left out whole, never cut."""
    text = notices.notice(FORWARDED, CODE, "[" * 64, "en")
    assert "[" not in text and notices.gsm7_length(text) <= 160 and CODE in text


def test_a_translation_too_long_for_one_sms_gives_way_to_the_source_words(monkeypatch):
    """A translation over 160 septets is not sent; the source words, which fit, are."""

    class Wordy(gettext.NullTranslations):
        def gettext(self, message):
            return message + " Sekali lagi." * 20

    monkeypatch.setattr(notices, "translations", lambda language: Wordy())
    assert notices.notice("received", CODE, None, "id") == notices.TEXTS["received"] % {"code": CODE}


def test_a_notice_is_only_written_for_a_known_status_and_a_receipt_code():
    """An unknown status, or a code not in the receipt's form, is a programming error."""
    with pytest.raises(ValueError):
        notices.notice("lost", CODE, None, "id")
    with pytest.raises(ValueError):
        notices.notice("received", "Budi Santoso", None, "id")


def test_indonesian_notices_are_in_indonesian():
    """With the catalog translated, each Indonesian notice differs from the English one and keeps the numbers."""
    catalog = i18n.translations("id")
    messages = [*notices.TEXTS.values(), *notices.FORWARDED_WITH_NUMBER]
    assert all(catalog.gettext(message) != message for message in messages)
    for status in COMPLAINT_STATUSES:
        for national_id in (None, "4812207", LONG_ID):
            text = notices.notice(status, CODE, national_id, "id")
            assert text != notices.notice(status, CODE, national_id, "en")
            assert text.startswith("LAPOR!: ") and CODE in text
    assert "4812207" in notices.notice(FORWARDED, CODE, "4812207", "id")


@pytest.mark.parametrize(
    ("text", "septets"),
    [("LAPOR!", 6), ("Rp1.500 @ 5€", 13), ("{x}[y]~^|\\\f", 20), ("ÄÖÑÜäöñüàèé\n", 12), ("", 0)],
)
def test_gsm7_length_counts_extension_characters_twice(text, septets):
    """The basic set takes one septet, the extension table (€, brackets, ...) two."""
    assert notices.gsm7_length(text) == septets


@pytest.mark.parametrize("text", ["Terima kasih 🙏", "“kutip”", "ç", "\x1b"])
def test_gsm7_length_is_none_outside_gsm7(text):
    """Emoji and characters outside GSM-7 cannot go in a GSM-7 message."""
    assert notices.gsm7_length(text) is None
