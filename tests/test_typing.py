"""The typed surface: mypy over the package and tests/typing_sample.py, stubtest over the
compiled extension (and the hand-written parts of paginate.pyi / waiter.pyi), and the
names of type_defs.py, _client.pyi and paginate.pyi against mypy-boto3-bedrock's.

mypy, stubtest and mypy-boto3-bedrock are pinned test dependencies (tests/requirements.txt,
constraints.txt): a missing one fails these tests.
"""

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PKG = os.path.join(ROOT, "python", "bedrock_customization")

# Errors that mypy reports in the hand-written modules when they are checked as they are
# written (without the .pyi stubs that stand in for them): (file, error code, part of
# the message). Reported to the modules' owners; remove an entry once it is fixed.
KNOWN_IMPLEMENTATION_ERRORS: list = []  # none: every hand-written module type-checks


def run(args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def load_file_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mypy_passes_on_the_package_and_the_typing_sample():
    """`python -m mypy` as .ci/run runs it: the files and settings of [tool.mypy]."""
    proc = run(["-m", "mypy"])
    assert proc.returncode == 0, proc.stdout
    assert "Success: no issues found" in proc.stdout


def test_mypy_on_the_hand_written_modules_behind_the_stubs(tmp_path):
    """_client.py, paginate.py and waiter.py are hidden by their .pyi files in the run
    above: check a copy of the package without those stubs (with _core.pyi)."""
    dest = tmp_path / "python" / "bedrock_customization"
    shutil.copytree(PKG, dest, ignore=shutil.ignore_patterns("__pycache__", "*.so", "*.pyd"))
    for stub in ("_client.pyi", "paginate.pyi", "waiter.pyi"):
        os.remove(dest / stub)
    shutil.copy(os.path.join(ROOT, "pyproject.toml"), tmp_path / "pyproject.toml")
    proc = run(
        ["-m", "mypy", "--cache-dir", str(tmp_path / "cache"), "python/bedrock_customization"], cwd=str(tmp_path)
    )
    errors = [line for line in proc.stdout.splitlines() if ": error: " in line]
    unexpected = [
        line
        for line in errors
        if not any(
            os.path.basename(line.split(":", 1)[0]) == file and f"[{code}]" in line and text in line
            for file, code, text in KNOWN_IMPLEMENTATION_ERRORS
        )
    ]
    assert not unexpected, proc.stdout
    assert proc.returncode in (0, 1), proc.stdout  # 2 would be a crash or a usage error


def test_stubtest_on_the_extension_module():
    """_core.pyi matches what src/ registers (as .ci/run checks it, no allowlist)."""
    proc = run(["-m", "mypy.stubtest", "--mypy-config-file", "pyproject.toml", "bedrock_customization._core"])
    assert proc.returncode == 0, proc.stdout


def test_stubtest_on_the_paginators_and_waiters(tmp_path):
    """The hand-written parts of paginate.pyi and waiter.pyi match paginate.py and
    waiter.py; the typed per-operation classes exist only in the stubs (allowed here
    by name, from the model and the waiter definitions)."""
    model = load_file_module("_typing_model", os.path.join(PKG, "_model.py"))
    allowed = []
    for py_name in model.PAGINATORS:
        op = model.OPERATIONS[py_name]
        allowed += [f"bedrock_customization.paginate.{op}{kind}" for kind in ("Paginator", "AsyncPaginator")]
    for name in model.WAITERS:  # (generated from codegen/model/waiters-2.json)
        allowed += [f"bedrock_customization.waiter.{name}{kind}" for kind in ("Waiter", "AsyncWaiter")]
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text("\n".join(allowed) + "\n")
    proc = run(
        [
            "-m", "mypy.stubtest", "--mypy-config-file", "pyproject.toml", "--allowlist", str(allowlist),
            "bedrock_customization.paginate", "bedrock_customization.waiter",
        ]
    )
    assert proc.returncode == 0, proc.stdout


# ---------------------------------------------------------------------------------------
# Names and keys, against mypy-boto3-bedrock (pinned at the release of the pinned model)
# ---------------------------------------------------------------------------------------


def _mypy_boto3_file(name):
    spec = importlib.util.find_spec("mypy_boto3_bedrock")
    assert spec is not None and spec.submodule_search_locations, "mypy-boto3-bedrock is not installed"
    with open(os.path.join(list(spec.submodule_search_locations)[0], name), encoding="utf-8") as f:
        return ast.parse(f.read())


def _top_level_names(tree):
    names = set()
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.If):  # `if TYPE_CHECKING:` / version blocks
            names |= _top_level_names(ast.Module(body=node.body + node.orelse, type_ignores=[]))
    return {n for n in names if not n.startswith("_") and n != "__all__"}


def _their_typed_dicts(tree):
    """``{name: (required keys, optional keys)}`` of mypy-boto3's TypedDicts."""
    out = {}

    def required(annotation):
        return not (
            isinstance(annotation, ast.Subscript)
            and isinstance(annotation.value, ast.Name)
            and annotation.value.id == "NotRequired"
        )

    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(getattr(b, "id", "") == "TypedDict" for b in node.bases):
            fields = [(s.target.id, required(s.annotation)) for s in node.body if isinstance(s, ast.AnnAssign)]
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", "") == "TypedDict"
        ):
            members = node.value.args[1]
            fields = [(k.value, required(v)) for k, v in zip(members.keys, members.values)]
        else:
            continue
        name = node.name if isinstance(node, ast.ClassDef) else node.targets[0].id
        out[name] = ({k for k, r in fields if r}, {k for k, r in fields if not r})
    return out


@pytest.fixture(scope="module")
def ours():
    return load_file_module("_typing_type_defs", os.path.join(PKG, "type_defs.py"))


@pytest.fixture(scope="module")
def theirs():
    type_defs = _mypy_boto3_file("type_defs.pyi")
    literals = _mypy_boto3_file("literals.pyi")
    return {
        "names": _top_level_names(type_defs) | _top_level_names(literals),
        "typed_dicts": _their_typed_dicts(type_defs),
    }


def _waiter_names():
    """The TypedDicts made for the waiters of codegen/model/waiters-2.json (botocore's
    bedrock waiters-2.json is empty, so mypy-boto3-bedrock has none):
    WaiterConfigTypeDef, <Input>WaitTypeDef."""
    with open(os.path.join(ROOT, "codegen", "model", "waiters-2.json"), encoding="utf-8") as f:
        waiters = json.load(f)["waiters"]
    names = {"WaiterConfigTypeDef"}
    for definition in waiters.values():
        names.add(f"{definition['operation']}RequestWaitTypeDef")
    return names


# boto3-wide literals of mypy-boto3 (every service name, every region), not of this service.
BOTO3_WIDE = {"ServiceName", "BedrockServiceName", "ResourceServiceName", "RegionName"}


def test_every_exported_name_is_mypy_boto3s(ours, theirs):
    extra = set(ours.__all__) - theirs["names"] - _waiter_names()
    assert not extra, sorted(extra)


def test_mypy_boto3s_names_are_ours_but_the_unions(ours, theirs):
    """Everything but the `<Shape>UnionTypeDef` aliases (request parameters that also
    accept a structure's response form; not generated here, see gen_python.py)."""
    missing = {n for n in theirs["names"] - set(ours.__all__) if not n.endswith("UnionTypeDef")} - BOTO3_WIDE
    assert not missing, sorted(missing)


def test_operation_level_names_match_exactly(ours, theirs):
    model = load_file_module("_typing_model3", os.path.join(PKG, "_model.py"))
    ops = set(model.OPERATIONS.values())
    pattern = re.compile(r"^(\w+?)(Request|Response|RequestPaginate)TypeDef$|^(\w+)PaginatorName$")

    def operation_level(names):
        out = set()
        for n in names:
            m = pattern.match(n)
            if m and (m.group(1) or m.group(3)) in ops:
                out.add(n)
        return out

    assert operation_level(ours.__all__) == operation_level(theirs["names"])


def test_typed_dict_keys_match_mypy_boto3s(ours, theirs):
    """Same keys, and the same required keys, for every TypedDict both define, but for
    the responses of operations: mypy-boto3 marks all their keys required, here the
    model's `required` is kept (a job still in progress has no `endTime`)."""
    model = load_file_module("_typing_model5", os.path.join(PKG, "_model.py"))
    responses = {f"{op}ResponseTypeDef" for op in model.OPERATIONS.values()}
    differences = []
    for name in sorted(set(ours.__all__) & set(theirs["typed_dicts"])):
        td = getattr(ours, name)
        if not isinstance(td, type):
            continue
        required, optional = set(td.__required_keys__), set(td.__optional_keys__)
        their_required, their_optional = theirs["typed_dicts"][name]
        if required | optional != their_required | their_optional:
            differences.append((name, "keys", (required | optional) ^ (their_required | their_optional)))
        elif name not in responses and required != their_required:
            differences.append((name, "required", required ^ their_required))
    assert not differences, differences[:5]


def _stub_classes(tree):
    return {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}


def _methods(cls):
    return {
        node.name: node
        for node in cls.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not node.name.startswith("_")
    }


def _literal_arguments(functions):
    out = set()
    for node in functions:
        annotation = node.args.args[1].annotation
        out.add(ast.literal_eval(annotation.slice))
    return out


def test_client_methods_and_paginators_match_mypy_boto3s():
    with open(os.path.join(PKG, "_client.pyi"), encoding="utf-8") as f:
        our_client = _stub_classes(ast.parse(f.read()))["Client"]
    their_client = _stub_classes(_mypy_boto3_file("client.pyi"))["BedrockClient"]
    mine = _methods(our_client)
    their = _methods(their_client)
    # boto3 client methods that are not operations (generate_presigned_url is not offered here)
    not_operations = {"exceptions", "can_paginate", "generate_presigned_url", "get_paginator", "get_waiter", "close"}
    assert set(mine) - not_operations - {"waiter_names"} == set(their) - not_operations

    for name in set(their) - not_operations:
        theirs_returns = ast.unparse(their[name].returns).replace("dict[", "Dict[")
        assert ast.unparse(mine[name].returns) == theirs_returns, name
        # keyword-only, no positional parameters
        assert [a.arg for a in mine[name].args.args] == ["self"], name

    def overloads(cls, method):
        return [n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == method]

    our_pages = {
        ast.literal_eval(n.args.args[1].annotation.slice): ast.unparse(n.returns)
        for n in overloads(our_client, "get_paginator")
    }
    their_pages = {
        ast.literal_eval(n.args.args[1].annotation.slice): ast.unparse(n.returns)
        for n in overloads(their_client, "get_paginator")
    }
    assert our_pages == their_pages

    with open(os.path.join(PKG, "paginate.pyi"), encoding="utf-8") as f:
        our_paginators = {n for n in _stub_classes(ast.parse(f.read())) if n.endswith("Paginator")}
    their_paginators = {n for n in _stub_classes(_mypy_boto3_file("paginator.pyi")) if n.endswith("Paginator")}
    assert {n for n in our_paginators if not n.endswith("AsyncPaginator")} - {"Paginator"} == their_paginators


def test_client_parameters_are_the_request_typed_dicts(ours):
    """Each operation method's keyword parameters are its <Op>RequestTypeDef's keys, the
    required ones without a default."""
    model = load_file_module("_typing_model4", os.path.join(PKG, "_model.py"))
    with open(os.path.join(PKG, "_client.pyi"), encoding="utf-8") as f:
        client = _stub_classes(ast.parse(f.read()))["Client"]
    methods = _methods(client)
    for py_name, op in model.OPERATIONS.items():
        method = methods[py_name]
        kwonly = [a.arg for a in method.args.kwonlyargs]
        required = {a.arg for a, d in zip(method.args.kwonlyargs, method.args.kw_defaults) if d is None}
        td = getattr(ours, f"{op}RequestTypeDef")
        assert set(kwonly) == set(td.__annotations__), py_name
        assert required == set(td.__required_keys__), py_name


def test_type_defs_stays_off_the_import_path():
    """`import bedrock_customization` (and a client) does not import type_defs."""
    code = (
        "import sys, bedrock_customization as bc\n"
        "bc.client('bedrock', region_name='us-east-1', aws_access_key_id='a', aws_secret_access_key='b')\n"
        "assert 'bedrock_customization.type_defs' not in sys.modules\n"
    )
    proc = run(["-c", code])
    assert proc.returncode == 0, proc.stdout
