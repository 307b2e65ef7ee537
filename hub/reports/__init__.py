"""Figures for the whole fleet at the hub: participation across every kiosk's events, with the
definitions each kiosk's own statistics use (kiosk.records.statistics)."""
