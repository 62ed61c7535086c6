"""The installed package: its version is the command's, it ships its type stubs, and every
public function, class and attribute has a docstring."""

from __future__ import annotations

import inspect
from pathlib import Path

import tandem
from conftest import run_cli


def test_the_version_is_the_commands(tandem_binary):
    assert tandem.__version__ and tandem.__version__ in run_cli(tandem_binary, "--version")


def test_the_stubs_are_installed_and_name_every_public_name():
    folder = Path(tandem.__file__).parent
    assert (folder / "py.typed").is_file()
    stubs = (folder / "__init__.pyi").read_text(encoding="utf-8")
    for name in tandem.__all__:
        assert f"def {name}(" in stubs or f"class {name}" in stubs, name


def test_everything_public_has_a_docstring():
    missing = []
    for name in tandem.__all__:
        value = getattr(tandem, name)
        if not inspect.getdoc(value):
            missing.append(name)
        if inspect.isclass(value):
            for attribute, member in vars(value).items():
                if attribute.startswith("_"):
                    continue
                if not inspect.getdoc(member):
                    missing.append(f"{name}.{attribute}")
    assert not missing
