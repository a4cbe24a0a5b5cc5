"""Every LOANMATCH_* variable the service reads is in the README's configuration table.

The table is the one list an operator reads; a variable added in code and not there is a
setting nobody can find, and one left there after the code stopped reading it misleads.
"""

import re

from tests.support.paths import REPO

NAME = re.compile(r"LOANMATCH_[A-Z_]*[A-Z]")
# Set by the service for its own processes (a master re-executing itself, gunicorn's metrics
# folder), never by an operator: the README would only invite someone to set them.
INTERNAL = {"LOANMATCH_HANDOFF", "LOANMATCH_METRICS_TMP"}


def read_in_code() -> set[str]:
    sources = [REPO / "service.py", REPO / "gunicorn.conf.py"]
    for init in REPO.glob("*/__init__.py"):  # every package the service ships
        if init.parent.name not in ("tests", "bench"):
            sources += init.parent.rglob("*.py")
    return {
        name for path in sources for name in NAME.findall(path.read_text(encoding="utf-8"))
    } - INTERNAL


def documented() -> set[str]:
    readme = REPO.joinpath("README.md").read_text(encoding="utf-8")
    table = readme.split("### Configuration", 1)[1]
    return set(re.findall(r"^\| `(LOANMATCH_[A-Z_]+)`", table, flags=re.MULTILINE))


def test_every_variable_the_code_reads_is_in_the_readme_table():
    missing = read_in_code() - documented()
    assert not missing, f"add to README.md's configuration table: {sorted(missing)}"


def test_the_readme_table_names_no_variable_the_code_does_not_read():
    stale = documented() - read_in_code()
    assert not stale, f"README.md documents variables nothing reads: {sorted(stale)}"
