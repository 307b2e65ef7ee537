"""The shape of the citizen flows: how many screens and taps, and a progress count that holds still.

Issue 23: a complaint took about 19 screens and its count jumped (13 -> 12 -> 18). Here every
path is walked to the end, and the "step N of M" of each screen it shows is checked.
"""

import itertools

import pytest
from PySide6.QtGui import QAccessible
from test_ui_accessibility import RecordingSpeech
from test_ui_flows import click, stored

from kiosk.i18n import _
from kiosk.records.models import WGSS_DOMAINS
from kiosk.ui.wizard import ChoiceStep, DateStep, RadioGroup

COMPLAINT_MAX_SCREENS = 12  # the receipt included
ATTENDANCE_TAPS = 4


def walk(qtbot, wizard, answer, until) -> list[tuple[str, int, int]]:
    """Answers each step shown with `answer(step)` (taps without the double-tap guard's pause) until
    `until()` (the last answer is saved off the UI thread); returns (key, N, M) of every step shown."""
    seen = [(wizard.step.key, *wizard.position())]
    wizard.shown.connect(lambda: seen.append((wizard.step.key, *wizard.position())))
    for _screen in range(40):
        key = wizard.step.key
        answer(wizard.step)
        assert not wizard.error.text(), (key, wizard.error.text())
        if wizard.step.key == key:  # the last step: its answers are being saved
            qtbot.waitUntil(until, timeout=10_000)
            return seen
    raise AssertionError(f"the flow did not end: {seen}")


def assert_steady(seen, changes) -> None:
    """N goes up one at a time and never back; M changes only right after a step in `changes`,
    and by the number of steps its answer added or removed."""
    assert seen[0][1] == 1
    for (key, number, total), (_next, next_number, next_total) in itertools.pairwise(seen):
        assert next_number == number + 1, seen
        assert next_total - total == changes.get(key, 0), (key, seen)
    assert seen[-1][1] == seen[-1][2], seen  # the last step says "step M of M"


def complaint_answers(wizard, anonymous, demographics, phone="081234567890"):
    """How a citizen answers each step: `demographics` is "skip", "no" or "yes" (some difficulty);
    `phone` is the number given on the contact step ("" for none)."""

    def answer(step):
        wizard_next = step.advance
        match step.key:
            case "classification":
                step.choices.tiles["complaint"].click()
            case "title":
                step.edit.setText("Jalan desa rusak parah")
                wizard_next()
            case "body":
                step.edit.setPlainText("Jalan desa berlubang besar sejak bulan Juni.")
                wizard_next()
            case "when":
                step.choices.tiles["yesterday"].click()
            case "identity":
                step.anonymous.setChecked(anonymous)
                wizard_next()
            case "contact":
                step.form.inputs["phone"].setText(phone)
                wizard_next()
            case "sms":
                step.choices.tiles["sms"].click()
            case "reach" if demographics == "skip":
                wizard.skip_button.click()
            case "reach":
                for field, value in (("gender", "male"), ("age_band", "46-60"), ("_difficulty", demographics)):
                    step.groups[field].choices.tiles[value].click()
                wizard_next()
            case key if key.startswith("wgss-"):
                step.choices.tiles[2].click()
            case _:
                wizard_next()  # consent ("I agree"), where, topic, review ("Send my report")

    return answer


@pytest.mark.parametrize(("anonymous", "demographics"), list(itertools.product((False, True), ("skip", "no", "yes"))))
def test_every_complaint_path_counts_steadily(qtbot, window, data_dir, anonymous, demographics):
    wizard = window.complaint.wizard
    window.go("complaint")
    seen = walk(
        qtbot,
        wizard,
        complaint_answers(wizard, anonymous, demographics),
        lambda: window.stack.currentWidget() is window.receipt,
    )
    changes = {
        "identity": -1 if anonymous else 0,
        "contact": 1,  # a phone number given: the SMS question joins
        "reach": len(WGSS_DOMAINS) if demographics == "yes" else 0,
    }
    assert_steady(seen, changes)
    keys = [key for key, _n, _m in seen]
    assert keys[0] == "consent"  # before anything is collected
    assert ("contact" in keys) is not anonymous and ("sms" in keys) is not anonymous
    assert len([key for key in keys if key.startswith("wgss-")]) == (6 if demographics == "yes" else 0)
    assert seen[0][2] == 11  # what the first screen promises holds unless an answer changes it
    (record,) = stored(data_dir, "complaint")
    assert record["anonymous"] is anonymous and ("reporter" in record) is not anonymous
    assert record.get("sms_updates", False) is not anonymous
    assert ("gender" in record) is (demographics != "skip")
    assert ("wgss" in record) is (demographics == "yes")


@pytest.mark.parametrize("phone", ["", "081234567890"], ids=["no-phone", "phone"])
def test_the_common_complaint_path_is_at_most_twelve_screens(qtbot, window, phone):
    """Not anonymous, "who you are" answered with no difficulty: the path most people take. A
    phone number given adds one screen, the offer of SMS notices, and only that one."""
    wizard = window.complaint.wizard
    window.go("complaint")
    seen = walk(
        qtbot,
        wizard,
        complaint_answers(wizard, False, "no", phone),
        lambda: window.stack.currentWidget() is window.receipt,
    )
    assert len(seen) + 1 <= COMPLAINT_MAX_SCREENS + bool(phone)  # and the receipt
    assert [key for key, _n, _m in seen] == [
        "consent",
        "classification",
        "title",
        "body",
        "where",
        "when",
        "topic",
        "identity",
        "contact",
        *(["sms"] if phone else []),
        "reach",
        "review",
    ]


def test_going_back_and_changing_an_answer_recounts_only_then(qtbot, window):
    """ "Yes, some difficulty" adds the six questions; Back and "no difficulty" takes them away again."""
    wizard = window.complaint.wizard
    window.go("complaint")
    wizard.show_step("reach")
    number, total = wizard.position()
    reach = {step.key: step for step in wizard.steps}["reach"]
    reach.groups["_difficulty"].choices.tiles["yes"].click()
    assert wizard.position() == (number, total)  # not before the answer is given with Next
    wizard.next()
    assert wizard.step.key == "wgss-seeing" and wizard.position() == (number + 1, total + 6)
    wizard.back()
    assert wizard.step.key == "reach" and wizard.position() == (number, total + 6)
    reach.groups["_difficulty"].choices.tiles["no"].click()
    wizard.next()
    assert wizard.step.key == "review" and wizard.position() == (number + 1, total)
    assert wizard.step_label.text() == _("Step {number} of {total}").format(number=number + 1, total=total)


@pytest.mark.parametrize(("difficulty", "asks_name"), list(itertools.product(("no", "yes", "skip"), (False, True))))
def test_every_attendance_path_counts_steadily(qtbot, window, data_dir, difficulty, asks_name):
    window.context.settings["attendance_asks_name"] = asks_name
    attendance = window.attendance
    window.go("attendance")

    def answer(step):
        if step.key == "gender":
            step.choices.tiles["female"].click()
        elif step.key == "age":
            step.choices.tiles["16-30"].click()
        elif step.key == "difficulty":
            step.choices.tiles[difficulty].click()
        elif step.key.startswith("wgss-"):
            step.choices.tiles[3].click()
        else:
            step.advance()  # name (skipped), consent ("I agree")

    seen = walk(qtbot, attendance.wizard, answer, lambda: attendance.pages.currentWidget() is attendance.thanks)
    assert_steady(seen, {"difficulty": 6 if difficulty == "yes" else 0})
    assert seen[0][2] == 4 + asks_name
    qtbot.waitUntil(lambda: len(stored(data_dir, "attendance")) == 1, timeout=10_000)


def test_attendance_takes_four_taps_and_is_then_ready_for_the_next_person(qtbot, window, data_dir):
    """Counted from the attendance screen: gender, age band, "no difficulty", "I agree"; then the
    thank-you page goes back to the first question by itself."""
    attendance = window.attendance
    attendance.timer.setInterval(200)  # instead of five seconds
    click(qtbot, window.home.tiles["attendance"])
    steps = {step.key: step for step in attendance.wizard.steps}
    taps = 0
    for key, value in (("gender", "male"), ("age", "31-45"), ("difficulty", "no")):
        click(qtbot, steps[key].choices.tiles[value])
        taps += 1
    click(qtbot, attendance.wizard.next_button)  # I agree
    taps += 1
    qtbot.waitUntil(lambda: attendance.pages.currentWidget() is attendance.thanks, timeout=10_000)
    assert taps == ATTENDANCE_TAPS and len(stored(data_dir, "attendance")) == 1
    qtbot.waitUntil(lambda: attendance.pages.currentWidget() is attendance.wizard, timeout=5000)
    assert attendance.wizard.step.key == "gender" and steps["gender"].choices.value() is None


def test_a_single_choice_moves_on_and_back_corrects_it(qtbot, window):
    wizard = window.attendance.wizard
    click(qtbot, window.home.tiles["attendance"])
    steps = {step.key: step for step in wizard.steps}
    click(qtbot, steps["gender"].choices.tiles["female"])
    assert wizard.step.key == "age"  # no Next needed
    assert wizard.back_button.isVisible() and wizard.back_button.isEnabled()
    click(qtbot, wizard.back_button)
    assert wizard.step.key == "gender" and steps["gender"].choices.value() == "female"  # the slip, in sight
    click(qtbot, steps["gender"].choices.tiles["male"])
    assert wizard.step.key == "age" and wizard.answers["gender"] == "male"


def test_read_aloud_says_the_choice_then_the_next_question(qtbot, window):
    """One utterance: the answer tapped, then the next screen (a second one would cut off the first)."""
    speech = window.narrator._speech = RecordingSpeech()
    window.read_aloud.setChecked(True)
    wizard = window.attendance.wizard
    click(qtbot, window.home.tiles["attendance"])
    steps = {step.key: step for step in wizard.steps}
    heard = len(speech.said)
    click(qtbot, steps["gender"].choices.tiles["female"])
    assert wizard.step.key == "age" and len(speech.said) == heard + 1, speech.said[heard:]
    text, language = speech.said[-1]
    assert language == "id" and text.startswith(f"{_('Woman')}. {_('How old are you?')}")
    click(qtbot, window.repeat)
    assert speech.said[-1][0] == wizard.speech_text() and speech.said[-1][0].startswith(_("How old are you?"))
    window.go("complaint")
    window.complaint.wizard.show_step("when")  # a day tapped is said too
    click(qtbot, {step.key: step for step in window.complaint.wizard.steps}["when"].choices.tiles["today"])
    assert speech.said[-1][0].startswith(f"{_('Today')}. ")


def _role(widget):
    return QAccessible.queryAccessibleInterface(widget).role()


def _group_name(widget):
    """The name of the nearest accessible group around `widget`."""
    interface = QAccessible.queryAccessibleInterface(widget).parent()
    while interface is not None and interface.isValid():
        if interface.role() == QAccessible.Role.Grouping:
            return interface.text(QAccessible.Text.Name)
        interface = interface.parent()
    return None


def test_single_choices_are_radio_buttons_and_toggles_are_check_boxes(qtbot, window):
    role = QAccessible.Role
    for screen in (window.complaint, window.attendance):
        window.go("complaint" if screen is window.complaint else "attendance")
        for step in screen.wizard.steps:
            for group in step.widget.findChildren(RadioGroup) + [step.widget] * isinstance(step.widget, RadioGroup):
                for tile in group.choices.tiles.values():
                    assert _role(tile) == role.RadioButton, (step.key, tile.accessibleName())
                    assert _group_name(tile) == group.accessibleName() != "", step.key
            if isinstance(step, ChoiceStep | DateStep):
                assert step.group.accessibleName() == _(step.question)
    reach = {step.key: step for step in window.complaint.wizard.steps}["reach"]
    assert reach.groups["gender"].accessibleName() == _("Are you a woman or a man?")
    identity = {step.key: step for step in window.complaint.wizard.steps}["identity"]
    assert _role(identity.anonymous) == _role(identity.confidential) == role.CheckBox
