"""The reverse parser: a bank's product sheet (plain text) → a rule file.

parsed = parse_file("product_catalog/sheets/abc/nashui-edai.txt")
parsed.rule_file      # the dict of docs/rules.md
parsed.warnings       # "path:line: unparsed: <clause>" and other notes
dump_rule_file(parsed.rule_file)   # YAML for rules/<bank>/<slug>.yaml
"""

from .assemble import ParsedSheet, SheetError, parse_file, parse_sheet
from .dump import dump_rule_file

__all__ = ["ParsedSheet", "SheetError", "parse_file", "parse_sheet", "dump_rule_file"]
