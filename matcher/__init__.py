"""loanmatch's matching engine: rule files → durable_rules → ranked, explained results.

Embedding API::

    from matcher import load_catalog
    catalog = load_catalog("rules")
    result = catalog.match(profile_dict, as_of=date(2026, 12, 1))
    result.to_dict()

A folder can also be given as content, relative path → text (a draft, never written)::

    catalog = load_catalog_from_content({"icbc/jyk.yaml": text})
"""

from __future__ import annotations

__all__ = [
    "load_catalog",
    "load_catalog_from_content",
    "Catalog",
    "CatalogError",
    "load_profile",
    "ProfileError",
]


def __getattr__(name):  # imported on first use: importing matcher compiles nothing
    if name in ("load_catalog", "load_catalog_from_content", "Catalog", "CatalogError"):
        from . import catalog

        return getattr(catalog, name)
    if name in ("load_profile", "ProfileError"):
        from .vocabulary import profile

        return getattr(profile, name)
    raise AttributeError(name)
