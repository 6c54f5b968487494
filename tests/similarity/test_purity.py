"""framja.similarity stays pure: no Django, so it runs in benchmarks, workers and notebooks."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import framja.similarity

PACKAGE = Path(framja.similarity.__file__).parent


def test_no_module_imports_django():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not [n for n in names if n.split(".")[0] in {"django", "ninja"}], path


def test_importing_the_library_loads_no_django_and_no_torch():
    code = (
        "import sys, framja.similarity, framja.similarity.benchmark; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'torch', 'sentence_transformers')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
