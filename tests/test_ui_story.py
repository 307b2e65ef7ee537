"""A story spoken and shown at the kiosk: recorded from a real WAV played in as if from a
microphone, photos taken from a camera fed with real JPEGs (one carrying GPS), stored sealed
with the complaint, and nothing of it left for the next person."""

import io

import pytest
from PIL import Image
from test_media_photos import geotagged  # noqa: F401 - a fixture
from test_media_voice import spoken  # noqa: F401 - a fixture
from test_ui_accessibility import RecordingSpeech
from test_ui_flows import click, stored

from kiosk.media import FileCameras, FileRecorder, Take, decode
from kiosk.store import Store
from kiosk.ui.devices import Devices
from kiosk.ui.story import MAX_PHOTOS


class RecordingSpeaker:
    """Stands in for the sound card: keeps what it was asked to play."""

    def __init__(self):
        self.played: list[Take] = []

    @property
    def playing(self):
        return False

    def play(self, take):
        self.played.append(take)

    def stop(self):
        pass


@pytest.fixture
def story(qtbot, window, spoken, geotagged):  # noqa: F811 - fixtures imported above
    """The complaint's story step, on a kiosk whose microphone plays `spoken` in and whose
    camera sees the geotagged photo."""
    window.context.devices = Devices(
        recorder=lambda: FileRecorder(spoken, pace=0),
        speaker=RecordingSpeaker(),
        cameras=FileCameras({"USB Camera": [geotagged]}),
    )
    window.go("complaint")
    window.complaint.wizard.show_step("body")
    return window.complaint.story


def record(qtbot, story):
    panel = story.voice_panel
    click(qtbot, story.speak)
    assert story.pages.currentWidget() is panel
    click(qtbot, panel.record)
    assert story.recording and panel.meter.isVisible()
    qtbot.waitUntil(lambda: panel.recorder.elapsed_s > 5, timeout=20_000)  # the whole file is played in
    click(qtbot, panel.record)  # Stop
    qtbot.waitUntil(lambda: story.voice is not None, timeout=20_000)  # encoded off the UI thread
    return panel


def answer_the_rest(qtbot, window):
    """From the place to the review, the shortest way: anonymous, every optional step skipped."""
    wizard = window.complaint.wizard
    steps = {step.key: step for step in wizard.steps}
    qtbot.keyClicks(steps["where"].form.inputs["text"], "Jalan Raya Sukamaju")
    click(qtbot, wizard.next_button)
    for _optional in ("when", "topic"):
        click(qtbot, wizard.skip_button if wizard.skip_button.isVisible() else wizard.next_button)
    click(qtbot, steps["identity"].anonymous)
    click(qtbot, wizard.next_button)
    click(qtbot, wizard.skip_button)  # help us reach everyone
    assert wizard.step.key == "review"
    return steps["review"]


def test_a_spoken_story_is_kept_sealed_with_the_complaint_and_heard_back(qtbot, window, data_dir, story):
    wizard = window.complaint.wizard
    wizard.answers.update(classification="complaint", title="Jalan rusak parah")
    panel = record(qtbot, story)
    assert 5 < story.voice.duration_s < 20 and story.voice.mime == "audio/ogg"
    assert len(story.voice.data) < story.voice.duration_s * 1024 * 1024 / 60  # under 1 MB a minute
    click(qtbot, panel.listen)
    qtbot.waitUntil(lambda: bool(story.devices().speaker.played), timeout=10_000)
    (heard,) = story.devices().speaker.played
    assert heard.duration_s == pytest.approx(story.voice.duration_s, abs=0.1)
    click(qtbot, panel.done)
    assert story.pages.currentIndex() == 0 and "(0:" in story.speak.title.text()

    click(qtbot, wizard.next_button)  # nothing written: the recording is the story
    assert wizard.step.key == "where", wizard.error.text()
    review = answer_the_rest(qtbot, window)
    assert "Rekaman suara" in review.summary.text() or "Voice recording" in review.summary.text()
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt, timeout=10_000)

    (record_,) = stored(data_dir, "complaint")
    assert record_["schema"] == 2 and "body" not in record_
    (voice,) = record_["attachments"]
    assert voice["role"] == "voice" and voice["mime"] == "audio/ogg" and 5 <= voice["duration_s"] <= 20
    with Store(data_dir) as store:
        kept = store.attachment(record_["uuid"], voice["sha256"])
        raw = store.db.execute("SELECT data FROM attachments").fetchone()[0]
    assert decode(kept).duration_s == pytest.approx(heard.duration_s, abs=0.1)
    assert kept[:4] == b"OggS" and b"OggS" not in raw  # sealed at rest, readable through the store
    click(qtbot, window.receipt.done_button)
    assert story.voice is None and "(0:" not in story.speak.title.text()  # nothing left for the next person


def test_a_written_story_still_needs_its_words_without_a_recording(qtbot, window, story):
    wizard = window.complaint.wizard
    click(qtbot, wizard.next_button)
    assert wizard.step.key == "body" and wizard.error.isVisible()


def test_photos_are_taken_upright_and_stripped_of_the_place_they_were_taken(qtbot, window, data_dir, story):
    wizard = window.complaint.wizard
    wizard.answers.update(classification="complaint", title="Jembatan retak")
    qtbot.keyClicks(story.edit, "Jembatan di dusun kami retak dan bergoyang saat dilewati motor.")
    panel = story.photo_panel
    click(qtbot, story.show_photos)
    qtbot.waitUntil(lambda: panel.preview.pixmap() is not None and not panel.preview.pixmap().isNull())
    for count in range(1, MAX_PHOTOS + 1):
        click(qtbot, panel.take)
        qtbot.waitUntil(lambda count=count: len(panel.photos) == count, timeout=10_000)
    assert not panel.take.isEnabled()  # three is the most

    def shown_removers():  # a new row shows at the next turn of the event loop; an earlier one is hidden
        buttons = panel.findChildren(type(panel.take))
        return [b for b in buttons if b.isVisible() and b.accessibleName() == "Hapus foto 2"]

    qtbot.waitUntil(lambda: len(shown_removers()) == 1)
    remove = shown_removers()
    click(qtbot, remove[0])
    assert len(panel.photos) == MAX_PHOTOS - 1 and panel.take.isEnabled()
    click(qtbot, panel.done)
    assert panel.camera is None  # let go: its light goes out, the next citizen can use it
    assert story.show_photos.title.text() == "Foto: 2 dari 3"
    click(qtbot, wizard.next_button)
    answer_the_rest(qtbot, window)
    click(qtbot, wizard.next_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.receipt, timeout=10_000)

    (record_,) = stored(data_dir, "complaint")
    photos = record_["attachments"]
    assert [p["role"] for p in photos] == ["photo", "photo"] and record_["body"].startswith("Jembatan")
    with Store(data_dir) as store:
        for photo in photos:
            image = Image.open(io.BytesIO(store.attachment(record_["uuid"], photo["sha256"])))
            assert image.size == (1200, 1600) and not image.getexif()  # upright, no GPS, no owner
    click(qtbot, window.receipt.done_button)
    assert story.photos == [] and panel.photos == [] and panel.thumbnails == {}  # nothing left for the next person


def test_a_kiosk_without_microphone_or_camera_offers_neither(qtbot, window):
    window.context.devices = Devices()
    window.go("complaint")
    window.complaint.wizard.show_step("body")
    story = window.complaint.story
    assert not story.speak.isVisible() and not story.show_photos.isVisible()


def test_an_officers_laptop_takes_photos_from_files(qtbot, window, story, geotagged, tmp_path):  # noqa: F811
    story.devices().cameras, story.devices().photo_files = None, True
    junk = tmp_path / "notes.txt"
    junk.write_text("not a photo")
    story.choose_files = lambda: [str(geotagged), str(junk)]
    window.complaint.wizard.show_step("body")
    click(qtbot, story.show_photos)
    panel = story.photo_panel
    assert not panel.take.isVisible() and panel.files.isVisible()
    click(qtbot, panel.files)
    qtbot.waitUntil(lambda: len(panel.photos) == 1 and panel.message.isVisible(), timeout=10_000)
    assert "bukan foto" in panel.message.text()  # the other file is refused in words a citizen reads


def test_recording_is_not_interrupted_by_the_idle_countdown_or_read_aloud(qtbot, window, story):
    speech = RecordingSpeech()
    window.narrator._speech = speech
    click(qtbot, story.speak)
    click(qtbot, story.voice_panel.record)
    assert speech.stopped >= 1  # read-aloud fell silent: the microphone would take it down
    window.warn_idle()
    assert not window.idle_warning.isVisible() and story.recording
    click(qtbot, story.voice_panel.record)
    qtbot.waitUntil(lambda: story.voice is not None, timeout=20_000)
    window.warn_idle()
    assert window.idle_warning.isVisible()  # no longer speaking: asked whether still there


def test_an_answer_for_a_screen_that_is_gone_is_dropped(qtbot):
    """A camera frame or an encoded recording that comes back after its panel was deleted (the
    kiosk started over, the window closed) is dropped, not handed to a widget that is no more."""
    import threading

    from PySide6.QtWidgets import QLabel
    from shiboken6 import Shiboken

    from kiosk.ui.background import busy, in_background

    gate, got = threading.Event(), []
    gone = QLabel()
    in_background(gone, lambda: gate.wait(10) and "frame", got.append)
    Shiboken.delete(gone)
    gate.set()
    qtbot.waitUntil(lambda: not busy())
    assert got == []
    alive = QLabel()
    in_background(alive, lambda: "frame", got.append)
    qtbot.waitUntil(lambda: got == ["frame"])
