#!/usr/bin/env python3
"""Generate the per-shape code of bedrock_customization from the pinned bedrock service model.

Usage:
    python codegen/generate.py            # (re)write the generated files in the repo
    python codegen/generate.py --check    # exit 1 and name the stale files, if any
    python codegen/generate.py --out DIR  # write the generated files under DIR instead

The model is the pinned ``codegen/model/service-2.json`` with the pagination configs of
``codegen/model/paginators-1.json`` (copied from a botocore release by
``codegen/update_model.py``, which records the release in ``codegen/model/source.json``);
the waiters are ``codegen/model/waiters-2.json`` (botocore's waiter format, written by
hand, checked against the model by ``codegen/gen_waiters.py``). The installed botocore,
if any, is never read. Every operation of the model is generated (but those the SDK
crate lacks), with the closure of shapes reachable from their inputs, outputs and errors.

Rust names follow smithy-rs conventions (see ``rust_snake`` / ``rust_pascal``), so that
the generated builders call the setters and types of the ``aws-sdk-bedrock`` crate.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys

if os.path.dirname(os.path.abspath(__file__)) not in sys.path:  # also when loaded by path
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import service_regex  # noqa: E402  codegen/service_regex.py: the model's patterns as the service reads them
import gen_python  # noqa: E402  codegen/gen_python.py: type_defs.py, _client.pyi, paginate.pyi, waiter.pyi
import gen_testing  # noqa: E402  codegen/gen_testing.py: the model the local Bedrock serves, its dispatch table
import gen_waiters  # noqa: E402  codegen/gen_waiters.py: codegen/model/waiters-2.json, checked against the model
from smithy import (  # noqa: E402,F401  the pinned model, Model and the naming rules (update_model.py reads some here)
    AGGREGATES, API_VERSION, BUILDERS_RS, CLIENT_PYI, MOD_RS, MODEL_DIR, MODEL_PY, PY_HEADER, ROOT,
    RUST_HEADER, RUST_KEYWORDS, SDK_CRATE, SERVICE, SHAPES_RS, SOURCE_JSON, TYPE_DEFS_PY, Model,
    closure, const_name, load_pinned, python_name, rust_ident, rust_pascal, rust_snake, shape_refs,
    union_variant,
)

# --------------------------------------------------------------------------------------
# Rust literal helpers
# --------------------------------------------------------------------------------------


def regex_field(shape: str, pattern: str) -> str:
    """`Shape::regex` of a shape with a pattern: its translation, or why there is none."""
    regex, reason = service_regex.for_shape(shape, pattern)
    return f"Some(Ok({rust_str(regex)}))" if regex is not None else f"Some(Err({rust_str(reason)}))"


def rust_str(s: str) -> str:
    if ('"' in s or "\\" in s) and s.isprintable():
        hashes = "#"
        while f'"{hashes}' in s:
            hashes += "#"
        return f'r{hashes}"{s}"{hashes}'
    out = []
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif not ch.isprintable():
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def rust_f64(v) -> str:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise SystemExit(f"generate.py: not a number: {v!r}")
    if isinstance(v, int):
        return f"{v}.0"
    text = repr(float(v))
    if "e" in text:
        mantissa, exp = text.split("e")
        return f"{mantissa}e{int(exp)}"
    return text


def rust_bool(b) -> str:
    return "true" if b else "false"


def rustfmt(code: str) -> str:
    exe = shutil.which("rustfmt") or os.path.expanduser("~/.cargo/bin/rustfmt")
    try:
        proc = subprocess.run(
            [exe, "--edition", "2021", "--emit", "stdout", "--quiet"],
            input=code.encode("utf-8"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            check=False,
        )
    except OSError as e:
        raise SystemExit(f"generate.py: cannot run rustfmt: {e}")
    if proc.returncode != 0:
        raise SystemExit("generate.py: rustfmt failed:\n" + proc.stderr.decode("utf-8", "replace"))
    return proc.stdout.decode("utf-8")


# --------------------------------------------------------------------------------------
# src/generated/mod.rs
# --------------------------------------------------------------------------------------


def gen_mod_rs(model: Model, header: str) -> str:
    return header + "\npub mod builders;\npub mod shapes;\n"


# --------------------------------------------------------------------------------------
# src/generated/shapes.rs
# --------------------------------------------------------------------------------------

KIND = {
    "list": "List",
    "map": "Map",
    "string": "String",
    "integer": "Integer",
    "long": "Long",
    "float": "Float",
    "double": "Double",
    "boolean": "Boolean",
    "timestamp": "Timestamp",
    "blob": "Blob",
}

LOCATION = {None: "Body", "uri": "Uri", "querystring": "Query", "header": "Header"}


def gen_shapes_rs(model: Model, header: str) -> str:
    out = [header]
    out.append("#![allow(clippy::all, dead_code)]\n")
    out.append("use crate::model::{Kind, Location, Member, Operation, Shape, ShapeId};\n\n")

    consts = {}
    for name in model.names:
        c = const_name(name)
        if c in consts:
            raise SystemExit(f"generate.py: {name} and {consts[c]} both map to {c}")
        consts[c] = name
        out.append(f"pub const {c}: ShapeId = {model.index[name]};\n")
    out.append("\n")

    out.append("pub static SHAPES: &[Shape] = &[\n")
    for name in model.names:
        s = model.shape(name)
        t = s["type"]
        if model.is_document(name):
            kind = "Document"
        elif t == "structure":
            kind = "Union" if s.get("union") else "Structure"
        else:
            kind = KIND[t]
        members = []
        for m_name, m in s.get("members", {}).items():
            location = m.get("location")
            if location not in LOCATION:
                raise SystemExit(f"generate.py: unsupported location {location!r} ({name}.{m_name})")
            members.append(
                "            Member {\n"
                f"                name: {rust_str(m_name)},\n"
                f"                wire_name: {rust_str(m.get('locationName', m_name))},\n"
                f"                shape: {const_name(m['shape'])},\n"
                f"                required: {rust_bool(m_name in s.get('required', []))},\n"
                f"                location: Location::{LOCATION[location]},\n"
                f"                idempotency_token: {rust_bool(m.get('idempotencyToken'))},\n"
                "            },\n"
            )
        member = s.get("member", s.get("key"))
        value = s.get("value")
        enum_values = s.get("enum", [])
        fields = [
            f"name: {rust_str(name)}",
            f"kind: Kind::{kind}",
            ("members: &[\n" + "".join(members) + "        ]") if members else "members: &[]",
            "member: " + (f"Some({const_name(member['shape'])})" if member else "None"),
            "value: " + (f"Some({const_name(value['shape'])})" if value else "None"),
            "min: " + (f"Some({rust_f64(s['min'])})" if "min" in s else "None"),
            "max: " + (f"Some({rust_f64(s['max'])})" if "max" in s else "None"),
            "pattern: " + (f"Some({rust_str(s['pattern'])})" if "pattern" in s else "None"),
            # the pattern as the service matches it (whole value, Java's regex language), for
            # the Rust regex crate; Err(reason) when it cannot be used (never stops the generator)
            "regex: " + (regex_field(name, s["pattern"]) if "pattern" in s else "None"),
            ("enum_values: &[\n" + "".join(f"            {rust_str(v)},\n" for v in enum_values)
             + "        ]") if enum_values else "enum_values: &[]",
            # the member that is the whole HTTP body (a structure), if the shape has one
            "payload: " + (f"Some({rust_str(s['payload'])})" if "payload" in s else "None"),
        ]
        out.append(
            f"    // {model.index[name]}\n    Shape {{\n"
            + "".join(f"        {f},\n" for f in fields)
            + "    },\n"
        )
    out.append("];\n\n")

    for i, op in enumerate(model.ops):
        out.append(f"pub const OP_{rust_snake(op['name']).upper()}: usize = {i};\n")
    out.append("\npub static OPERATIONS: &[Operation] = &[\n")
    for op in model.ops:
        http = op["http"]
        out.append(
            "    Operation { "
            f"name: {rust_str(op['name'])}, "
            f"input: {const_name(op['input']['shape'])}, "
            f"output: {const_name(op['output']['shape'])}, "
            f"request_uri: {rust_str(http['requestUri'])}, "
            "},\n"
        )
    out.append("];\n\n")

    out.append("/// Error code (the error shape's name) to error shape, sorted by code.\n")
    out.append("pub static ERROR_SHAPES: &[(&str, ShapeId)] = &[\n")
    for name in model.error_names:
        out.append(f"    ({rust_str(name)}, {const_name(name)}),\n")
    out.append("];\n")
    return rustfmt("".join(out))


# --------------------------------------------------------------------------------------
# src/generated/builders.rs
# --------------------------------------------------------------------------------------

SCALAR_CONVERTERS = {
    "string": ("to_string", "::std::string::String"),
    "integer": ("to_i32", "i32"),
    "long": ("to_i64", "i64"),
    "float": ("to_f32", "f32"),
    "double": ("to_f64", "f64"),
    "boolean": ("to_bool", "bool"),
    "timestamp": ("to_datetime", "::aws_smithy_types::DateTime"),
    "blob": ("to_blob", "::aws_smithy_types::Blob"),
}

CONVERT = "crate::convert"


class BuilderGen:
    def __init__(self, model: Model):
        self.model = model
        reserved = {python_name(op["name"]) for op in model.ops}
        self.fn_names = {}
        # Shapes nested in the operation inputs (the inputs themselves are the fluent
        # builders of the operations).
        nested = closure(
            model.shapes, [r for root in model.input_roots for r in shape_refs(model.shape(root))]
        )
        for name in sorted(nested):
            if model.shape(name)["type"] in AGGREGATES and not model.is_document(name):
                fn = rust_snake(name)
                if fn in reserved or fn in RUST_KEYWORDS:
                    fn += "_shape"
                if fn in self.fn_names.values():
                    raise SystemExit(f"generate.py: two shapes map to the function {fn}")
                self.fn_names[name] = fn

    def sdk_type(self, name: str) -> str:
        return f"{SDK_CRATE}::types::{rust_pascal(name)}"

    def rust_type(self, name: str) -> str:
        s = self.model.shape(name)
        t = s["type"]
        if self.model.is_document(name):
            return "::aws_smithy_types::Document"
        if t == "structure" or self.model.is_enum(name):
            return self.sdk_type(name)
        if t == "list":
            return f"::std::vec::Vec<{self.rust_type(s['member']['shape'])}>"
        if t == "map":
            key = self.rust_type(s["key"]["shape"])
            return f"::std::collections::HashMap<{key}, {self.rust_type(s['value']['shape'])}>"
        return SCALAR_CONVERTERS[t][1]

    def convert_expr(self, name: str, value: str, path: str) -> str:
        """A `PyResult<T>` expression converting the Python object `value` (a `&Bound<PyAny>`)."""
        s = self.model.shape(name)
        t = s["type"]
        if self.model.is_document(name):
            return f"{CONVERT}::to_document({value}, {path})"
        if t in AGGREGATES:
            return f"{self.fn_names[name]}({value}, {path})"
        if self.model.is_enum(name):
            return (
                f"{CONVERT}::to_string({value}, {path})"
                f".map(|s| {self.sdk_type(name)}::from(s.as_str()))"
            )
        return f"{CONVERT}::{SCALAR_CONVERTERS[t][0]}({value}, {path})"

    def member_setters(self, shape: dict, target: str) -> list:
        lines = []
        for m_name, m in shape.get("members", {}).items():
            path = f"&crate::param_path::member(path, {rust_str(m_name)})"
            expr = self.convert_expr(m["shape"], "&x", path)
            lines.append(
                f"if let Some(x) = {CONVERT}::field(&d, {rust_str(m_name)})? {{\n"
                f"{target} = {target}.set_{rust_snake(m_name)}(Some({expr}?));\n"
                "}\n"
            )
        return lines

    def structure_fn(self, name: str) -> str:
        s = self.model.shape(name)
        ty = self.sdk_type(name)
        fn = self.fn_names[name]
        out = [f"fn {fn}(v: &Bound<'_, PyAny>, path: &str) -> PyResult<{ty}> {{\n"]
        out.append(f"let d = {CONVERT}::to_dict(v, path)?;\n")
        if s.get("union"):
            members = s.get("members", {})
            out.append("let mut set: ::std::vec::Vec<" + ty + "> = ::std::vec::Vec::new();\n")
            for m_name, m in members.items():
                path = f"&crate::param_path::member(path, {rust_str(m_name)})"
                expr = self.convert_expr(m["shape"], "&x", path)
                out.append(
                    f"if let Some(x) = {CONVERT}::field(&d, {rust_str(m_name)})? {{\n"
                    f"set.push({ty}::{union_variant(m_name)}({expr}?));\n"
                    "}\n"
                )
            names = ", ".join(rust_str(m) for m in members)
            out.append(
                "match set.len() {\n"
                "1 => set.pop().ok_or_else(|| "
                f"{CONVERT}::union_error(path, &[{names}], 0)),\n"
                f"n => Err({CONVERT}::union_error(path, &[{names}], n)),\n"
                "}\n}\n"
            )
            return "".join(out)
        out.append(f"let mut b = {ty}::builder();\n")
        out.extend(self.member_setters(s, "b"))
        out.append(f"{CONVERT}::Built::<{ty}>::built(b.build(), path)\n")
        out.append("}\n")
        return "".join(out)

    def list_fn(self, name: str) -> str:
        s = self.model.shape(name)
        fn = self.fn_names[name]
        item = s["member"]["shape"]
        expr = self.convert_expr(item, "x", "&crate::param_path::index(path, i)")
        return (
            f"fn {fn}(v: &Bound<'_, PyAny>, path: &str) -> PyResult<{self.rust_type(name)}> {{\n"
            f"{CONVERT}::to_list(v, path)?\n"
            ".iter()\n"
            ".enumerate()\n"
            f".map(|(i, x)| {expr})\n"
            ".collect()\n"
            "}\n"
        )

    def map_fn(self, name: str) -> str:
        s = self.model.shape(name)
        fn = self.fn_names[name]
        key_shape = s["key"]["shape"]
        if self.model.shape(key_shape)["type"] != "string":
            raise SystemExit(f"generate.py: map {name} has a non-string key")
        key_expr = self.convert_expr(key_shape, "&k", f"&{CONVERT}::key_path(path, &k)")
        value_expr = self.convert_expr(
            s["value"]["shape"], "&x", "&crate::param_path::member(path, &key_text)"
        )
        return (
            f"fn {fn}(v: &Bound<'_, PyAny>, path: &str) -> PyResult<{self.rust_type(name)}> {{\n"
            f"let mut out = ::std::collections::HashMap::new();\n"
            f"for (k, x) in {CONVERT}::dict_items(&{CONVERT}::to_dict(v, path)?)? {{\n"
            f"let key_text = {CONVERT}::display(&k);\n"
            f"out.insert({key_expr}?, {value_expr}?);\n"
            "}\n"
            "Ok(out)\n"
            "}\n"
        )

    def op_fn(self, op: dict) -> str:
        snake = rust_snake(op["name"])
        s = self.model.shape(op["input"]["shape"])
        out = [
            f"/// `{op['name']}`: the SDK's request with every member set in `params`,\n"
            "/// sent with `capture` (nothing is sent until the future is polled).\n",
            f"fn {python_name(op['name'])}(\n"
            f"client: &{SDK_CRATE}::Client,\n"
            "params: &Bound<'_, PyDict>,\n"
            "capture: crate::capture::CallContext,\n"
            ") -> PyResult<crate::capture::Pending> {\n",
            "let d = params;\n",
            'let path = "";\n',
            f"let {'mut ' if s.get('members') else ''}b = client.{snake}();\n",
        ]
        out.extend(self.member_setters(s, "b"))
        out.append(
            "let send = b.send();\n"
            "Ok(Box::pin(crate::capture::drive(send, capture)))\n}\n"
        )
        return "".join(out)

    def generate(self, header: str) -> str:
        out = [header]
        out.append(
            "//! Conversion of (already validated) Python parameters to `aws-sdk-bedrock` requests,\n"
            "//! one sender per operation in `SENDERS` (the generic call path picks one by index).\n\n"
            "#![allow(clippy::all, unused_variables)]\n\n"
            "use pyo3::prelude::*;\n"
            "use pyo3::types::PyDict;\n\n"
        )
        out.append(
            "/// Sends one operation: builds the SDK request from validated parameters.\n"
            "pub type Sender = fn(\n"
            f"&{SDK_CRATE}::Client,\n"
            "&Bound<'_, PyDict>,\n"
            "crate::capture::CallContext,\n"
            ") -> PyResult<crate::capture::Pending>;\n\n"
            "/// One sender per operation, in the order of `shapes::OPERATIONS`.\n"
            "pub static SENDERS: &[Sender] = &[\n"
        )
        for op in self.model.ops:
            out.append(f"{python_name(op['name'])},\n")
        out.append("];\n\n")
        for op in self.model.ops:
            out.append(self.op_fn(op) + "\n")
        for name in sorted(self.fn_names):
            t = self.model.shape(name)["type"]
            if t == "structure":
                out.append(self.structure_fn(name) + "\n")
            elif t == "list":
                out.append(self.list_fn(name) + "\n")
            else:
                out.append(self.map_fn(name) + "\n")
        return rustfmt("".join(out))


# --------------------------------------------------------------------------------------
# python/bedrock_customization/_model.py
# --------------------------------------------------------------------------------------


def gen_model_py(model: Model, header: str, waiters=()) -> str:
    out = [header, '"""Plain data from the service model, used at runtime by the Python layer."""\n\n']
    out.append(f"SERVICE_NAME = {json.dumps(SERVICE)}\n\n")
    out.append("ERROR_CODES = (\n")
    out.extend(f"    {json.dumps(e)},\n" for e in model.error_names)
    out.append(")\n\n")
    out.append("OPERATIONS = {\n")
    out.extend(f"    {json.dumps(python_name(op['name']))}: {json.dumps(op['name'])},\n" for op in model.ops)
    out.append("}\n\n")
    out.append("ERROR_MEMBERS = {\n")
    for e in model.error_names:
        members = [json.dumps(m) for m in model.shape(e).get("members", {})]
        text = ", ".join(members) + ("," if len(members) == 1 else "")
        out.append(f"    {json.dumps(e)}: ({text}),\n")
    out.append("}\n\n")
    out.append("# botocore's paginators-1.json for the operations above that can be paginated,\n")
    out.append("# keyed by Python operation name (values are strings or lists, as in the JSON).\n")
    out.append("PAGINATORS = {\n")
    for op in model.ops:
        config = model.paginators.get(op["name"])
        if config is None:
            continue
        out.append(f"    {json.dumps(python_name(op['name']))}: {{\n")
        out.extend(f"        {json.dumps(k)}: {json.dumps(v)},\n" for k, v in config.items())
        out.append("    },\n")
    out.append("}\n")
    if waiters:
        out.append("\n" + gen_waiters.model_py(waiters))
    out.append(MODEL_PY_SERVICE)
    return "".join(out)


MODEL_PY_SERVICE = '''

_SERVICE = None


def service():
    """The whole pinned service model (``_service.json`` beside this module: the generator's copy
    of ``service-2.json`` without documentation), parsed on first use and shared: botocore's
    ``ServiceModel`` for ``client.meta`` and the local Bedrock read it. Treat it as read-only."""
    global _SERVICE
    if _SERVICE is None:
        import json  # here, not at the top: the command line's plain call never imports json
        import os

        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "_service.json"), encoding="utf-8") as f:
            _SERVICE = json.load(f)
    return _SERVICE
'''


# --------------------------------------------------------------------------------------
# Driver
# --------------------------------------------------------------------------------------


def generate_all() -> dict:
    raw, pages, source = load_pinned()
    crate = source.get("aws_sdk_bedrock", {})
    model = Model(raw, pages.get("pagination", {}), crate.get("lacks", ()))
    if model.lacking:
        print(f"generate.py: aws-sdk-bedrock {crate.get('version', '?')} lacks {len(model.lacking)} "
              f"operation(s), left out: {', '.join(model.lacking)}", file=sys.stderr)
    api = raw.get("metadata", {}).get("apiVersion", API_VERSION)
    version = f"{api}, botocore {source.get('botocore', 'unknown')}"
    rust_header = RUST_HEADER.format(service=SERVICE, version=version)
    py_header = PY_HEADER.format(service=SERVICE, version=version)
    waiters = gen_waiters.load(model)  # codegen/model/waiters-2.json
    return {
        MOD_RS: gen_mod_rs(model, rust_header),
        SHAPES_RS: gen_shapes_rs(model, rust_header),
        BUILDERS_RS: BuilderGen(model).generate(rust_header),
        **gen_python.generate(model, py_header, waiters),  # type_defs.py and the .pyi stubs
        MODEL_PY: gen_model_py(model, py_header, waiters),
        README: gen_readme(model, waiters),
        gen_waiters.WAITER_PY: gen_waiter_py(waiters),
        gen_testing.SERVICE_JSON: gen_testing.gen_service_json(raw),
        gen_testing.DISPATCH_PY: gen_testing.gen_dispatch_py(raw, waiters, py_header),
    }


def gen_waiter_py(waiters) -> str:
    """waiter.py (written by hand) with the table of waiters in its docstring regenerated."""
    with open(os.path.join(ROOT, gen_waiters.WAITER_PY), encoding="utf-8", newline="") as f:
        text = f.read()
    return gen_waiters.replace_block(text, gen_waiters.DOC_BEGIN, gen_waiters.DOC_END,
                                     gen_waiters.docstring_block(waiters), gen_waiters.WAITER_PY, required=True)


# --------------------------------------------------------------------------------------
# README.md: the list of supported operations, between two markers
# --------------------------------------------------------------------------------------

README = "README.md"
README_BEGIN = "<!-- operations: generated by codegen/generate.py -->\n"
README_END = "<!-- end of operations -->\n"


def gen_readme(model: Model, waiters=()) -> str:
    """README.md with its operations table regenerated, and its waiters table when it has
    the markers for one (the rest is kept as written)."""
    with open(os.path.join(ROOT, README), encoding="utf-8", newline="") as f:
        text = f.read()
    if text.count(README_BEGIN) != 1 or text.count(README_END) != 1:
        raise SystemExit(f"generate.py: {README} needs the markers {README_BEGIN.strip()} and {README_END.strip()}")
    head, rest = text.split(README_BEGIN)
    _, tail = rest.split(README_END)
    rows = [
        "| method (`Client` and `AsyncClient`) | command line | pages |\n",
        "| --- | --- | --- |\n",
    ]
    for op in model.ops:
        name = python_name(op["name"])
        paged = "✓" if op["name"] in model.paginators else ""
        rows.append(f"| `{name}` | `{name.replace('_', '-')}` | {paged} |\n")
    summary = (
        f"<details><summary>All {len(model.ops)} operations of the pinned model "
        f"({sum(1 for op in model.ops if op['name'] in model.paginators)} with a paginator)</summary>\n\n"
    )
    text = head + README_BEGIN + summary + "".join(rows) + "\n</details>\n" + README_END + tail
    return gen_waiters.replace_block(text, gen_waiters.README_BEGIN, gen_waiters.README_END,
                                     gen_waiters.readme_block(waiters), README, required=False)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report stale generated files")
    parser.add_argument("--out", metavar="DIR", default=ROOT, help="output root (default: repo)")
    args = parser.parse_args(argv)

    files = generate_all()
    if args.check:
        stale = []
        for rel, text in sorted(files.items()):
            path = os.path.join(args.out, rel)
            try:
                with open(path, encoding="utf-8", newline="") as f:
                    current = f.read()
            except OSError:
                current = None
            if current != text:
                stale.append(rel)
        for rel in stale:
            print(f"stale: {rel} (run `python codegen/generate.py`)")
        return 1 if stale else 0

    for rel, text in sorted(files.items()):
        path = os.path.join(args.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            with open(path, encoding="utf-8", newline="") as f:
                if f.read() == text:
                    continue
        except OSError:
            pass
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        print(f"wrote {rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
