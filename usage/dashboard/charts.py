"""Geometry for the dashboard's trend charts, drawn as inline SVG by the templates: stacked
columns and a line, with a y axis from zero and at most ~12 x labels."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

WIDTH, HEIGHT = 620, 190
LEFT, RIGHT, TOP, BOTTOM = 62, 8, 10, 24


def _frame(labels: Sequence[str], peak: float, fmt: Callable[[float], str]) -> dict[str, Any]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels), 1)
    every = max(1, -(-len(labels) // 12))
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "step": step,
        "plot_h": plot_h,
        "scale": plot_h / peak if peak > 0 else 0.0,
        "axis_x": LEFT,
        "axis_y": TOP + plot_h,
        "axis_end": WIDTH - RIGHT,
        "label_y": HEIGHT - 6,
        "ticks": [
            {"y": round(TOP + plot_h * (1 - f), 1), "label": fmt(peak * f)}
            for f in ((0, 0.5, 1) if peak > 0 else (0,))
        ],
        "xlabels": [
            {"x": round(LEFT + i * step + step / 2, 1), "label": label}
            for i, label in enumerate(labels)
            if i % every == 0
        ],
    }


def stacked_columns(
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    *,
    fmt: Callable[[float], str],
    urls: Sequence[str] | None = None,
) -> dict[str, Any]:
    """One column per label, its series (name, css class, values) stacked bottom up; with
    `urls`, each column links to its own (a drill-down)."""
    totals = [sum(values[i] for _, _, values in series) for i in range(len(labels))]
    chart = _frame(labels, max(totals, default=0), fmt)
    columns = []
    for i, label in enumerate(labels):
        base, segments = chart["axis_y"], []
        for name, css, values in series:
            h = values[i] * chart["scale"]
            if h > 0:
                base -= h
                segments.append(
                    {
                        "y": round(base, 2),
                        "h": round(max(h, 0.5), 2),
                        "css": css,
                        "title": f"{label}: {fmt(values[i])} {name}",
                    }
                )
        columns.append(
            {
                "x": round(LEFT + i * chart["step"] + chart["step"] * 0.12, 2),
                "w": round(max(chart["step"] * 0.76, 1), 2),
                "segments": segments,
                "url": urls[i] if urls else "",
            }
        )
    chart["columns"] = columns
    chart["legend"] = [(name, css) for name, css, _ in series]
    return chart


def line(
    labels: Sequence[str], values: Sequence[float | None], *, name: str, fmt: Callable[[float], str]
) -> dict[str, Any]:
    """A polyline through the values; a gap (None: no calls) breaks it."""
    chart = _frame(labels, max((v for v in values if v is not None), default=0), fmt)
    runs: list[list[str]] = [[]]
    dots = []
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
            continue
        x = round(LEFT + i * chart["step"] + chart["step"] / 2, 2)
        y = round(chart["axis_y"] - value * chart["scale"], 2)
        runs[-1].append(f"{x},{y}")
        dots.append({"x": x, "y": y, "title": f"{labels[i]}: {fmt(value)} {name}"})
    chart["lines"] = [" ".join(run) for run in runs if run]
    chart["dots"] = dots
    chart["legend"] = [(name, "line")]
    return chart
