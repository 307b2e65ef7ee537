"""The one exception the command line turns into a one-line, translated error."""


class KioskError(Exception):
    """A failure the user can act on; its message is already translated."""
