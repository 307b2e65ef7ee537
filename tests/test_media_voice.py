"""Voice notes through the whole path with real sound: a WAV spoken by espeak-ng (or made by
sox) is played in as if from a microphone, encoded to Ogg/Opus, decoded and measured."""

import math
import os
import subprocess
import sys
import textwrap
from array import array
from pathlib import Path

import pytest

from kiosk.errors import KioskError
from kiosk.media import LIMIT_S, FileRecorder, MicrophoneRecorder, decode, duration_s, encode, meter, microphone
from kiosk.media.microphone import NO_MICROPHONE, NO_SOUND_SYSTEM, UNUSABLE_MICROPHONE
from kiosk.media.voice import OPUS_RATES, Take

STORY = (
    "Jalan di desa kami rusak parah sejak musim hujan. Anak-anak sulit pergi ke sekolah, "
    "dan ambulans tidak bisa lewat. Mohon jalan ini segera diperbaiki."
)
MEGABYTE = 1024 * 1024


def sox(*args: str | Path) -> None:
    subprocess.run(["sox", *map(str, args)], check=True, capture_output=True)


def frames_of(path: Path) -> int:
    return int(subprocess.run(["soxi", "-s", str(path)], check=True, capture_output=True, text=True).stdout)


def rms(take: Take) -> float:
    samples = array("h", take.pcm)
    return math.sqrt(sum(s * s for s in samples) / len(samples))


@pytest.fixture(scope="module")
def spoken(tmp_path_factory) -> Path:
    """The story in espeak-ng's Indonesian voice, brought to 16 kHz (espeak-ng speaks at 22.05 kHz,
    a rate Opus does not take; a microphone is opened at an Opus rate instead)."""
    folder = tmp_path_factory.mktemp("voice")
    subprocess.run(["espeak-ng", "-v", "id", "-w", str(folder / "raw.wav"), STORY], check=True)
    sox(folder / "raw.wav", "-r", "16000", folder / "story.wav")
    return folder / "story.wav"


def record_with(recorder: FileRecorder) -> Take:
    recorder.start()
    assert recorder.recording
    assert recorder.wait(timeout=60)
    return recorder.stop()


def record(path: Path) -> Take:
    return record_with(FileRecorder(path, pace=0))


def test_a_spoken_story_is_recorded_encoded_and_played_back_whole(spoken, capsys):
    """Every sample of the file is kept, the Opus note is small, and it decodes to speech of the same length."""
    take = record(spoken)
    assert len(take.pcm) // 2 == frames_of(spoken)

    note = encode(take)
    assert note.data.startswith(b"OggS") and b"OpusHead" in note.data[:100]
    assert note.mime == "audio/ogg"
    assert note.duration_s == pytest.approx(take.duration_s)
    per_minute = len(note.data) / note.duration_s * 60
    with capsys.disabled():
        print(f"\nvoice note: {len(note.data)} bytes for {note.duration_s:.1f} s = {per_minute:,.0f} bytes a minute")
    assert per_minute <= MEGABYTE

    assert duration_s(note.data) == pytest.approx(take.duration_s, abs=0.05)
    played = decode(note.data)
    assert (played.rate, played.channels) == (16000, 1)
    assert played.duration_s == pytest.approx(take.duration_s, abs=0.05)
    assert rms(played) > 0.5 * rms(take)  # still speech, not silence or noise


def test_a_take_stops_growing_at_three_minutes(tmp_path):
    """A longer source fills the take to the limit exactly; the recorder says it is full."""
    sox("-n", "-r", "8000", "-c", "1", "-b", "16", tmp_path / "long.wav", "synth", "190", "sine", "440", "vol", "0.5")
    recorder = FileRecorder(tmp_path / "long.wav", pace=0)
    recorder.start()
    assert recorder.wait(timeout=60)
    assert recorder.full and recorder.elapsed_s == LIMIT_S
    take = recorder.stop()
    assert take.duration_s == LIMIT_S
    assert duration_s(encode(take).data) == pytest.approx(LIMIT_S, abs=0.05)


def test_recording_again_starts_a_fresh_take(spoken):
    """Record, stop, record again: the second take does not carry the first."""
    recorder = FileRecorder(spoken, pace=0)
    first = record_with(recorder)
    second = record_with(recorder)
    assert second.pcm == first.pcm
    assert not recorder.recording and recorder.level == 0


def test_one_take_at_a_time(spoken):
    recorder = FileRecorder(spoken)
    recorder.start()
    with pytest.raises(RuntimeError):
        recorder.start()
    recorder.stop()


def test_the_meter_moves_with_speech_and_rests_in_silence(spoken, tmp_path):
    """Spoken words read high on the meter, a silent room reads nothing, full scale reads 1."""
    speech = decode(spoken.read_bytes()).pcm
    block = 1600 * 2
    levels = [meter(speech[i : i + block]) for i in range(0, len(speech), block)]
    assert max(levels) > 0.7 and min(levels) < 0.2

    sox("-n", "-r", "16000", "-c", "1", "-b", "16", tmp_path / "quiet.wav", "trim", "0", "1")
    assert meter(decode((tmp_path / "quiet.wav").read_bytes()).pcm) == 0
    assert meter(b"") == 0
    assert meter(array("h", [32767, -32768]).tobytes()) == 1


def test_the_meter_follows_the_sound_as_it_comes_in(tmp_path):
    """At the speed of speech, the clock runs and the meter shows the sound while it is recorded."""
    sox("-n", "-r", "16000", "-c", "1", "-b", "16", tmp_path / "tone.wav", "synth", "3", "sine", "300", "vol", "0.5")
    recorder = FileRecorder(tmp_path / "tone.wav")
    recorder.start()
    seen = []
    while not recorder.wait(timeout=0.05):
        seen.append((recorder.elapsed_s, recorder.level))
    take = recorder.stop()
    assert any(0 < elapsed < 3 and level > 0.8 for elapsed, level in seen)
    assert take.duration_s == 3


def test_sound_that_cannot_be_read_is_refused_in_words_a_citizen_can_read():
    with pytest.raises(KioskError, match="This voice recording cannot be played"):
        decode(b"RIFF but not really a WAV file")
    with pytest.raises(KioskError, match="This voice recording cannot be played"):
        duration_s(b"")


def test_only_rates_opus_takes_are_recorded_or_encoded(tmp_path):
    """espeak-ng's own 22.05 kHz is refused before recording, not after three minutes of it."""
    subprocess.run(["espeak-ng", "-v", "id", "-w", str(tmp_path / "raw.wav"), "Halo"], check=True)
    with pytest.raises(ValueError, match="22050"):
        FileRecorder(tmp_path / "raw.wav")
    with pytest.raises(ValueError, match="22050"):
        encode(Take(b"\0\0" * 100, 22050))
    assert 16000 in OPUS_RATES


def test_the_voice_path_runs_without_numpy(spoken):
    """The bundle leaves numpy out: recording, encoding and decoding must not need it."""
    script = textwrap.dedent(
        f"""
        import sys
        from pathlib import Path
        sys.modules["numpy"] = None  # any import of numpy now fails
        from kiosk.media import FileRecorder, decode, encode
        recorder = FileRecorder(Path({str(spoken)!r}), pace=0)
        recorder.start()
        recorder.wait(60)
        note = encode(recorder.stop())
        print(round(decode(note.data).duration_s))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == round(decode(spoken.read_bytes()).duration_s)


def test_the_microphone_check_gives_a_plain_answer():
    """Present with a rate Opus takes, or absent with a reason the doctor and screens can show."""
    status = microphone()
    if status.present:
        assert status.rate in OPUS_RATES and status.name and status.problem is None
    else:
        assert status.problem in (NO_SOUND_SYSTEM, NO_MICROPHONE, UNUSABLE_MICROPHONE)
        with pytest.raises(KioskError):
            MicrophoneRecorder()


def test_the_real_microphone_and_speaker_path_through_portaudio(spoken, tmp_path):
    """PortAudio itself, with ALSA's silent `null` device as the machine's default: it reports a
    microphone, a take fills to the limit and stops there, and a note plays to its end."""
    (tmp_path / ".asoundrc").write_text('pcm.!default { type null\n hint { show on description "silent" } }\n')
    script = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from kiosk.media import MicrophoneRecorder, Player, decode, encode, microphone
        status = microphone()
        assert status.present and status.rate == 16000, status
        recorder = MicrophoneRecorder()
        recorder.start()
        while not recorder.full:  # the null device hands out silence as fast as it is asked
            time.sleep(0.01)
        take = recorder.stop()
        assert take.duration_s == 180, take.duration_s
        note = decode(Path({str(spoken)!r}).read_bytes())
        player = Player()
        player.play(note)
        while player.playing:
            time.sleep(0.01)
        assert player.position_s == note.duration_s, (player.position_s, note.duration_s)
        player.stop()
        print("ok")
        """
    )
    home = {**os.environ, "HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=home)
    assert result.stdout.strip() == "ok", result.stderr
