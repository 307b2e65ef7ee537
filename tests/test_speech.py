"""Speech through the real worker process and the real espeak-ng voices, measured as audio."""

import time

import pytest
from audio import rms

from kiosk.accessibility.speech import Speech, Voice, describe, pick_voice

LONG = "Selamat datang di kios LAPOR. " * 60


@pytest.fixture
def speech():
    voice = Speech()
    yield voice
    voice.close()


def test_voices_are_chosen_by_language():
    voices = [
        Voice("gmw/en-029", "English (Caribbean)", ("en-029",)),
        Voice("gmw/en", "English (Great Britain)", ("en-gb",)),
        Voice("poz/id", "Indonesian", ("id",)),
        Voice("HKLM\\Zira", "Microsoft Zira Desktop", ()),
    ]
    assert pick_voice(voices, "id").id == "poz/id"
    assert pick_voice(voices, "en").id == "gmw/en"  # the preferred region first
    assert pick_voice(voices, "jv") is None  # the caller falls back to Indonesian
    assert pick_voice([Voice("TTS_MS_ID-ID_ANDIKA", "Microsoft Andika", ())], "id") is None
    assert pick_voice([Voice("x/id", "Andika", ())], "id").id == "x/id"  # SAPI voices without languages


def test_this_machine_has_a_voice_for_each_language():
    voices = describe()
    assert voices["id"] is not None and voices["en"] is not None


def test_speak_returns_while_speech_goes_on(speech):
    speech.speak(LONG, "id")
    assert speech.speaking  # returned before the worker finished
    deadline = time.monotonic() + 60
    while speech.speaking and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not speech.speaking


def test_new_speech_interrupts_the_old(speech):
    """The new words cut the old ones off, and go to the spare worker that was already running
    (its engine loaded), so that read-aloud keeps up with a citizen typing key after key."""
    speech.speak(LONG, "id")
    first, spare = speech.process, speech.spare
    assert spare is not None and spare.process is not first  # started while the first speaks
    speech.speak("Halo", "id")
    assert not first.is_alive()  # cut off, not queued behind
    assert speech.process is spare.process  # handed over, not started anew
    assert speech.spare is not None and speech.spare.process.is_alive()  # and the next spare is on its way
    speech.close()
    assert not spare.process.is_alive()  # no process outlives the kiosk


def test_synthesized_speech_is_not_silent(speech, tmp_path):
    for language, text in (("id", "Apa yang ingin Anda sampaikan?"), ("en", "What would you like to send?")):
        path = speech.synthesize(text, language, tmp_path / f"{language}.wav")
        assert rms(path) > 500, language
    silent = speech.synthesize(" ", "id", tmp_path / "silent.wav")
    assert rms(silent) < 50  # the measure can tell silence from speech


def test_no_speech_engine_leaves_the_kiosk_working():
    broken = Speech(driver="no_such_driver")
    try:
        broken.speak("Halo", "id")  # does not raise
        with pytest.raises(RuntimeError):
            broken.synthesize("Halo", "id", "/tmp/never.wav", timeout=30)
        assert "no_such_driver" in broken.unavailable or "ModuleNotFoundError" in broken.unavailable
    finally:
        broken.close()


def test_doctor_lists_voices_and_writes_samples(kiosk, tmp_path):
    result = kiosk("doctor", "--speech-sample", tmp_path / "samples")
    assert "[OK] Speech voices: id: Indonesian" in result.stdout
    for language in ("id", "en"):
        assert rms(tmp_path / "samples" / f"{language}.wav") > 500
