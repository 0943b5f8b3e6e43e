"""docs/rules.md is printed from the tables; it must not drift from them."""

from __future__ import annotations

from simulator._presentation.rules_doc import render_rules
from tests.helpers import PROJECT_ROOT

RULES_MD = PROJECT_ROOT / "docs" / "rules.md"


def test_rules_md_is_the_tables_as_printed_today() -> None:
    assert RULES_MD.read_text(encoding="utf-8") == render_rules(), (
        "docs/rules.md is stale: regenerate it with `vss-sim rules > docs/rules.md`"
    )
