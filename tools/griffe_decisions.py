"""A griffe extension (the API page's reader): a law's decision is documented with the
signature people call, not the one its notebook wrote.

A notebook writes ``def allocate(fitted, compute=None, params=None)`` under
``@LAW.decision(...)``; `scalinglaws.law.Law.decision` turns it into
``allocate(compute=None, params=None, *, constants=None, group=None)``: the law's constants
come in as ``fitted``, chosen by the caller's ``constants`` and ``group``. griffe reads the
source, so without this it shows the first.
"""

from __future__ import annotations

import griffe


class PublicDecisions(griffe.Extension):
    """Rewrite the signature of every function decorated with ``<law>.decision(...)``."""

    def on_function_instance(self, *, node, func: griffe.Function, agent, **kwargs) -> None:
        if not any(str(d.value).split("(")[0].endswith(".decision") for d in func.decorators):
            return
        own = list(func.parameters)[1:]  # without ``fitted``
        added = [griffe.Parameter(name, kind=griffe.ParameterKind.keyword_only, default="None")
                 for name in ("constants", "group") if name not in {p.name for p in own}]
        func.parameters = griffe.Parameters(*own, *added)
