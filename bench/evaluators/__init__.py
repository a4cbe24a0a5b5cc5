"""Peers of loanmatch's matching path, for ``bench/compare.py`` and the agreement test.

Each module here decides the same catalog another way: ``python_eval`` walks the
rule tree (the reference semantics), ``numpy_eval`` evaluates one profile against
every product with array operations (the practical lower bound), ``zen_eval``
translates the catalog into a GoRules zen-engine decision table (the engine a user
would otherwise pick). They share one vocabulary: a product's outcome is
``matcher.rulefile.condition.PASS``, ``FAIL`` or ``UNKNOWN``, and products are numbered in
the order they were given.
"""
