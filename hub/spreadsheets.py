"""Text the hub writes into files staff open in a spreadsheet (the inbox and audit CSVs, the
folder adapter's daily CSV, `kiosk-hub stats`): a cell a spreadsheet would run as a formula
(CSV injection) is quoted, whoever typed it."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value: object) -> str:
    """A spreadsheet reads a cell starting with = + - @ (or a tab or carriage return) as a
    formula: such text gets a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
