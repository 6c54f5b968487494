"""framja.disclosure stays pure: no Django, so pages, the API, exports and audits share it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import framja.disclosure

PACKAGE = Path(framja.disclosure.__file__).parent


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


def test_importing_the_library_loads_no_django():
    code = (
        "import sys, framja.disclosure; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'ninja')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
