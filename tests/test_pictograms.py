"""Pictograms: every home tile and every listed answer carries one, drawn in its text's colour."""

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtSvg import QSvgRenderer

from kiosk.accessibility.display import DisplayMode
from kiosk.ui import pictograms
from kiosk.ui.theme import style_sheet
from kiosk.ui.widgets import CheckBox, Tile

NAMED = {**pictograms.HOME, **pictograms.ANSWERS, **pictograms.CHECKS, **pictograms.MEDIA}
MODES = [DisplayMode(), DisplayMode(scale=2.0), DisplayMode(high_contrast=True)]
CHOICE_STEPS = {
    "complaint": {"classification": ["complaint", "aspiration", "information_request"], "sms": ["sms", "no"]},
    "attendance": {
        "gender": ["female", "male", "unspecified"],
        "age": ["0-15", "16-30", "31-45", "46-60", "61+", "unspecified"],
        "difficulty": ["no", "yes", "skip"],
    },
}
REACH = {
    "gender": ["female", "male"],
    "age_band": ["0-15", "16-30", "31-45", "46-60", "61+"],
    "_difficulty": ["no", "yes"],
}


def drawn_colours(pixmap: QPixmap) -> set[str]:
    """The colours of the fully opaque pixels (edges are blended with the background)."""
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_ARGB32)
    return {
        QColor(image.pixel(x, y)).name()
        for x in range(image.width())
        for y in range(image.height())
        if QColor.fromRgba(image.pixel(x, y)).alpha() == 255
    }


def assert_pictogram(tile: Tile, colour: str) -> None:
    assert tile.picture.isVisibleTo(tile), tile.title.text()
    assert drawn_colours(tile.picture.pixmap()) == {colour.lower()}, tile.title.text()
    assert tile.accessibleName() == tile.title.text()  # the pictogram takes no words from the tile


def test_every_pictogram_file_is_valid_svg():
    files = sorted(pictograms.FOLDER.glob("*.svg"))
    assert files
    for path in files:
        assert QSvgRenderer(str(path)).isValid(), path.name


def test_every_named_pictogram_exists():
    for key, name in NAMED.items():
        assert (pictograms.FOLDER / f"{name}.svg").is_file(), (key, name)


@pytest.mark.parametrize("mode", MODES, ids=["normal", "large", "contrast"])
def test_home_tiles_and_choices_show_pictograms_in_the_text_colour(window, mode):
    """In every display mode, drawn in the colour of the words beside it, so it contrasts as they do;
    a chosen answer's pictogram turns with its words to the accent's text colour."""
    window.set_mode(mode)
    palette = mode.palette
    for key, tile in window.home.tiles.items():
        assert tile.picture.name == pictograms.HOME[key]
        assert_pictogram(tile, palette.text)
    for flow, steps in CHOICE_STEPS.items():
        window.go(flow)
        wizard = getattr(window, flow).wizard
        for key, values in steps.items():
            wizard.show_step(key)
            QCoreApplication.processEvents()
            tiles = wizard.step.choices.tiles
            for value in values:
                assert_pictogram(tiles[value], palette.text)
            tiles[values[0]].setChecked(True)
            QCoreApplication.processEvents()
            assert_pictogram(tiles[values[0]], palette.accent_text)
            tiles[values[0]].setChecked(False)
    window.go("complaint")
    window.complaint.wizard.show_step("reach")
    QCoreApplication.processEvents()
    step = window.complaint.wizard.step
    for field, values in REACH.items():
        for value in values:
            assert_pictogram(step.groups[field].choices.tiles[value], palette.text)


def test_pictograms_grow_with_the_text(window):
    tile = window.home.tiles["complaint"]
    normal = tile.picture.pixmap().width()
    window.set_mode(DisplayMode(scale=2.0))
    assert tile.picture.pixmap().width() == 2 * normal


@pytest.mark.parametrize("mode", MODES, ids=["normal", "large", "contrast"])
def test_check_boxes_draw_their_pictogram_as_icon_in_the_text_colour(qtbot, mode):
    for key, name in pictograms.CHECKS.items():
        box = CheckBox(key, pictogram=name)
        qtbot.addWidget(box)
        box.setStyleSheet(style_sheet(mode))
        box.show()
        QCoreApplication.processEvents()
        pixmap = box.icon().pixmap(box.iconSize())
        assert box.iconSize().width() == pictograms.side_for(box, 1.8)
        assert drawn_colours(pixmap) == {mode.palette.text.lower()}, key
        assert box.accessibleName() in ("", key)


@pytest.mark.parametrize("mode", MODES, ids=["normal", "large", "contrast"])
def test_the_verdicts_faces_are_drawn_in_the_text_colour_beside_their_words(window, mode):
    """Solved, partly, not solved: three faces, each with its words, as big as the home tiles'
    pictograms; side by side at the usual text size, one under the other at larger sizes."""
    window.set_mode(mode)
    window.go("status")
    faces = window.status.faces
    faces.setVisible(True)
    QCoreApplication.processEvents()
    tiles = faces.choices.tiles
    assert [tiles[value].picture.name for value in ("solved", "partly", "not_solved")] == [
        "face-solved",
        "face-partly",
        "face-not-solved",
    ]
    for tile in tiles.values():
        assert_pictogram(tile, mode.palette.text)
        assert tile.picture.pixmap().width() == window.home.tiles["status"].picture.pixmap().width()
    assert faces.choices.columns == (3 if mode.scale == 1 else 1)
