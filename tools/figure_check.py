"""A matplotlib backend that checks every figure for colliding text before it is shown.

Select it with ``MPLBACKEND=module://figure_check`` and this folder on ``PYTHONPATH`` (as
``tools/run_notebooks.py`` and ``scripts/test.sh`` do). In a notebook's kernel it is the
inline backend (figures are shown exactly as before); in addition, each figure, when it is
shown, is drawn and its text is checked:

- two visible pieces of text whose boxes overlap (titles, suptitles, axis labels, tick
  labels, colorbar labels, annotations, legends: a legend counts as one box);
- a piece of text that runs past the figure's edge (cut off in a saved figure).

``FIGURE_CHECK`` says what a collision does: ``report`` (the default) appends one line per
collision to the file ``FIGURE_CHECK_REPORT`` names (never into the notebook: its outputs
stay as they were; outside a kernel, also to stderr); ``fail`` raises `FigureTextOverlap` in
the cell that shows the figure, so the notebook fails to run; ``off`` checks nothing.
``FIGURE_CHECK_NOTEBOOK`` names the notebook in the messages.

`overlaps(figure)` is the check itself, usable on any figure.
"""

from __future__ import annotations

import itertools
import os
import sys

import matplotlib
from matplotlib._pylab_helpers import Gcf
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text

__all__ = ["FigureTextOverlap", "overlaps", "show"]

#: Boxes that overlap by less than this many pixels in either direction do not collide.
SLACK = 1.0


class FigureTextOverlap(AssertionError):
    """Text in a figure collides with other text or runs past the figure's edge."""


def _label(text: str, limit: int = 40) -> str:
    if "$" in text:  # mathtext, as log axes write their ticks: $\mathdefault{2\times10^{9}}$ -> 2×10^9
        try:
            from scalinglaws.show import formula_text

            text = formula_text(text.replace("$", ""))
        except ImportError:
            pass
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _texts(figure: Figure, renderer) -> list[tuple[str, object]]:
    """``(description, artist)`` for every visible, non-empty piece of text, legends as one box."""
    items: list[tuple[str, object]] = []
    seen: set[int] = set()

    def add(kind: str, artist) -> None:
        if artist is None or not artist.get_visible() or id(artist) in seen:
            return  # a suptitle is also among the figure's texts: once is enough
        seen.add(id(artist))
        if isinstance(artist, Text):
            if not artist.get_text().strip():
                return
            items.append((f"{kind} '{_label(artist.get_text())}'", artist))
        elif isinstance(artist, Legend):
            labels = ", ".join(_label(t.get_text(), 20) for t in artist.get_texts())
            items.append((f"{kind} ({labels})", artist))

    for name, kind in (("_suptitle", "suptitle"), ("_supxlabel", "x label of the figure"),
                       ("_supylabel", "y label of the figure")):
        add(kind, getattr(figure, name, None))
    for text in figure.texts:
        add("text", text)
    for legend in figure.legends:
        add("legend", legend)
    for number, ax in enumerate(figure.axes, start=1):
        if not ax.get_visible():
            continue
        where = f"axes {number}"
        for title in (ax.title, getattr(ax, "_left_title", None), getattr(ax, "_right_title", None)):
            add(f"title of {where}", title)
        for axis, letter in ((ax.xaxis, "x"), (ax.yaxis, "y")):
            if not axis.get_visible() or not ax.axison:  # ax.axis("off") draws no axis text
                continue
            add(f"{letter} label of {where}", axis.label)
            add(f"{letter} offset of {where}", axis.get_offset_text())
            for tick in axis._update_ticks():  # the ticks drawn: those within the view
                for label in (tick.label1, tick.label2):
                    add(f"{letter} tick label of {where}", label)
        for text in ax.texts:
            add(f"text in {where}", text)
        add(f"legend of {where}", ax.get_legend())
    return items


def _name(figure: Figure) -> str:
    suptitle = getattr(figure, "_suptitle", None)
    if suptitle is not None and suptitle.get_text().strip():
        return _label(suptitle.get_text(), 60)
    titles = [ax.get_title(loc) for ax in figure.axes for loc in ("center", "left", "right") if ax.get_title(loc)]
    return _label(" | ".join(titles), 60) if titles else "untitled"


def overlaps(figure: Figure) -> list[str]:
    """Every collision of text in ``figure`` (after drawing it), one sentence each."""
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    items = [(what, artist, artist.get_window_extent(renderer)) for what, artist in _texts(figure, renderer)]
    width, height = figure.canvas.get_width_height()
    problems = []
    for (what_a, a, box_a), (what_b, b, box_b) in itertools.combinations(items, 2):
        if isinstance(a, Legend) and b in a.get_texts() or isinstance(b, Legend) and a in b.get_texts():
            continue
        dx = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        dy = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if dx > SLACK and dy > SLACK:
            problems.append(f"{what_a} overlaps {what_b} ({dx:.0f} x {dy:.0f} px)")
    for what, _, box in items:
        beyond = max(-box.x0, box.x1 - width, -box.y0, box.y1 - height)
        if beyond > SLACK:
            problems.append(f"{what} runs {beyond:.0f} px past the figure's edge")
    return problems


# ------------------------------------------------------------------ the backend

_shown = itertools.count(1)


def _mode() -> str:
    mode = os.environ.get("FIGURE_CHECK", "report").strip().lower()
    return mode if mode in ("report", "fail", "off") else "report"


def check(figure: Figure) -> None:
    """Check ``figure`` and report or raise, as ``FIGURE_CHECK`` says."""
    mode = _mode()
    if mode == "off":
        return
    number = next(_shown)
    problems = overlaps(figure)
    if not problems:
        return
    notebook = os.environ.get("FIGURE_CHECK_NOTEBOOK", "")
    where = f"{notebook + ', ' if notebook else ''}figure {number} ('{_name(figure)}')"
    lines = [f"{where}: {p}" for p in problems]
    if mode == "fail":
        raise FigureTextOverlap("text collides in " + where + ":\n  " + "\n  ".join(problems))
    report = os.environ.get("FIGURE_CHECK_REPORT")
    if report:
        with open(report, "a", encoding="utf-8") as stream:
            stream.write("".join(line + "\n" for line in lines))
    if _shell is None:  # in a kernel, stderr is the notebook's output
        for line in lines:
            print(f"figure check: {line}", file=sys.stderr)


def _check_all() -> None:
    for manager in Gcf.get_all_fig_managers():
        check(manager.canvas.figure)


try:
    from IPython.core.getipython import get_ipython

    _shell = get_ipython()
except ImportError:  # plain Python without IPython: draw nothing, check on show()
    _shell = None

if _shell is not None:
    from matplotlib_inline import backend_inline as _inline
    from matplotlib_inline.backend_inline import (  # noqa: F401  (the backend's interface)
        FigureCanvas,
        new_figure_manager,
        new_figure_manager_given_figure,
    )

    def show(close=None, block=None):
        """Check every open figure, then show them as the inline backend does."""
        _check_all()
        return _inline.show(close=close, block=block)

    def flush_figures():
        """At the end of a cell, check the figures the inline backend is about to show."""
        if _inline.show._draw_called:
            _check_all()
        return _inline.flush_figures()

    # The inline backend's own integration runs only under its own name: do it here.
    matplotlib.interactive(True)
    _inline.configure_inline_support(_shell, "inline")
    try:
        _shell.events.unregister("post_execute", _inline.flush_figures)
    except ValueError:
        pass
    _shell.events.register("post_execute", flush_figures)
else:
    from matplotlib.backends.backend_agg import FigureCanvasAgg as FigureCanvas  # noqa: F401
    from matplotlib.backends.backend_agg import new_figure_manager  # noqa: F401

    def show(close=None, block=None):
        """Check every open figure, then close them (there is nowhere to show them)."""
        try:
            _check_all()
        finally:
            for manager in Gcf.get_all_fig_managers():
                Gcf.destroy(manager)

