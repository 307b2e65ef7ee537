"""The sync client: sends the outbox to the intake hub and brings complaint status back.

No Qt here: the same code runs from `kiosk sync` and from the kiosk's background worker.
"""
