"""mkdocs hooks: what the site shows of the laws comes from the laws themselves.

- The navigation and the home page's list of laws come from what exists (the notebooks
  under ``notebooks/``, shown under ``docs/laws``, and the modules of
  :mod:`scalinglaws.laws`): adding a law adds its page without touching ``mkdocs.yml``.
- Every law page opens with a **summary card** made from the law's stored record (its
  question, form, constants with intervals, validation and held-out scores, headline
  decision, where not to trust it, how to cite), before any code, and ends with a
  **Cite this law** box. Nothing in them is typed by hand.
- The decisions table of the usage page is made from the laws' declared decisions.
"""

from __future__ import annotations

import html
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
MARKER = "<!-- laws -->"
DECISIONS_MARKER = "<!-- decisions -->"
MODULES_MARKER = "<!-- law modules -->"


def _title(notebook: Path) -> str:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return notebook.stem


def _law_notebooks() -> list[Path]:
    from scalinglaws.data import TASKS

    order = list(TASKS)
    found = [p for p in NOTEBOOKS.glob("*.ipynb") if p.stem in TASKS]
    return sorted(found, key=lambda p: order.index(p.stem))


def on_config(config):
    laws = [{_title(p): f"laws/{p.name}"} for p in _law_notebooks()]
    nav = [{"Home": "index.md"}]
    if (NOTEBOOKS / "index.ipynb").is_file():
        nav.append({"Results": "laws/index.ipynb"})
    nav.append({"Laws": laws})
    for title, page in (("Using the laws", "usage.md"), ("Method", "method.md"), ("Adding a law", "adding.md"),
                        ("Citing", "citing.md"), ("API", "api.md")):
        if (ROOT / "docs" / page).is_file():
            nav.append({title: page})
    config["nav"] = nav
    return config


def _form(law) -> str:
    """A law's form on one line (a Law object or a law module)."""
    text = getattr(law, "form", None) or getattr(law, "FORM", "")
    return " ".join(text.split())


def _r2(value: float) -> str:
    """An R2 at the precision that tells laws apart: six decimals near 1, four elsewhere."""
    return f"{value:.6f}" if value > 0.999 else f"{value:.4f}"


def _laws_list() -> str:
    """The home page's list: each law with its question and its form as display math."""
    from scalinglaws import data, laws, records

    parts = []
    for module in laws.available():
        t = data.task(module)
        law = laws.get(module)
        record = records.stored(module)
        question = record.summary.get("question", t.summary)
        score = record.validation.get("validation_r2")
        scored = f" Validation R2 {_r2(score)} (backtests on the training split)." if score is not None else ""
        inputs = ", ".join(f"`{n}`" for n in t.input_names)
        targets = ", ".join(f"`{n}`" for n in t.target_names)
        parts.append(
            f"### [{_title(NOTEBOOKS / f'{module}.ipynb')}](laws/{module}.ipynb)\n\n"
            f"{question} {inputs} → {targets}; data of {t.source.authors.split(',')[0]} et al. ({t.source.year}).{scored}\n\n"
            f"\\[{_form(law)}\\]\n"
        )
    return "\n".join(parts)


def _decisions_table() -> str:
    from scalinglaws import laws

    lines = ["| law | decision | `scalinglaws optimize` | what it answers |", "|---|---|---|---|"]
    for module in laws.available():
        law = laws.get(module).LAW
        main = law.main_decision()
        for decision in law.decisions.values():
            options = " ".join(f"--{p.name.replace('_', '-')}" for p in decision.arguments)
            command = f"{module} {options}" if decision is main else f"{module} {decision.name} {options}"
            question = decision.question.replace("|", "/")
            lines.append(f"| [{module}](laws/{module}.ipynb) | `{decision.name}` | `{command.strip()}` | {question} |")
    return "\n".join(lines)


def on_page_markdown(markdown, page, config, files):
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, _laws_list())
    if DECISIONS_MARKER in markdown:
        markdown = markdown.replace(DECISIONS_MARKER, _decisions_table())
    if MODULES_MARKER in markdown:
        markdown = markdown.replace(MODULES_MARKER, _law_modules())
    return markdown


def _law_modules() -> str:
    """One API entry per law module (mkdocstrings renders each from its docstrings)."""
    from scalinglaws import laws

    return "\n\n".join(
        f"### scalinglaws.laws.{module}\n\n::: scalinglaws.laws.{module}\n"
        "    options:\n      show_root_heading: false\n      heading_level: 4\n"
        for module in laws.available()
    )


def _number(value: float) -> str:
    return f"{value:.4g}"


def _constants_table(law, record, limit: int = 4) -> str:
    """Constants with 95% bootstrap intervals, for a few groups; a pointer for many."""
    if len(record.params) > limit:
        return (f"<p>Constants of {len(record.params)} groups: in the law's record, "
                f"<code>scalinglaws.laws.{law.task.module}.PARAMS</code>, and on this page.</p>")
    draws = record.uncertainty.draws if record.uncertainty is not None else {}
    header = "".join(f"<th>{html.escape(n)}</th>" for n in record.param_names)
    rows = []
    for group, values in record.params.items():
        cells = []
        samples = np.asarray(draws.get(group, []), dtype=float)
        for j, value in enumerate(values):
            interval = ""
            if samples.size:
                low, high = np.quantile(samples[:, j], [0.025, 0.975])
                interval = f"<br><small>[{_number(low)}, {_number(high)}]</small>"
            cells.append(f"<td>{_number(value)}{interval}</td>")
        rows.append(f"<tr><td>{html.escape(group)}</td>{''.join(cells)}</tr>")
    return (
        '<div class="law-card__scroll"><table class="law-card__constants"><thead><tr><th>group</th>'
        f"{header}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        "<p><small>Constants with 95% bootstrap intervals (refits on resampled runs).</small></p>"
    )


def _scores(module: str, record) -> str:
    from scalinglaws import data, scores

    t = data.task(module)
    validation = record.validation.get("validation_r2")
    items = []
    if validation is not None:
        items.append(f"<li><strong>Validation R2 {_r2(validation)}</strong>: median over the backtests of the "
                     "selection protocol, on the training split.</li>")
    if t.benchmark is None:
        items.append("<li>No held-out split: this is not an SLDBench task, and the law is judged by its backtests.</li>")
    else:
        released = scores.HELDOUT.get(module, {})
        measured = "; ".join(f"{version} {_r2(value)}" for version, value in released.items())
        current = released.get(scores.CURRENT)
        items.append(
            "<li><strong>Held-out R2</strong> (measured after release, on SLDBench's held-out rows): "
            + (f"{measured}" if measured else "none yet")
            + ("" if current is not None else f"; this version ({scores.CURRENT}): not yet measured")
            + ".</li>"
        )
        base = scores.BASELINES.get(module, {})
        if base:
            seed = f"seed law {_r2(base['seed'])}; " if base.get("seed") is not None else ""
            items.append(f"<li>Baselines on the held-out rows: {seed}best honest published {_r2(base['honest'])} "
                         f"({html.escape(str(base['honest_form']))}).</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _card(module: str) -> str:
    from scalinglaws import data, laws, records

    t = data.task(module)
    law = laws.get(module).LAW
    record = records.stored(module)
    summary = record.summary
    chosen = record.validation.get("chosen")
    parts = ['<div class="law-card" id="law-card">']
    parts.append(f'<p class="law-card__question">{html.escape(summary.get("question", t.summary))}</p>')
    parts.append(f'<div class="arithmatex law-card__form">\\[{html.escape(_form(law))}\\]</div>')
    if chosen:
        parts.append(f"<p><small>Chosen by the selection protocol: {html.escape(str(chosen))}.</small></p>")
    parts.append(_scores(module, record))
    if summary.get("headline"):
        parts.append(f"<p><strong>Decision.</strong> {html.escape(summary['headline'])}</p>")
    if summary.get("caveat"):
        parts.append(f"<p><strong>Where not to trust it.</strong> {html.escape(summary['caveat'])}</p>")
    parts.append(_constants_table(law, record))
    parts.append(f'<p><strong>Cite.</strong> <code>scalinglaws cite {module}</code> prints the BibTeX '
                 '(this package, the source study, the benchmark); see <a href="#cite-this-law">Cite this law</a>.</p>')
    parts.append("</div>")
    return "".join(parts)


def _cite_box(module: str) -> str:
    from scalinglaws import cli, laws

    law = laws.get(module)
    return (
        '<div class="admonition quote" id="cite-this-law"><p class="admonition-title">Cite this law</p>'
        f'<div class="arithmatex">\\[{html.escape(_form(law))}\\]</div>'
        f"<p>The constants are in <code>scalinglaws.laws.{module}.PARAMS</code> (the summary card above shows "
        "them with intervals). BibTeX (<code>scalinglaws cite "
        f"{module}</code>): this package, the source study and the benchmark.</p>"
        f"<pre><code>{html.escape(cli.citation(module, 'bibtex'))}</code></pre></div>"
    )


def on_page_content(content, page, config, files):
    from scalinglaws import laws

    source = page.file.src_uri
    if source.startswith("laws/") and source.endswith(".ipynb"):
        module = source[len("laws/"):-len(".ipynb")]
        if module in laws.available():
            card = _card(module)
            # The card goes right under the page's title: before any code.
            cut = content.find("</h1>")
            if cut < 0:
                return card + content + _cite_box(module)
            cut += len("</h1>")
            return content[:cut] + card + content[cut:] + _cite_box(module)
    return content
