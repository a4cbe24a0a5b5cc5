"""The ids a bank and a product go by, checked the same everywhere they arrive.

A bank id is a rules folder's name, an API key's role (``bank:icbc``), a profile's
``bank_relationships`` entry and a lead's bank: lower-case letters, digits and ``_``,
never ``-`` (a product id is ``<bank>-<slug>``, so a bank id with ``-`` would make
``icbc-x-y`` ambiguous) and never a leading ``_`` (``_profiles`` is no bank).
"""

from __future__ import annotations

import re

from .fields import BANK_ID_MAX

BANK_ID_TEXT = rf"[a-z0-9][a-z0-9_]{{0,{BANK_ID_MAX - 1}}}"
PRODUCT_ID_TEXT = r"[a-z0-9][a-z0-9_-]{0,63}"
# (?!\n): Python's $ also matches before a final newline; these read alike in OpenAPI
BANK_ID = re.compile(rf"^{BANK_ID_TEXT}$(?!\n)")
PRODUCT_ID = re.compile(rf"^{PRODUCT_ID_TEXT}$(?!\n)")
BANK_ID_SCHEMA = f"^{BANK_ID_TEXT}$"  # for JSON Schema and OpenAPI documents
PRODUCT_ID_SCHEMA = f"^{PRODUCT_ID_TEXT}$"
BANK_ID_RULE = f"lower-case letters, digits and '_' (not first), at most {BANK_ID_MAX}"
