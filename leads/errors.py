"""The exceptions of the leads library, each carrying the HTTP status it stands for.

The HTTP layer catches ``LeadError`` once and answers ``err.http_status`` with
``str(err)``; the subclasses add the data a client needs (the existing lead's id
for a duplicate, ``retry_after`` for an unavailable store), so no handler has to
parse a message.
"""

from __future__ import annotations


class LeadError(Exception):
    """Base of every error this package raises on purpose."""

    http_status = 500


class StoreUnavailable(LeadError):
    """Redis cannot be reached, is loading, or refuses writes: answer 503 with Retry-After."""

    http_status = 503

    def __init__(self, message: str, retry_after: int = 5):
        super().__init__(message)
        self.retry_after = retry_after


class NotFound(LeadError):
    """No such lead *for this caller*: another bank's lead is reported the same way, not as 403,
    so that a bank cannot learn which lead ids exist."""

    http_status = 404


class NotAllowed(LeadError):
    """The caller's role may never make this change (a bank withdrawing, a portal approving)."""

    http_status = 403


class InvalidInput(LeadError):
    """A value the caller sent is unusable; ``field`` names it (dotted, e.g. ``consent.at``)."""

    http_status = 422

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


class DuplicateLead(LeadError):
    """The same enterprise already applied for the same product within the dedup window."""

    http_status = 409

    def __init__(self, existing_id: str):
        super().__init__(f"this enterprise already applied for this product: lead {existing_id}")
        self.existing_id = existing_id


class IdempotencyConflict(LeadError):
    """An Idempotency-Key reused with a different request: replaying the first answer would lie."""

    http_status = 422

    def __init__(self, existing_id: str):
        super().__init__(
            f"Idempotency-Key was already used for a different request (lead {existing_id})"
        )
        self.existing_id = existing_id


class InvalidTransition(LeadError):
    """The lead's current status does not allow the requested one."""

    http_status = 409

    def __init__(self, lead_id: str, current: str, requested: str):
        super().__init__(f"lead {lead_id} is {current}; it cannot become {requested}")
        self.current = current
        self.requested = requested


class NoBranch(LeadError):
    """No branch of the bank serves the enterprise's region, so the lead has nowhere to go."""

    http_status = 422

    def __init__(self, bank: str, region_code: str, reason: str = ""):
        super().__init__(reason or f"no branch of bank {bank} serves region {region_code}")
        self.bank = bank
        self.region_code = region_code


class ConfigError(LeadError):
    """The service is misconfigured (a branch file, the Redis URL): an operator must act."""

    http_status = 500


class BranchFileError(ConfigError):
    """One or more problems in ``_branches.yaml`` files, each as ``path:line:column: message``."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems
