"""Accessibility: display modes and (later) speech; may use QtCore/QtGui, never widgets."""
