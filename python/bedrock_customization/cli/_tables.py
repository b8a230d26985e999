"""The command line's view of the model: the core's shape tables, read when first needed.

One ``bedrock-customization <command>`` per operation of ``_model.OPERATIONS``, named as
the AWS CLI v1 names it (``xform_name(operation, '-')``), with one option per input
member (``xform_name(member, '-')``), in the model's order. The shapes are those the
client validates and converts with (``_core._shape``, ``_core._operation``: the
generated Rust tables), so the command line keeps no model of its own. Entries are
plain tuples:

- a command: ``(python name, operation name, input shape, output shape, members,
  paginator)`` where ``members`` is a tuple of ``(member, option, kind, required,
  shape)`` and ``paginator`` is ``None`` or ``(input tokens, limit key or None,
  limit kind, result keys)`` (from ``_model.PAGINATORS``);
- a shape (``shapes()[name]``): ``("structure", ((member, shape), ...), required
  names, flags)`` (flags: ``"union"``), ``("list", member shape)``, ``("map", key
  shape, value shape)``, ``("string", enum values)``, ``("document",)`` or
  ``(scalar type,)``.

A plain call builds only its own command; help, skeletons, shorthand and completion
read ``shapes()``.
"""

from __future__ import annotations

from typing import Any, Dict, Iterator, Mapping, Optional, Tuple

from .. import _core, _model
from .._names import cli_name

_NAMES: Optional[Dict[str, str]] = None
_COMMANDS: Dict[str, Tuple[Any, ...]] = {}


def command_names() -> Dict[str, str]:
    """Command name -> Python operation name, sorted by command name."""
    global _NAMES
    if _NAMES is None:
        _NAMES = dict(sorted((py.replace("_", "-"), py) for py in _model.OPERATIONS))
    return _NAMES


def _as_tuple(value: Any) -> Tuple[Any, ...]:
    return tuple(value) if isinstance(value, list) else (value,)


def command(name: str) -> Tuple[Any, ...]:
    """The entry of command ``name`` (KeyError when there is no such command)."""
    entry = _COMMANDS.get(name)
    if entry is None:
        py = command_names()[name]
        api = _model.OPERATIONS[py]
        in_name, out_name = _core._operation(api)
        kind_of = {}
        members = []
        for member, shape, required in _core._shape(in_name)[1]:
            kind_of[member] = kind = _core._shape(shape)[0]
            members.append((member, cli_name(member), kind, int(required), shape))
        paginator = None
        config = _model.PAGINATORS.get(py)
        if config is not None:
            limit = config.get("limit_key")
            limit_kind = kind_of[limit] if limit else "integer"
            paginator = (_as_tuple(config["input_token"]), limit, limit_kind, _as_tuple(config.get("result_key", ())))
        entry = _COMMANDS[name] = (py, api, in_name, out_name, tuple(members), paginator)
    return entry


def _entry(name: str) -> Tuple[Any, ...]:
    kind, members, member, value, enum, union = _core._shape(name)
    if kind == "structure":
        required = tuple(m for m, _, req in members if req)
        return ("structure", tuple((m, shape) for m, shape, _ in members), required, ("union",) if union else ())
    if kind == "list":
        return ("list", member)
    if kind == "map":
        return ("map", member, value)
    if kind == "string":
        return ("string", tuple(enum))
    return (kind,)


class _Shapes(Mapping[str, Tuple[Any, ...]]):
    """Shape name -> entry, made from the core's table on first lookup."""

    def __init__(self) -> None:
        self._entries: Dict[str, Tuple[Any, ...]] = {}

    def __getitem__(self, name: str) -> Tuple[Any, ...]:
        entry = self._entries.get(name)
        if entry is None:
            try:
                entry = self._entries[name] = _entry(name)
            except ValueError:
                raise KeyError(name) from None
        return entry

    def __iter__(self) -> Iterator[str]:
        return iter(_core._shape_names())

    def __len__(self) -> int:
        return len(_core._shape_names())


_SHAPES = _Shapes()


def shapes() -> Mapping[str, Tuple[Any, ...]]:
    return _SHAPES
