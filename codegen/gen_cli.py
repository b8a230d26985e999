"""The command line's tables, generated from the pinned model: one
``bedrock-customization <command>`` per operation, with the AWS CLI v1's
options (one per input member, named as ``xform_name(member, '-')``), and the
shapes their values are parsed, documented and sketched with.

``generate(model, py_header)`` returns ``{relative path: text}`` for two
modules of the ``bedrock_customization.cli`` package, both plain constants
(tuples and dicts of strings and ints, which the compiler folds into the
``.pyc``, so importing them is only unmarshalling):

- ``_commands.py``: ``COMMANDS`` = ``{command: (python name, operation name,
  input shape, output shape, members, paginator)}`` where ``members`` is a
  tuple of ``(member, option, kind, required, shape)`` in the model's order and
  ``paginator`` is ``None`` or ``(input tokens, limit key or None, limit kind,
  result keys)``. A plain call needs only this module.
- ``_shapes.py``: ``SHAPES`` = ``{shape name: entry}`` for every shape the
  operations reach, where an entry is ``("structure", ((member, shape), ...),
  required names, flags)`` (flags: ``"union"``, ``"document"``), ``("list",
  member shape)``, ``("map", key shape, value shape)``, ``("string", enum
  values)`` or ``(scalar type,)``. Imported only for structure, list and map
  values, help, skeletons and completion.
"""

from __future__ import annotations

from smithy import python_name

CLI_DIR = "python/bedrock_customization/cli"
COMMANDS_PY = f"{CLI_DIR}/_commands.py"
SHAPES_PY = f"{CLI_DIR}/_shapes.py"


def cli_name(name: str) -> str:
    """botocore's ``xform_name(name, '-')``: the snake_case of ``python_name``
    with dashes (a name already holding a dash is kept)."""
    if "-" in name:
        return name
    return python_name(name).replace("_", "-")


def kind(model, shape_name: str) -> str:
    shape = model.shapes[shape_name]
    if shape.get("document"):
        return "document"
    return shape["type"]


def _entry(model, name: str) -> tuple:
    shape = model.shapes[name]
    t = shape["type"]
    if shape.get("document"):
        return ("document",)
    if t == "structure":
        members = tuple((m, ref["shape"]) for m, ref in shape.get("members", {}).items())
        flags = ("union",) if shape.get("union") else ()
        return ("structure", members, tuple(shape.get("required", ())), flags)
    if t == "list":
        return ("list", shape["member"]["shape"])
    if t == "map":
        return ("map", shape["key"]["shape"], shape["value"]["shape"])
    if t == "string":
        return ("string", tuple(shape.get("enum", ())))
    return (t,)


def _as_tuple(value) -> tuple:
    return tuple(value) if isinstance(value, list) else (value,)


def _lines(name: str, table: dict, doc: str, header: str) -> str:
    out = [header, f'"""{doc}"""', "", f"{name} = {{"]
    for key, value in table.items():
        out.append(f"    {key!r}: {value!r},")
    out.append("}")
    return "\n".join(out) + "\n"


def generate(model, py_header: str) -> dict:
    commands = {}
    for op in model.ops:
        api = op["name"]
        in_name, out_name = op["input"]["shape"], op["output"]["shape"]
        in_shape = model.shapes[in_name]
        required = set(in_shape.get("required", ()))
        members = tuple(
            (m, cli_name(m), kind(model, ref["shape"]), int(m in required), ref["shape"])
            for m, ref in in_shape.get("members", {}).items()
        )
        paginator = None
        config = model.paginators.get(api)
        if config is not None:
            limit = config.get("limit_key")
            limit_kind = kind(model, in_shape["members"][limit]["shape"]) if limit else "integer"
            paginator = (_as_tuple(config["input_token"]), limit, limit_kind, _as_tuple(config.get("result_key", ())))
        commands[cli_name(api)] = (python_name(api), api, in_name, out_name, members, paginator)
    shapes = {name: _entry(model, name) for name in model.names}
    return {
        COMMANDS_PY: _lines(
            "COMMANDS", dict(sorted(commands.items())),
            "The command line's commands: one per operation of the model (see codegen/gen_cli.py).", py_header),
        SHAPES_PY: _lines(
            "SHAPES", shapes, "The shapes the commands' options and outputs are made of (see codegen/gen_cli.py).",
            py_header),
    }
