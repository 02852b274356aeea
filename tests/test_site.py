"""The site builds with mkdocs --strict (no broken link, no missing page) and shows every law."""

from scalinglaws import laws


def test_every_law_has_a_page_listed_on_the_home_page(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    for module in laws.available():
        assert (built_site / "laws" / f"{module}.html").is_file()
        assert f'href="laws/{module}.html"' in home


def test_law_pages_open_with_their_card_and_end_with_a_citation_box(built_site):
    for module in laws.available():
        page = (built_site / "laws" / f"{module}.html").read_text(encoding="utf-8")
        card = page.index('id="law-card"')
        assert card < page.index("Cite this law") and "@software{scalinglaws" in page
        for part in ("Validation R2", "Held-out R2" if module != "chinchilla" else "No held-out split",
                     "Where not to trust it", "scalinglaws cite"):
            assert part in page[card:], (module, part)


def test_api_reference_has_every_law_and_no_raw_roles(built_site):
    api = (built_site / "api.html").read_text(encoding="utf-8")
    for name in ("least_squares", "validate_inputs", "nmae", "backtests_along", "Law", "Result"):
        assert name in api
    for module in laws.available():
        assert f"scalinglaws.laws.{module}" in api
    for role in (":func:", ":class:", ":mod:", ":meth:", ":data:", ":attr:"):
        assert role not in api, role


def test_the_decisions_table_and_the_adding_page(built_site):
    usage = (built_site / "usage.html").read_text(encoding="utf-8")
    for module in laws.available():
        decisions = laws.get(module).LAW.decisions
        assert all(f"<code>{name}</code>" in usage for name in decisions), module
    assert (built_site / "adding.html").is_file()


def test_the_home_page_answers_first(built_site):
    from scalinglaws import records, scores

    home = (built_site / "index.html").read_text(encoding="utf-8")
    table = home[home.index("<table>"):home.index("</table>")]
    assert home.index("<table>") < home.index("For each of the eight tasks")  # above the prose
    for module in laws.available():
        record = records.stored(module)
        assert f'href="laws/{module}.html"' in table, module
        headline = record.summary["headline"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        assert headline.split(" (")[0].replace("'", "&#x27;")[:30] in table or headline[:30] in table, module
        if module in scores.HELDOUT:
            assert f"{scores.HELDOUT[module]['v2']:.4g}"[:5] in table, module
    assert "no held-out split" in table and "held-out R2 v2" in table


def test_notebook_tables_drop_the_default_index_and_cards_hold_many_constants(built_site):
    import re

    for module in [*laws.available(), "index"]:
        page = (built_site / "laws" / f"{module}.html").read_text(encoding="utf-8")
        for table in re.findall(r'<table[^>]*class="dataframe"[^>]*>.*?</table>', page, re.S):
            heads = re.findall(r"<tr[^>]*>\s*<th[^>]*>(.*?)</th>", table.split("<tbody>")[-1], re.S)
            assert not heads or heads != [str(i) for i in range(len(heads))], (module, table[:200])
    lr_bsz = (built_site / "laws" / "lr_bsz.html").read_text(encoding="utf-8")
    card = lr_bsz[lr_bsz.index('class="law-card__constants"'):]
    assert card.index("<th>constant</th>") < card.index("</thead>")  # 18 constants: one per row


def test_decisions_need_their_group_and_the_api_shows_public_signatures(built_site):
    import html
    import re

    usage = (built_site / "usage.html").read_text(encoding="utf-8")
    assert "<code>u_shape --group GROUP</code>" in usage
    api = html.unescape(re.sub(r"<[^>]+>", "", (built_site / "api.html").read_text(encoding="utf-8")))
    assert "allocate(compute=None, params=None, *, constants=None, group=None)" in api
    assert "allocate(fitted" not in api and "experts_plan(fitted" not in api
