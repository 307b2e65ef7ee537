"""Hiding small counts in a published table so that no one can work them out again.

A count of 1 to 4 could single a person out (a woman with a disability at a village's event), so
it is shown as "<5" (primary suppression). That alone is not enough when the table also gives its
row and column totals: a row with one hidden cell gives that cell away by subtraction. So more cells
are hidden (secondary suppression, shown as "x") until no hidden value is fixed by the published
ones: the table and its totals are read as linear equations, and a hidden value is given away
exactly when its column in the equations over the hidden values is independent of the others (then
every solution agrees on it). Each extra cell hidden is the smallest count beside the one given
away, so as little as possible is lost.
"""

SMALL = 5  # counts from 1 to SMALL - 1 are hidden
HIDDEN_SMALL, HIDDEN_BESIDE = "<5", "x"

Cell = tuple[int, int]  # (row, column) in the table with its totals: the last row and column hold them


_PRIME = 2_147_483_647  # the equations' coefficients are 0 and ±1: exact arithmetic modulo a prime suffices


def _equations(height: int, width: int, hidden: list[Cell]) -> list[list[int]]:
    """Each row's and each column's sum-equals-total, over the hidden cells only (the known ones
    are constants and drop out of the question which values are fixed)."""
    equations = []
    for line in range(height):  # cells of a row sum to the row's total (the last column)
        equations.append([0 if r != line else (-1 if c == width - 1 else 1) for r, c in hidden])
    for line in range(width):  # cells of a column sum to the column's total (the last row)
        equations.append([0 if c != line else (-1 if r == height - 1 else 1) for r, c in hidden])
    return equations


def given_away(height: int, width: int, hidden: list[Cell]) -> list[Cell]:
    """The hidden cells whose values the published ones fix: in the reduced row echelon form of the
    equations over the hidden cells, those whose row holds nothing but them."""
    rows = [[value % _PRIME for value in row] for row in _equations(height, width, hidden)]
    pivots: list[int] = []
    for column in range(len(hidden)):
        found = next((i for i in range(len(pivots), len(rows)) if rows[i][column]), None)
        if found is None:
            continue
        top = len(pivots)
        rows[top], rows[found] = rows[found], rows[top]
        inverse = pow(rows[top][column], -1, _PRIME)
        rows[top] = [value * inverse % _PRIME for value in rows[top]]
        for i, row in enumerate(rows):
            if i != top and row[column]:
                factor = row[column]
                rows[i] = [(a - factor * b) % _PRIME for a, b in zip(row, rows[top], strict=True)]
        pivots.append(column)
    return [
        hidden[column]
        for top, column in enumerate(pivots)
        if not any(value for index, value in enumerate(rows[top]) if index != column)
    ]


def suppress(table: list[list[int]]) -> list[list[int | str]]:
    """`table` with its totals (last row and column) as published: small counts "<5", and the
    cells hidden beside them "x"."""
    height, width = len(table), len(table[0])
    small = {(r, c) for r in range(height) for c in range(width) if 0 < table[r][c] < SMALL}
    hidden = set(small)
    while exposed := given_away(height, width, sorted(hidden)):
        beside = [
            (table[r][c] == 0, table[r][c], (r, c))
            for row, column in exposed
            for r in range(height)
            for c in range(width)
            if (r == row or c == column) and (r, c) not in hidden
        ]
        if not beside:  # every line through them is hidden already: nothing more can help
            break
        hidden.add(min(beside)[2])
    return [
        [HIDDEN_SMALL if (r, c) in small else HIDDEN_BESIDE if (r, c) in hidden else table[r][c] for c in range(width)]
        for r in range(height)
    ]


def with_totals(rows: list[list[int]]) -> list[list[int]]:
    """The table with a total for each row, then a row of each column's total (and the grand total)."""
    width = len(rows[0]) if rows else 0
    totalled = [[*row, sum(row)] for row in rows]
    return [*totalled, [sum(row[c] for row in totalled) for c in range(width + 1)]]
