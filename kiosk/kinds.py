"""The kinds of record, by name only: the command line and the kiosk's start-up need the
names without loading the record models (pydantic), which wait for the first record."""

KINDS = ("event", "attendance", "complaint")
