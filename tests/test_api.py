import ast
from pathlib import Path

import cemkit


def test_public_surface_is_sorted_and_importable() -> None:
    """The package exports a small, sorted public surface, each name importable."""
    assert cemkit.__all__ == sorted(cemkit.__all__)
    for name in cemkit.__all__:
        assert getattr(cemkit, name) is not None


def test_core_does_not_import_mkdocs() -> None:
    """Only the adapter module imports MkDocs, so the core outlives the platform."""
    package = Path(cemkit.__file__).parent
    for module in package.glob("*.py"):
        if module.name == "plugin.py":
            continue
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imported = [
            alias.name if isinstance(node, ast.Import) else (node.module or "")
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in (node.names if isinstance(node, ast.Import) else [node.names[0]])
        ]
        assert not any(name.split(".")[0] == "mkdocs" for name in imported), module.name
