"""The table ``python -m bench`` prints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    figure: str
    value: float
    unit: str
    target: float | None
    note: str
    verified: bool = True

    @property
    def met(self) -> bool:
        return self.target is None or self.value >= self.target

    @property
    def verdict(self) -> str:
        if not self.verified:
            return "WRONG ANSWER"
        if self.target is None:
            return "-"
        return "met" if self.met else "MISSED"


def table(rows: list[Row]) -> str:
    """Figure, value, target, verdict; the notes on the line below each row."""
    header = ("figure", "value", "target", "verdict")
    cells = [
        (
            r.figure,
            f"{r.value:,.0f} {r.unit}",
            f">= {r.target:,.0f}" if r.target is not None else "",
            r.verdict,
        )
        for r in rows
    ]
    widths = [max(len(c[i]) for c in [header, *cells]) for i in range(len(header))]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [line.format(*header), "  ".join("-" * w for w in widths)]
    for row, cell in zip(rows, cells, strict=True):
        out.append(line.format(*cell))
        if row.note:
            out.append(f"    {row.note}")
    return "\n".join(out)
