"""The import contracts in pyproject.toml ([tool.importlinter]) hold, and they bite: a copy of the
tree in which skill/ imports webapp/ fails `lint-imports`, so breaking a layer fails `make test`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("shared_content", "skill", "webapp", "psoas_coach")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")  # from the lint extra (`make setup`)


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH first: the packages are found in `tree`, not in the editable install.
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(tree / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy_tree(dest: Path) -> Path:
    skip = shutil.ignore_patterns("__pycache__", "static", "templates", "data", "locales", "apl")
    for package in PACKAGES:
        shutil.copytree(ROOT / package, dest / package, ignore=skip)
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")
    return dest


def test_the_contracts_hold_for_the_tree_as_it_is(tmp_path):
    result = _lint_imports(_copy_tree(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_skill_importing_webapp_breaks_the_layers_and_the_independence(tmp_path):
    tree = _copy_tree(tmp_path)
    (tree / "skill" / "reaches_across.py").write_text("from webapp import web  # a layer broken on purpose\n")
    result = _lint_imports(tree)
    assert result.returncode != 0
    assert "skill.reaches_across -> webapp.web" in result.stdout
    assert "The voice and phone front ends never import each other BROKEN" in " ".join(result.stdout.split())


def test_a_front_end_importing_the_store_is_refused(tmp_path):
    tree = _copy_tree(tmp_path)
    (tree / "webapp" / "raw_sql.py").write_text("from shared_content.store import Store\n")
    result = _lint_imports(tree)
    assert result.returncode != 0
    assert "webapp.raw_sql -> shared_content.store" in result.stdout


def test_shared_content_importing_flask_is_refused(tmp_path):
    tree = _copy_tree(tmp_path)
    (tree / "shared_content" / "web_leak.py").write_text("import flask\n")
    result = _lint_imports(tree)
    assert result.returncode != 0
    assert "shared_content.web_leak -> flask" in result.stdout
