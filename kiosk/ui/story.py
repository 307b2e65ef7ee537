""" "What happened?" told in the citizen's own way: written, spoken, shown.

A citizen who cannot write twenty characters can speak instead (up to three minutes), and a
broken road is easier shown than described (up to three photos). Both stay on the one story
screen, as panels that open over the text and come back to it, so the complaint keeps its
number of steps. What is offered follows the machine: no microphone, no "speak"; no camera
(and no files allowed), no "photos".
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QProgressBar,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.errors import KioskError
from kiosk.i18n import N_, _
from kiosk.store import intake
from kiosk.ui import pictograms
from kiosk.ui.background import in_background
from kiosk.ui.devices import Devices
from kiosk.ui.widgets import Tile, button, clear_layout, label, set_text
from kiosk.ui.wizard import Answers, TextStep

if TYPE_CHECKING:
    from kiosk.media import Camera, Photo, Recorder, VoiceNote

VOICE, PHOTOS = "_voice", "_photos"  # answers kept for the record's attachments
MAX_PHOTOS = 3
LIMIT_S = 180  # kiosk.media.LIMIT_S, without loading kiosk.media before a story is told
PREVIEW_MS = 150  # about seven frames a second: enough to aim, little work
PREVIEW_SIZE = QSize(320, 240)
THUMBNAIL_PX = 72
STORY_PROMPT = N_("Press Start recording, then say what happened. You have up to three minutes.")


def clock(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def _said(error: BaseException) -> str:
    """A device's failure in the citizen's words (KioskError is translated already)."""
    return str(error) if isinstance(error, KioskError) else _("This did not work. Please call the officer.")


class Pages(QStackedWidget):
    """Pages as tall as the one on show, not as the tallest: the story's words need no scroll
    bar because the photo panel, hidden, is taller."""

    def __init__(self, pages: list[QWidget]) -> None:
        super().__init__()
        for page in pages:
            self.addWidget(page)
        self.currentChanged.connect(self._fit)
        self._fit()

    def _fit(self, _index: int = 0) -> None:
        for page in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            fitted = page is self.currentWidget()
            policy = QSizePolicy.Policy.Preferred if fitted else QSizePolicy.Policy.Ignored
            page.setSizePolicy(policy, policy)
        self.updateGeometry()


class VoicePanel(QWidget):
    """Record, stop, listen, record again: one take, kept once it is encoded."""

    kept = Signal(object)  # a VoiceNote, or None when the citizen threw it away
    closed = Signal()
    recording_started = Signal()

    def __init__(self, prompt: str = STORY_PROMPT) -> None:
        """`prompt`: the msgid that says what to speak about, before the first take."""
        super().__init__()
        self.prompt = prompt
        self.devices = Devices()
        self.recorder: Recorder | None = None
        self.note: VoiceNote | None = None
        self.instruction, self.time, self.message = label(), label("title"), label("error")
        self.meter = QProgressBar()
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.record, self.listen, self.discard, self.done = button("primary"), button(), button(), button()
        self.record.clicked.connect(self.toggle)
        self.listen.clicked.connect(self.play)
        self.discard.clicked.connect(self.throw_away)
        self.done.clicked.connect(self.close_panel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        for action in (self.record, self.listen, self.discard):
            row.addWidget(action)
        row.addStretch(1)
        row.addWidget(self.done)
        for part in (self.instruction, self.time, self.meter, self.message):
            layout.addWidget(part)
        layout.addLayout(row)
        layout.addStretch(1)
        self.timer = QTimer(self)
        self.timer.setInterval(100)
        self.timer.timeout.connect(self.tick)

    def open(self, devices: Devices, note: "VoiceNote | None") -> None:
        self.devices, self.note = devices, note
        self.message.hide()
        self.refresh()

    def refresh(self) -> None:
        recording = self.recorder is not None
        self.show_time(self.recorder.elapsed_s if self.recorder else (self.note.duration_s if self.note else 0))
        self.meter.setVisible(recording)
        if recording:
            set_text(self.record, "■ " + _("Stop"))
            self.instruction.setText(_("Recording. Speak now; press Stop when you have finished."))
        else:
            set_text(self.record, "● " + (_("Record again") if self.note else _("Start recording")))
            self.instruction.setText(
                _("Your recording is ready. Listen to it, record it again, or press Done.")
                if self.note
                else _(self.prompt)
            )
        self.record.setAccessibleName(self.record.text()[2:])
        self.listen.setVisible(self.note is not None and not recording and self.devices.speaker is not None)
        self.discard.setVisible(self.note is not None and not recording)
        self.done.setEnabled(not recording)
        set_text(self.listen, "▶ " + _("Listen"))
        self.listen.setAccessibleName(_("Listen"))
        set_text(self.discard, _("Delete recording"))
        set_text(self.done, _("Done"))

    def toggle(self) -> None:
        if self.recorder is not None:
            self.finish()
            return
        if self.devices.recorder is None:
            return
        self.stop_playing()
        try:
            recorder = self.devices.recorder()
            recorder.start()
        except KioskError as exc:
            self.show_message(str(exc))
            return
        self.recorder = recorder
        self.message.hide()
        self.recording_started.emit()  # read-aloud falls silent: the microphone would take it down
        self.timer.start()
        self.refresh()

    def tick(self) -> None:
        if self.recorder is None:
            return
        self.meter.setValue(round(self.recorder.level * 100))
        if self.recorder.full:
            self.finish(_("Three minutes is the longest a recording can be; it stopped there."))
        else:
            self.show_time(self.recorder.elapsed_s)  # ten times a second: the clock alone, not the whole panel

    def show_time(self, seconds: float) -> None:
        self.time.setText(f"{clock(seconds)} / {clock(LIMIT_S)}")

    def finish(self, reason: str = "") -> None:
        """Stops the take and encodes it off the UI thread; an empty take is not kept."""
        recorder, self.recorder = self.recorder, None
        self.timer.stop()
        if recorder is None:
            return
        take = recorder.stop()
        self.refresh()
        if take.duration_s < 1:
            self.show_message(_("Nothing was recorded. Please try again, a little closer to the microphone."))
            return
        self.record.setEnabled(False)

        def encoded(note: "VoiceNote") -> None:
            self.record.setEnabled(True)
            self.note = note
            self.kept.emit(note)
            self.refresh()
            if reason:
                self.show_message(reason)

        def failed(error: BaseException) -> None:
            self.record.setEnabled(True)
            self.show_message(_said(error))

        from kiosk.media import encode

        in_background(self, lambda: encode(take), encoded, failed)

    def play(self) -> None:
        speaker, note = self.devices.speaker, self.note
        if speaker is None or note is None:
            return
        from kiosk.media import decode

        def start(take: Any) -> None:
            try:
                speaker.play(take)
            except KioskError as exc:
                self.show_message(str(exc))

        in_background(self, lambda: decode(note.data), start, lambda error: self.show_message(_said(error)))

    def stop_playing(self) -> None:
        if self.devices.speaker is not None:
            self.devices.speaker.stop()

    def throw_away(self) -> None:
        self.stop_playing()
        self.note = None
        self.kept.emit(None)
        self.refresh()

    def close_panel(self) -> None:
        self.stop_playing()
        self.closed.emit()

    def cancel(self) -> None:
        """The citizen left, or the kiosk started over: the microphone is let go, nothing kept."""
        recorder, self.recorder = self.recorder, None
        self.timer.stop()
        if recorder is not None:
            recorder.stop()
        self.stop_playing()
        self.note = None

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def speech_text(self) -> str:
        return self.instruction.text()


class PhotoPanel(QWidget):
    """A live picture from the camera, "Take photo", and the photos taken, each with "Remove"."""

    changed = Signal(list)  # the photos now kept
    closed = Signal()

    def __init__(self, choose_files: Callable[[], list[str]]) -> None:
        super().__init__()
        self.devices, self.choose_files = Devices(), choose_files
        self.photos: list[Photo] = []
        self.thumbnails: dict[bytes, QPixmap] = {}  # by the photo's bytes
        self.camera: Camera | None = None
        self.grabbing = False
        self.instruction, self.message = label(), label("error")
        self.preview = label(wrap=False)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFixedSize(PREVIEW_SIZE)  # 4:3, as cameras see; beside the words, so it fits 600 px
        self.take, self.files, self.done = button("primary"), button(), button()
        self.take.clicked.connect(self.take_photo)
        self.files.clicked.connect(self.add_files)
        self.done.clicked.connect(self.close_panel)
        self.taken = QHBoxLayout()
        side = QVBoxLayout()  # beside the picture: every button in sight without scrolling
        for part in (self.instruction, self.take, self.files, self.done, self.message):
            side.addWidget(part)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(side, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(self.taken)
        layout.addStretch(1)
        self.timer = QTimer(self)
        self.timer.setInterval(PREVIEW_MS)
        self.timer.timeout.connect(self.next_frame)

    def open(self, devices: Devices, photos: "list[Photo]") -> None:
        self.devices, self.photos = devices, list(photos)
        self.thumbnails = {photo.data: self.thumbnails[photo.data] for photo in photos if photo.data in self.thumbnails}
        self.message.hide()
        self.close_camera()
        cameras = devices.cameras
        if cameras is not None:
            try:
                found = cameras.devices()
                self.camera = cameras.open(found[0]) if found else None
            except KioskError as exc:
                self.show_message(str(exc))
        self.preview.setVisible(self.camera is not None)
        if self.camera is not None:
            self.timer.start()
            self.next_frame()
        self.refresh()

    def refresh(self) -> None:
        room = len(self.photos) < MAX_PHOTOS
        self.take.setVisible(self.camera is not None)
        self.take.setEnabled(room)
        self.files.setVisible(self.devices.photo_files)
        self.files.setEnabled(room)
        set_text(self.take, _("Take photo"))
        set_text(self.files, _("Choose photo files"))
        set_text(self.done, _("Done"))
        self.instruction.setText(
            _("Point the camera at what you want to show, then press Take photo. Up to {max} photos.").format(
                max=MAX_PHOTOS
            )
            if self.camera is not None
            else _("Choose up to {max} photos.").format(max=MAX_PHOTOS)
        )
        self._show_taken()

    def _show_taken(self) -> None:
        clear_layout(self.taken)
        for index, photo in enumerate(self.photos):
            one = QWidget()
            parts = QVBoxLayout(one)
            parts.setContentsMargins(0, 0, 0, 0)
            picture = label(wrap=False)
            picture.setPixmap(self.thumbnail(photo))
            picture.setAccessibleName(_("Photo {number}").format(number=index + 1))
            remove = button()
            set_text(remove, _("Remove"), _("Remove photo {number}").format(number=index + 1))
            remove.setAccessibleName(_("Remove photo {number}").format(number=index + 1))
            remove.clicked.connect(lambda _checked=False, at=index: self.remove(at))
            parts.addWidget(picture, 0, Qt.AlignmentFlag.AlignHCenter)
            parts.addWidget(remove)
            self.taken.addWidget(one)
        self.taken.addStretch(1)

    def thumbnail(self, photo: "Photo") -> QPixmap:
        """Drawn once per photo: decoding 1600 px JPEGs again at every change would stall the screen."""
        if photo.data not in self.thumbnails:
            pixmap = QPixmap()
            pixmap.loadFromData(photo.data)
            smooth = Qt.TransformationMode.SmoothTransformation
            self.thumbnails[photo.data] = pixmap.scaledToHeight(THUMBNAIL_PX, smooth)
        return self.thumbnails[photo.data]

    def next_frame(self) -> None:
        """One frame for the preview, fetched off the UI thread; one at a time."""
        camera = self.camera
        if camera is None or self.grabbing:
            return
        self.grabbing = True

        def show(frame: bytes) -> None:
            self.grabbing = False
            if self.camera is camera:
                pixmap = QPixmap()
                pixmap.loadFromData(frame)
                self.preview.setPixmap(
                    pixmap.scaled(self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio)
                    if not pixmap.isNull()
                    else pixmap
                )

        def failed(error: BaseException) -> None:
            self.grabbing = False
            self.show_message(_said(error))
            self.timer.stop()

        in_background(self, camera.grab, show, failed)

    def take_photo(self) -> None:
        camera = self.camera
        if camera is None or len(self.photos) >= MAX_PHOTOS:
            return
        from kiosk.media import ingest

        self.take.setEnabled(False)
        self.message.hide()
        in_background(self, lambda: ingest(camera.grab()), self.add, self.refused)

    def add_files(self) -> None:
        from pathlib import Path

        from kiosk.media import ingest

        def take_in(path: Path) -> None:
            in_background(self, lambda: ingest(path), self.add, self.refused)

        self.message.hide()
        for name in self.choose_files()[: MAX_PHOTOS - len(self.photos)]:
            take_in(Path(name))

    def add(self, photo: "Photo") -> None:
        if len(self.photos) < MAX_PHOTOS:
            self.photos.append(photo)
            self.changed.emit(list(self.photos))
        self.refresh()

    def refused(self, error: BaseException) -> None:
        self.show_message(_said(error))
        self.refresh()

    def remove(self, index: int) -> None:
        del self.photos[index]
        self.changed.emit(list(self.photos))
        self.refresh()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def close_camera(self) -> None:
        """Lets the camera go: for the next citizen, and so that its light goes out."""
        self.timer.stop()
        camera, self.camera = self.camera, None
        if camera is not None:
            camera.close()
        self.preview.clear()

    def close_panel(self) -> None:
        self.close_camera()
        self.closed.emit()

    def forget(self) -> None:
        """The next person: the camera let go, and nothing of this one's photos kept, not even small."""
        self.close_camera()
        self.photos, self.thumbnails = [], {}

    def speech_text(self) -> str:
        return self.instruction.text()


class StoryStep(TextStep):
    """The story in words, or spoken; with photos if the citizen wishes. A voice note makes the
    written story optional (DESIGN.md: `body` may be left out when a voice attachment is there)."""

    voice_panel: VoicePanel  # made in `build`
    photo_panel: PhotoPanel

    def __init__(
        self,
        key: str,
        question: str,
        field: str,
        limits: tuple[int, int],
        hint: str,
        devices: Callable[[], Devices | None],
        choose_files: Callable[[], list[str]] | None = None,
        voice_prompt: str = STORY_PROMPT,
    ) -> None:
        """`choose_files`: how an officer picks photo files; None where photos are not asked for
        (a verdict's reason is words, written or spoken). `voice_prompt`: see VoicePanel."""
        self.devices, self.choose_files, self.voice_prompt = devices, choose_files, voice_prompt
        self.voice: VoiceNote | None = None
        self.photos: list[Photo] = []
        super().__init__(key, question, field, limits, hint=hint, multiline=True)

    def build(self) -> QWidget:
        writing = super().build()
        tiles = QHBoxLayout()
        self.speak, self.show_photos = Tile(factor=1.6), Tile(factor=1.6)
        self.speak.set_pictogram(pictograms.MEDIA["voice"])
        self.show_photos.set_pictogram(pictograms.MEDIA["photo"])
        self.speak.clicked.connect(lambda: self.open_panel(self.voice_panel))
        self.show_photos.clicked.connect(lambda: self.open_panel(self.photo_panel))
        tiles.addWidget(self.speak)
        tiles.addWidget(self.show_photos)
        layout = writing.layout()
        assert isinstance(layout, QVBoxLayout)  # TextStep's column
        layout.insertLayout(layout.count() - 1, tiles)  # above the stretch at the foot
        self.voice_panel = VoicePanel(self.voice_prompt)
        self.photo_panel = PhotoPanel(lambda: self.choose_files() if self.choose_files else [])
        self.voice_panel.kept.connect(self._voice_kept)
        self.voice_panel.recording_started.connect(lambda: self.hush())
        self.photo_panel.changed.connect(self._photos_changed)
        for panel in (self.voice_panel, self.photo_panel):
            panel.closed.connect(self.close_panel)
        self.pages = Pages([writing, self.voice_panel, self.photo_panel])
        return self.pages

    def open_panel(self, panel: QWidget) -> None:
        devices = self.devices() or Devices()
        if panel is self.voice_panel:
            self.voice_panel.open(devices, self.voice)
        else:
            self.photo_panel.open(devices, self.photos)
        self.pages.setCurrentWidget(panel)
        self.announce()

    def close_panel(self) -> None:
        self.photo_panel.close_camera()
        self.pages.setCurrentIndex(0)
        self.refresh_tiles()
        self.announce()

    def _voice_kept(self, note: "VoiceNote | None") -> None:
        self.voice = note
        self.refresh_tiles()

    def _photos_changed(self, photos: "list[Photo]") -> None:
        self.photos = photos
        self.refresh_tiles()

    def refresh_tiles(self) -> None:
        devices = self.devices() or Devices()
        self.speak.setVisible(devices.recorder is not None or self.voice is not None)
        self.show_photos.setVisible(
            self.choose_files is not None and (devices.cameras is not None or devices.photo_files or bool(self.photos))
        )
        self.speak.set_texts(
            _("Your recording ({time})").format(time=clock(self.voice.duration_s))
            if self.voice
            else _("Speak instead of writing"),
            _("Listen, record again or delete") if self.voice else _("Up to three minutes"),
        )
        self.show_photos.set_texts(
            _("Photos: {count} of {max}").format(count=len(self.photos), max=MAX_PHOTOS)
            if self.photos
            else _("Add photos"),
            _("Show what happened, up to {max} photos").format(max=MAX_PHOTOS),
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.refresh_tiles()
        for panel in (self.voice_panel, self.photo_panel):
            panel.refresh()

    def speech_text(self) -> str:
        current = self.pages.currentWidget()
        if isinstance(current, VoicePanel | PhotoPanel):
            return current.speech_text()
        return " ".join(
            part
            for part in (
                super().speech_text(),
                *(t.title.text() for t in (self.speak, self.show_photos) if t.isVisible()),
            )
            if part
        )

    def load(self, answers: Answers) -> None:
        super().load(answers)
        self.voice, self.photos = answers.get(VOICE), list(answers.get(PHOTOS, []))
        self.pages.setCurrentIndex(0)
        self.refresh_tiles()

    @property
    def recording(self) -> bool:
        return self.voice_panel.recorder is not None

    def save(self, answers: Answers) -> str | None:
        if self.recording:
            return _("Please press Stop to finish your recording first.")
        if self.pages.currentIndex() != 0:
            self.close_panel()
        answers[VOICE], answers[PHOTOS] = self.voice, list(self.photos)
        if self.voice is not None and not self._text():
            answers.pop(self.field, None)  # spoken, not written: the recording is the story
            return None
        return super().save(answers)

    def clear(self) -> None:
        super().clear()
        self.voice_panel.cancel()
        self.photo_panel.forget()
        self.voice, self.photos = None, []
        self.pages.setCurrentIndex(0)


def attachments_of(answers: Answers) -> tuple[list[dict[str, Any]], tuple[bytes, ...]]:
    """The record's entries for the voice note and photos, and their bytes for the store."""
    entries, blobs = [], []
    voice = answers.get(VOICE)
    if voice is not None:
        seconds = min(LIMIT_S, max(1, round(voice.duration_s)))
        entries.append(intake.attachment(voice.data, voice.mime, "voice", "voice.ogg", seconds))
        blobs.append(voice.data)
    for number, photo in enumerate(answers.get(PHOTOS, []), 1):
        entries.append(intake.attachment(photo.data, "image/jpeg", "photo", f"photo-{number}.jpg"))
        blobs.append(photo.data)
    return entries, tuple(blobs)
