"""Every ```sh block of README.md and docs/*.md runs as written, against a real server.

A document is read top to bottom as a reader in one terminal would: variables set in
one block are there in the next. A block marked ``<!-- server -->`` (``… ./dev serve``)
starts real gunicorn with that block's own settings (API keys, LOANMATCH_AUTH) on a
free port, over a temporary copy of rules/ and data folder, leads in the real Redis
under a prefix of this run; the blocks' own ``API=`` / ``export LOANMATCH=`` lines are
pointed at it. curl runs with ``--fail-with-body``, so an HTTP error fails the block.
Blocks marked ``<!-- not-run: reason -->`` are skipped, and that list is kept short.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.docs.blocks import Block, blocks, documents, is_server
from tests.support.gunicorn import clean_env, free_port, stop, wait_until_up
from tests.support.paths import REPO

pytest_plugins = ("tests.support.redis_server",)
pytestmark = pytest.mark.slow

# The only blocks a reader runs somewhere else; each is marked in its document.
NOT_RUN = {"README.md": 2, "docs/screening.md": 1}
URL_VARIABLE = re.compile(r"^(\s*(?:export\s+)?(?:API|LOANMATCH)=)\S+", re.M)


@pytest.fixture
def workspace(tmp_path_factory, shared_redis):
    """A reader's checkout: rules/ and var/ of its own, the installed loanmatch in .venv.

    One per document: each page is followed from a fresh checkout, so that one page's
    walk-through (a retired product, say) never decides whether another page works."""
    root = tmp_path_factory.mktemp("checkout")
    shutil.copytree(REPO / "rules", root / "rules")
    (root / ".venv").symlink_to(Path(sys.prefix))
    shim = root / "shim"
    shim.mkdir()  # curl that fails on an HTTP error, as the docs' readers would notice one
    (shim / "curl").write_text(f'#!/bin/sh\nexec {shutil.which("curl")} --fail-with-body "$@"\n')
    (shim / "curl").chmod(0o755)
    kwargs = shared_redis.connection_pool.connection_kwargs
    prefix = f"loanmatch-test:docs-{uuid.uuid4().hex[:8]}:"
    settings = {
        "LOANMATCH_RULES": str(root / "rules"),
        "LOANMATCH_DATA_DIR": str(root / "var"),
        "LOANMATCH_REDIS_URL": f"redis://{kwargs.get('host', '127.0.0.1')}:"
        f"{kwargs.get('port', 6379)}/0",
        "LOANMATCH_REDIS_PREFIX": prefix,
    }
    yield root, settings
    for key in shared_redis.scan_iter(match=prefix + "*", count=1000):
        shared_redis.delete(key)


class Reader:
    """One terminal: runs blocks in order, keeps their variables, starts servers."""

    def __init__(self, root: Path, settings: dict[str, str]):
        self.root, self.settings = root, settings
        self.state = root / f"state-{uuid.uuid4().hex[:6]}.sh"
        self.state.write_text("")
        self.server = None
        self.base = None
        self.env = {
            **clean_env(**settings),
            "PATH": os.pathsep.join(
                [str(root / "shim"), str(Path(sys.prefix) / "bin"), os.environ.get("PATH", "")]
            ),
        }
        baseline = subprocess.run(
            ["bash", "-c", "compgen -v"], env=self.env, capture_output=True, text=True, check=True
        ).stdout.split()
        self.ignore = set(baseline) | {"_name"}

    def start(self, block: Block) -> None:
        """The block's ``NAME=value … ./dev serve``, as real gunicorn on a free port."""
        self.stop()
        words = shlex.split(block.text.replace("\\\n", " "), comments=True)
        assignments = {}
        while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
            name, _, value = words.pop(0).partition("=")
            assignments[name] = value
        assert words == ["./dev", "serve"], f"{block.where}: a server block runs ./dev serve"
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        env = clean_env(**self.settings, **assignments, LOANMATCH_WORKERS="2")
        self.server = subprocess.Popen(
            [sys.executable, "-m", "loanmatch_cli", "serve", "--port", str(port)],
            cwd=self.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        wait_until_up(self.base, self.server)

    def run(self, block: Block) -> None:
        text = URL_VARIABLE.sub(
            lambda m: m.group(1) + (self.base or "http://127.0.0.1:1"), block.text
        )
        ignore = " ".join(sorted(self.ignore))
        script = (
            f"set -euo pipefail\nsource {shlex.quote(str(self.state))}\n{text}\n"
            f"for _name in $(compgen -v); do case ' {ignore} ' in *\" $_name \"*) ;; "
            f'*) declare -p "$_name";; esac; done > {shlex.quote(str(self.state))}\n'
        )
        done = subprocess.run(
            ["bash", "-c", script],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, (
            f"{block.where}: the block failed (exit {done.returncode}):\n{block.text}\n"
            f"--- stdout ---\n{done.stdout[-3000:]}\n--- stderr ---\n{done.stderr[-3000:]}"
        )

    def stop(self) -> None:
        if self.server is not None:
            out, err = stop(self.server)
            assert "Traceback" not in err, err[-3000:]
            self.server = None


def shell_blocks(path: Path) -> list[Block]:
    return blocks(path, "sh")


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_shell_block_runs_as_written(path, workspace):
    reader = Reader(*workspace)
    found = shell_blocks(path)
    skipped = [b for b in found if b.not_run]
    assert len(skipped) == NOT_RUN.get(path.relative_to(REPO).as_posix(), 0), [
        f"{b.where}: {b.not_run}" for b in skipped
    ]
    try:
        for block in found:
            if block.not_run:
                continue
            if is_server(path, block):
                reader.start(block)
            else:
                reader.run(block)
    finally:
        reader.stop()


def test_a_failing_block_fails_the_test(workspace, tmp_path):
    """The harness itself: an HTTP error and a failing command each fail their block."""
    doc = tmp_path / "doc.md"
    doc.write_text(
        "<!-- server -->\n```sh\nLOANMATCH_AUTH=off ./dev serve\n```\n\n"
        "```sh\nAPI=http://127.0.0.1:8000\nWHERE=$API/v1/products\n```\n\n"
        "```sh\ncurl -s $WHERE > /dev/null\n```\n\n"
        "```sh\ncurl -s $API/v1/no-such-thing\n```\n",
        encoding="utf-8",
    )
    reader = Reader(*workspace)
    server, define, good, missing = shell_blocks(doc)
    try:
        reader.start(server)
        reader.run(define)
        reader.run(good)  # $WHERE carried over from the block before
        with pytest.raises(AssertionError, match="exit 22"):
            reader.run(missing)
    finally:
        reader.stop()
