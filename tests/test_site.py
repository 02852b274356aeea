"""The site builds with mkdocs --strict (no broken link, no missing page) and lists every law."""

from scalinglaws import laws


def test_every_law_has_a_page_listed_on_the_home_page(built_site):
    home = (built_site / "index.html").read_text(encoding="utf-8")
    for module in laws.available():
        assert (built_site / "laws" / module / "index.html").is_file()
        assert f"laws/{module}/" in home


def test_law_pages_end_with_a_citation_box(built_site):
    for module in laws.available():
        page = (built_site / "laws" / module / "index.html").read_text(encoding="utf-8")
        assert "Cite this law" in page and "@software{scalinglaws" in page


def test_api_reference_is_generated_from_docstrings(built_site):
    api = (built_site / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("extrapolation_holdout", "least_squares", "validate_inputs", "nmae"):
        assert name in api
