"""Shared by the workbench tests: an app on a copy of the repository's rules, keys, sign-in.

PYTEST_DONT_REWRITE
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from service import create_app

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"
EXAMPLE = json.loads((REPO / "workbench" / "example_profile.json").read_text(encoding="utf-8"))
BANKS = sorted(p.name for p in RULES.iterdir() if p.is_dir() and not p.name.startswith("_"))
KEYS = {
    "portal": "portal-workbench-key-0001",
    "admin": "admin-workbench-key-00001",
    **{bank: f"{bank}-workbench-key-{'0' * 8}" for bank in BANKS},
}
SECRET = "workbench-test-secret-" + "x" * 20


def api_keys(without: tuple[str, ...] = ()) -> str:
    return ",".join(
        f"{'bank:' + who if who in BANKS else who}:{key}"
        for who, key in KEYS.items()
        if who not in without
    )


def copy_rules(dest: Path) -> Path:
    shutil.copytree(RULES, dest)
    return dest


def redis_url(client) -> str:
    kwargs = client.connection_pool.connection_kwargs
    return f"redis://{kwargs['host']}:{kwargs['port']}/{kwargs.get('db', 0)}"


def make_app(rules: Path, url: str, prefix: str, data_dir: Path, **settings):
    config = {
        "LOANMATCH_RULES": str(rules),
        "LOANMATCH_API_KEYS": api_keys(),
        "LOANMATCH_RATE_LIMIT": "off",
        "LOANMATCH_LOG_JSON": "off",
        "LOANMATCH_REDIS_URL": url,
        "LOANMATCH_REDIS_PREFIX": prefix,
        "LOANMATCH_DATA_DIR": str(data_dir),
        "LOANMATCH_WATCH": "off",
        "LOANMATCH_UI_SECRET": SECRET,
    }
    config.update(settings)
    return create_app(config)


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client, key: str, root: str = ""):
    """Sign ``client`` in with ``key``; the response to the sign-in post."""
    token = csrf(client.get(f"{root}/ui/signin").get_data(as_text=True))
    return client.post(f"{root}/ui/signin", data={"csrf_token": token, "api_key": key})


def bearer(who: str) -> dict:
    return {"Authorization": f"Bearer {KEYS[who]}"}
