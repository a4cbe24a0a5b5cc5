"""The README's regenerate step, run as written, gives back the committed scenario file:
scenarios keep their evaluation date, so regenerating an unchanged product dirties no diff."""

import contextlib
import re
import shlex
import shutil

from click.testing import CliRunner

from loanmatch_cli.main import main
from tests.support.paths import REPO


def _regenerate_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"`(loanmatch test --generate [^`]+)`", text)


def test_the_readme_regenerate_step_reproduces_the_committed_scenarios(tmp_path):
    commands = _regenerate_commands()
    assert commands, "the README no longer shows how to regenerate scenarios"
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    for command in commands:
        args = shlex.split(command)[1:]
        product = next(a for a in args if a.endswith(".yaml"))
        scenarios = product.removesuffix(".yaml") + ".test.yaml"
        with contextlib.chdir(tmp_path):
            result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        regenerated = (tmp_path / scenarios).read_text(encoding="utf-8")
        assert regenerated == (REPO / scenarios).read_text(encoding="utf-8"), (
            f"`{command}` rewrites {scenarios}: give it the file's --as-of"
        )
