"""Small helpers shared by the benchmarks: timing summaries and the results table."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Result:
    """One measured figure: what, how much, and what it means."""

    name: str
    figures: dict[str, str]
    note: str = ""


@dataclass
class Report:
    title: str
    context: dict[str, str] = field(default_factory=dict)
    results: list[Result] = field(default_factory=list)

    def add(self, name: str, note: str = "", **figures: str) -> None:
        self.results.append(Result(name, figures, note))
        shown = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in figures.items())
        print(f"  {name}: {shown}" + (f"  ({note})" if note else ""), flush=True)

    def markdown(self) -> str:
        lines = [f"## {self.title}", ""]
        lines += [f"- {key}: {value}" for key, value in self.context.items()]
        lines.append("")
        columns: list[str] = []
        for result in self.results:
            columns += [c for c in result.figures if c not in columns]
        header = ["what", *[c.replace("_", " ") for c in columns], "note"]
        lines.append("| " + " | ".join(header) + " |")
        lines.append("|---|" + "---:|" * len(columns) + "---|")
        for result in self.results:
            cells = [result.figures.get(c, "") for c in columns]
            lines.append(f"| {result.name} | " + " | ".join(cells) + f" | {result.note} |")
        lines.append("")
        return "\n".join(lines)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def summary(seconds: list[float]) -> dict[str, str]:
    return {
        "runs": str(len(seconds)),
        "median": ms(statistics.median(seconds)),
        "p95": ms(percentile(seconds, 0.95)),
        "max": ms(max(seconds)),
    }
