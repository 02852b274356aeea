"""mkdocs hooks: the navigation and the home page's list of laws come from what exists.

The laws are the notebooks under ``notebooks/`` (shown under ``docs/laws``, a link to
that folder) and the modules of :mod:`scalinglaws.laws`; adding a law notebook adds it
to the site without touching ``mkdocs.yml``.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
MARKER = "<!-- laws -->"
DECISIONS_MARKER = "<!-- decisions -->"


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
    nav += [{"Using the laws": "usage.md"}, {"Method": "method.md"}]
    if (ROOT / "docs" / "citing.md").is_file():
        nav.append({"Citing": "citing.md"})
    nav.append({"API": "api.md"})
    config["nav"] = nav
    return config


def _laws_table() -> str:
    from scalinglaws import data, laws

    lines = [
        "| law | task (SLDBench) | inputs → target | form |",
        "|---|---|---|---|",
    ]
    for module in laws.available():
        t = data.task(module)
        # A table cell cannot hold "|" or a line break: write them the TeX way.
        form = " ".join(laws.get(module).FORM.split()).replace("|", r"\vert ")
        lines.append(
            f"| [{module}](laws/{module}.ipynb) | `{t.name}` | "
            f"{', '.join(t.input_names)} → {', '.join(t.target_names)} | \\({form}\\) |"
        )
    return "\n".join(lines)


def _decisions_table() -> str:
    import inspect

    from scalinglaws import decide, laws

    lines = ["| law | function | `scalinglaws optimize` | what it answers |", "|---|---|---|---|"]
    for module in laws.available():
        if module not in decide.DECISIONS:
            continue
        function = decide.decision(module)
        summary = (inspect.getdoc(function) or "").split("\n\n")[0].replace("\n", " ").replace("|", "/")
        options = " ".join(f"--{name.replace('_', '-')}" for name in inspect.signature(function).parameters)
        lines.append(f"| [{module}](laws/{module}.ipynb) | `{function.__name__}` | `{module} {options}` | {summary} |")
    return "\n".join(lines)


def on_page_markdown(markdown, page, config, files):
    if MARKER in markdown:
        markdown = markdown.replace(MARKER, _laws_table())
    if DECISIONS_MARKER in markdown:
        markdown = markdown.replace(DECISIONS_MARKER, _decisions_table())
    return markdown


def _cite_box(module: str) -> str:
    import html

    from scalinglaws import cli, laws

    law = laws.get(module)
    header = "".join(f"<th>{html.escape(n)}</th>" for n in law.PARAM_NAMES)
    body = "".join(
        f"<tr><td>{html.escape(group)}</td>" + "".join(f"<td>{v:.6g}</td>" for v in values) + "</tr>"
        for group, values in law.PARAMS.items()
    )
    constants = (
        f'<table class="cite-constants"><thead><tr><th>group</th>{header}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
        if len(law.PARAMS) <= 12
        else f"<p>Constants of {len(law.PARAMS)} groups: <code>scalinglaws.laws.{module}.PARAMS</code>.</p>"
    )
    return (
        '<div class="admonition quote" id="cite-this-law"><p class="admonition-title">Cite this law</p>'
        f'<div class="arithmatex">\\[{html.escape(law.FORM)}\\]</div>{constants}'
        f"<p>BibTeX (<code>scalinglaws cite {module}</code>): this package, the source study, SLDBench.</p>"
        f"<pre><code>{html.escape(cli.citation(module, 'bibtex'))}</code></pre></div>"
    )


def on_page_content(html, page, config, files):
    from scalinglaws import laws

    source = page.file.src_uri
    if source.startswith("laws/") and source.endswith(".ipynb"):
        module = source[len("laws/"):-len(".ipynb")]
        if module in laws.available():
            return html + _cite_box(module)
    return html
