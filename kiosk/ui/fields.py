"""Labelled one-line inputs, for the wizards' questions with several short answers (name,
place); their own module, so the home screen does not load the form layout and line edit."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QWidget

from kiosk.i18n import _
from kiosk.ui.widgets import label

HINT = Qt.InputMethodHint
# What kind of text a field takes, by the record's own field names: the on-screen keyboard
# shows a number pad or the e-mail keys from these (and so would a platform's input method).
HINTS = {
    "phone": HINT.ImhDialableCharactersOnly | HINT.ImhNoPredictiveText,
    "email": HINT.ImhEmailCharactersOnly | HINT.ImhNoAutoUppercase | HINT.ImhNoPredictiveText,
}


class Fields(QWidget):
    """Labelled one-line inputs; each label is its field's buddy, so it names it for screen readers."""

    def __init__(self, fields: list[tuple[str, str, int]]):
        """fields: (key, label msgid, max length)."""
        super().__init__()
        self.fields = fields
        layout = QFormLayout(self)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.inputs: dict[str, QLineEdit] = {}
        self.labels: dict[str, QLabel] = {}
        for key, _label, _max_length in fields:
            edit = QLineEdit()
            if key in HINTS:
                edit.setInputMethodHints(HINTS[key])
            caption = label()
            caption.setBuddy(edit)
            layout.addRow(caption, edit)
            self.inputs[key], self.labels[key] = edit, caption
        self.retranslate()

    def retranslate(self) -> None:
        for key, caption, _max in self.fields:
            self.labels[key].setText(_(caption))
            self.inputs[key].setAccessibleName(_(caption))

    def problem(self) -> str | None:
        """A message for the first answer over its length (never cut silently), or None."""
        for key, caption, max_length in self.fields:
            if len(self.inputs[key].text().strip()) > max_length:
                return _("{field}: please shorten this to at most {max} characters.").format(
                    field=_(caption), max=max_length
                )
        return None

    def values(self) -> dict[str, str]:
        return {key: edit.text().strip() for key, edit in self.inputs.items()}

    def set_values(self, values: dict[str, str]) -> None:
        for key, edit in self.inputs.items():
            edit.setText(values.get(key, ""))
