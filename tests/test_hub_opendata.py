"""Open data: small counts hidden, and the counts beside them, so that an attacker holding the
published table and its totals cannot work a hidden count out again; `kiosk-hub open-data` writes
only aggregates by a fixed list of provinces and answers, with the data dictionary and licence."""

import csv
import json
import random
from fractions import Fraction

import factories
from hubproc import run_cli
from postgres import storage_of

from hub.reports.disclosure import HIDDEN_BESIDE, HIDDEN_SMALL, suppress, with_totals
from hub.reports.opendata import OTHER, PROVINCES, TOTAL
from kiosk.records import digest


def _recovered(published: list[list]) -> set[tuple[int, int]]:
    """An attacker's work: each row and column sums to its total; the hidden values solving every
    equation alike are recovered. By elimination over fractions, then reading which hidden values
    every solution shares (a hidden value is free when a solution of the homogeneous system moves it)."""
    height, width = len(published), len(published[0])
    hidden = [(r, c) for r in range(height) for c in range(width) if isinstance(published[r][c], str)]
    lines = [[(r, c) for c in range(width)] for r in range(height)] + [
        [(r, c) for r in range(height)] for c in range(width)
    ]
    equations = []
    for line in lines:
        total = line[-1]
        equations.append([Fraction(-1 if cell == total else 1 if cell in line else 0) for cell in hidden])
    # Gauss-Jordan, then the free columns span the moves that keep every equation.
    rows, pivots = [row[:] for row in equations], []
    for column in range(len(hidden)):
        pivot = next((i for i in range(len(pivots), len(rows)) if rows[i][column]), None)
        if pivot is None:
            continue
        top = len(pivots)
        rows[top], rows[pivot] = rows[pivot], rows[top]
        rows[top] = [value / rows[top][column] for value in rows[top]]
        for i in range(len(rows)):
            if i != top and rows[i][column]:
                rows[i] = [a - rows[i][column] * b for a, b in zip(rows[i], rows[top], strict=True)]
        pivots.append(column)
    free = [column for column in range(len(hidden)) if column not in pivots]
    moves = []
    for chosen in free:
        move = [Fraction(0)] * len(hidden)
        move[chosen] = Fraction(1)
        for top, column in enumerate(pivots):
            move[column] = -rows[top][chosen]
        moves.append(move)
    return {cell for index, cell in enumerate(hidden) if all(move[index] == 0 for move in moves)}


def test_a_row_with_one_small_count_hides_another_beside_it():
    """One small count alone would be its row's total minus the rest: a second one is hidden, and the
    column's, and no hidden count can be worked out."""
    published = suppress(with_totals([[20, 3, 15], [12, 9, 30], [7, 25, 2]]))
    assert published[0][1] == HIDDEN_SMALL and published[2][2] == HIDDEN_SMALL
    for line in (*published, *zip(*published, strict=True)):
        hidden = [value for value in line if isinstance(value, str)]
        assert len(hidden) != 1
    assert _recovered(published) == set()
    assert published[3] == [39, 37, 47, 123]  # the totals stay


def test_no_hidden_count_is_recovered_from_hundreds_of_tables():
    """Random tables of 2 to 8 rows and 2 to 6 columns, with many small counts: every count of 1 to 4
    shows as "<5", every other count shown is the true one, and the attacker recovers nothing."""
    draw = random.Random(45)
    for _ in range(300):
        height, width = draw.randrange(2, 9), draw.randrange(2, 7)
        table = [[draw.choice((0, 1, 2, 3, 4, 6, 9, 15, 40, 120)) for _ in range(width)] for _ in range(height)]
        full = with_totals(table)
        published = suppress(full)
        for r, row in enumerate(published):
            for c, value in enumerate(row):
                if 0 < full[r][c] < 5:
                    assert value == HIDDEN_SMALL
                elif value != HIDDEN_BESIDE:
                    assert value == full[r][c]
        assert _recovered(published) == set(), table


def test_open_data_holds_only_aggregates_by_fixed_lists(tmp_path):
    """Registrations by province (as the event names it, or "other") and answer, reports by province
    and type; no count of 1 to 4; a data dictionary naming the licence and the markers."""
    with storage_of(tmp_path / "hub") as storage:
        garut = factories.event(location={"province": "jawa  barat", "regency": "Garut"})
        nowhere = factories.event(location={"province": "Negeri Dongeng", "regency": "Budi Santoso"})
        people = [factories.attendance(garut["uuid"], gender="female") for _ in range(12)]
        people += [factories.attendance(garut["uuid"], gender="male") for _ in range(9)]
        people += [factories.attendance(nowhere["uuid"], gender="male", wgss={"seeing": 4}) for _ in range(2)]
        complaints = [factories.complaint(location={"province": "Aceh"}, confidential=True) for _ in range(6)]
        device, _ = storage.enroll(storage.create_enrollment_code())
        storage.store_records(device, [(r, digest(r)) for r in (garut, nowhere, *people, *complaints)])
    done = run_cli(tmp_path / "hub", "open-data", "--output", str(tmp_path / "open"))
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "open"
    package = json.loads((folder / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "CC-BY-4.0" and "CC BY 4.0" in (folder / "LICENSE.txt").read_text()
    for resource in package["resources"]:
        with open(folder / resource["path"], encoding="utf-8") as table:
            rows = list(csv.reader(table))
        assert [field["name"] for field in resource["schema"]["fields"]] == rows[0]
        for row in rows[1:]:
            assert row[0] in (*PROVINCES, OTHER, TOTAL)
            assert all(cell in (HIDDEN_SMALL, HIDDEN_BESIDE) or int(cell) == 0 or int(cell) >= 5 for cell in row[1:])
        assert json.loads((folder / f"{resource['name']}.json").read_text())["rows"][-1][rows[0][0]] == TOTAL
    with open(folder / "registrations_by_province_and_gender.csv", encoding="utf-8") as table:
        rows = {row[0]: row[1:] for row in csv.reader(table)}
    assert rows["other"][1] == HIDDEN_SMALL and rows["total"][-1] == "23"  # two, at an event of no province
    assert HIDDEN_BESIDE in rows["Jawa Barat"]  # else Jawa Barat's men would give the other two away
    assert "Budi Santoso" not in "".join(path.read_text() for path in folder.iterdir())
    with open(folder / "reports_by_province_and_type.csv", encoding="utf-8") as table:
        assert {row[0]: row[1:] for row in csv.reader(table)}["Aceh"] == ["6", "0", "0", "6"]
