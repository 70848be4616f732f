"""Matplotlib figures for the HTML reports, returned as ``data:`` URIs of SVG images.

Matplotlib is imported lazily with the Agg backend. Every figure is drawn inside an
``rc_context`` (the caller's settings are left alone) and closed after use. The SVG is
deterministic: a fixed ``svg.hashsalt``, no date or creator metadata, glyphs as paths (no
fonts needed by the browser), so the same data gives the same bytes. Text from submissions is
drawn literally: ``$`` never starts mathtext.
"""
from __future__ import annotations

import base64
import io
import math
import warnings
from typing import Any, Sequence

from .results import clean_text

# Status colours, shared with the page's CSS.
GREEN, AMBER, RED, GREY, BLUE, PURPLE = "#2e7d32", "#e0a000", "#c62828", "#d9d9d9", "#1565c0", "#6a1b9a"
MAX_POINTS = 2000  # a curve is thinned to about this many points: a page stays small
MAX_LABEL = 48

_RC = {
    "svg.hashsalt": "ml-interview-kit",
    "svg.fonttype": "path",
    "text.parse_math": False,
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "figure.dpi": 100,
}


def _pyplot() -> Any:
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    return plt


def _label(text: Any) -> str:
    text = clean_text(text).replace("\n", " ")
    return text if len(text) <= MAX_LABEL else text[:MAX_LABEL - 1] + "…"


def _finite(values: Sequence[float]) -> list[float]:
    """Floats with inf and non-numbers as NaN (a gap in the line), thinned to ``MAX_POINTS``."""
    out = []
    for v in values:
        try:
            v = float(v)
        except (TypeError, ValueError):
            v = math.nan
        out.append(v if math.isfinite(v) else math.nan)
    return out


def _thin(xs: list[float], ys: list[float]) -> tuple[list[float], list[float]]:
    step = max(1, math.ceil(len(ys) / MAX_POINTS))
    if step == 1:
        return xs, ys
    keep = list(range(0, len(ys), step))
    if keep[-1] != len(ys) - 1:
        keep.append(len(ys) - 1)
    return [xs[i] for i in keep], [ys[i] for i in keep]


def _render(draw: Any, size: tuple[float, float]) -> str:
    """Calls ``draw(fig, ax)`` on a fresh figure and returns it as an SVG data URI."""
    plt = _pyplot()
    with plt.rc_context(_RC), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyphs, empty-slice means: the figure still renders
        fig, ax = plt.subplots(figsize=size)
        try:
            draw(fig, ax)
            fig.tight_layout()
            buffer = io.BytesIO()
            fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            plt.close(fig)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def moving_average(values: Sequence[float], window: int) -> list[float]:
    """Trailing mean over ``window`` values (NaNs skipped); the first ``window - 1`` are NaN."""
    out = []
    for i in range(len(values)):
        if i + 1 < window:
            out.append(math.nan)
            continue
        chunk = [v for v in values[i + 1 - window:i + 1] if not math.isnan(v)]
        out.append(sum(chunk) / len(chunk) if chunk else math.nan)
    return out


def is_returns(name: str) -> bool:
    """Episode returns and rewards are noisy: they are drawn with a moving average."""
    lowered = name.lower()
    return "return" in lowered or "reward" in lowered


def group_series(series: dict[str, list[float]]) -> list[tuple[str, list[str]]]:
    """Series names grouped per chart: ``loss`` with ``val_loss``, ``accuracy`` with ``val_accuracy``."""
    groups: dict[str, list[str]] = {}
    for name, values in series.items():
        if values:
            base = name[4:] if name.startswith("val_") and len(name) > 4 else name
            groups.setdefault(base, []).append(name)
    return list(groups.items())


def line_chart(series: dict[str, list[float]], title: str = "") -> str:
    """One line per series (training and validation curves); returns get a moving average."""
    names = [n for n, v in series.items() if v]
    returns = any(is_returns(n) for n in names)

    def draw(fig: Any, ax: Any) -> None:
        for i, name in enumerate(names):
            ys = _finite(series[name])
            xs, thin_ys = _thin([float(x) for x in range(1, len(ys) + 1)], ys)
            marker = "o" if len(ys) <= 30 else None
            colour = [BLUE, "#ef6c00", GREEN, PURPLE, RED][i % 5]
            if is_returns(name) and len(ys) >= 4:
                window = max(2, min(50, len(ys) // 10))
                ax.plot(xs, thin_ys, color=colour, alpha=0.35, linewidth=0.8, marker=marker, markersize=3,
                        label=_label(name))
                xs_ma, ma = _thin([float(x) for x in range(1, len(ys) + 1)], moving_average(ys, window))
                ax.plot(xs_ma, ma, color=colour, linewidth=2, label=f"moving average ({window})")
            else:
                ax.plot(xs, thin_ys, color=colour, linewidth=1.5, marker=marker, markersize=3, label=_label(name))
        ax.set_xlabel("episode" if returns else "epoch")
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.set_title(_label(title), loc="left")
        if names:
            ax.legend(frameon=False)

    return _render(draw, (6.0, 3.0))


def score_bars(rows: Sequence[tuple[str, float, float, str]], title: str = "Score per exercise") -> str:
    """Horizontal bars of ``(label, score, max_score, status)``: the score over a grey bar of the maximum."""
    rows = list(rows)

    def draw(fig: Any, ax: Any) -> None:
        labels = [_label(r[0]) for r in rows]
        y = list(range(len(rows)))[::-1]
        maxima = [max(r[2], 0.0) for r in rows]
        scores = [max(r[1], 0.0) for r in rows]
        colours = [GREEN if r[3] == "pass" else AMBER if r[3] == "partial" else RED for r in rows]
        ax.barh(y, maxima, color=GREY, height=0.6)
        ax.barh(y, scores, color=colours, height=0.6)
        top = max(maxima + [1.0])
        for yi, s, m in zip(y, scores, maxima):
            ax.text(m + top * 0.01, yi, f"{round(s, 1):g}/{round(m, 1):g}", va="center", fontsize=8)
        ax.set_yticks(y, labels)
        ax.set_xlim(0, top * 1.15)
        ax.set_xlabel("points")
        ax.grid(axis="y", visible=False)
        ax.set_title(_label(title), loc="left")

    return _render(draw, (6.0, 1.0 + 0.32 * max(len(rows), 1)))


def histogram(values: Sequence[float], max_score: float, title: str = "") -> str:
    """Distribution of scores in ``[0, max_score]``, ten bins."""
    values = [min(max(v, 0.0), max_score) for v in _finite(values) if not math.isnan(v)]

    def draw(fig: Any, ax: Any) -> None:
        top = max_score if max_score > 0 else 1.0
        ax.hist(values, bins=10, range=(0, top), color=BLUE, edgecolor="white")
        ax.set_xlim(0, top)
        ax.set_xlabel("score")
        ax.set_ylabel("students")
        ax.yaxis.get_major_locator().set_params(integer=True)
        ax.set_title(_label(title), loc="left")

    return _render(draw, (4.6, 2.6))


def track_progress(tracks: Sequence[dict]) -> str:
    """One bar per track: solved (green), attempted but unsolved (amber), not started (grey), in % of its total."""
    tracks = list(tracks)

    def draw(fig: Any, ax: Any) -> None:
        y = list(range(len(tracks)))[::-1]
        for yi, t in zip(y, tracks):
            total = max(float(t.get("total") or 0), 1.0)
            solved = 100.0 * float(t.get("solved") or 0) / total
            tried = max(0.0, 100.0 * float(t.get("attempted") or 0) / total - solved)
            ax.barh(yi, 100, color=GREY, height=0.6)
            ax.barh(yi, solved, color=GREEN, height=0.6, label="solved" if yi == y[0] else None)
            ax.barh(yi, tried, left=solved, color=AMBER, height=0.6, label="attempted" if yi == y[0] else None)
            ax.text(101, yi, f"{t.get('solved', 0)}/{t.get('total', 0)}", va="center", fontsize=8)
        ax.set_yticks(y, [_label(t.get("title") or t.get("track", "")) for t in tracks])
        ax.set_xlim(0, 112)
        ax.set_xlabel("% of the track's exercises")
        ax.grid(axis="y", visible=False)
        ax.set_title("Progress by track", loc="left")
        if tracks:
            ax.legend(frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, fontsize=8)

    return _render(draw, (6.0, 1.2 + 0.35 * max(len(tracks), 1)))


def mock_trend(mocks: Sequence[dict]) -> str:
    """Coding % and concept % per mock session, in date order as given."""
    mocks = list(mocks)

    def pct(score: Any, top: Any) -> float:
        if score is None or not top:
            return math.nan
        return 100.0 * float(score) / float(top)

    def draw(fig: Any, ax: Any) -> None:
        xs = list(range(1, len(mocks) + 1))
        ax.plot(xs, [pct(m.get("coding_score"), m.get("coding_max")) for m in mocks], marker="o",
                color=BLUE, label="coding %")
        ax.plot(xs, [pct(m.get("concept_score"), m.get("concept_max")) for m in mocks], marker="s",
                color=PURPLE, label="concepts %")
        ax.set_xticks(xs, [_label(str(m.get("date", ""))[:10]) for m in mocks], rotation=30, ha="right")
        ax.set_ylim(0, 105)
        ax.set_ylabel("%")
        ax.set_title("Mock interviews", loc="left")
        ax.legend(frameon=False, loc="lower right")

    return _render(draw, (6.0, 3.0))


def time_bars(rows: Sequence[tuple[str, float | None, int]], title: str = "Time per exercise") -> str:
    """Minutes spent per exercise ``(label, seconds or None, hints)``; hints are written after the bar."""
    rows = list(rows)

    def draw(fig: Any, ax: Any) -> None:
        y = list(range(len(rows)))[::-1]
        minutes = [(s or 0.0) / 60.0 for _, s, _ in rows]
        ax.barh(y, minutes, color=BLUE, height=0.6)
        top = max(minutes + [1.0])
        for yi, m, (_, s, hints) in zip(y, minutes, rows):
            text = ("not opened" if s is None else f"{m:.1f} min") + (f", {hints} hint(s)" if hints else "")
            ax.text(m + top * 0.01, yi, text, va="center", fontsize=8)
        ax.set_yticks(y, [_label(r[0]) for r in rows])
        ax.set_xlim(0, top * 1.35)
        ax.set_xlabel("minutes")
        ax.grid(axis="y", visible=False)
        ax.set_title(_label(title), loc="left")

    return _render(draw, (6.0, 1.0 + 0.32 * max(len(rows), 1)))


__all__ = ["line_chart", "score_bars", "histogram", "track_progress", "mock_trend", "time_bars",
           "group_series", "moving_average", "is_returns"]
