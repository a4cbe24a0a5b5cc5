"""The README's portal example runs as written under real gunicorn, in a checkout or not.

gunicorn reads ``./gunicorn.conf.py`` when started beside it; its hooks once assumed
``service:app`` and killed a portal's master with ``KeyError: 'loanmatch'``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

from tests.docs.blocks import blocks
from tests.support.gunicorn import call, clean_env, free_port, stop, wait_until_up
from tests.support.paths import REPO

pytestmark = pytest.mark.slow


def portal_source() -> str:
    [block] = [b for b in blocks(REPO / "README.md", "python") if "DispatcherMiddleware" in b.text]
    return block.text


def portal_command(port: int) -> list[str]:
    [block] = [b for b in blocks(REPO / "README.md", "sh") if "--preload" in b.text]
    argv = block.text.split()
    assert argv[0] == "gunicorn", block.text
    argv[argv.index("127.0.0.1:8080")] = f"127.0.0.1:{port}"
    return [sys.executable, "-m", *argv]


@pytest.mark.parametrize("beside_config", [True, False], ids=["in-checkout", "elsewhere"])
def test_readme_portal_runs_under_gunicorn(tmp_path, beside_config):
    (tmp_path / "portal.py").write_text(portal_source(), encoding="utf-8")
    if beside_config:  # the checkout's config, which gunicorn loads on its own
        shutil.copy(REPO / "gunicorn.conf.py", tmp_path / "gunicorn.conf.py")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = clean_env(LOANMATCH_WORKERS="1", LOANMATCH_DATA_DIR=str(tmp_path / "var"))
    process = subprocess.Popen(
        portal_command(port), cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        wait_until_up(base + "/loans", process)
        status, _, body = call(base + "/")
        assert status == 200 and "/loans/docs" in body.decode()
        status, _, body = call(base + "/loans/openapi.json")
        assert status == 200 and json.loads(body)["servers"] == [{"url": "/loans"}]
        status, _, body = call(
            base + "/loans/v1/match",
            json.loads(
                (REPO / "rules/_profiles/tangshan-manufacturer.json").read_text(encoding="utf-8")
            ),
            {"Authorization": "Bearer change-me-to-a-long-random-key"},
        )
        assert status == 200, body
        assert json.loads(body)["summary"]["eligible"] > 0
        assert process.poll() is None
    finally:
        out, err = stop(process)
    assert "KeyError" not in err and "Traceback" not in err, err
