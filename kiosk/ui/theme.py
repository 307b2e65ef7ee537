"""The style sheet of every display mode: one place for sizes, colours and focus.

Large text is done here, in the style sheet, not with setFont(): a style sheet wins
over fonts set in code, and layouts grow with the text.
"""

from kiosk.accessibility.display import BASE_FONT_PX, MIN_TARGET_PX, DisplayMode

FONT_FAMILIES = '"Noto Sans", "DejaVu Sans", "Segoe UI", sans-serif'
MIN_KEY_PX = 56  # on-screen keyboard keys, at normal text size: fingers, not a mouse


def style_sheet(mode: DisplayMode) -> str:
    p, px = mode.palette, mode.px
    target = max(MIN_TARGET_PX, px(34))  # grows with the text, but leaves room on a 600 px screen
    bar_font = round(BASE_FONT_PX * min(mode.scale, 1.25))  # the top bar must fit 1024 px at every size
    heading = round(26 * min(mode.scale, 1.5))
    tab_font = round(BASE_FONT_PX * min(mode.scale, 1.3))  # officer tabs: all six must fit 1024 px
    # Keys grow with the text, but less: at 200% the keyboard must still leave the field in sight on 600 px.
    key = round(MIN_KEY_PX * (1 + (mode.scale - 1) * 0.15))
    key_font = round(BASE_FONT_PX * 1.2 * min(mode.scale, 1.5))  # letters a little larger than text
    # A scroll bar a finger can find and drag (WCAG 2.5.8 asks 24 px), its handle as tall as a
    # button; no wider at large text, where every pixel of width goes to the words.
    scrollbar = 24
    return f"""
QWidget {{ font-family: {FONT_FAMILIES}; font-size: {px(BASE_FONT_PX)}px; color: {p.text}; background: {p.window}; }}
QLabel#question {{ font-size: {heading}px; font-weight: bold; }}
QWidget#overlay {{ background: {p.window}; }}
QLabel#title {{ font-size: {px(22)}px; font-weight: bold; }}
QLabel#hint, QLabel#step {{ color: {p.muted}; }}
QLabel#error {{ color: {p.error}; font-weight: bold; }}
QFrame#alert {{ background: {p.surface}; border: 3px solid {p.error}; border-radius: 10px; }}
QLabel#alertText {{ color: {p.error}; font-weight: bold; background: transparent; border: none; }}
QLabel#code {{ font-size: {px(40)}px; font-weight: bold; font-family: "DejaVu Sans Mono", monospace; }}
QLabel[tileText="true"] {{ background: transparent; }}
QLabel[tileText="true"][onAccent="true"] {{ color: {p.accent_text}; }}
QLabel#tileTitle {{ font-size: {px(22)}px; font-weight: bold; }}
QPushButton {{
    min-height: {target}px; min-width: {target}px; padding: {px(8)}px {px(16)}px;
    background: {p.surface}; border: 3px solid {p.border}; border-radius: 10px;
}}
QPushButton:checked, QPushButton#primary {{ background: {p.accent}; color: {p.accent_text}; border-color: {p.accent}; }}
QPushButton:disabled {{ color: {p.muted}; border-style: dashed; }}
QPushButton:focus, QLineEdit:focus, QPlainTextEdit:focus, QDateEdit:focus, QSpinBox:focus,
QComboBox:focus, QCheckBox:focus, QListWidget:focus, QTabBar::tab:focus {{ border: 3px solid {p.focus}; }}
QPushButton:focus {{ border-width: 5px; padding: {px(8) - 2}px {px(16) - 2}px; }}
QLineEdit, QPlainTextEdit, QDateEdit, QSpinBox, QComboBox, QListWidget {{
    min-height: {target}px; background: {p.surface}; border: 3px solid {p.border}; border-radius: 8px;
    padding: {px(4)}px {px(8)}px;
}}
QCheckBox {{ min-height: {target}px; spacing: {px(12)}px; }}
QCheckBox::indicator {{ width: {px(28)}px; height: {px(28)}px; border: 3px solid {p.border}; background: {p.surface}; }}
QCheckBox::indicator:checked {{ background: {p.accent}; }}
QProgressBar {{ border: 2px solid {p.border}; border-radius: 6px; background: {p.surface}; height: {px(12)}px; }}
QProgressBar::chunk {{ background: {p.accent}; }}
QScrollArea, QScrollArea > QWidget > QWidget {{ border: none; }}
QPushButton#moreBelow {{ background: {p.text}; color: {p.window}; border-color: {p.text}; font-weight: bold;
    font-size: {bar_font}px; min-height: {MIN_TARGET_PX}px; padding: 0 {px(12)}px;
    border-radius: {MIN_TARGET_PX // 2}px; }}
QScrollBar:vertical {{ width: {scrollbar}px; background: {p.surface}; border: 2px solid {p.border};
    border-radius: 8px; margin: 0; }}
QScrollBar::handle:vertical {{ background: {p.muted}; min-height: {MIN_TARGET_PX}px; border-radius: 6px; margin: 3px; }}
QScrollBar::add-line:vertical, QScrollBar::sub-line:vertical {{ height: 0; border: none; }}
QScrollBar::add-page:vertical, QScrollBar::sub-page:vertical {{ background: none; }}
QListWidget::item {{ padding: {max(15, px(10))}px 8px; border-bottom: 1px solid {p.border}; }}
QListWidget::item:selected {{ background: {p.accent}; color: {p.accent_text}; }}
QFrame#topbar {{ border-bottom: 3px solid {p.border}; }}
QFrame#topbar QPushButton {{ font-size: {bar_font}px; padding: 4px 12px; }}
QLabel#badge {{ font-size: {bar_font}px; color: {p.muted}; padding: 0 8px; }}
QLabel#badge[phase="online"] {{ color: {p.text}; }}
BarChart {{ color: {p.text}; selection-background-color: {p.accent}; alternate-background-color: {p.surface}; }}
QFrame#card {{ background: {p.surface}; border: 3px solid {p.border}; border-radius: 12px; }}
QTabBar::tab {{ min-height: {target}px; padding: {px(6)}px {px(10)}px; border: 3px solid {p.border};
    font-size: {tab_font}px; }}
QTabBar::tab:selected {{ background: {p.accent}; color: {p.accent_text}; }}
QTableWidget {{ gridline-color: {p.border}; background: {p.surface}; }}
QFrame#keyboard {{ border-top: 3px solid {p.border}; }}
QFrame#keyboard QPushButton {{ min-height: {key}px; max-height: {key}px; min-width: {MIN_KEY_PX}px; padding: 0 4px;
    font-size: {key_font}px; border-width: 2px; border-radius: 8px; }}
QFrame#keyboard QPushButton[action="true"], QFrame#keyboard QPushButton:checked, QFrame#keyboard QPushButton:pressed {{
    background: {p.accent}; color: {p.accent_text}; border-color: {p.accent}; }}
QFrame#keyboard QPushButton[glyph="true"] {{ font-size: {round(key_font * 1.3)}px; }}
QWidget#numericPad {{ max-width: {round(4 * 1.9 * key)}px; }}
QHeaderView::section {{ background: {p.window}; font-weight: bold; border: 1px solid {p.border}; padding: 4px; }}
"""
