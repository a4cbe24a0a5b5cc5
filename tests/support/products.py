"""Products built through the real rule reader, as a rule file would be read."""

from __future__ import annotations

from matcher.rulefile.product import read_product
from matcher.rulefile.source import Location


def product(eligibility, pid="p", bank="bank", **extra):
    """A Product from a plain dict, read exactly as a rule file would be."""
    data = {"id": pid, "bank": bank, "name": pid, "eligibility": eligibility, **extra}
    built, problems = read_product(data, "<test>", Location("<test>", 1, 1))
    assert built is not None, [str(p) for p in problems]
    return built
