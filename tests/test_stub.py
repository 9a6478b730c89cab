"""pyfront/tapeflow/_C.pyi (and _C/_testing.pyi) against the built module, so the stubs cannot
drift from the bindings: every public name of tapeflow._C has a stub entry and every stub entry
exists at runtime; the classes' C++ attributes and the enums' members agree; each stubbed
function's and method's parameters (names, which have defaults and their values, which are
positional-only) match the signature pybind11 writes on the first line of its __doc__.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from tapeflow import _C
from tapeflow._C import _testing

STUB = Path(_C.__file__).with_name("_C.pyi")
TESTING_STUB = Path(_C.__file__).with_name("_C") / "_testing.pyi"

# Defined only in a build with the CUDA backend (bindings/init_device.cpp).
CUDA_ONLY = {
    "gpu_properties",
    "gpu_memory_info",
    "reset_gpu_peak_memory",
    "gpu_synchronize",
    "set_tf32_enabled",
    "tf32_enabled",
}
CLASSES = ["Tensor", "Tape", "Program", "DType", "BinaryOp", "UnaryOp", "ReduceOp"]


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def is_stub_helper(node: ast.stmt) -> bool:
    """A type alias or Protocol that exists for the stub's annotations only."""
    if isinstance(node, ast.AnnAssign):
        return ast.unparse(node.annotation) == "TypeAlias"
    if isinstance(node, ast.ClassDef):
        return any(ast.unparse(base) == "Protocol" for base in node.bases)
    return False


def stub_entries(module: ast.Module) -> dict[str, list[ast.stmt]]:
    """Top-level name -> its definitions (several for an @overload'ed function)."""
    entries: dict[str, list[ast.stmt]] = {}
    for node in module.body:
        if is_stub_helper(node):
            continue
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            entries.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.AnnAssign):
            entries.setdefault(ast.unparse(node.target), []).append(node)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:  # a re-export: `from tapeflow._C import _testing as _testing`
                if alias.asname == alias.name:
                    entries.setdefault(alias.name, []).append(node)
    return entries


def is_public(name: str) -> bool:
    return not name.startswith("__") and not name.startswith("_pybind11")


def runtime_names(module) -> set[str]:
    return {name for name in dir(module) if is_public(name)}


MODULE_STUB = stub_entries(parse(STUB))
TESTING_STUB_ENTRIES = stub_entries(parse(TESTING_STUB))


def expected_absent() -> set[str]:
    return set() if _C.built_with_cuda else CUDA_ONLY


# --- names -----------------------------------------------------------------------------------


def test_every_public_name_of_the_module_has_a_stub_entry():
    missing = runtime_names(_C) - MODULE_STUB.keys()
    assert not missing, f"in tapeflow._C but not in _C.pyi: {sorted(missing)}"


def test_every_stub_entry_exists_in_the_module():
    extra = MODULE_STUB.keys() - runtime_names(_C) - expected_absent()
    assert not extra, f"in _C.pyi but not in tapeflow._C: {sorted(extra)}"


def test_cuda_only_names_exist_exactly_when_built_with_cuda():
    present = {name for name in CUDA_ONLY if hasattr(_C, name)}
    assert present == (CUDA_ONLY if _C.built_with_cuda else set())
    assert CUDA_ONLY <= MODULE_STUB.keys()


def test_testing_submodule_names_match_its_stub():
    assert runtime_names(_testing) == TESTING_STUB_ENTRIES.keys()


# --- signatures ------------------------------------------------------------------------------


def runtime_signatures(fn) -> list[ast.arguments]:
    """The parameter lists pybind11 wrote into fn.__doc__ (one per overload)."""
    lines = (fn.__doc__ or "").splitlines()
    name = fn.__name__
    if len(lines) > 1 and lines[1] == "Overloaded function.":
        signatures = [re.sub(r"^\d+\. ", "", line) for line in lines if re.match(r"^\d+\. ", line)]
    else:
        signatures = lines[:1]
    assert signatures and all(s.startswith(f"{name}(") for s in signatures), fn.__doc__
    return [ast.parse(f"def {s}: ...").body[0].args for s in signatures]


def parameters(args: ast.arguments) -> list[tuple[str, str | None]]:
    """(name, default) per parameter; an unnamed pybind11 argument (arg0, arg1, ...) and a
    positional-only stub parameter both read as "<positional>"."""
    ordered = [*args.posonlyargs, *args.args]
    defaults = [None] * (len(ordered) - len(args.defaults)) + list(args.defaults)
    out = []
    for param, default in zip(ordered, defaults, strict=True):
        positional = param in args.posonlyargs or re.fullmatch(r"arg\d+", param.arg)
        name = "<positional>" if positional and param.arg != "self" else param.arg
        out.append((name, None if default is None else ast.dump(default)))
    for param, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        out.append((f"*{param.arg}", None if default is None else ast.dump(default)))
    if args.vararg or args.kwarg:
        out.append(("*args/**kwargs", None))
    return out


def stub_functions(entries: dict[str, list[ast.stmt]]) -> dict[str, list[ast.FunctionDef]]:
    return {
        name: defs
        for name, defs in entries.items()
        if all(isinstance(d, ast.FunctionDef) for d in defs)
    }


def assert_signatures_match(where: str, fn, defs: list[ast.FunctionDef]) -> None:
    runtime = [parameters(a) for a in runtime_signatures(fn)]
    stubbed = [parameters(d.args) for d in defs]
    assert stubbed == runtime, (
        f"{where}: the stub's parameters {stubbed} differ from the binding's {runtime}"
    )
    for d in defs:
        assert d.returns is not None, f"{where}: the stub gives no return type"


@pytest.mark.parametrize("name", sorted(set(stub_functions(MODULE_STUB)) - expected_absent()))
def test_module_function_parameters_match_the_binding(name):
    assert_signatures_match(f"_C.{name}", getattr(_C, name), stub_functions(MODULE_STUB)[name])


@pytest.mark.parametrize("name", sorted(stub_functions(TESTING_STUB_ENTRIES)))
def test_testing_function_parameters_match_the_binding(name):
    defs = stub_functions(TESTING_STUB_ENTRIES)[name]
    assert_signatures_match(f"_C._testing.{name}", getattr(_testing, name), defs)


# --- classes ---------------------------------------------------------------------------------


def stub_class(name: str) -> ast.ClassDef:
    (node,) = MODULE_STUB[name]
    assert isinstance(node, ast.ClassDef)
    return node


def decorators(node: ast.FunctionDef) -> set[str]:
    return {ast.unparse(d) for d in node.decorator_list}


def defined_in_cpp(value) -> bool:
    """False for what Python installed on the class (tapeflow/_tensor.py's methods)."""
    fn = value.fget if isinstance(value, property) else value
    return not inspect.isfunction(fn)


def runtime_members(cls) -> dict[str, object]:
    return {n: v for n, v in vars(cls).items() if is_public(n) and defined_in_cpp(v)}


def stub_members(node: ast.ClassDef) -> dict[str, list[ast.stmt]]:
    members: dict[str, list[ast.stmt]] = {}
    for item in node.body:
        if isinstance(item, ast.FunctionDef):
            members.setdefault(item.name, []).append(item)
        elif isinstance(item, ast.AnnAssign):
            members.setdefault(ast.unparse(item.target), []).append(item)
    return {n: defs for n, defs in members.items() if is_public(n)}


@pytest.mark.parametrize("name", CLASSES)
def test_class_attributes_match_the_binding(name):
    runtime = runtime_members(getattr(_C, name))
    stubbed = stub_members(stub_class(name))
    assert stubbed.keys() == runtime.keys(), (
        f"{name}: only in the stub {sorted(stubbed.keys() - runtime.keys())}, "
        f"only at runtime {sorted(runtime.keys() - stubbed.keys())}"
    )


@pytest.mark.parametrize("name", CLASSES)
def test_class_properties_and_methods_match_the_binding(name):
    cls = getattr(_C, name)
    for member, defs in stub_members(stub_class(name)).items():
        value = vars(cls)[member]
        functions = [d for d in defs if isinstance(d, ast.FunctionDef)]
        if not functions:  # an enum member
            assert isinstance(value, cls), f"{name}.{member} is not a {name}"
            continue
        if "property" in decorators(functions[0]):
            assert isinstance(value, property), f"{name}.{member} is not a property"
            settable = any(f"{member}.setter" in decorators(f) for f in functions)
            assert settable == (value.fset is not None), f"{name}.{member}: setter differs"
        else:
            assert_signatures_match(f"{name}.{member}", value, functions)


@pytest.mark.parametrize("name", CLASSES)
def test_stubbed_constructors_match_the_binding(name):
    cls = getattr(_C, name)
    inits = [
        item
        for item in stub_class(name).body
        if isinstance(item, ast.FunctionDef) and item.name == "__init__"
    ]
    if inits:
        assert_signatures_match(f"{name}.__init__", cls.__init__, inits)
    else:  # no py::init: Python cannot make one
        with pytest.raises(TypeError):
            cls()


@pytest.mark.parametrize("name", ["DType", "BinaryOp", "UnaryOp", "ReduceOp"])
def test_enum_members_match_the_binding(name):
    members = {
        n
        for n, defs in stub_members(stub_class(name)).items()
        if isinstance(defs[0], ast.AnnAssign)
    }
    assert members == set(getattr(_C, name).__members__)


def test_the_checks_catch_a_drifted_signature():
    # The comparison itself: a renamed parameter or a lost default is a difference.
    (matmul,) = stub_functions(MODULE_STUB)["matmul"]
    renamed = ast.parse("def matmul(a, c, transpose_a=False, transpose_b=False): ...").body[0]
    no_default = ast.parse("def matmul(a, b, transpose_a, transpose_b=False): ...").body[0]
    assert parameters(matmul.args) == parameters(runtime_signatures(_C.matmul)[0])
    for drifted in (renamed, no_default):
        with pytest.raises(AssertionError):
            assert_signatures_match("matmul", _C.matmul, [drifted])
