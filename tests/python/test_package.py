"""The installed package: its version is the command's, it ships its type stubs, and every
public function, class and attribute has a docstring."""

from __future__ import annotations

import ast
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


def _stub_signatures() -> dict[str, inspect.Signature]:
    """The stubs' functions and Translator's methods, by name ("Translator.translate"), as
    signatures (parameter names, kinds and defaults; the annotations are left out)."""
    tree = ast.parse((Path(tandem.__file__).parent / "__init__.pyi").read_text(encoding="utf-8"))
    found: dict[str, inspect.Signature] = {}

    def signature(node: ast.FunctionDef) -> inspect.Signature:
        a = node.args
        P = inspect.Parameter
        params: list[inspect.Parameter] = []
        positional = a.posonlyargs + a.args
        defaults = [P.empty] * (len(positional) - len(a.defaults)) + [
            ast.literal_eval(d) for d in a.defaults]
        for i, (arg, default) in enumerate(zip(positional, defaults)):
            kind = P.POSITIONAL_ONLY if i < len(a.posonlyargs) else P.POSITIONAL_OR_KEYWORD
            params.append(P(arg.arg, kind, default=default))
        if a.vararg:
            params.append(P(a.vararg.arg, P.VAR_POSITIONAL))
        for arg, default in zip(a.kwonlyargs, a.kw_defaults):
            params.append(P(arg.arg, P.KEYWORD_ONLY,
                            default=P.empty if default is None else ast.literal_eval(default)))
        if a.kwarg:
            params.append(P(a.kwarg.arg, P.VAR_KEYWORD))
        return inspect.Signature(params)

    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found[node.name] = signature(node)
        elif isinstance(node, ast.ClassDef) and node.name == "Translator":
            for member in node.body:
                if isinstance(member, ast.FunctionDef) and not any(
                        isinstance(d, ast.Name) and d.id == "property"
                        for d in member.decorator_list):
                    found[f"Translator.{member.name}"] = signature(member)
    return found


def _plain(sig: inspect.Signature) -> inspect.Signature:
    return sig.replace(parameters=[p.replace(annotation=inspect.Parameter.empty)
                                   for p in sig.parameters.values()],
                       return_annotation=inspect.Signature.empty)


def test_the_stubs_signatures_are_the_packages():
    stubs = _stub_signatures()
    actual: dict[str, inspect.Signature] = {}
    for name in tandem.__all__:
        value = getattr(tandem, name)
        if inspect.isfunction(value):
            actual[name] = _plain(inspect.signature(value))
    for name, member in vars(tandem.Translator).items():
        if inspect.isfunction(member) and (not name.startswith("_") or name == "__init__"):
            actual[f"Translator.{name}"] = _plain(inspect.signature(member))
    assert actual  # the package's functions were found
    for name, sig in actual.items():
        assert name in stubs, f"{name} is missing from the stubs"
        assert str(stubs[name]) == str(sig), name
