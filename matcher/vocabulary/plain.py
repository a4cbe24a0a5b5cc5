"""Values as JSON holds them: the one Decimal → number rule of facts, rulesets and results.

Money and ratios are Decimal inside the matcher (never float arithmetic); JSON has one
number type. A whole Decimal becomes an int, any other a float: bounds and profile
values carry at most a few decimals, which a float's shortest repr writes digit for
digit. durable_rules' facts and rules and the result documents must agree on this, or
a bound of ``5.0`` would compare unlike ``5``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def plain(value: Any) -> Any:
    """JSON-ready: Decimal → int/float, dates → ISO 8601, tuples → lists (recursively)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
