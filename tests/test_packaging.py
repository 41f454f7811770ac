"""The installed package maps every source folder under one namespace."""

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOLDERS = {"reasmory": "reasmory", "grammar": "reasmory.grammar", "memory": "reasmory.memory",
           "interpreter": "reasmory.interpreter", "benchmarks": "reasmory.benchmarks"}


def test_every_python_package_folder_is_listed_in_pyproject() -> None:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    for folder, namespace in FOLDERS.items():
        for init in (REPO / folder).rglob("__init__.py"):
            rel = init.parent.relative_to(REPO / folder).parts
            assert ".".join((namespace, *rel)) in listed, f"{init.parent} is not packaged"


def test_no_generic_top_level_modules_are_installed() -> None:
    import reasmory.memory

    assert reasmory.memory.__name__ == "reasmory.memory"


def test_no_submodule_shadows_a_name_its_package_exports() -> None:
    """Importing a submodule sets it as an attribute of its package: one named like an exported function replaces
    the function for everyone imported later (`reasmory.interpreter.highlight` once did)."""
    import importlib
    import pkgutil

    packages = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    clashes: set[str] = set()
    for name in packages:
        package = importlib.import_module(name)
        exported = set(getattr(package, "__all__", ()))
        clashes |= {f"{name}.{m.name}" for m in pkgutil.iter_modules(package.__path__) if m.name in exported}
    assert not clashes
