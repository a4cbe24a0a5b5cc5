"""Bank product sheets and the reverse parser that turns them into rule files.

``product_catalog.parser`` reads a sheet as a bank publishes it and writes the
rule-file dict of ``docs/rules.md``; ``banks`` and ``regions`` are the name
tables it reads bank and place names with.
"""
