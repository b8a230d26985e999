"""Python typing emitters: ``type_defs.py`` (TypedDicts and Literals named as
mypy-boto3-bedrock names them) and the ``_client.pyi`` stub. Called by ``generate.py``."""

from __future__ import annotations

import json
import keyword
import re

from smithy import Model, closure, python_name, shape_refs

# --------------------------------------------------------------------------------------
# python/bedrock_customization/type_defs.py
# --------------------------------------------------------------------------------------


class PyTypes:
    """Python type expressions for shapes, in an input or an output flavour.

    Like mypy-boto3: a structure used by requests gets `<Name>TypeDef` (lists are
    `Sequence`, maps `Mapping`, timestamps `datetime | str`); when the same structure also
    appears in responses and its response form differs, that form is `<Name>OutputTypeDef`.
    """

    def __init__(self, model: Model):
        self.model = model
        self._differs = {}
        self.output_roots = set(model.output_roots)

    def differs(self, name: str, _stack=()) -> bool:
        """Whether the input and output renderings of a shape differ."""
        if name in self._differs:
            return self._differs[name]
        if name in _stack:
            return False
        s = self.model.shape(name)
        t = s["type"]
        if t in ("list", "map", "timestamp", "blob"):
            result = True
        elif t == "structure":
            result = any(self.differs(r, _stack + (name,)) for r in shape_refs(s))
        else:
            result = False
        self._differs[name] = result
        return result

    def flavors(self, name: str) -> list:
        """The flavours a structure is emitted in."""
        out = []
        if name in self.model.input_closure:
            out.append("in")
        if name in self.model.output_closure and (
            name not in self.model.input_closure or self.differs(name)
        ):
            out.append("out")
        return out

    def typedef_name(self, name: str, flavor: str) -> str:
        if flavor == "out" and name in self.model.input_closure and self.differs(name):
            return f"{name}OutputTypeDef"
        return f"{name}TypeDef"

    def enum_alias(self, name: str) -> str:
        return f"{name}Type"

    def expr(self, name: str, flavor: str, defined: set) -> str:
        s = self.model.shape(name)
        t = s["type"]
        if self.model.is_document(name):
            return "Any"
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


def _check_identifier(name: str, where: str):
    if not name.isidentifier() or keyword.iskeyword(name):
        raise SystemExit(f"generate.py: {where}: {name!r} is not a Python identifier")


def typed_dict(td_name: str, fields: list) -> list:
    """A TypedDict with required and optional keys, using the two-class idiom (no
    typing_extensions needed on Python 3.9). `fields` is [(name, type, required)]."""
    if not all(n.isidentifier() and not keyword.iskeyword(n) for n, _, _ in fields):
        # a member such as `in`: only the functional syntax can name it
        required = {n: t for n, t, r in fields if r}
        optional = {n: t for n, t, r in fields if not r}
        if required and optional:
            raise SystemExit(f"generate.py: {td_name}: required and optional members and a keyword among them")
        body = ", ".join(f"{n!r}: {t}" for n, t in (required or optional).items())
        total = "" if required else ", total=False"
        return [f"{td_name} = TypedDict({td_name!r}, {{{body}}}{total})\n", "\n\n"]
    required = [(n, t) for n, t, r in fields if r]
    optional = [(n, t) for n, t, r in fields if not r]
    lines = []
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


def gen_type_defs_py(model: Model, header: str) -> str:
    types = PyTypes(model)
    out = [header]
    out.append(
        '"""TypedDicts and Literal aliases for the Bedrock model-customization operations,\n'
        'named like mypy-boto3-bedrock\'s."""\n\n'
        "from datetime import datetime\n"
        "from typing import IO, Any, Dict, List, Literal, Mapping, Sequence, TypedDict, Union\n\n"
    )
    exported = []

    enums = sorted(n for n in model.names if model.is_enum(n))
    for name in enums:
        values = [json.dumps(v) for v in model.shape(name)["enum"]]
        line = f"{types.enum_alias(name)} = Literal[{', '.join(values)}]\n"
        if len(line) > 100:
            line = (
                f"{types.enum_alias(name)} = Literal[\n"
                + "".join(f"    {v},\n" for v in values)
                + "]\n"
            )
        out.append(line)
        exported.append(types.enum_alias(name))
    out.append("\n")
    out.append("TimestampTypeDef = Union[datetime, str]\n")
    out.append("BlobTypeDef = Union[str, bytes, bytearray, IO[Any]]\n\n\n")
    exported += ["TimestampTypeDef", "BlobTypeDef"]

    out.extend(
        typed_dict(
            "ResponseMetadataTypeDef",
            [
                ("RequestId", "str", True),
                ("HTTPStatusCode", "int", True),
                ("HTTPHeaders", "Dict[str, str]", True),
                ("RetryAttempts", "int", True),
                ("HostId", "str", False),
            ],
        )
    )
    exported.append("ResponseMetadataTypeDef")

    # Emit structures dependencies first (post-order), so that annotations resolve;
    # a reference to a structure not yet defined (a cycle) is quoted.
    defined = set()
    visiting = set()

    def emit(name: str, flavor: str):
        td = types.typedef_name(name, flavor)
        if td in defined or (name, flavor) in visiting:
            return
        visiting.add((name, flavor))
        s = model.shape(name)
        for ref in sorted(closure(model.shapes, shape_refs(s))):
            if model.shape(ref)["type"] == "structure" and ref != name:
                emit(ref, flavor)
        fields = []
        for m_name, m in s.get("members", {}).items():
            fields.append(
                (m_name, types.expr(m["shape"], flavor, defined), m_name in s.get("required", []))
            )
        if name in types.output_roots:
            fields.append(("ResponseMetadata", "ResponseMetadataTypeDef", True))
        out.extend(typed_dict(td, fields))
        defined.add(td)
        exported.append(td)

    for name in model.names:
        if model.shape(name)["type"] == "structure":
            for flavor in types.flavors(name):
                emit(name, flavor)

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
"""Type stub for `bedrock_customization._client`: `Client`, `AsyncClient`, `ClientMeta`, `Session`."""

from typing import Any, Dict, List, Literal, Mapping, Optional, Sequence, Type

from .exceptions import ClientError
from .paginate import AsyncPaginator, Paginator
from .waiter import AsyncWaiter, Waiter
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
        self, region_name: Optional[str], endpoint_url: Optional[str], config: Any
    ) -> None: ...

class ClientExceptions:
    ClientError: Type[ClientError]
{exceptions}
    def from_code(self, error_code: str) -> Type[ClientError]: ...

class Client:
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
    @property
    def region_name(self) -> Optional[str]: ...
    @property
    def endpoint_url(self) -> Optional[str]: ...
{methods}
    def can_paginate(self, operation_name: str) -> bool: ...
    def get_paginator(self, operation_name: {pageable}) -> Paginator: ...
    @property
    def waiter_names(self) -> List[str]: ...
    def get_waiter(self, waiter_name: str) -> Waiter: ...

class AsyncClient(Client):
{async_methods}
    def get_paginator(self, operation_name: {pageable}) -> AsyncPaginator: ...  # type: ignore[override]
    def get_waiter(self, waiter_name: str) -> AsyncWaiter: ...  # type: ignore[override]
    async def close(self) -> None: ...
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


def gen_client_pyi(model: Model, header: str) -> str:
    types = PyTypes(model)
    imports = set()
    methods = []
    async_methods = []
    for op in model.ops:
        s = model.shape(op["input"]["shape"])
        required = s.get("required", [])
        params = ["self", "*"]
        ordered = [m for m in s["members"] if m in required] + [
            m for m in s["members"] if m not in required
        ]
        for m_name in ordered:
            _check_identifier(m_name, op["input"]["shape"])
            annotation = types.expr(s["members"][m_name]["shape"], "in", _AllDefined())
            imports.update(re.findall(r"\b\w+Type(?:Def)?\b", annotation))
            default = "" if m_name in required else " = ..."
            params.append(f"{m_name}: {annotation}{default}")
        if len(params) == 2:
            params.pop()  # no keyword-only marker without keyword parameters
        result = types.typedef_name(op["output"]["shape"], "out")
        imports.add(result)
        signature = "".join(f"        {p},\n" for p in params)
        methods.append(f"    def {python_name(op['name'])}(\n{signature}    ) -> {result}: ...\n")
        async_methods.append(
            f"    async def {python_name(op['name'])}(  # type: ignore[override]\n{signature}    ) -> {result}: ...\n"
        )
    exceptions = "".join(f"    {e}: Type[ClientError]\n" for e in model.error_names)
    pageable_names = [json.dumps(python_name(op["name"])) for op in model.ops if op["name"] in model.paginators]
    pageable = f"Literal[{', '.join(pageable_names)}]" if pageable_names else "str"
    text = CLIENT_PYI_TEMPLATE.format(
        imports="".join(f"    {n},\n" for n in sorted(imports)).rstrip("\n"),
        exceptions=exceptions.rstrip("\n"),
        methods="".join(methods).rstrip("\n"),
        async_methods="".join(async_methods).rstrip("\n"),
        pageable=pageable,
    )
    return header + "\n" + text


class _AllDefined:
    """A `defined` set that contains everything (stubs need no forward quoting)."""

    def __contains__(self, item):
        return True


