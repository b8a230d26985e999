"""Command-line arguments -> an operation's parameters, as the AWS CLI v1 does
it: the global options, each command's options (from the generated
``_tables`` view of the model: one per input member, ``--flag``/``--no-flag`` for
booleans, several values for lists, the paging options of paginated
operations, ``--cli-input-json``, ``--generate-cli-skeleton``), argparse's
rules for values and abbreviations, ``file://``/``fileb://`` values, JSON and
shorthand syntax typed from the model (``_tables.shapes()``, read only for
structure, list and map values).
"""

from __future__ import annotations

import os

from ._errors import CliError, ParamError, UsageError, choices_grid, usage_error

OUTPUT_FORMATS = ("json", "text", "table")

# Global options: name -> (takes a value, choices, help).
GLOBAL_OPTIONS = {
    "--debug": (False, None, "Turn on debug logging."),
    "--endpoint-url": (True, None, "Override command's default URL with the given URL."),
    "--no-verify-ssl": (False, None, "Do not verify SSL certificates."),
    "--no-paginate": (False, None, "Disable automatic pagination."),
    "--output": (True, OUTPUT_FORMATS, "The formatting style for command output."),
    "--query": (True, None, "A JMESPath query to use in filtering the response data."),
    "--profile": (True, None, "Use a specific profile from your credential file."),
    "--region": (True, None, "The region to use. Overrides config/env settings."),
    "--version": (False, None, "Display the version of this tool."),
    "--color": (True, ("on", "off", "auto"), "Turn on/off color output."),
    "--no-sign-request": (False, None, "Do not sign requests. Credentials will not be loaded if this argument is provided."),
    "--ca-bundle": (True, None, "The CA certificate bundle to use when verifying SSL certificates."),
    "--cli-read-timeout": (True, None, "The maximum socket read time in seconds (0: no timeout). Default 60."),
    "--cli-connect-timeout": (True, None, "The maximum socket connect time in seconds (0: no timeout). Default 60."),
}

PAGING_OPTIONS = {
    "--starting-token": "A token to specify where to start paginating (the NextToken of a truncated response).",
    "--page-size": "The size of each page to get in the AWS service call.",
    "--max-items": "The total number of items to return in the command's output.",
}

SCALARS = frozenset(("string", "integer", "long", "float", "double", "boolean", "timestamp", "blob"))

# How an option takes its value(s).
VALUE, LIST, TRUE, FALSE, PAGE, INPUT_JSON, SKELETON = "value", "list", "true", "false", "page", "json", "skeleton"


class Option:
    """One option of a command: the member it sets (None for the CLI's own
    options), the member's kind and shape, whether it is required, how it
    takes values, and whether the help shows it (the AWS CLI hides the
    paginated operations' own token and limit members)."""

    __slots__ = ("member", "kind", "required", "shape", "action", "documented")

    def __init__(self, member, kind, required, shape, action, documented=True):
        self.member = member
        self.kind = kind
        self.required = required
        self.shape = shape
        self.action = action
        self.documented = documented


class Command:
    __slots__ = ("name", "py", "api", "input", "output", "paginator", "options")

    def __init__(self, name, entry):
        self.name = name
        self.py, self.api, self.input, self.output, members, self.paginator = entry
        hidden = set()
        if self.paginator:
            hidden = set(self.paginator[0]) | ({self.paginator[1]} if self.paginator[1] else set())
        options = {}
        for member, option, kind, required, shape in members:
            documented = member not in hidden
            if kind == "boolean":
                options["--" + option] = Option(member, kind, bool(required), shape, TRUE, documented)
                options["--no-" + option] = Option(member, kind, False, shape, FALSE, documented)
            else:
                action = LIST if kind == "list" else VALUE
                options["--" + option] = Option(member, kind, bool(required), shape, action, documented)
        options["--cli-input-json"] = Option(None, "string", False, None, INPUT_JSON)
        if self.paginator:
            limit_kind = self.paginator[2]
            options["--starting-token"] = Option(None, "string", False, None, PAGE)
            if self.paginator[1]:
                options["--page-size"] = Option(None, limit_kind, False, None, PAGE)
            options["--max-items"] = Option(None, limit_kind, False, None, PAGE)
        options["--generate-cli-skeleton"] = Option(None, "string", False, None, SKELETON)
        self.options = options


# The commands of this CLI beyond the model's operations (dispatched in cli/__init__.py).
EXTRA_COMMANDS = ("wait", "local-bedrock", "check-training-data", "completion")


def commands() -> dict:
    """CLI command name -> Python operation name, one per operation (see ``_tables``)."""
    from ._tables import command_names

    return command_names()


def command(name: str) -> Command:
    from ._tables import command as entry

    return Command(name, entry(name))


# ---------------------------------------------------------------------------
# Parsing argv (argparse's rules, as the AWS CLI's parsers apply them)
# ---------------------------------------------------------------------------

def _negative_number(arg) -> bool:
    """argparse's ``^-\\d+$|^-\\d*\\.\\d+$`` (without compiling a regular expression at start-up)."""
    body = arg[1:]
    whole, dot, fraction = body.partition(".")
    if not dot:
        return whole.isdigit() and whole.isascii()
    return (not whole or (whole.isdigit() and whole.isascii())) and fraction.isdigit() and fraction.isascii()


def _resolve(token, names):
    """An option name, or the one option it abbreviates (argparse's
    ``allow_abbrev``); None when it names none."""
    if token in names:
        return token
    matches = [n for n in names if n.startswith(token)]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise usage_error(f"ambiguous option: {token} could match {', '.join(matches)}")
    return None


def _option_like(arg, names) -> bool:
    """Whether argparse takes this argument for an option rather than a value."""
    if not arg or arg[0] != "-" or arg == "-":
        return False
    head = arg.split("=", 1)[0]
    if head in names:
        return True
    if _negative_number(arg):
        return False
    if " " in arg:
        return False
    return True


def _convert(opt: str, kind: str, value: str):
    """argparse's ``type=``: the AWS CLI parses float/double options with
    ``float`` and long options (and the paging limits) with ``int``."""
    try:
        if kind in ("float", "double"):
            float(value)
        elif kind == "long":
            int(value)
    except ValueError:
        name = "float" if kind in ("float", "double") else "int"
        raise usage_error(f"argument {opt}: invalid {name} value: '{value}'") from None
    return value


def parse(argv, options):
    """-> (globals dict, option values dict, unknown list). ``options``: the
    command's ``{--name: Option}`` (or ``{}``)."""
    glob: dict[str, str | bool | None] = {"output": None, "color": "auto"}
    values = {}
    unknown = []
    names = list(GLOBAL_OPTIONS) + list(options)
    i = 0
    n = len(argv)
    while i < n:
        arg = argv[i]
        inline = None
        token = arg
        if arg.startswith("--") and "=" in arg:
            token, inline = arg.split("=", 1)
        name = None
        if token.startswith("--") and len(token) > 2:
            name = _resolve(token, GLOBAL_OPTIONS) or _resolve(token, options)
        if name is None:
            unknown.append(arg)
            i += 1
            continue
        i += 1
        if name in GLOBAL_OPTIONS:
            takes, choices, _ = GLOBAL_OPTIONS[name]
            key = name[2:].replace("-", "_")
            if not takes:
                if inline is not None:
                    raise usage_error(f"argument {name}: ignored explicit argument '{inline}'")
                glob[key] = True
                continue
            if inline is None:
                if i >= n or _option_like(argv[i], names):
                    raise usage_error(f"argument {name}: expected one argument")
                inline = argv[i]
                i += 1
            if choices and inline not in choices:
                raise usage_error(f"argument {name}: Invalid choice, valid choices are:\n\n" + choices_grid(choices))
            glob[key] = inline
            continue
        option = options[name]
        action = option.action
        if action in (TRUE, FALSE):
            if inline is not None:
                raise usage_error(f"argument {name}: ignored explicit argument '{inline}'")
            values[name] = action == TRUE
            values.pop("--no-" + name[2:] if action == TRUE else "--" + name[5:], None)
            continue
        if action == SKELETON:
            if inline is None and i < n and not _option_like(argv[i], names):
                inline = argv[i]
                i += 1
            v = "input" if inline is None else inline
            if v not in ("input", "output"):
                raise usage_error(
                    "argument --generate-cli-skeleton: Invalid choice, valid choices are:\n\n"
                    + choices_grid(("input", "output")))
            values[name] = v
            continue
        if action == LIST:
            got = [] if inline is None else [inline]
            if inline is None:
                while i < n and not _option_like(argv[i], names):
                    got.append(argv[i])
                    i += 1
            values[name] = got
            continue
        if inline is None:
            if i >= n or _option_like(argv[i], names):
                raise usage_error(f"argument {name}: expected one argument")
            inline = argv[i]
            i += 1
        if action == PAGE and option.kind in ("integer", "long"):
            try:
                int(inline)
            except ValueError:
                raise usage_error(f"argument {name}: invalid int value: '{inline}'") from None
        elif action == VALUE:
            _convert(name, option.kind, inline)
        values[name] = inline
    return glob, values, unknown


def missing_required(options, values):
    """The required options not given (argparse's message lists them in order)."""
    missing = []
    seen = set()
    for name, option in options.items():
        if option.required and name not in values and option.member not in seen:
            missing.append(name)
        if name in values and option.member is not None:
            seen.add(option.member)
    return missing


# ---------------------------------------------------------------------------
# Values -> parameters
# ---------------------------------------------------------------------------


def param_file(cli_name, value):
    """The contents of a ``file://`` (text) or ``fileb://`` (bytes) value; None
    for any other value."""
    if isinstance(value, str):
        for prefix, mode in (("file://", "r"), ("fileb://", "rb")):
            if value.startswith(prefix):
                path = os.path.expandvars(os.path.expanduser(value[len(prefix) :]))
                try:
                    with open(path, mode, encoding="utf-8" if mode == "r" else None) as f:
                        return f.read()
                except UnicodeDecodeError:
                    raise ParamError(
                        cli_name or "cli-input-json",
                        f"Unable to load paramfile ({path}), text contents could not be decoded.  If this is a "
                        "binary file, please use the fileb:// prefix instead of the file:// prefix.") from None
                except OSError as e:
                    message = f"Unable to load paramfile {value}: {e}"
                    raise (CliError(message) if cli_name is None else ParamError(cli_name, message)) from None
    return None


def json_loads(text):
    import json

    return json.loads(text)


def json_param(cli_name, text):
    try:
        return json_loads(text)
    except ValueError as e:
        raise ParamError(cli_name, f"Invalid JSON: {e}\nJSON received: {text}") from None


def scalar(kind: str, value):
    """``unpack_scalar_cli_arg``: an option's string -> the member's type."""
    try:
        if kind in ("integer", "long"):
            return int(value)
        if kind in ("float", "double"):
            return float(value)
    except (ValueError, TypeError) as e:
        raise CliError(str(e)) from None
    if kind == "boolean":
        if isinstance(value, str) and value.lower() == "false":
            return False
        return bool(value)
    return value


def unpack(cli_name: str, option: Option, raw):
    """An option's value (a string, or a list of strings for a list member) ->
    the parameter."""
    loaded = raw[0] if isinstance(raw, list) and len(raw) == 1 else raw
    text = param_file(cli_name, loaded)
    value = raw if text is None else text
    kind = option.kind
    if kind in SCALARS:
        return scalar(kind, value)
    from ._tables import shapes

    return unpack_shape(cli_name, shapes(), option.shape, value)


def _is_document(shapes, name) -> bool:
    return shapes[name][0] == "document"


def _document_container(shapes, name) -> bool:
    entry = shapes[name]
    if entry[0] == "document":
        return True
    if entry[0] == "list":
        return _document_container(shapes, entry[1])
    if entry[0] == "map":
        return _document_container(shapes, entry[2])
    return False


def _supports_shorthand(shapes, name) -> bool:
    entry = shapes[name]
    if _document_container(shapes, name):
        return False
    if entry[0] == "list":
        return shapes[entry[1]][0] in ("structure", "list", "map")
    return entry[0] in ("structure", "map")


def unpack_shape(cli_name, shapes, name, value):
    entry = shapes[name]
    check = value[0] if isinstance(value, list) and value else value
    json_like = isinstance(check, str) and check.strip().startswith(("[", "{"))
    if not json_like and _supports_shorthand(shapes, name):
        from ._shorthand import ShorthandError, ShorthandParser

        special = _special_case(shapes, entry, value)
        if special is not None:
            return special
        try:
            if isinstance(value, list):
                parsed = [ShorthandParser().parse(v) for v in value]
            else:
                parsed = ShorthandParser().parse(value)
            holder = {"": parsed}
            _visit(shapes, holder, "", name, parsed)
            return holder[""]
        except ShorthandError as e:
            raise ParamError(cli_name, str(e)) from None
    return _unpack_plain(cli_name, shapes, name, value)


def _special_case(shapes, entry, value):
    # A structure whose one member is a string named Value: `--opt x` is {"Value": "x"}.
    if (entry[0] == "structure" and len(entry[1]) == 1 and entry[1][0][0] == "Value"
            and shapes[entry[1][0][1]][0] == "string" and isinstance(value, str) and "=" not in value):
        return {"Value": value}
    return None


def _unpack_plain(cli_name, shapes, name, value):
    """``unpack_cli_arg``: JSON for documents, structures and maps; lists as
    JSON or value by value."""
    entry = shapes[name]
    kind = entry[0]
    if kind == "document":
        return json_param(cli_name, value)
    if kind in SCALARS:
        return scalar(kind, value)
    if kind in ("structure", "map"):
        if isinstance(value, list):  # (not reachable from the command line)
            value = " ".join(value)
        if value.lstrip()[:1] == "{":
            return json_param(cli_name, value)
        raise ParamError(cli_name, f"Invalid JSON:\n{value}")
    # a list
    if isinstance(value, str):
        if value.lstrip()[:1] == "[":
            return json_param(cli_name, value)
    elif isinstance(value, list) and len(value) == 1:
        single = value[0].strip()
        if single and single[0] == "[":
            return json_param(cli_name, value[0])
    try:
        return [_unpack_plain(cli_name, shapes, entry[1], v) for v in value]
    except CliError as e:
        if isinstance(e, ParamError):
            raise
        raise ParamError(cli_name, value[0]) from None


class _DocumentInShorthand(Exception):
    pass


def _visit(shapes, parent, key, name, value):
    """The AWS CLI's back-compat visitor: the shorthand parser's strings typed
    from the model, in place."""
    entry = shapes[name]
    kind = entry[0]
    if kind == "structure":
        if not isinstance(value, dict):
            return
        for member, ref in entry[1]:
            child = value.get(member)
            if child is not None and _is_document(shapes, ref):
                from ._shorthand import ShorthandError

                raise ShorthandError(
                    "Shorthand syntax does not support document types. Use JSON input for top-level argument "
                    f"to specify nested parameter: {member}")
            _visit(shapes, value, member, ref, child)
    elif kind == "list":
        if not isinstance(value, list):
            if value is not None:
                parent[key] = [value]
            return
        for index, item in enumerate(value):
            _visit(shapes, value, index, entry[1], item)
    elif kind == "map":
        if not isinstance(value, dict):
            return
        for k, item in list(value.items()):
            _visit(shapes, value, k, entry[2], item)
    elif kind == "document":
        return
    else:
        if value is None:
            return
        try:
            if kind in ("integer", "long"):
                parent[key] = int(value)
            elif kind in ("float", "double"):
                parent[key] = float(value)
            elif kind == "boolean":
                if value.lower() == "true":
                    parent[key] = True
                elif value.lower() == "false":
                    parent[key] = False
        except (ValueError, TypeError) as e:
            raise CliError(str(e)) from None


def load_cli_input_json(raw):
    text = param_file(None, raw)
    if text is None:
        text = raw
    try:
        data = json_loads(text)
    except ValueError as e:
        raise ParamError("cli-input-json", f"Invalid JSON: {e}\nJSON received: {text}") from None
    if not isinstance(data, dict):
        raise CliError("Invalid type for parameter cli-input-json: a JSON object is expected")
    return data


def build_params(cmd: Command, values: dict) -> dict:
    """The operation's parameters from the option values (in the table's order,
    as the AWS CLI adds them), then the ``--cli-input-json`` members not given
    as options."""
    params = {}
    for name, option in cmd.options.items():
        if option.member is None or name not in values:
            continue
        raw = values[name]
        if option.action in (TRUE, FALSE):
            params[option.member] = raw
        else:
            params[option.member] = unpack(name, option, raw)
    if "--cli-input-json" in values:
        for key, value in load_cli_input_json(values["--cli-input-json"]).items():
            params.setdefault(key, value)
    return params


__all__ = [
    "Command", "GLOBAL_OPTIONS", "Option", "PAGING_OPTIONS", "UsageError", "build_params", "command", "commands",
    "json_loads", "load_cli_input_json", "missing_required", "param_file", "parse", "scalar", "unpack",
]
