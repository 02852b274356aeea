"""mkdocs hooks: what the site shows of the laws comes from the laws themselves.

- The navigation and the home page's list of laws come from what exists (the notebooks
  under ``notebooks/``, shown under ``docs/laws``, and the modules of
  :mod:`scalinglaws.laws`): adding a law adds its page without touching ``mkdocs.yml``.
- Every law page opens with a **summary card** made from the law's stored record (its
  question, form, constants with intervals, validation and held-out scores, headline
  decision, where not to trust it, how to cite), before any code, and ends with a
  **Cite this law** box. Nothing in them is typed by hand.
- The home page opens with one table, answer first: each law, its question, its form, its
  validation and held-out R2 and its headline decision, from the laws' records and
  `scalinglaws.scores`.
- The decisions table of the usage page is made from the laws' declared decisions.
- Tables printed by the notebooks lose pandas' default index (0, 1, 2, ...), which numbers
  rows and says nothing; the 404 page links its styles relatively, so that it is styled
  when the site is opened from disk.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
MARKER = "<!-- laws -->"
SUMMARY_MARKER = "<!-- summary -->"
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
    if (NOTEBOOKS / "validation.ipynb").is_file():
        nav.append({"Does it hold on other studies?": "laws/validation.ipynb"})
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
    """An R2 at the precision that tells laws apart (see `scalinglaws.show.r2`)."""
    from scalinglaws import show

    return show.r2(value)


def _summary_table() -> str:
    """The home page's answer-first table: each law, its question, its form (linked to its
    page), its validation R2, its held-out R2 per release and its headline decision."""
    from scalinglaws import data, laws, records, scores, show

    released = sorted({v for values in scores.HELDOUT.values() for v in values} | {scores.CURRENT})
    header = ["law: its question", "form (its page)", "validation R2", *[f"held-out R2 {v}" for v in released],
              "decision (80% interval)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for module in laws.available():
        t = data.task(module)
        record = records.stored(module)
        page = f"laws/{module}.ipynb"
        question = record.summary.get("question", t.summary)
        form = show.formula_text(laws.get(module).FORM)
        validation = record.validation.get("validation_r2")
        if t.benchmark is None:
            heldout = ["no held-out split"] * len(released)
        else:
            measured = scores.HELDOUT.get(module, {})
            heldout = [_r2(measured[v]) if v in measured else "not yet measured" for v in released]
        cells = [f"**[{module}]({page})**: {question}", f"[{form}]({page})",
                 _r2(validation) if validation is not None else "", *heldout, record.summary.get("headline", "")]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    means = [scores.mean(v) for v in released]
    note = "; ".join(f"{v} {_r2(m)}" for v, m in zip(released, means) if m is not None)
    return (
        "\n".join(lines) + "\n\n"
        "*Validation R2*: the median over the selection protocol's backtests on the training split. "
        "*Held-out R2*: SLDBench's, measured after each release on rows this repository never holds "
        f"(mean over the eight tasks: {note}); it judges the protocol and never chooses a law. "
        "Each form links to the page that derives it.\n"
    )


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

    from scalinglaws import records

    lines = ["| law | decision | `scalinglaws optimize` | what it answers |", "|---|---|---|---|"]
    for module in laws.available():
        law = laws.get(module).LAW
        main = law.main_decision()
        groups = len(records.stored(module).params)
        for decision in law.decisions.values():
            options = " ".join(f"--{p.name.replace('_', '-')}" for p in decision.arguments)
            if decision.per_group and groups > 1:  # the command asks for one of the law's groups
                options = f"{options} --group GROUP".strip()
            command = f"{module} {options}" if decision is main else f"{module} {decision.name} {options}"
            question = decision.question.replace("|", "/")
            lines.append(f"| [{module}](laws/{module}.ipynb) | `{decision.name}` | `{command.strip()}` | {question} |")
    return "\n".join(lines)


def on_page_markdown(markdown, page, config, files):
    if SUMMARY_MARKER in markdown:
        markdown = markdown.replace(SUMMARY_MARKER, _summary_table())
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

    # Decisions show the signature people call: see tools/griffe_decisions.py.
    return "\n\n".join(
        f"### scalinglaws.laws.{module}\n\n::: scalinglaws.laws.{module}\n"
        "    options:\n      show_root_heading: false\n      heading_level: 4\n"
        for module in laws.available()
    )


def _number(value: float) -> str:
    return f"{value:.4g}"


def _constants_table(law, record, limit: int = 4, wide: int = 5) -> str:
    """Constants with 95% bootstrap intervals, for a few groups; a pointer for many. Up to
    ``wide`` constants sit side by side, one row per group; more go one per row, one column
    per group, so that a law of many constants reads down the card instead of off its edge."""
    if len(record.params) > limit:
        return (f"<p>Constants of {len(record.params)} groups: in the law's record, "
                f"<code>scalinglaws.laws.{law.task.module}.PARAMS</code>, and on this page.</p>")
    draws = record.uncertainty.draws if record.uncertainty is not None else {}
    groups = list(record.params)

    def cell(group: str, j: int) -> str:
        samples = np.asarray(draws.get(group, []), dtype=float)
        interval = ""
        if samples.size:
            low, high = np.quantile(samples[:, j], [0.025, 0.975])
            interval = f"<br><small>[{_number(low)}, {_number(high)}]</small>"
        return f"<td>{_number(record.params[group][j])}{interval}</td>"

    if len(record.param_names) > wide:
        header = "<th>constant</th>" + "".join(f"<th>{html.escape(g)}</th>" for g in groups)
        rows = [f"<tr><td>{html.escape(name)}</td>{''.join(cell(g, j) for g in groups)}</tr>"
                for j, name in enumerate(record.param_names)]
    else:
        header = "<th>group</th>" + "".join(f"<th>{html.escape(n)}</th>" for n in record.param_names)
        rows = [f"<tr><td>{html.escape(g)}</td>{''.join(cell(g, j) for j in range(len(record.param_names)))}</tr>"
                for g in groups]
    return (
        '<div class="law-card__scroll"><table class="law-card__constants"><thead><tr>'
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
            "<li><strong>Held-out R2</strong> (measured after release, on SLDBench's held-out rows; it judges "
            "the protocol, never chooses a law): "
            + (f"{measured}" if measured else "none yet")
            + ("" if current is not None else f"; this version ({scores.CURRENT}): not yet measured")
            + ".</li>"
        )
        base = scores.BASELINES.get(module, {})
        if base:
            parts = [f"seed law {_r2(base['seed'])}"] if base.get("seed") is not None else []
            if base.get("refit") is not None:
                parts.append(f"the best published form refitted by this package's routines {_r2(base['refit'])} "
                             f"({html.escape(str(base['refit_form']))})")
            if base.get("refit") is None or not np.isclose(base["refit"], base["honest"], rtol=0, atol=5e-4):
                parts.append(f"with its entry's own constants {_r2(base['honest'])} "
                             f"({html.escape(str(base['honest_form']))})")
            items.append(f"<li>Baselines on the held-out rows: {'; '.join(parts)}.</li>")
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


_DATAFRAME = re.compile(r'<table[^>]*class="dataframe"[^>]*>.*?</table>', re.S)


def _without_range_index(table: str) -> str:
    """A pandas table without its default index (row headers 0, 1, ..., n-1 and an empty
    corner): the numbers count rows and name nothing. Any other index is kept."""
    body = re.search(r"<tbody>(.*)</tbody>", table, re.S)
    if not body:
        return table
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.group(1), re.S)
    heads = [re.match(r"\s*<th[^>]*>(.*?)</th>", row, re.S) for row in rows]
    if not rows or not all(heads) or [h.group(1).strip() for h in heads] != [str(i) for i in range(len(rows))]:
        return table
    header = re.search(r"<thead>(.*)</thead>", table, re.S)
    if header:
        header_rows = re.findall(r"<tr[^>]*>.*?</tr>", header.group(1), re.S)
        if len(header_rows) != 1 or not re.match(r"<tr[^>]*>\s*<th[^>]*>\s*</th>", header_rows[0]):
            return table  # a named index or column levels: keep the table as it is
        table = table.replace(header_rows[0], re.sub(r"(<tr[^>]*>)\s*<th[^>]*>\s*</th>", r"\1", header_rows[0], count=1))
    return re.sub(r"(<tbody>.*</tbody>)", lambda m: re.sub(r"(<tr[^>]*>)\s*<th[^>]*>\d+</th>", r"\1", m.group(1)),
                  table, flags=re.S)


def on_page_content(content, page, config, files):
    from scalinglaws import laws

    source = page.file.src_uri
    if source.endswith(".ipynb"):
        content = _DATAFRAME.sub(lambda m: _without_range_index(m.group(0)), content)
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


def on_post_template(output_content, template_name, config):
    """The 404 page lives at the site's root and links everything from ``/``, which a page
    opened from disk resolves to the file system's root: link it relatively instead."""
    if template_name != "404.html":
        return output_content
    output_content = re.sub(r'(href|src)="/(?!/)', r'\1="', output_content)
    return output_content.replace('"base": "/"', '"base": "."')
