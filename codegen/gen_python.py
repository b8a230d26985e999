"""Python typing emitters, called by ``generate.py``:

* ``type_defs.py``: TypedDicts and Literal aliases, named as mypy-boto3-bedrock names them;
* ``_client.pyi``: ``Client`` / ``AsyncClient`` with every operation, ``get_paginator`` and
  ``get_waiter`` overloads and the modeled exceptions;
* ``paginate.pyi``: the paginators (generic over the page type) and one typed paginator
  class per pageable operation, sync and async;
* ``waiter.pyi``: the waiters and one typed waiter class per waiter of
  ``codegen/model/waiters-2.json`` (read and checked by ``gen_waiters.py``).

The hand-written parts of the stubs (templates below) describe the hand-written modules
``_client.py``, ``paginate.py`` and ``waiter.py``: keep them in step (``tests/test_typing.py``
runs stubtest over them).
"""

from __future__ import annotations

import json
import keyword
import re

from smithy import Model, closure, python_name, shape_refs

PAGINATE_PYI = "python/bedrock_customization/paginate.pyi"
WAITER_PYI = "python/bedrock_customization/waiter.pyi"
TYPE_DEFS_PY = "python/bedrock_customization/type_defs.py"
CLIENT_PYI = "python/bedrock_customization/_client.pyi"


def generate(model: Model, header: str, waiters=()) -> dict:
    """Every file this module writes: ``{path relative to the repo: text}``. ``waiters``
    is ``gen_waiters.load(model)``'s list."""
    waiters = [(w["python"], w["name"], w["config"]["operation"]) for w in waiters]
    return {
        TYPE_DEFS_PY: gen_type_defs_py(model, header, waiters),
        CLIENT_PYI: gen_client_pyi(model, header, waiters),
        PAGINATE_PYI: gen_paginate_pyi(model, header),
        WAITER_PYI: gen_waiter_pyi(model, header, waiters),
    }


# --------------------------------------------------------------------------------------
# Shapes to Python types
# --------------------------------------------------------------------------------------


class PyTypes:
    """Python type expressions for shapes, in an input (``"in"``) or output (``"out"``)
    flavour, as mypy-boto3 renders them.

    A structure used by requests gets ``<Name>TypeDef`` (lists are ``Sequence``, maps
    ``Mapping``, timestamps ``datetime | str``); when it also appears in responses and its
    response form differs, that form is ``<Name>OutputTypeDef``. A structure without
    members is ``Mapping[str, Any]`` / ``Dict[str, Any]`` (mypy-boto3 has no TypedDict for
    it). A Smithy document is ``Any`` here: any JSON value, where mypy-boto3 narrows it to
    a mapping (which rejects valid scalar values); for the names it still counts as
    differing, as mypy-boto3's ``Mapping``/``dict`` renderings do, so the ``Output`` names
    are the same.
    """

    def __init__(self, model: Model):
        self.model = model
        self._differs: dict = {}
        self.output_roots = set(model.output_roots)
        self.input_roots = set(model.input_roots)
        self.errors = set(model.error_names)
        # Responses only: error shapes are not part of the typed surface.
        self.response_closure = closure(model.shapes, model.output_roots)

    def is_empty(self, name: str) -> bool:
        s = self.model.shape(name)
        return s["type"] == "structure" and not s.get("members") and not self.model.is_document(name)

    def differs(self, name: str, _stack=()) -> bool:
        """Whether the input and output renderings of a shape differ."""
        if name in self._differs:
            return self._differs[name]
        if name in _stack:
            return False
        s = self.model.shape(name)
        t = s["type"]
        if self.model.is_document(name) or self.is_empty(name) or t in ("list", "map", "timestamp", "blob"):
            result = True
        elif t == "structure":
            result = any(self.differs(r, _stack + (name,)) for r in shape_refs(s))
        else:
            result = False
        self._differs[name] = result
        return result

    def flavors(self, name: str) -> list:
        """The flavours a structure is defined in (error shapes in the output flavour)."""
        out = []
        if name in self.model.input_closure:
            out.append("in")
        in_outputs = name in self.response_closure or name in self.errors
        if in_outputs and (name not in self.model.input_closure or self.differs(name)):
            out.append("out")
        return out

    def typedef_name(self, name: str, flavor: str) -> str:
        if flavor == "out" and name in self.model.input_closure and self.differs(name):
            return f"{name}OutputTypeDef"
        return f"{name}TypeDef"

    def exported(self, name: str) -> bool:
        """Whether a structure's TypedDicts are part of the typed surface (``__all__``).
        Error shapes and structures without members are defined (the command line reads
        the request and response TypedDicts of every operation) but not exported:
        mypy-boto3 has no TypedDict for them."""
        return name not in self.errors and not self.is_empty(name)

    def enum_alias(self, name: str) -> str:
        return f"{name}Type"

    def result(self, op: dict) -> str:
        """The return type of an operation method."""
        shape = op["output"]["shape"]
        if self.is_empty(shape):
            return "Dict[str, Any]"
        return self.typedef_name(shape, "out")

    def expr(self, name: str, flavor: str, defined) -> str:
        s = self.model.shape(name)
        t = s["type"]
        if self.model.is_document(name):
            return "Any"
        if self.is_empty(name):
            return "Mapping[str, Any]" if flavor == "in" else "Dict[str, Any]"
        if t == "structure":
            td = self.typedef_name(name, flavor)
            return td if td in defined else repr(td)
        if t == "list":
            container = "Sequence" if flavor == "in" else "List"
            return f"{container}[{self.expr(s['member']['shape'], flavor, defined)}]"
        if t == "map":
            container = "Mapping" if flavor == "in" else "Dict"
            key = self.expr(s["key"]["shape"], flavor, defined)
            return f"{container}[{key}, {self.expr(s['value']['shape'], flavor, defined)}]"
        if t == "string":
            return self.enum_alias(name) if "enum" in s else "str"
        if t in ("integer", "long"):
            return "int"
        if t in ("float", "double"):
            return "float"
        if t == "boolean":
            return "bool"
        if t == "timestamp":
            return "TimestampTypeDef" if flavor == "in" else "datetime"
        if t == "blob":
            return "BlobTypeDef" if flavor == "in" else "bytes"
        raise SystemExit(f"generate.py: no Python type for {name}")

    def parameters(self, shape_name: str, skip=()) -> list:
        """``[(member, annotation, required)]`` of a request shape, required ones first
        (stub flavour: no forward quoting)."""
        s = self.model.shape(shape_name)
        required = s.get("required", [])
        members = [m for m in s.get("members", {}) if m not in skip]
        ordered = [m for m in members if m in required] + [m for m in members if m not in required]
        out = []
        for m_name in ordered:
            _check_identifier(m_name, shape_name)
            out.append((m_name, self.expr(s["members"][m_name]["shape"], "in", ALL_DEFINED), m_name in required))
        return out


class _AllDefined:
    """A `defined` set that contains everything (stubs need no forward quoting)."""

    def __contains__(self, item):
        return True


ALL_DEFINED = _AllDefined()


def _check_identifier(name: str, where: str):
    if not name.isidentifier() or keyword.iskeyword(name):
        raise SystemExit(f"generate.py: {where}: {name!r} is not a Python identifier")


def paginator_inputs(config: dict) -> set:
    """The request members a paginator sets itself (tokens and the page size)."""
    tokens = config["input_token"] if isinstance(config["input_token"], list) else [config["input_token"]]
    return set(tokens) | ({config["limit_key"]} if "limit_key" in config else set())


def class_name(op_name: str) -> str:
    return op_name[:1].upper() + op_name[1:]


def waiter_class(waiter_name: str, asynchronous: bool) -> str:
    return f"{waiter_name}{'AsyncWaiter' if asynchronous else 'Waiter'}"


def paginator_class(op_name: str, asynchronous: bool) -> str:
    return f"{class_name(op_name)}{'AsyncPaginator' if asynchronous else 'Paginator'}"


def signature_lines(params: list, extra=()) -> list:
    """Keyword-only parameters of a stub method: ``[(name, annotation, required)]`` plus
    ``extra`` ``(name, annotation, default)`` entries."""
    lines = ["self"]
    if params or extra:
        lines.append("*")
    for name, annotation, required in params:
        lines.append(f"{name}: {annotation}" + ("" if required else " = ..."))
    for name, annotation, default in extra:
        lines.append(f"{name}: {annotation} = {default}")
    return lines


def stub_method(name: str, params: list, result: str, *, asynchronous=False, ignore=None, extra=()) -> str:
    comment = f"  # type: ignore[{ignore}]" if ignore else ""
    prefix = "async def" if asynchronous else "def"
    lines = signature_lines(params, extra)
    if len(lines) == 1:
        return f"    {prefix} {name}(self) -> {result}: ...{comment}\n"
    body = "".join(f"        {p},\n" for p in lines)
    return f"    {prefix} {name}({comment}\n{body}    ) -> {result}: ...\n"


def imported_names(annotations) -> set:
    return {n for a in annotations for n in re.findall(r"\b\w+(?:Type|TypeDef)\b", a)}


# --------------------------------------------------------------------------------------
# python/bedrock_customization/type_defs.py
# --------------------------------------------------------------------------------------


def typed_dict(td_name: str, fields: list) -> list:
    """A TypedDict with required and optional keys (no ``NotRequired``, which Python 3.9
    lacks): the class syntax with a ``total=False`` subclass, or, when a key is not an
    identifier (``in``), the functional syntax (two bases and a class joining them when
    there are both kinds of keys). ``fields`` is ``[(name, type, required)]``."""
    required = [(n, t) for n, t, r in fields if r]
    optional = [(n, t) for n, t, r in fields if not r]
    lines = []
    if not all(n.isidentifier() and not keyword.iskeyword(n) for n, _, _ in fields):

        def functional(name, items, total):
            body = "".join(f"        {n!r}: {t},\n" for n, t in items)
            flag = "" if total else "\n    total=False,"
            return f"{name} = TypedDict(\n    {name!r},\n    {{\n{body}    }},{flag}\n)\n"

        if required and optional:
            lines.append(functional(f"_Required{td_name}", required, True))
            lines.append("\n\n")
            lines.append(functional(f"_Optional{td_name}", optional, False))
            lines.append("\n\n")
            lines.append(f"class {td_name}(_Required{td_name}, _Optional{td_name}):\n    pass\n")
        else:
            lines.append(functional(td_name, required or optional, bool(required)))
        lines.append("\n\n")
        return lines
    if required and optional:
        base = f"_Required{td_name}"
        lines.append(f"class {base}(TypedDict):\n")
        lines.extend(f"    {n}: {t}\n" for n, t in required)
        lines.append("\n\n")
        lines.append(f"class {td_name}({base}, total=False):\n")
        lines.extend(f"    {n}: {t}\n" for n, t in optional)
    elif required:
        lines.append(f"class {td_name}(TypedDict):\n")
        lines.extend(f"    {n}: {t}\n" for n, t in required)
    elif optional:
        lines.append(f"class {td_name}(TypedDict, total=False):\n")
        lines.extend(f"    {n}: {t}\n" for n, t in optional)
    else:
        lines.append(f"class {td_name}(TypedDict):\n    pass\n")
    lines.append("\n\n")
    return lines


def literal(alias: str, values: list) -> str:
    values = [json.dumps(v) for v in values]
    line = f"{alias} = Literal[{', '.join(values)}]\n"
    if len(line) > 100:
        line = f"{alias} = Literal[\n" + "".join(f"    {v},\n" for v in values) + "]\n"
    return line


def gen_type_defs_py(model: Model, header: str, waiters=()) -> str:
    types = PyTypes(model)
    out = [header]
    out.append(
        '"""TypedDicts and Literal aliases for the operations of the bedrock service, named\n'
        "as mypy-boto3-bedrock names them (``<Shape>TypeDef``, ``<Shape>OutputTypeDef`` for\n"
        "the response form of a request structure where it differs, ``<Op>RequestTypeDef``,\n"
        "``<Op>ResponseTypeDef``, ``<Op>RequestPaginateTypeDef``, ``<Enum>Type``).\n\n"
        "``__all__`` is the typed surface. The TypedDicts of error shapes and of structures\n"
        "without members are defined too, for code that reads the model from here, but are\n"
        "not exported: the methods of such operations return ``Dict[str, Any]``.\n\n"
        "Imported by nothing at ``import bedrock_customization`` time.\n"
        '"""\n\n'
        "from datetime import datetime\n"
        "from typing import IO, Any, Dict, List, Literal, Mapping, Sequence, TypedDict, Union\n\n"
    )
    exported = []

    for name in sorted(n for n in model.names if model.is_enum(n)):
        out.append(literal(types.enum_alias(name), model.shape(name)["enum"]))
        exported.append(types.enum_alias(name))
    pageable = [op for op in model.ops if op["name"] in model.paginators]
    for op in pageable:
        alias = f"{class_name(op['name'])}PaginatorName"
        out.append(literal(alias, [python_name(op["name"])]))
        exported.append(alias)
    if pageable:
        out.append(literal("PaginatorName", [python_name(op["name"]) for op in pageable]))
        exported.append("PaginatorName")
    out.append("\n")
    out.append("TimestampTypeDef = Union[datetime, str]\n")
    out.append("BlobTypeDef = Union[str, bytes, bytearray, IO[Any]]\n\n\n")
    exported += ["TimestampTypeDef", "BlobTypeDef"]

    def add(td_name: str, fields: list, export: bool = True):
        out.extend(typed_dict(td_name, fields))
        defined.add(td_name)
        if export:
            exported.append(td_name)

    defined = set()
    add(
        "ResponseMetadataTypeDef",
        [
            ("RequestId", "str", True),
            ("HTTPStatusCode", "int", True),
            ("HTTPHeaders", "Dict[str, str]", True),
            ("RetryAttempts", "int", True),
            ("HostId", "str", False),
        ],
    )
    if pageable:
        add(
            "PaginatorConfigTypeDef",
            [("MaxItems", "int", False), ("PageSize", "int", False), ("StartingToken", "str", False)],
        )
    if waiters:
        add("WaiterConfigTypeDef", [("Delay", "int", False), ("MaxAttempts", "int", False)])

    # Structures, dependencies first (post-order) so that annotations resolve; a
    # reference to a structure not yet defined (a cycle) is quoted.
    visiting = set()

    def fields_of(name: str, flavor: str, skip=()) -> list:
        s = model.shape(name)
        return [
            (m_name, types.expr(m["shape"], flavor, defined), m_name in s.get("required", []))
            for m_name, m in s.get("members", {}).items()
            if m_name not in skip
        ]

    def emit(name: str, flavor: str):
        td = types.typedef_name(name, flavor)
        if td in defined or (name, flavor) in visiting:
            return
        visiting.add((name, flavor))
        for ref in sorted(closure(model.shapes, shape_refs(model.shape(name)))):
            if model.shape(ref)["type"] == "structure" and ref != name and not model.is_document(ref):
                emit(ref, flavor)
        fields = fields_of(name, flavor)
        if flavor == "out" and name in types.output_roots:
            fields.append(("ResponseMetadata", "ResponseMetadataTypeDef", True))
        add(td, fields, types.exported(name))

    for name in model.names:
        if model.shape(name)["type"] == "structure" and not model.is_document(name):
            for flavor in types.flavors(name):
                emit(name, flavor)

    # The parameters of `paginate()`: the request without the members the paginator sets.
    for op in pageable:
        shape = op["input"]["shape"]
        fields = fields_of(shape, "in", paginator_inputs(model.paginators[op["name"]]))
        fields.append(("PaginationConfig", "PaginatorConfigTypeDef", False))
        add(f"{class_name(op['name'])}RequestPaginateTypeDef", fields)

    # The parameters of a waiter's `wait()`: its operation's request plus WaiterConfig.
    by_name = {op["name"]: op for op in model.ops}
    for shape in sorted({by_name[operation]["input"]["shape"] for _, _, operation in waiters}):
        fields = fields_of(shape, "in") + [("WaiterConfig", "WaiterConfigTypeDef", False)]
        add(f"{shape}WaitTypeDef", fields)

    out.append("__all__ = (\n")
    out.extend(f"    {json.dumps(n)},\n" for n in sorted(exported))
    out.append(")\n")
    return "".join(out).rstrip("\n") + "\n"


# --------------------------------------------------------------------------------------
# python/bedrock_customization/_client.pyi
# --------------------------------------------------------------------------------------

# The hand-written part of the stub: everything in `_client.py` (written by hand) that is
# not an operation method. Keep it in step with `_client.py`.
CLIENT_PYI_TEMPLATE = '''\
"""Type stub for `bedrock_customization._client`: `Client`, `AsyncClient`, `ClientMeta`,
`Session`. The operation methods take keyword arguments only, as in boto3."""

from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Type, overload

from . import _core
from .exceptions import ClientError as _ClientError
from .paginate import (
{paginators}
)
from .waiter import (
{waiters}
)
from .type_defs import (
{imports}
)

__all__ = ["AsyncClient", "Client", "ClientMeta", "Session"]

SERVICE_NAME: str
API_VERSION: str

class ClientMeta:
    service_name: str
    region_name: Optional[str]
    endpoint_url: Optional[str]
    config: Any
    partition: str
    method_to_api_mapping: Dict[str, str]
    def __init__(
        self, client: Client, region_name: Optional[str], endpoint_url: Optional[str], config: Any
    ) -> None: ...
    @property
    def service_model(self) -> Any: ...
    @property
    def events(self) -> Any: ...

class ClientExceptions:
    """`client.exceptions`: the modeled error classes (a stub-only name; at run time the
    object is `bedrock_customization.exceptions.client_exceptions`)."""

    ClientError: Type[_ClientError]
{exceptions}
    def from_code(self, error_code: str) -> Type[_ClientError]: ...

class Client(_core.Client):
    meta: ClientMeta
    def __init__(
        self,
        *,
        region_name: Optional[str] = None,
        endpoint_url: Optional[str] = None,
        aws_access_key_id: Optional[str] = None,
        aws_secret_access_key: Optional[str] = None,
        aws_session_token: Optional[str] = None,
        profile_name: Optional[str] = None,
        verify: Any = None,
        config: Any = None,
    ) -> None: ...
    @property
    def exceptions(self) -> ClientExceptions: ...
    def close(self) -> None: ...
{methods}
    def can_paginate(self, operation_name: str) -> bool: ...
{get_paginator}
    @property
    def waiter_names(self) -> List[str]: ...
{get_waiter}

class AsyncClient(Client):
{async_methods}
{async_get_paginator}
{async_get_waiter}
    async def close(self) -> None: ...  # type: ignore[override]
    async def __aenter__(self) -> AsyncClient: ...
    async def __aexit__(self, *exc_info: Any) -> None: ...

class Session:
    def __init__(
        self,
        aws_access_key_id: Optional[str] = None,
        aws_secret_access_key: Optional[str] = None,
        aws_session_token: Optional[str] = None,
        region_name: Optional[str] = None,
        botocore_session: Any = None,
        profile_name: Optional[str] = None,
        aws_account_id: Optional[str] = None,
    ) -> None: ...
    @classmethod
    def from_boto3(cls, session: Any) -> Session: ...
    @property
    def profile_name(self) -> str: ...
    @property
    def region_name(self) -> Optional[str]: ...
    @property
    def available_profiles(self) -> List[str]: ...
    def get_available_services(self) -> List[str]: ...
    def get_available_resources(self) -> List[str]: ...
    def client(
        self,
        service_name: str,
        region_name: Optional[str] = None,
        api_version: Optional[str] = None,
        use_ssl: bool = True,
        verify: Any = None,
        endpoint_url: Optional[str] = None,
        aws_access_key_id: Optional[str] = None,
        aws_secret_access_key: Optional[str] = None,
        aws_session_token: Optional[str] = None,
        config: Any = None,
        aws_account_id: Optional[str] = None,
    ) -> Client: ...
    def async_client(
        self,
        service_name: str,
        region_name: Optional[str] = None,
        api_version: Optional[str] = None,
        use_ssl: bool = True,
        verify: Any = None,
        endpoint_url: Optional[str] = None,
        aws_access_key_id: Optional[str] = None,
        aws_secret_access_key: Optional[str] = None,
        aws_session_token: Optional[str] = None,
        config: Any = None,
        aws_account_id: Optional[str] = None,
    ) -> AsyncClient: ...
'''


def _overloads(method: str, arg: str, variants: list, fallback: str, ignore: bool) -> str:
    """``def method(self, arg: Literal[...]) -> Class`` for each ``(literal, class)``, as
    overloads when there are several; ``fallback`` when there are none."""
    comment = "  # type: ignore[override]" if ignore else ""
    if not variants:
        return f"    def {method}(self, {arg}: str) -> {fallback}: ...{comment}\n"
    if len(variants) == 1:
        (value, cls), = variants
        return f"    def {method}(self, {arg}: Literal[{json.dumps(value)}]) -> {cls}: ...{comment}\n"
    out = []
    for i, (value, cls) in enumerate(variants):
        out.append(f"    @overload{comment if i == 0 else ''}\n")
        out.append(f"    def {method}(self, {arg}: Literal[{json.dumps(value)}]) -> {cls}: ...\n")
    return "".join(out)


def gen_client_pyi(model: Model, header: str, waiters=()) -> str:
    types = PyTypes(model)
    annotations = []
    methods = []
    async_methods = []
    for op in model.ops:
        params = types.parameters(op["input"]["shape"])
        result = types.result(op)
        annotations += [a for _, a, _ in params] + [result]
        name = python_name(op["name"])
        methods.append(stub_method(name, params, result))
        async_methods.append(stub_method(name, params, result, asynchronous=True, ignore="override"))
    pageable = [op for op in model.ops if op["name"] in model.paginators]
    paginators = [(python_name(op["name"]), paginator_class(op["name"], False)) for op in pageable]
    async_paginators = [(python_name(op["name"]), paginator_class(op["name"], True)) for op in pageable]
    waiter_classes = [(py, waiter_class(name, False)) for py, name, _ in waiters]
    async_waiter_classes = [(py, waiter_class(name, True)) for py, name, _ in waiters]
    exceptions = "".join(f"    {e}: Type[_ClientError]\n" for e in model.error_names)

    def names(items, bases):
        """The classes the overloads return; the fallback bases when there are none."""
        listed = sorted({cls for _, cls in items}) or list(bases)
        return "".join(f"    {n},\n" for n in listed).rstrip("\n")

    text = CLIENT_PYI_TEMPLATE.format(
        imports="".join(f"    {n},\n" for n in sorted(imported_names(annotations))).rstrip("\n"),
        paginators=names(paginators + async_paginators, ("AsyncPaginator", "Paginator")),
        waiters=names(waiter_classes + async_waiter_classes, ("AsyncWaiter", "Waiter")),
        exceptions=exceptions.rstrip("\n"),
        methods="".join(methods).rstrip("\n"),
        async_methods="".join(async_methods).rstrip("\n"),
        get_paginator=_overloads(
            "get_paginator", "operation_name", paginators, "Paginator[Dict[str, Any]]", False
        ).rstrip("\n"),
        async_get_paginator=_overloads(
            "get_paginator", "operation_name", async_paginators, "AsyncPaginator[Dict[str, Any]]", True
        ).rstrip("\n"),
        get_waiter=_overloads("get_waiter", "waiter_name", waiter_classes, "Waiter", False).rstrip("\n"),
        async_get_waiter=_overloads(
            "get_waiter", "waiter_name", async_waiter_classes, "AsyncWaiter", True
        ).rstrip("\n"),
    )
    return header + "\n" + text


# --------------------------------------------------------------------------------------
# python/bedrock_customization/paginate.pyi
# --------------------------------------------------------------------------------------

# The hand-written part: the public surface of `paginate.py`, with the page iterators and
# paginators generic over the page type (at run time they are plain classes).
PAGINATE_PYI_TEMPLATE = '''\
"""Type stub for `bedrock_customization.paginate`.

`Paginator`, `PageIterator` and their async forms are generic over the page type here
only (subscripting them at run time fails). `client.get_paginator("list_custom_models")`
is typed as `ListCustomModelsPaginator` (stub-only classes, one per pageable operation,
sync and async), whose `paginate()` takes the operation's parameters (without the
pagination tokens) plus `PaginationConfig` and iterates over typed pages.
"""

from typing import Any, AsyncIterator, Dict, Generic, Iterator, List, Optional, TypeVar

from .type_defs import (
{imports}
)

__all__ = [
    "AsyncPageIterator",
    "AsyncPaginator",
    "OperationNotPageableError",
    "PageIterator",
    "PaginationError",
    "Paginator",
    "ResultKeyIterator",
    "can_paginate",
]

_Page = TypeVar("_Page")

class OperationNotPageableError(Exception):
    kwargs: Dict[str, Any]
    def __init__(self, *, operation_name: str) -> None: ...

class PaginationError(Exception):
    kwargs: Dict[str, Any]
    def __init__(self, *, message: str) -> None: ...

def can_paginate(operation_name: str) -> bool: ...
def encode_token(token: Dict[str, Any]) -> str: ...
def decode_token(token: str) -> Dict[str, Any]: ...

class _Expression:
    expression: str
    parsed: Any
    def __init__(self, expression: str) -> None: ...
    def search(self, value: Any, options: Any = None) -> Any: ...

class _PageIteratorBase:
    def __init__(
        self,
        method: Any,
        input_token: List[str],
        output_token: List[_Expression],
        more_results: Optional[_Expression],
        result_keys: List[_Expression],
        non_aggregate_keys: List[_Expression],
        limit_key: Optional[str],
        max_items: Optional[int],
        starting_token: Optional[str],
        page_size: Optional[int],
        op_kwargs: Dict[str, Any],
    ) -> None: ...
    @property
    def result_keys(self) -> List[_Expression]: ...
    @property
    def resume_token(self) -> Optional[str]: ...
    @resume_token.setter
    def resume_token(self, value: Dict[str, Any]) -> None: ...
    @property
    def non_aggregate_part(self) -> Dict[str, Any]: ...

class PageIterator(_PageIteratorBase, Generic[_Page]):
    def __iter__(self) -> Iterator[_Page]: ...
    def build_full_result(self) -> Dict[str, Any]: ...
    def search(self, expression: str) -> Iterator[Any]: ...
    def result_key_iters(self) -> List[ResultKeyIterator]: ...

class AsyncPageIterator(_PageIteratorBase, Generic[_Page]):
    def __aiter__(self) -> AsyncIterator[_Page]: ...
    async def build_full_result(self) -> Dict[str, Any]: ...
    def search(self, expression: str) -> AsyncIterator[Any]: ...
    def result_key_iters(self) -> List[AsyncResultKeyIterator]: ...

class ResultKeyIterator:
    result_key: _Expression
    def __init__(self, pages_iterator: Any, result_key: _Expression) -> None: ...
    def __iter__(self) -> Iterator[Any]: ...

class AsyncResultKeyIterator(ResultKeyIterator):
    def __aiter__(self) -> AsyncIterator[Any]: ...

class Paginator(Generic[_Page]):
    PAGE_ITERATOR_CLS: Any
    def __init__(self, client: Any, operation_name: str) -> None: ...
    @property
    def result_keys(self) -> Optional[List[_Expression]]: ...
    def paginate(self, **kwargs: Any) -> PageIterator[_Page]: ...

class AsyncPaginator(Paginator[_Page]):
    def paginate(self, **kwargs: Any) -> AsyncPageIterator[_Page]: ...  # type: ignore[override]
'''


def gen_paginate_pyi(model: Model, header: str) -> str:
    types = PyTypes(model)
    annotations = ["PaginatorConfigTypeDef"]
    classes = []
    for op in model.ops:
        config = model.paginators.get(op["name"])
        if config is None:
            continue
        params = types.parameters(op["input"]["shape"], paginator_inputs(config))
        page = types.result(op)
        annotations += [a for _, a, _ in params] + [page]
        extra = [("PaginationConfig", "PaginatorConfigTypeDef", "...")]
        for asynchronous in (False, True):
            base = "AsyncPaginator" if asynchronous else "Paginator"
            iterator = "AsyncPageIterator" if asynchronous else "PageIterator"
            classes.append(f"\nclass {paginator_class(op['name'], asynchronous)}({base}[{page}]):\n")
            classes.append(
                f'    """`{python_name(op["name"])}` pages{" (async for)" if asynchronous else ""}."""\n\n'
            )
            classes.append(stub_method("paginate", params, f"{iterator}[{page}]", ignore="override", extra=extra))
    text = PAGINATE_PYI_TEMPLATE.format(
        imports="".join(f"    {n},\n" for n in sorted(imported_names(annotations))).rstrip("\n"),
    )
    if not classes:
        text = text.replace("from .type_defs import (\n\n)\n", "")
    return header + "\n" + text + "".join(classes)


# --------------------------------------------------------------------------------------
# python/bedrock_customization/waiter.pyi
# --------------------------------------------------------------------------------------

WAITER_PYI_TEMPLATE = '''\
"""Type stub for `bedrock_customization.waiter`.

`client.get_waiter("model_customization_job_completed")` is typed as
`ModelCustomizationJobCompletedWaiter` (stub-only classes, one per waiter of `WAITERS`,
sync and async), whose `wait()` takes the polled operation's parameters plus
`WaiterConfig`, `max_wait`, `on_poll` and `progress`.
"""

from typing import Any, Callable, Dict, List, Optional

from .type_defs import (
{imports}
)

WAITERS: Dict[str, Dict[str, Any]]
WAITER_NAMES: Dict[str, str]

def waiter_names() -> List[str]: ...

class Waiter:
    name: str
    config: Dict[str, Any]
    def __init__(self, client: Any, name: str) -> None: ...
    def wait(
        self,
        *,
        max_wait: Optional[float] = None,
        on_poll: Optional[Callable[[Dict[str, Any]], object]] = None,
        progress: bool = False,
        **kwargs: Any,
    ) -> None: ...

class AsyncWaiter(Waiter):
    async def wait(  # type: ignore[override]
        self,
        *,
        max_wait: Optional[float] = None,
        on_poll: Optional[Callable[[Dict[str, Any]], object]] = None,
        progress: bool = False,
        **kwargs: Any,
    ) -> None: ...
'''


def gen_waiter_pyi(model: Model, header: str, waiters=()) -> str:
    types = PyTypes(model)
    by_name = {op["name"]: op for op in model.ops}
    annotations = ["WaiterConfigTypeDef"] if waiters else []
    classes = []
    extra = [
        ("WaiterConfig", "WaiterConfigTypeDef", "..."),
        ("max_wait", "Optional[float]", "None"),
        ("on_poll", "Optional[Callable[[Dict[str, Any]], object]]", "None"),
        ("progress", "bool", "False"),
    ]
    for py, name, operation in waiters:
        if operation not in by_name:
            raise SystemExit(f"generate.py: waiter {name} polls {operation}, which is not an operation")
        params = types.parameters(by_name[operation]["input"]["shape"])
        annotations += [a for _, a, _ in params]
        for asynchronous in (False, True):
            base = "AsyncWaiter" if asynchronous else "Waiter"
            classes.append(f"\nclass {waiter_class(name, asynchronous)}({base}):\n")
            classes.append(f'    """`{py}`: polls `{python_name(operation)}`."""\n\n')
            classes.append(
                stub_method("wait", params, "None", asynchronous=asynchronous, ignore="override", extra=extra)
            )
    text = WAITER_PYI_TEMPLATE.format(
        imports="".join(f"    {n},\n" for n in sorted(imported_names(annotations))).rstrip("\n"),
    )
    if not waiters:
        text = text.replace("from .type_defs import (\n\n)\n", "")
    return header + "\n" + text + "".join(classes)
