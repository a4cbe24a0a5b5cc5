"""Sign-in sessions kept on the server, in Redis; the browser holds only a signed id.

Why server-side: the API key a person signs in with must never reach the browser.
The cookie carries a random session id, signed (``itsdangerous``) so that a forged
or expired one is refused before Redis is asked; Redis keeps the key, the role and
the CSRF token under the *hash* of the id, so someone reading Redis cannot replay a
cookie. A session ends at its expiry (Redis TTL and the signature's age), on sign-out,
or as soon as its key is no longer configured.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "loanmatch_ui"
PRE_COOKIE = "loanmatch_ui_signin"  # CSRF token of the sign-in form (before a session)


@dataclass(frozen=True)
class Session:
    sid: str
    key: str  # the API key: server-side only
    role: str
    csrf: str


class SessionStore:
    """Sessions in ``client`` (a redis.Redis with decoded responses) under ``prefix``."""

    def __init__(self, client, prefix: str, secret: str, seconds: int):
        self.client = client
        self.prefix = prefix + "ui:session:"
        self.signer = URLSafeTimedSerializer(secret, salt="loanmatch-workbench-session")
        self.seconds = seconds

    def _key(self, sid: str) -> str:
        return self.prefix + hashlib.sha256(sid.encode()).hexdigest()

    def create(self, key: str, role: str) -> tuple[Session, str]:
        """A new session, and the cookie value that names it."""
        session = Session(secrets.token_urlsafe(32), key, role, secrets.token_urlsafe(32))
        self.client.hset(
            self._key(session.sid), mapping={"key": key, "role": role, "csrf": session.csrf}
        )
        self.client.expire(self._key(session.sid), self.seconds)
        return session, self.signer.dumps(session.sid)

    def load(self, cookie: str | None) -> Session | None:
        if not cookie:
            return None
        try:
            sid = self.signer.loads(cookie, max_age=self.seconds)
        except BadSignature:
            return None
        data = self.client.hgetall(self._key(sid)) if isinstance(sid, str) else None
        if not data or not {"key", "role", "csrf"} <= set(data):
            return None
        return Session(sid, data["key"], data["role"], data["csrf"])

    def end(self, session: Session) -> None:
        self.client.delete(self._key(session.sid))


def same_token(expected: str | None, given: str | None) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), str(given).encode())
