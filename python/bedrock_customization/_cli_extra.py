"""The parts of the ``bedrock-customization`` command line that a plain call
does not need, imported only when a command uses them: the model's shapes
(from ``type_defs``), shorthand syntax, text and table output, help,
skeletons, shell completion and ``wait``. ``cli`` keeps the start-up path
(argument parsing, the call, JSON output) small.
"""

from __future__ import annotations

import sys

from .cli import (
    GLOBAL_OPTIONS,
    PAGING_OPTIONS,
    PROG,
    _WAITERS,
    ParamError,
    UsageError,
    _iso_timestamps,
    _json_loads,
    _kebab,
    _load_cli_input_json,
    _make_client,
    _param_file,
    _plain,
    _scalar,
    _usage_error,
    commands,
    parse,
    usage_text,
)

# ---------------------------------------------------------------------------
# The model, from _model.OPERATIONS and type_defs' TypedDicts
# ---------------------------------------------------------------------------


class Shape:
    """A member type derived from the type_defs annotations."""

    __slots__ = ("kind", "member", "key", "value", "members", "required", "enum", "name")

    def __init__(self, kind, **kw):
        self.kind = kind  # string integer float boolean timestamp list map structure
        self.member = kw.get("member")
        self.key = kw.get("key")
        self.value = kw.get("value")
        self.members = kw.get("members")  # name -> Shape (ordered)
        self.required = kw.get("required", ())
        self.enum = kw.get("enum")
        self.name = kw.get("name")


_SHAPES = {}


def shape_of(tp) -> Shape:
    import typing
    from datetime import datetime

    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is str:
        return Shape("string")
    if tp is bool:
        return Shape("boolean")
    if tp is int:
        return Shape("integer")
    if tp is float:
        return Shape("float")
    if tp is datetime:
        return Shape("timestamp")
    if origin is typing.Literal:
        return Shape("string", enum=list(args))
    if origin is typing.Union:
        if datetime in args:
            return Shape("timestamp")
        return Shape("blob")
    import collections.abc as cabc

    if origin in (list, cabc.Sequence):
        return Shape("list", member=shape_of(args[0]))
    if origin in (dict, cabc.Mapping):
        return Shape("map", key=shape_of(args[0]), value=shape_of(args[1]))
    if isinstance(tp, type) and issubclass(tp, dict):
        key = tp.__name__
        if key not in _SHAPES:
            hints = typing.get_type_hints(tp)
            required = tuple(getattr(tp, "__required_keys__", ()))
            _SHAPES[key] = Shape(
                "structure",
                members={n: shape_of(t) for n, t in hints.items() if n != "ResponseMetadata"},
                required=tuple(n for n in hints if n in required),
                name=key,
            )
        return _SHAPES[key]
    return Shape("string")


def input_shape(api: str) -> Shape:
    from . import type_defs

    return shape_of(getattr(type_defs, f"{api}RequestTypeDef"))


def output_shape(api: str) -> Shape:
    from . import type_defs

    return shape_of(getattr(type_defs, f"{api}ResponseTypeDef"))


def _paginator(py: str):
    from . import _model

    return _model.PAGINATORS.get(py)


# ---------------------------------------------------------------------------
# Shorthand syntax (the AWS CLI's grammar)
# ---------------------------------------------------------------------------

_EOF = object()


class ShorthandError(Exception):
    pass


def _syntax_error(value: str, expected: str, actual: str, index: int) -> ShorthandError:
    return ShorthandError(
        f"Expected: '{expected}', received: '{actual}' for input:\n{value}\n{' ' * index}^"
    )


class ShorthandParser:
    """``key=value,key2=[a,b],key3={k=v}`` -> dicts, lists and strings."""

    _KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.#/:")

    def __init__(self) -> None:
        import re

        start = r"\!\#-&\(-\+\--\<\>-Z\\\\-z\u007c-\uffff"
        first = r"\s\!\#-&\(-\+\--\\\\\^-\|~-\uffff"
        second = r"\s\!\#-&\(-\+\--\<\>-\uffff"
        comma = r"(\\,)"
        self._first = ("first", re.compile(f"({comma}|[{start}])({comma}|[{first}])*"))
        self._second = ("second", re.compile(f"({comma}|[{start}])({comma}|[{second}])*"))
        self._single = ("singled quoted", re.compile(r"'(?:\\'|[^'])*'"))
        self._double = ("double quoted", re.compile(r'"(?:\\"|[^"])*"'))

    def parse(self, value: str):
        self._s = value
        self._i = 0
        params = {}
        key, val = self._keyval()
        params[key] = val
        last = self._i
        while self._i < len(self._s):
            self._expect(",", True)
            key, val = self._keyval()
            if key in params:
                raise ShorthandError(
                    f"Second instance of key \"{key}\" encountered for input:\n{self._s}\n{' ' * (last + 1)}^\n"
                    "This is often because there is a preceding \",\" instead of a space."
                )
            params[key] = val
            last = self._i
        return params

    def _keyval(self):
        key = self._key()
        self._expect("=", True)
        return key, self._values()

    def _key(self):
        start = self._i
        while self._i < len(self._s) and self._s[self._i] in self._KEY_CHARS:
            self._i += 1
        return self._s[start : self._i]

    def _values(self):
        if self._i >= len(self._s):
            return ""
        c = self._s[self._i]
        if c == "[":
            return self._explicit_list()
        if c == "{":
            return self._hash_literal()
        return self._csv_value()

    def _csv_value(self):
        first = self._first_value()
        self._ws()
        if self._i >= len(self._s) or self._s[self._i] != ",":
            return first
        self._expect(",", True)
        values = [first]
        while True:
            try:
                current = self._second_value()
                self._ws()
                if self._i >= len(self._s):
                    values.append(current)
                    break
                self._expect(",", True)
                values.append(current)
            except ShorthandError:
                if self._i >= len(self._s):
                    raise
                while self._i >= 0 and self._s[self._i] != ",":
                    self._i -= 1
                break
        return first if len(values) == 1 else values

    def _explicit_list(self):
        self._expect("[", True)
        values = []
        while self._cur() != "]":
            values.append(self._explicit_value())
            self._ws()
            if self._cur() != "]":
                self._expect(",")
                self._ws()
        self._expect("]")
        return values

    def _explicit_value(self):
        c = self._cur()
        if c == "[":
            return self._explicit_list()
        if c == "{":
            return self._hash_literal()
        return self._first_value()

    def _hash_literal(self):
        self._expect("{", True)
        out = {}
        while self._cur() != "}":
            key = self._key()
            self._expect("=", True)
            v = self._explicit_value()
            self._ws()
            if self._cur() != "}":
                self._expect(",")
                self._ws()
            out[key] = v
        self._expect("}")
        return out

    def _first_value(self):
        c = self._cur()
        if c == "'":
            return self._quoted(self._single, "'")
        if c == '"':
            return self._quoted(self._double, '"')
        m = self._first[1].match(self._s, self._i)
        if m is None:
            return ""
        self._i = m.end()
        return m.group(0).replace("\\,", ",").rstrip()

    def _second_value(self):
        c = self._cur()
        if c == "'":
            return self._quoted(self._single, "'")
        if c == '"':
            return self._quoted(self._double, '"')
        return self._must(self._second).replace("\\,", ",").rstrip()

    def _quoted(self, regex, ch):
        value = self._must(regex)[1:-1]
        return value.replace("\\" + ch, ch).replace("\\\\", "\\")

    def _must(self, regex):
        name, rx = regex
        m = rx.match(self._s, self._i)
        if m is None:
            raise _syntax_error(self._s, f"<{name}>", "<none>", self._i)
        self._i = m.end()
        return m.group(0)

    def _expect(self, ch, ws=False):
        if ws:
            self._ws()
        if self._i >= len(self._s):
            raise _syntax_error(self._s, ch, "EOF", self._i)
        if self._s[self._i] != ch:
            raise _syntax_error(self._s, ch, self._s[self._i], self._i)
        self._i += 1
        if ws:
            self._ws()

    def _cur(self):
        return self._s[self._i] if self._i < len(self._s) else _EOF

    def _ws(self):
        while self._i < len(self._s) and self._s[self._i] in " \t\n\r\x0b\x0c":
            self._i += 1


def _coerce(value, shape: Shape):
    """Shorthand results (strings, lists, dicts) -> the member types
    (what the AWS CLI's back-compat visitor does)."""
    if value is None:
        return None
    kind = shape.kind
    if kind == "structure":
        if not isinstance(value, dict):
            return value
        return {k: (_coerce(v, shape.members[k]) if k in shape.members else v) for k, v in value.items()}
    if kind == "list":
        if not isinstance(value, list):
            value = [value]
        return [_coerce(v, shape.member) for v in value]
    if kind == "map":
        if not isinstance(value, dict):
            return value
        return {k: _coerce(v, shape.value) for k, v in value.items()}
    if isinstance(value, str):
        if kind == "integer":
            return int(value) if value else None
        if kind == "float":
            return float(value) if value else None
        if kind == "boolean":
            return value.lower() == "true"
    return value


# ---------------------------------------------------------------------------
# Turning option values into parameters
# ---------------------------------------------------------------------------


def _unpack(cli_name: str, shape: Shape, raw):
    """A command-line value (a string, or a list of strings for list options)."""
    def load(v):
        text = _param_file(v)
        return v if text is None else text

    loaded = [load(v) for v in raw] if isinstance(raw, list) else load(raw)
    kind = shape.kind
    if kind in ("structure", "map", "list"):
        check = loaded[0] if isinstance(loaded, list) and len(loaded) == 1 else loaded
        opener = "[" if kind == "list" else "{"
        if isinstance(check, str) and check.strip()[:1] == opener:
            return _json_param(cli_name, check)
        if kind == "list" and shape.member.kind in ("structure", "map"):
            items = loaded if isinstance(loaded, list) else [loaded]
            if all(v.strip()[:1] == "{" for v in items):
                return [_json_param(cli_name, v) for v in items]
        try:
            if kind == "list":
                items = loaded if isinstance(loaded, list) else [loaded]
                if shape.member.kind == "structure":
                    return [_coerce(ShorthandParser().parse(v), shape.member) for v in items]
                if shape.member.kind in ("list", "map"):
                    return [_unpack(cli_name, shape.member, v) for v in items]
                return [_scalar(cli_name, shape.member.kind, v) for v in items]
            text = loaded if isinstance(loaded, str) else " ".join(loaded)
            return _coerce(ShorthandParser().parse(text), shape)
        except ShorthandError as e:
            raise ParamError(cli_name, str(e)) from None
    if isinstance(loaded, list):
        loaded = loaded[0]
    return _scalar(cli_name, shape.kind, loaded)


def _json_param(cli_name, text):
    try:
        return _json_loads(text)
    except ValueError as e:
        raise ParamError(cli_name, f"Invalid JSON: {e}\nJSON received: {text}") from None


def _option_table(api: str, py: str):
    """--option -> (member name or None, Shape, required), for help and
    completion (``cli.OPTIONS`` has the same options with their kinds only)."""
    shape = input_shape(api)
    table = {}
    for name, member in shape.members.items():
        table["--" + _kebab(name)] = (name, member, name in shape.required)
    if _paginator(py):
        table["--starting-token"] = (None, Shape("string"), False)
        table["--page-size"] = (None, Shape("integer"), False)
        table["--max-items"] = (None, Shape("integer"), False)
    table["--cli-input-json"] = (None, Shape("string"), False)
    table["--generate-cli-skeleton"] = (None, Shape("string"), False)
    return table


# ---------------------------------------------------------------------------
# Text and table output
# ---------------------------------------------------------------------------


def _text_scalar(v) -> str:
    return str(v)


def format_text(item, out, identifier=None, scalar_keys=None):
    if isinstance(item, dict):
        if scalar_keys is None:
            scalars, nested = [], []
            for key, value in sorted(item.items()):
                if isinstance(value, (dict, list)):
                    nested.append((key, value))
                else:
                    scalars.append(_text_scalar(value))
        else:
            scalars = [_text_scalar(item.get(k, "")) for k in scalar_keys]
            nested = [(k, item[k]) for k in sorted(set(item) - set(scalar_keys))]
        if scalars:
            if identifier is not None:
                scalars.insert(0, identifier.upper())
            out.append("\t".join(scalars) + "\n")
        for key, value in nested:
            format_text(value, out, identifier=key)
    elif isinstance(item, list):
        if not item:
            return
        if any(isinstance(e, dict) for e in item):
            keys = sorted({k for e in item if isinstance(e, dict) for k, v in e.items() if not isinstance(v, (dict, list))})
            for element in item:
                format_text(element, out, identifier=identifier, scalar_keys=keys)
        elif any(isinstance(e, list) for e in item):
            scalars = [e for e in item if not isinstance(e, (dict, list))]
            others = [e for e in item if isinstance(e, (dict, list))]
            if scalars:
                _text_scalar_list(scalars, identifier, out)
            for other in others:
                format_text(other, out, identifier=identifier)
        else:
            _text_scalar_list(item, identifier, out)
    else:
        out.append(_text_scalar(item) + "\n")


def _text_scalar_list(elements, identifier, out):
    if identifier is not None:
        for e in elements:
            out.append(f"{identifier.upper()}\t{e}\n")
    else:
        out.append("\t".join(_text_scalar(e) for e in elements) + "\n")


def _width(text) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1 for c in str(text))


class _Section:
    def __init__(self, title="", indent=0):
        self.title = title
        self.indent = indent
        self.headers = []
        self.rows = []
        self.widths = []

    def _grow(self, row):
        if not self.widths:
            self.widths = [_width(e) for e in row]
        else:
            for k, e in enumerate(row):
                self.widths[k] = max(_width(e), self.widths[k])

    def header(self, headers):
        self._grow(headers)
        self.headers = headers

    def row(self, row):
        row = [str(e) for e in row]
        self.rows.append(row)
        self._grow(row)

    def column_widths(self, padding=0, max_width=None):
        widths = [w + padding for w in self.widths]
        if max_width is None or not widths:
            return widths
        factor = max_width / float(sum(widths))
        scaled = [int(round(factor * w)) for w in widths]
        off = sum(scaled) - max_width
        while off:
            order = range(len(scaled)) if off > 0 else reversed(range(len(scaled)))
            for k in order:
                if off > 0:
                    scaled[k] -= 1
                    off -= 1
                else:
                    scaled[k] += 1
                    off += 1
                if not off:
                    break
        return scaled

    def total_width(self):
        total = sum(w + 4 for w in self.column_widths()) + 2 + 2 * self.indent
        return max(_width(self.title) + 2 + 2 * self.indent, total)


class Table:
    """The AWS CLI's table output: one titled section per nested structure."""

    def __init__(self, color: bool):
        self.sections = []
        self.current = None
        self.color = color

    def section(self, title, indent=0):
        self.current = _Section(title, indent)
        self.sections.append(self.current)

    def build(self, title, value, indent=0) -> bool:
        if not value:
            return False
        if title is not None:
            self.section(title, indent)
        if isinstance(value, list):
            if isinstance(value[0], dict):
                self._from_list(value, indent, title)
            else:
                for item in value:
                    if not isinstance(item, (list, dict)):
                        self.current.row([item])
                    elif all(not isinstance(e, (list, dict)) for e in item):
                        self.current.row(item)
                    else:
                        self.build(None, item)
        if isinstance(value, dict):
            headers, more = self._group(value)
            if len(headers) == 1:
                self.current.row([headers[0], value[headers[0]]])
            elif headers:
                self.current.header(headers)
                self.current.row([value[k] for k in headers])
            for key in more:
                self.build(key, value[key], indent + 1)
        return True

    @staticmethod
    def _group(value):
        headers = sorted(k for k, v in value.items() if not isinstance(v, (list, dict)))
        more = sorted(k for k, v in value.items() if isinstance(v, (list, dict)))
        return headers, more

    def _from_list(self, items, indent, title):
        headers, more = set(), set()
        for item in items:
            h, m = self._group(item)
            headers.update(h)
            more.update(m)
        headers, more = sorted(headers), sorted(more)
        self.current.header(headers)
        first = True
        for element in items:
            if not first and more:
                self.section(title, indent)
                self.current.header(headers)
            first = False
            self.current.row([element.get(h, "") for h in headers])
            for key in more:
                if key in element:
                    self.build(key, element[key], indent + 1)

    # -- rendering --

    def _style_row(self, text):
        return f"\x1b[1m\x1b[34m{text}\x1b[0m" if self.color else text

    def _style_indent(self, text):
        return f"\x1b[2m\x1b[33m{text}\x1b[0m" if self.color else text

    def render(self, terminal_width: int) -> str:
        max_width = max(s.total_width() for s in self.sections)
        if max_width > terminal_width:
            for k, s in enumerate(self.sections):
                if len(s.rows) == 1 and s.headers:
                    vertical = _Section(s.title, s.indent)
                    for h, e in zip(s.headers, s.rows[0]):
                        vertical.row([h, e])
                    self.sections[k] = vertical
            max_width = max(s.total_width() for s in self.sections)
        # With colour the AWS CLI writes through colorama's autoreset wrapper,
        # which appends a reset after every write call: reproduced here.
        reset = "\x1b[0m" if self.color else ""
        out = ["-" * max_width + "\n" + reset]
        for s in self.sections:
            self._render_section(s, max_width, out)
        return "".join(out)

    def _render_section(self, s, max_width, out):
        edge = self._style_indent("|") * s.indent

        reset = "\x1b[0m" if self.color else ""

        def write(line):
            out.append(edge + reset + line + reset + edge + reset + "\n" + reset)

        width = max_width - s.indent * 2
        if s.title:
            write(_center(s.title, width, "|", "|", _width(s.title)))
            if not s.headers and not s.rows:
                write("+" + "-" * (width - 2) + "+")
        if s.headers:
            widths = s.column_widths(4, width)
            line = ""
            for k, (w, h) in enumerate(zip(widths, s.headers)):
                line += _center(h, w, "|" if k == 0 else "", "|", _width(h))
            write(_line_break(widths))
            write(line)
        if s.rows:
            widths = s.column_widths(4, width)
            if not widths:
                return
            write(_line_break(widths))
            for row in s.rows:
                line = ""
                for k, (w, e) in enumerate(zip(widths, row)):
                    line += _align_left(self._style_row(e), w, "|" if k == 0 else "", "|", _width(e))
                write(line)
            write(_line_break(widths))


def _center(text, length, left, right, text_length):
    start = length // 2 - text_length // 2 - 1
    so_far = _width(left) + start + text_length
    return left + " " * start + text + " " * (length - _width(right) - so_far) + right


def _align_left(text, length, left, right, text_length):
    padding = 2 if length - (text_length + 2 + _width(left) + _width(right)) >= 0 else 0
    so_far = len(left) + padding + text_length
    return left + " " * padding + text + " " * (length - so_far - len(right)) + right


def _line_break(widths) -> str:
    parts = []
    for k, w in enumerate(widths):
        parts.append("+" + "-" * (w - 2) + "+" if k == 0 else "-" * (w - 1) + "+")
    return "".join(parts)


def _terminal_width(default=80) -> int:
    try:
        import fcntl
        import struct
        import termios

        return struct.unpack("hhhh", fcntl.ioctl(sys.stdout, termios.TIOCGWINSZ, b"\0" * 8))[1]
    except Exception:
        return default


def _is_tty(stream) -> bool:
    try:
        return stream.isatty()
    except Exception:
        return False


def format_table(title, data, color_option) -> str:
    color = color_option == "on" or (color_option == "auto" and _is_tty(sys.stdout))
    table = Table(color)
    if not table.build(title, data):
        return ""
    return table.render(_terminal_width())


# ---------------------------------------------------------------------------
# Help, skeletons, completion
# ---------------------------------------------------------------------------


def _type_label(shape: Shape) -> str:
    return {"string": "string", "integer": "integer", "float": "float", "boolean": "boolean",
            "timestamp": "timestamp", "list": "list", "map": "map", "structure": "structure"}.get(shape.kind, shape.kind)


def shorthand_example(shape: Shape) -> str:
    if shape.kind == "map":
        return "KeyName1=string,KeyName2=string"
    if shape.kind == "list":
        if shape.member.kind == "structure":
            return _sh_struct(shape.member, top=True) + " ..."
        return "string string ..."
    if shape.kind == "structure":
        return _sh_struct(shape, top=True)
    return ""


def _sh_struct(shape: Shape, top=False) -> str:
    parts = []
    for name, m in shape.members.items():
        if m.kind == "list" and m.member.kind == "structure":
            inner = "{" + _sh_struct(m.member) + "}"
            parts.append(f"{name}=[{inner},{inner}]")
        elif m.kind == "list":
            parts.append(f"{name}=" + ("string,string" if top else "[string,string]"))
        elif m.kind == "structure":
            parts.append(f"{name}={{" + _sh_struct(m) + "}")
        elif m.kind == "map":
            parts.append(f"{name}={{KeyName1=string,KeyName2=string}}")
        else:
            parts.append(f"{name}={_type_label(m) if not m.enum else m.enum[0]}")
    return ",".join(parts)


def skeleton(shape: Shape, output=False, name=None):
    kind = shape.kind
    if kind == "structure":
        return {k: skeleton(m, output, k) for k, m in shape.members.items()}
    if kind == "list":
        return [skeleton(shape.member, output, name)]
    if kind == "map":
        return {"KeyName": skeleton(shape.value, output, "KeyName")}
    if kind == "integer":
        return 0
    if kind == "float":
        return 0.0
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return "1970-01-01T00:00:00"
    if shape.enum:
        return shape.enum[0]
    return name if output and name else ""


def command_help(command: str) -> str:
    if command in ("wait",):
        return (
            f"usage: {PROG} wait <waiter> --job-identifier <value> [options]\n\n"
            "Wait until a model-customization job reaches a state (polling GetModelCustomizationJob).\n\n"
            "WAITERS\n"
            "  model-customization-job-completed  until Completed (every 60 s, up to 24 h); fails on Failed/Stopping/Stopped\n"
            "  model-customization-job-stopped    until Stopped (every 30 s, up to 1 h); fails on Completed/Failed\n\n"
            "OPTIONS\n  --job-identifier (string) Identifier for the customization job.\n"
            "  --delay (float) Seconds between polls.\n  --max-attempts (integer) Polls before giving up.\n"
            + _global_help()
        )
    py, api = commands()[command]
    table = _option_table(api, py)
    lines = [f"NAME\n  {command}\n", "SYNOPSIS", f"  {PROG} {command}"]
    for opt, (member, shape, required) in table.items():
        lines.append(f"    {opt} <value>" if required else f"    [{opt} <value>]")
    lines.append("    [global options]\n")
    lines.append("OPTIONS")
    for opt, (member, shape, required) in table.items():
        label = _type_label(shape)
        lines.append(f"  {opt} ({label}){' (required)' if required else ''}")
        if shape.enum:
            lines.append("      Possible values: " + ", ".join(shape.enum))
        example = shorthand_example(shape) if member else ""
        if example:
            import json

            lines.append(f"      Shorthand Syntax:  {example}")
            lines.append("      JSON Syntax:       " + json.dumps(skeleton(shape)))
        if opt in PAGING_OPTIONS:
            lines.append(f"      {PAGING_OPTIONS[opt]}")
    lines.append(_global_help())
    return "\n".join(lines)


def _global_help() -> str:
    lines = ["\nGLOBAL OPTIONS"]
    for opt, (takes, choices, text) in GLOBAL_OPTIONS.items():
        lines.append(f"  {opt}{' <value>' if takes else ''}  {text}" + (f" ({'|'.join(choices)})" if choices else ""))
    return "\n".join(lines) + "\n"


def main_help() -> str:
    names = list(commands()) + ["wait", "completion"]
    return (
        f"usage: {PROG} [options] <command> [parameters]\n\n"
        "Amazon Bedrock model-customization jobs, like `aws bedrock ...` (AWS CLI v1 output).\n\n"
        "COMMANDS\n" + "".join(f"  {n}\n" for n in names) + _global_help()
    )


def completion_script(shell: str) -> str:
    cmds = commands()
    per_command = {}
    for command, (py, api) in cmds.items():
        per_command[command] = list(_option_table(api, py)) + list(GLOBAL_OPTIONS) + ["--help"]
    per_command["wait"] = list(_WAITERS) + ["--job-identifier", "--delay", "--max-attempts"] + list(GLOBAL_OPTIONS)
    per_command["completion"] = ["bash", "zsh"]
    top = " ".join(list(cmds) + ["wait", "completion", "--help", "--version"])
    if shell == "bash":
        cases = "".join(f"        {c}) opts=\"{' '.join(o)}\" ;;\n" for c, o in per_command.items())
        return (
            "# bash completion for bedrock-customization: eval \"$(bedrock-customization completion bash)\"\n"
            "_bedrock_customization() {\n"
            "    local cur cmd opts i\n"
            "    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
            "    cmd=\"\"\n"
            "    for ((i=1; i<COMP_CWORD; i++)); do\n"
            "        case \"${COMP_WORDS[i]}\" in -*) ;; *) cmd=\"${COMP_WORDS[i]}\"; break ;; esac\n"
            "    done\n"
            "    case \"$cmd\" in\n"
            f"        \"\") opts=\"{top}\" ;;\n"
            f"{cases}"
            "        *) opts=\"\" ;;\n"
            "    esac\n"
            "    COMPREPLY=( $(compgen -W \"$opts\" -- \"$cur\") )\n"
            "}\n"
            "complete -F _bedrock_customization bedrock-customization\n"
        )
    if shell == "zsh":
        cases = "".join(f"        {c}) opts=({' '.join(o)}) ;;\n" for c, o in per_command.items())
        return (
            "#compdef bedrock-customization\n"
            "# zsh completion for bedrock-customization: eval \"$(bedrock-customization completion zsh)\"\n"
            "_bedrock_customization() {\n"
            "    local -a opts\n"
            "    local cmd=${words[2]}\n"
            "    if (( CURRENT == 2 )); then\n"
            f"        opts=({top})\n"
            "    else\n"
            "    case $cmd in\n"
            f"{cases}"
            "        *) opts=() ;;\n"
            "    esac\n"
            "    fi\n"
            "    compadd -a opts\n"
            "}\n"
            "if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _bedrock_customization \"$@\"; "
            "else compdef _bedrock_customization bedrock-customization; fi\n"
        )
    raise _usage_error(f"argument shell: invalid choice: '{shell}' (choose from 'bash', 'zsh')")


# ---------------------------------------------------------------------------
# Paginated text output and waiters
# ---------------------------------------------------------------------------


def _text_pages(iterator, glob, query):
    out = []
    for i, page in enumerate(iterator):
        current = dict(iterator.non_aggregate_part) if i == 0 else {}
        for key in iterator.result_keys:
            current[key.expression if hasattr(key, "expression") else str(key)] = key.search(page)
        current = _plain(current, _iso_timestamps(glob))
        if query is not None:
            current = query.search(current)
        format_text(current, out)
    if iterator.resume_token:
        format_text({"NextToken": {"NextToken": iterator.resume_token}}, out)
    sys.stdout.write("".join(out))
    return 0


def run_wait(argv):
    if not argv or argv[0].startswith("-"):
        if argv and argv[0] in ("--help", "-h", "help"):
            sys.stdout.write(command_help("wait"))
            return 0
        raise _usage_error("argument waiter: expected one of: " + ", ".join(_WAITERS))
    name = argv[0]
    if name not in _WAITERS:
        raise _usage_error(f"argument waiter: Invalid choice: '{name}', valid choices are: " + ", ".join(_WAITERS))
    if "--help" in argv[1:] or "help" in argv[1:]:
        sys.stdout.write(command_help("wait"))
        return 0
    table = _option_table("GetModelCustomizationJob", "get_model_customization_job")
    table["--delay"] = (None, Shape("float"), False)
    table["--max-attempts"] = (None, Shape("integer"), False)
    glob, values, unknown = parse(argv[1:], table)
    if unknown:
        raise UsageError(f"{usage_text()}\nUnknown options: {', '.join(unknown)}\n", 255)
    params = _load_cli_input_json(values["--cli-input-json"]) if "--cli-input-json" in values else {}
    if "--job-identifier" in values:
        params["jobIdentifier"] = values["--job-identifier"]
    if "jobIdentifier" not in params:
        raise _usage_error("the following arguments are required: --job-identifier")
    waiter_config = {}
    if "--delay" in values:
        waiter_config["Delay"] = _scalar("--delay", "float", values["--delay"])
    if "--max-attempts" in values:
        waiter_config["MaxAttempts"] = _scalar("--max-attempts", "integer", values["--max-attempts"])
    client = _make_client(glob)
    client.get_waiter(_WAITERS[name]).wait(
        **params, WaiterConfig=waiter_config, progress=_is_tty(sys.stderr)
    )
    return 0

