"""The house's layers hold themselves: `lint-imports` checks pyproject.toml's contracts.

CI runs only pytest (the README's test command), so this test is what enforces
the contracts: imports run downhill (cli -> front ends -> engine -> story ->
errors -> files, safetext), front ends never import each other, only the
player imports Textual, and no two sibling modules import each other.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = "import sys; from importlinter.cli import lint_imports_command as c; sys.exit(c())"


def lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the import linter of this interpreter's environment from the project root."""
    return subprocess.run([sys.executable, "-c", LINT_IMPORTS, "--no-cache", "--no-logo", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_the_layer_contracts_are_kept() -> None:
    done = lint_imports("--config", str(ROOT / "pyproject.toml"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout, done.stdout


def test_a_broken_layer_fails_the_linter(tmp_path: Path) -> None:
    """The linter reads this package and fails on an upward import (so the test above can fail)."""
    config = tmp_path / "upside-down.toml"
    config.write_text('[tool.importlinter]\nroot_package = "game"\n\n'
                      '[[tool.importlinter.contracts]]\nname = "story above errors"\n'
                      'type = "layers"\nlayers = ["game.errors", "game.story"]\n',
                      encoding="utf-8")
    done = lint_imports("--config", str(config))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "game.story is not allowed to import game.errors" in done.stdout, done.stdout


def test_every_top_level_module_has_a_floor() -> None:
    """A new module or package of game/ is named in the layers contract, or nothing checks it."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    contract = text[text.index('name = "layers'):]
    contract = contract[:contract.index("]") + 1]
    named = set(re.findall(r"game\.(\w+)", contract))
    package = ROOT / "game"
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    packages = {p.parent.name for p in package.glob("*/__init__.py")}
    assert (modules | packages) - named == set()
