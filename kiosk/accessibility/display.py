"""Display modes: text size steps and colour themes, with WCAG contrast arithmetic.

Kept free of Qt so that the colours can be checked against WCAG 1.4.3/1.4.6 in tests
and reused by anything that draws (the UI's style sheet, the PDF report), and so that the
command line can ask whether there is a display at all before Qt is loaded.
"""

import os
import sys
from dataclasses import dataclass

TEXT_SCALES = (1.0, 1.5, 2.0)  # normal, large, largest (WCAG 1.4.4 asks 200% without loss)
BASE_FONT_PX = 18
MIN_TARGET_PX = 48  # kiosk touch targets (WCAG 2.5.5 asks 44)


@dataclass(frozen=True)
class Palette:
    window: str
    text: str
    muted: str  # secondary text
    surface: str  # tiles and fields
    accent: str  # primary buttons
    accent_text: str
    border: str
    focus: str
    error: str


NORMAL = Palette(
    window="#F4F6F8",
    text="#16202A",
    muted="#3F4B57",
    surface="#FFFFFF",
    accent="#A3161A",
    accent_text="#FFFFFF",
    border="#7A8794",
    focus="#0B57D0",
    error="#A3161A",
)
HIGH_CONTRAST = Palette(
    window="#000000",
    text="#FFFFFF",
    muted="#FFFFFF",
    surface="#000000",
    accent="#FFE14D",
    accent_text="#000000",
    border="#FFFFFF",
    focus="#00E5FF",
    error="#FF8A80",
)


@dataclass(frozen=True)
class DisplayMode:
    scale: float = 1.0
    high_contrast: bool = False

    @property
    def palette(self) -> Palette:
        return HIGH_CONTRAST if self.high_contrast else NORMAL

    def px(self, size: float) -> int:
        return round(size * self.scale)

    def next_scale(self) -> "DisplayMode":
        index = TEXT_SCALES.index(self.scale) if self.scale in TEXT_SCALES else 0
        return DisplayMode(TEXT_SCALES[(index + 1) % len(TEXT_SCALES)], self.high_contrast)


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast_ratio(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def display_named() -> bool:
    """Whether the session names a display Qt can open: on Linux Qt aborts the whole process
    without DISPLAY, WAYLAND_DISPLAY or a chosen platform (QT_QPA_PLATFORM=offscreen, say)."""
    return sys.platform != "linux" or any(
        os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    )
