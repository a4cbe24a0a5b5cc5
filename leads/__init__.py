"""Leads: an enterprise's application routed to a bank branch over Redis, and followed to
its outcome. ``LeadStore`` is the entry point; ``connect`` makes its Redis client and
``load_branches`` reads the branch files. See ``store.py``.
"""

from .branches import Branch, load_branch_file, load_branches
from .errors import (
    BranchFileError,
    ConfigError,
    DuplicateLead,
    IdempotencyConflict,
    InvalidInput,
    InvalidTransition,
    LeadError,
    NoBranch,
    NotAllowed,
    NotFound,
    StoreUnavailable,
)
from .lifecycle import DECLINE_REASONS, STATUSES
from .redisconn import connect
from .store import CreateResult, LeadStore

__all__ = [
    "Branch",
    "BranchFileError",
    "ConfigError",
    "CreateResult",
    "DECLINE_REASONS",
    "DuplicateLead",
    "IdempotencyConflict",
    "InvalidInput",
    "InvalidTransition",
    "LeadError",
    "LeadStore",
    "NoBranch",
    "NotAllowed",
    "NotFound",
    "STATUSES",
    "StoreUnavailable",
    "connect",
    "load_branch_file",
    "load_branches",
]
