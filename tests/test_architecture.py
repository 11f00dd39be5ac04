"""The parts of the code and the arrows between them that must never exist, read from the imports.

Pages and API are siblings over the selectors: no module under positions/pages imports positions.api
(issue "The read path at scale", point 4). The other forbidden arrows are those of
../shared/architecture.json, checked where that file is beside the clone.
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import BASE_DIR, shared


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at its top or inside a function, relative imports made absolute;
    `from a import b` counts as both `a` and `a.b` (b may be a module)."""
    package = ".".join(path.relative_to(BASE_DIR).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def module_file(module: str) -> str | None:
    """The project path of a module (as architecture.json writes paths), or None outside the project."""
    path = BASE_DIR.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.exists():
            return candidate.relative_to(BASE_DIR).as_posix()
    return None


def python_files(folder: str) -> list[Path]:
    return sorted((BASE_DIR / folder).rglob("*.py"))


def test_it_finds_the_imports_of_every_kind():
    sample = BASE_DIR / "positions" / "pages" / "views.py"
    found = imported_modules(sample)
    assert {"positions.selectors", "positions.pages.csv", "django.shortcuts"} <= found


def test_no_page_module_imports_the_api():
    pages = python_files("positions/pages")
    assert pages
    offending = {
        (path.relative_to(BASE_DIR).as_posix(), module)
        for path in pages
        for module in imported_modules(path)
        if module == "positions.api" or module.startswith("positions.api.")
    }
    assert offending == set()


def test_no_forbidden_arrow_of_the_architecture_exists():
    architecture = json.loads(shared("architecture.json").read_text(encoding="utf-8"))

    def part_of(path: str) -> str | None:
        for name, part in architecture["parts"].items():
            if any(path == place or (place.endswith("/") and path.startswith(place)) for place in part["is"]):
                return name
        return None

    never = {(source, target): why for source, target, why in architecture["never"]}
    broken = []
    for path in python_files("positions"):
        source = part_of(path.relative_to(BASE_DIR).as_posix())
        for module in imported_modules(path):
            target_file = module_file(module) if module.startswith("positions") else None
            target = target_file and part_of(target_file)
            if (source, target) in never:
                broken.append(f"{path.relative_to(BASE_DIR)} imports {module}: {never[(source, target)]}")
    assert broken == []


def test_the_web_server_loads_neither_the_language_models_nor_the_fingerprinting_library():
    """A web process (the WSGI application and every URL) does not import what only the worker needs: spaCy
    and scikit-learn, and datasketch, whose package imports SciPy (some 70 MB a process)."""
    program = (
        "import sys, django; django.setup(); import tracker.wsgi, tracker.urls; "
        "print(' '.join(m for m in ('datasketch', 'scipy', 'spacy', 'sklearn') if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings"}
    found = subprocess.run([sys.executable, "-c", program], cwd=BASE_DIR, env=env, capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == []
