"""One row per figure: what was measured, against what, and whether the goal is met."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    baseline: str  # what it is compared with, and that measurement
    goal: str
    met: bool


def render(figures: list[Figure]) -> str:
    """A Markdown table, so a run can be pasted into the README as it is."""
    rows = [("figure", "measured", "baseline (same run)", "goal", "met")]
    rows += [
        (
            f.name,
            f"{f.value:,.{2 if abs(f.value) < 100 else 0}f} {f.unit}".strip(),
            f.baseline,
            f.goal,
            "yes" if f.met else "NO",
        )
        for f in figures
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |" for row in rows
    ]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)
