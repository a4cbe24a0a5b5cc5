"""Requests gunicorn refuses before the app sees them still get problem documents."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from tests.support.gunicorn import clean_env, free_port, stop, wait_until_up
from tests.support.paths import REPO, RULES

KEY = "portal-key-for-gunicorn-test"

pytestmark = pytest.mark.slow


def raw_request(port: int, head: bytes) -> tuple[int, dict, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    header, _, body = data.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    fields = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), fields, body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    env = clean_env(
        LOANMATCH_RULES=str(RULES),
        LOANMATCH_API_KEYS=f"portal:{KEY}",
        LOANMATCH_BIND=f"127.0.0.1:{port}",
        LOANMATCH_WORKERS="1",
        LOANMATCH_DATA_DIR=str(tmp_path_factory.mktemp("var")),
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "service:app"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}", process)
        yield port
    finally:
        stop(process)


@pytest.mark.parametrize(
    "head,status",
    [
        (b"GET /v1/products HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 65536 + b"\r\n\r\n", 431),
        (b"GET /v1/products?q=" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /v1/products HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n", 400),
    ],
)
def test_gunicorn_refusals_are_problem_documents(server, head, status):
    got, fields, body = raw_request(server, head)
    assert got == status
    assert fields["Content-Type"] == "application/problem+json"
    doc = json.loads(body)
    assert doc["status"] == status and doc["type"].startswith("urn:loanmatch:problem:")
    assert b"aaaa" not in body  # the refused request is not echoed
