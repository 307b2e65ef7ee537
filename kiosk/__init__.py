"""LAPOR! Field Kiosk: the core, usable without Qt (records, store, CLI)."""

__version__ = "0.1.0"
