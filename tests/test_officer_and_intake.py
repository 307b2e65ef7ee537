"""Officer PIN, settings, reference codes and the records the screens build."""

import uuid

import pytest

from kiosk.errors import KioskError
from kiosk.officer import access, config
from kiosk.privacy import consent
from kiosk.records.refcode import ALPHABET, normalize, ref_code
from kiosk.store import intake


def test_pin_is_stored_only_as_a_salted_hash(store):
    access.set_pin(store, "204060")
    saved = store.setting(access.PIN_KEY)
    assert "204060" not in str(saved)
    assert access.check_pin(store, "204060").ok
    access.set_pin(store, "204060")
    assert store.setting(access.PIN_KEY)["salt"] != saved["salt"]


def test_the_demo_folder_is_filled_whole_or_not_at_all(tmp_path, monkeypatch):
    from kiosk.cli.demo import fill
    from kiosk.store import Store

    def no_pin(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(access, "set_pin", no_pin)  # the last step fails
    with pytest.raises(OSError):
        fill(tmp_path / "demo")
    with Store(tmp_path / "demo") as demo:
        assert demo.events() == [] and config.load(demo)["open_event"] is None


@pytest.mark.parametrize("pin", ["12345", "abcdef", "１２３４５６", "1234567890123", ""])
def test_pin_format(store, pin):
    with pytest.raises(KioskError):
        access.set_pin(store, pin)


def test_five_wrong_tries_lock_for_a_growing_delay(store):
    access.set_pin(store, "204060")
    now = 1_000_000.0
    for left in (4, 3, 2, 1):
        assert access.check_pin(store, "000000", now=now) == access.PinCheck(False, 0, left)
    assert access.check_pin(store, "000000", now=now).locked_for == 30
    locked = access.check_pin(store, "204060", now=now + 10)
    assert not locked.ok and locked.locked_for == 20  # even the right PIN waits
    for _ in range(5):
        result = access.check_pin(store, "000000", now=now + 31)
    assert result.locked_for == 60  # the second lockout lasts twice as long
    assert access.check_pin(store, "204060", now=now + 92).ok
    actions = [entry["action"] for entry in store.audit_entries()]
    assert actions.count("pin_lockout") == 2 and actions.count("pin_failed") == 10
    assert "204060" not in str(store.audit_entries()) and "000000" not in str(store.audit_entries())


def test_settings_have_defaults_and_changes_are_audited(store):
    assert config.load(store)["idle_timeout"] == 90
    config.save(store, {"village": "Sukamaju", "idle_timeout": 120})
    assert config.load(store)["village"] == "Sukamaju"
    assert store.audit_entries()[-1]["detail"] == {"keys": ["idle_timeout", "village"]}
    with pytest.raises(KeyError):
        config.save(store, {"colour": "red"})


def test_reference_codes_are_short_and_forgiving():
    code = ref_code(str(uuid.uuid4()))
    assert len(code) == 9 and code[4] == "-" and set(code.replace("-", "")) <= set(ALPHABET)
    typed = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalize(typed) == code
    assert normalize("ABCD-EFG") is None and normalize("ABCD-EFGU!") is None


def test_intake_builds_valid_records_and_drops_blank_answers():
    complaint = intake.new_complaint(
        {
            "classification": "aspiration",
            "title": "Lampu jalan",
            "body": "Mohon dipasang lampu jalan di gang kami.",
            "location": {"village": "Sukamaju", "district": ""},
            "category": "",
            "reporter": {"name": "", "phone": ""},
            "language": "id",
        },
        device_id="kiosk-7",
    )
    assert complaint["location"] == {"village": "Sukamaju"}
    assert "category" not in complaint and "reporter" not in complaint
    assert complaint["consent"] == {"given": True, "text_version": consent.VERSION}
    assert complaint["device_id"] == "kiosk-7"
    event = intake.new_event({"name": "Sosialisasi", "type": "workshop", "starts_on": "2026-11-22"})
    attendance = intake.new_attendance(event["uuid"], {"gender": "female", "age_band": "16-30", "wgss": {}})
    assert "wgss" not in attendance and "device_id" not in attendance
