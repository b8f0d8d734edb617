"""The package's shape: a complete public API over `_internal`, and layers that import only downwards."""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
import types
import typing
from pathlib import Path

import cemkit

PACKAGE = Path(cemkit.__file__).parent
LAYERS = ["content", "site", "build", "adapters", "cli"]
"""Each layer may import the ones before it, never those after it."""
MADE_BY_CEMKIT = {"Content", "KnowledgeBase", "SiteSource"}
"""Public classes that users receive but never construct: their constructors are not part of the API."""
ENGINE_ADAPTERS = {"_internal/adapters/mkdocs.py", "_internal/adapters/mkdocs_setup.py"}


def _imports(module: Path) -> list[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def _layer(name: str) -> int | None:
    parts = name.split(".")
    if parts[:2] != ["cemkit", "_internal"] or len(parts) < 3:
        return None
    return LAYERS.index(parts[2].removesuffix(".py")) if parts[2] in LAYERS else None


def test_layers_import_only_downwards_and_only_adapters_import_an_engine() -> None:
    modules = sorted(PACKAGE.rglob("*.py"))
    assert len(modules) > 30
    for module in modules:
        relative = module.relative_to(PACKAGE).as_posix()
        imported = _imports(module)
        engines = [name for name in imported if name.split(".")[0] in ("mkdocs", "properdocs")]
        assert relative in ENGINE_ADAPTERS or not engines, f"{relative} imports {engines}"
        own = _layer("cemkit." + relative.removesuffix(".py").replace("/", "."))
        if own is None:
            continue
        for name in imported:
            layer = _layer(name)
            assert layer is None or layer <= own, f"{relative} imports {name}, a layer above it"


def test_importing_cemkit_does_not_import_an_engine() -> None:
    code = "import sys, cemkit; print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'properdocs')))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_every_public_name_is_defined_documented_and_listed_once() -> None:
    assert len(cemkit.__all__) == len(set(cemkit.__all__))
    for name in cemkit.__all__:
        value = getattr(cemkit, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"cemkit.{name} has no docstring"
            assert value.__module__.startswith("cemkit._internal."), name
    public = {name for name in vars(cemkit) if not name.startswith("_")} - {"annotations"}
    modules = {name for name in public if isinstance(getattr(cemkit, name), types.ModuleType)}
    assert public - modules == set(cemkit.__all__)


def _types_in(annotation: object) -> set[type]:
    """The classes an annotation names, through unions and generics."""
    found: set[type] = set()
    if isinstance(annotation, type):
        found.add(annotation)
    for argument in typing.get_args(annotation):
        found |= _types_in(argument)
    origin = typing.get_origin(annotation)
    if isinstance(origin, type):
        found.add(origin)
    return found


def _signature_types(value: object) -> set[type]:
    """The classes named in the signatures of a public function, or of a public class's public methods."""
    if not (inspect.isclass(value) or inspect.isfunction(value)):
        return set()  # a constant such as LANGUAGES
    callables: list[object] = [value]
    if inspect.isclass(value):
        constructed = "__init__" in vars(value) and value.__name__ not in MADE_BY_CEMKIT
        callables = [value.__init__] if constructed else []
        callables += [
            member
            for name, member in vars(value).items()
            if not name.startswith("_") and (inspect.isfunction(member) or isinstance(member, property | classmethod))
        ]
    found: set[type] = set()
    for function in callables:
        target = function.fget if isinstance(function, property) else getattr(function, "__func__", function)
        if not inspect.isfunction(target):
            continue  # inherited from a library (pydantic's __init__ ...)
        found |= {t for hint in typing.get_type_hints(target).values() for t in _types_in(hint)}
    return found


def test_the_public_api_is_complete() -> None:
    """Every cemkit type a public signature takes or returns is public too, so users can name what they get."""
    exported = {id(getattr(cemkit, name)) for name in cemkit.__all__}
    missing = set()
    for name in cemkit.__all__:
        for used in _signature_types(getattr(cemkit, name)):
            if used.__module__.startswith("cemkit.") and id(used) not in exported:
                missing.add(f"{name} uses {used.__module__}.{used.__qualname__}")
    assert sorted(missing) == []
