"""A published or retired rule file keeps its mode; a new one gets the folder's usual."""

from __future__ import annotations

import os
import stat

from tests.support.editing_api import (  # noqa: F401  (fixtures)
    JINGYING,
    app,
    auth,
    client,
    put,
    rules,
)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_published_file_keeps_its_mode(client, rules):
    path = rules / "icbc" / "jingying.yaml"
    os.chmod(path, 0o644)
    edited = JINGYING.replace("value: 20000", "value: 10000")
    assert put(client, "icbc", "icbc", "icbc-jingying", edited).status_code == 200
    assert path.read_text(encoding="utf-8") == edited
    assert mode(path) == 0o644
    os.chmod(path, 0o640)
    assert put(client, "icbc", "icbc", "icbc-jingying", JINGYING).status_code == 200
    assert mode(path) == 0o640


def test_a_new_file_gets_the_usual_mode(client, rules):
    old = os.umask(0o022)
    try:
        text = JINGYING.replace("icbc-jingying", "icbc-xin-dai")
        assert put(client, "icbc", "icbc", "icbc-xin-dai", text).status_code == 201
    finally:
        os.umask(old)
    assert mode(rules / "icbc" / "xin-dai.yaml") == 0o644


def test_a_retired_file_keeps_its_mode(client, rules, tmp_path):
    edited = JINGYING.replace("value: 20000", "value: 10000")
    os.chmod(rules / "icbc" / "jingying.yaml", 0o644)
    assert put(client, "icbc", "icbc", "icbc-jingying", edited).status_code == 200
    response = client.delete("/v1/banks/icbc/products/icbc-jingying", headers=auth("icbc"))
    assert response.status_code == 200, response.get_json()
    names = {rel.rsplit("/", 1)[-1] for rel in response.get_json()["retired"]}
    retired = [p for p in (tmp_path / "var").rglob("*") if p.name in names]
    assert retired and all(mode(p) == 0o644 for p in retired if p.suffix == ".yaml"), [
        (p, oct(mode(p))) for p in retired
    ]
