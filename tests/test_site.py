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
