"""``bedrock-customization``: the AWS CLI's ``aws bedrock ...-model-customization-job(s)``
commands, on this package's client.

    bedrock-customization get-model-customization-job --job-identifier my-job
    bedrock-customization list-model-customization-jobs --output table --query '...'
    bedrock-customization wait model-customization-job-completed --job-identifier my-job

Options, shorthand syntax, ``--cli-input-json``, ``--generate-cli-skeleton``,
``--query`` and the json/text/table output follow AWS CLI v1 (whose output
this reproduces byte for byte for the same response); exit codes too: 0,
255 for service and parameter errors, 2 for usage errors.

Start-up is kept short, since a command is a whole process: this module holds
only the path of a plain call (argument parsing, the call, JSON output), with
each command's options as a table (``OPTIONS``, checked against the model by
the tests); shorthand syntax, text/table output, help, completion and ``wait``
live in ``_cli_extra``, imported when a command needs them. Neither imports
botocore or awscli.
"""

from __future__ import annotations

import os
import sys

PROG = "bedrock-customization"

# CLI command -> Python operation name (the model's operations, in kebab case).
_WAITERS = {
    "model-customization-job-completed": "model_customization_job_completed",
    "model-customization-job-stopped": "model_customization_job_stopped",
}

# Global options: name -> (takes a value, choices, help).
GLOBAL_OPTIONS = {
    "--debug": (False, None, "Turn on debug logging."),
    "--endpoint-url": (True, None, "Override command's default URL with the given URL."),
    "--no-verify-ssl": (False, None, "Do not verify SSL certificates."),
    "--no-paginate": (False, None, "Disable automatic pagination."),
    "--output": (True, ("json", "text", "table"), "The formatting style for command output."),
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

# Options added to paginated operations (as the AWS CLI does).
PAGING_OPTIONS = {
    "--starting-token": "A token to specify where to start paginating (the NextToken of a truncated response).",
    "--page-size": "The size of each page to get in the AWS service call.",
    "--max-items": "The total number of items to return in the command's output.",
}


class UsageError(Exception):
    """An argument-parsing error: usage text, exit code 2 (argparse's); unknown
    options exit with 255, as in the AWS CLI."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


class CliError(Exception):
    """An error reported as ``\\n<message>\\n`` on stderr with exit code 255."""


class ParamError(CliError):
    def __init__(self, cli_name: str, message: str) -> None:
        super().__init__(f"Error parsing parameter '{cli_name}': {message}")



# Each command's options: --option -> (member, kind, required), in the model's
# order (tests/test_cli.py checks this against type_defs). The kind is the
# member's type; a structure, map or list value is parsed with its full shape
# from type_defs (_cli_extra), imported only then.
OPTIONS = {
    "create-model-customization-job": {
        "--job-name": ("jobName", "string", True),
        "--custom-model-name": ("customModelName", "string", True),
        "--role-arn": ("roleArn", "string", True),
        "--base-model-identifier": ("baseModelIdentifier", "string", True),
        "--training-data-config": ("trainingDataConfig", "structure", True),
        "--output-data-config": ("outputDataConfig", "structure", True),
        "--client-request-token": ("clientRequestToken", "string", False),
        "--customization-type": ("customizationType", "string", False),
        "--custom-model-kms-key-id": ("customModelKmsKeyId", "string", False),
        "--job-tags": ("jobTags", "list", False),
        "--custom-model-tags": ("customModelTags", "list", False),
        "--validation-data-config": ("validationDataConfig", "structure", False),
        "--hyper-parameters": ("hyperParameters", "map", False),
        "--vpc-config": ("vpcConfig", "structure", False),
        "--customization-config": ("customizationConfig", "structure", False),
    },
    "get-model-customization-job": {
        "--job-identifier": ("jobIdentifier", "string", True),
    },
    "list-model-customization-jobs": {
        "--creation-time-after": ("creationTimeAfter", "timestamp", False),
        "--creation-time-before": ("creationTimeBefore", "timestamp", False),
        "--status-equals": ("statusEquals", "string", False),
        "--name-contains": ("nameContains", "string", False),
        "--max-results": ("maxResults", "integer", False),
        "--next-token": ("nextToken", "string", False),
        "--sort-by": ("sortBy", "string", False),
        "--sort-order": ("sortOrder", "string", False),
    },
    "stop-model-customization-job": {
        "--job-identifier": ("jobIdentifier", "string", True),
    },
}


def _extra():
    from . import _cli_extra

    return _cli_extra


def __getattr__(name: str):
    # What moved to _cli_extra (Shape, ShorthandParser, format_text, command_help, ...)
    # stays reachable here.
    if not name.startswith("__"):
        extra = _extra()
        if hasattr(extra, name):
            return getattr(extra, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


def _kebab(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("-")
        out.append(ch.lower())
    return "".join(out)


_COMMANDS = None


def commands():
    """CLI command name -> (python operation name, API operation name)."""
    global _COMMANDS
    if _COMMANDS is None:
        from . import _model

        _COMMANDS = {_kebab(api): (py, api) for py, api in _model.OPERATIONS.items()}
    return dict(_COMMANDS)


def _paginator(py: str):
    from . import _model

    return _model.PAGINATORS.get(py)


def _option_table(command: str, py: str):
    """--option -> (member name or None, kind, required)."""
    table = dict(OPTIONS[command])
    if _paginator(py):
        table["--starting-token"] = (None, "string", False)
        table["--page-size"] = (None, "integer", False)
        table["--max-items"] = (None, "integer", False)
    table["--cli-input-json"] = (None, "string", False)
    table["--generate-cli-skeleton"] = (None, "string", False)
    return table


# ---------------------------------------------------------------------------
# Turning option values into parameters
# ---------------------------------------------------------------------------


def _param_file(value):
    if isinstance(value, str):
        for prefix, mode in (("file://", "r"), ("fileb://", "rb")):
            if value.startswith(prefix):
                path = os.path.expandvars(os.path.expanduser(value[len(prefix) :]))
                try:
                    with open(path, mode, **({"encoding": "utf-8"} if mode == "r" else {})) as f:
                        return f.read()
                except OSError as e:
                    raise CliError(f"Unable to load paramfile {value}: {e}") from None
    return None


def _json_loads(text):
    import json

    return json.loads(text)


def _unpack(api: str, cli_name: str, member: str, kind: str, raw):
    """A command-line value (a string, or a list of strings for list options)."""
    if kind in ("structure", "map", "list"):
        extra = _extra()
        return extra._unpack(cli_name, extra.input_shape(api).members[member], raw)
    text = _param_file(raw)
    return _scalar(cli_name, kind, raw if text is None else text)


def _scalar(cli_name: str, kind: str, value: str):
    try:
        if kind == "integer":
            return int(value)
        if kind == "float":
            return float(value)
    except ValueError as e:
        raise CliError(str(e)) from None
    if kind == "boolean":
        return value.lower() == "true"
    return value


# ---------------------------------------------------------------------------
# Argument parsing
# ---------------------------------------------------------------------------


def usage_text() -> str:
    return (
        f"usage: {PROG} [options] <command> [<subcommand>] [parameters]\n"
        "To see help text, you can run:\n\n"
        f"  {PROG} --help\n"
        f"  {PROG} <command> --help\n"
    )


def _usage_error(message: str) -> UsageError:
    return UsageError(f"{usage_text()}{PROG}: error: {message}\n")


def parse(argv, table):
    """-> (globals dict, option values dict, unknown list)."""
    glob = {"output": None, "color": "auto"}
    values = {}
    unknown = []
    i = 0
    n = len(argv)
    while i < n:
        token = argv[i]
        inline = None
        if token.startswith("--") and "=" in token:
            token, inline = token.split("=", 1)
        if token in GLOBAL_OPTIONS or token in table:
            is_global = token in GLOBAL_OPTIONS
            if is_global:
                takes, choices, _ = GLOBAL_OPTIONS[token]
            else:
                takes, choices = True, None
            name = token[2:].replace("-", "_")
            if token == "--generate-cli-skeleton":
                if inline is not None:
                    v = inline
                elif i + 1 < n and argv[i + 1] in ("input", "output"):
                    v = argv[i + 1]
                    i += 1
                else:
                    v = "input"
                if v not in ("input", "output"):
                    raise _usage_error(
                        f"argument --generate-cli-skeleton: invalid choice: '{v}' (choose from 'input', 'output')"
                    )
                values[token] = v
                i += 1
                continue
            if not takes:
                glob[name] = True
                i += 1
                continue
            # (the kind: a string here, a Shape in _cli_extra's tables)
            kind = None if is_global else getattr(table[token][1], "kind", table[token][1])
            multi = kind == "list"
            if inline is not None:
                got = [inline]
                i += 1
            else:
                # One value, or (list options) every value up to the next option.
                got = []
                i += 1
                while i < n and not argv[i].startswith("--"):
                    got.append(argv[i])
                    i += 1
                    if not multi:
                        break
            if not got:
                raise _usage_error(f"argument {token}: expected {'at least ' if multi else ''}one argument")
            if is_global:
                v = got[0]
                if choices and v not in choices:
                    raise _usage_error(f"argument {token}: Invalid choice, valid choices are:\n\n" + _choices_grid(choices))
                glob[name] = v
            else:
                values[token] = got if multi else got[0]
            continue
        unknown.append(argv[i])
        i += 1
    return glob, values, unknown


def _choices_grid(choices) -> str:
    # The AWS CLI lays out choices in two columns of 40.
    lines = []
    for k in range(0, len(choices), 2):
        row = choices[k : k + 2]
        if len(row) == 2:
            lines.append(f"{row[0]:<40} | {row[1]:<40}")
        else:
            lines.append(f"{row[0]:<40}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def _wire_timestamp(dt) -> str:
    """The timestamp as the service sent it (the AWS CLI v1 prints timestamps as
    they came over the wire); rebuilt from the parsed value."""
    if dt.tzinfo is None:
        return dt.isoformat(sep=" ")
    offset = dt.utcoffset()
    if offset is not None and not offset:
        text = dt.strftime("%Y-%m-%dT%H:%M:%S")
        if dt.microsecond:
            text += f".{dt.microsecond // 1000:03d}" if dt.microsecond % 1000 == 0 else f".{dt.microsecond:06d}"
        return text + "Z"
    return dt.isoformat()


def _plain(value, iso=False):
    """Timestamps -> strings (as on the wire, or ISO 8601 with
    ``cli_timestamp_format = iso8601``); bytes -> base64 (what the AWS CLI shows)."""
    if isinstance(value, dict):
        return {k: _plain(v, iso) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, iso) for v in value]
    if hasattr(value, "isoformat") and hasattr(value, "tzinfo"):
        return value.isoformat() if iso else _wire_timestamp(value)
    if isinstance(value, (bytes, bytearray)):
        import base64

        return base64.b64encode(value).decode("utf-8")
    return value


def format_json(data) -> str:
    """``json.dumps(data, indent=4, ensure_ascii=False)`` and a newline (the AWS
    CLI's JSON output); nothing for ``{}``."""
    if data == {}:
        return ""
    return _dumps(data) + "\n"


class _NotPlain(Exception):
    pass


def _dumps(data) -> str:
    """What ``json.dumps(data, indent=4, ensure_ascii=False)`` returns, built with
    the same string escaper (``_json.encode_basestring``) and number formats, for
    the types a response holds; anything else goes to ``json.dumps`` itself. (The
    json module costs ~2 ms to import: it compiles its regular expressions.)"""
    try:
        from _json import encode_basestring
    except ImportError:  # pragma: no cover - an implementation without the C helpers
        encode_basestring = None
    if encode_basestring is not None:
        out = []
        try:
            _json_value(data, out, "\n", encode_basestring)
            return "".join(out)
        except (_NotPlain, RecursionError):
            pass
    import json

    return json.dumps(data, indent=4, ensure_ascii=False)


def _json_value(value, out, indent, quote):
    # The order of the checks is json.encoder's (bool before int, str first).
    if isinstance(value, str):
        out.append(quote(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_json_float(value))
    elif isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        inner = indent + "    "
        out.append("[")
        separator = inner
        for item in value:
            out.append(separator)
            separator = "," + inner
            _json_value(item, out, inner, quote)
        out.append(indent + "]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = indent + "    "
        out.append("{")
        separator = inner
        for key, item in value.items():
            if not isinstance(key, str):
                raise _NotPlain
            out.append(separator)
            separator = "," + inner
            out.append(quote(key))
            out.append(": ")
            _json_value(item, out, inner, quote)
        out.append(indent + "}")
    else:
        raise _NotPlain


def _json_float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == float("-inf"):
        return "-Infinity"
    return float.__repr__(value)


def _compile_query(expression):
    try:
        import jmespath
    except ImportError:
        raise CliError("--query needs the 'jmespath' package: pip install jmespath") from None
    try:
        return jmespath.compile(expression)
    except Exception as e:  # jmespath.exceptions.ParseError and friends
        raise CliError(f"Bad value for --query {expression}: {e}") from None



# ---------------------------------------------------------------------------
# Running a command
# ---------------------------------------------------------------------------


def _make_client(glob):
    import bedrock_customization as bc

    config_kwargs = {}
    if glob.get("no_sign_request"):
        config_kwargs["signature_version"] = bc.UNSIGNED
    for option, key in (("cli_read_timeout", "read_timeout"), ("cli_connect_timeout", "connect_timeout")):
        if glob.get(option) is not None:
            try:
                seconds = int(glob[option])
            except ValueError as e:
                raise CliError(str(e)) from None
            config_kwargs[key] = seconds if seconds else None
    verify = None
    if glob.get("no_verify_ssl"):
        verify = False
    elif glob.get("ca_bundle"):
        verify = glob["ca_bundle"]
    session = bc.Session(profile_name=glob.get("profile"))
    return session.client(
        "bedrock",
        region_name=glob.get("region"),
        endpoint_url=glob.get("endpoint_url"),
        verify=verify,
        config=bc.Config(**config_kwargs) if config_kwargs else None,
    )


def _load_cli_input_json(raw):
    text = _param_file(raw)
    if text is None:
        text = raw
    try:
        data = _json_loads(text)
    except ValueError as e:
        raise CliError(f"Error parsing parameter 'cli-input-json': Invalid JSON: {e}\nJSON received: {text}") from None
    if not isinstance(data, dict):
        raise CliError("Invalid type for parameter cli-input-json: a JSON object is expected")
    return data


def _profile_setting(glob, key):
    """A setting of the profile in the shared config file (``output``,
    ``cli_timestamp_format``), read only when needed."""
    cache = glob.setdefault("_profile_settings", {})
    if not cache:
        path = os.path.expanduser(os.environ.get("AWS_CONFIG_FILE", "~/.aws/config"))
        if _may_have_settings(path):
            import configparser

            profile = (glob.get("profile") or os.environ.get("AWS_DEFAULT_PROFILE") or os.environ.get("AWS_PROFILE")
                       or "default")
            parser = configparser.RawConfigParser(strict=False, interpolation=None)
            try:
                parser.read(path, encoding="utf-8")
            except (configparser.Error, OSError):
                pass
            section = "default" if profile == "default" else f"profile {profile}"
            cache.update(parser.items(section) if parser.has_section(section) else [])
        cache.setdefault("__read__", "1")
    return cache.get(key)


def _may_have_settings(path) -> bool:
    """False when reading the file could find nothing (it is missing, empty or
    /dev/null): then configparser is not even imported."""
    if path == os.devnull:
        return False
    try:
        st = os.stat(path)
    except OSError:
        return False  # configparser.read skips a file it cannot open
    import stat

    return not (st.st_size == 0 and stat.S_ISREG(st.st_mode))


def _output_format(glob):
    fmt = glob.get("output") or os.environ.get("AWS_DEFAULT_OUTPUT") or _profile_setting(glob, "output")
    return fmt or "json"


def _emit(api, data, glob, query):
    fmt = _output_format(glob)
    if query is not None:
        data = query.search(data)
    if fmt == "text":
        out = []
        _extra().format_text(data, out)
        text = "".join(out)
    elif fmt == "table":
        text = _extra().format_table(api, data, glob.get("color") or "auto")
    else:
        text = format_json(data)
    sys.stdout.write(text)


def run_operation(command, argv):
    py, api = commands()[command]
    table = _option_table(command, py)
    glob, values, unknown = parse(argv, table)
    if glob.get("version"):
        return _print_version()
    if unknown:
        raise UsageError(f"{usage_text()}\nUnknown options: {', '.join(unknown)}\n", 255)
    skeleton_mode = values.get("--generate-cli-skeleton")
    if skeleton_mode == "input":
        extra = _extra()
        sys.stdout.write(format_json(extra.skeleton(extra.input_shape(api))) or "{}\n")
        return 0
    if "--cli-input-json" not in values:
        missing = [opt for opt, (m, kind, required) in table.items() if required and opt not in values]
        if missing:
            raise _usage_error("the following arguments are required: " + ", ".join(missing))
    if glob.get("output") is not None and glob["output"] not in GLOBAL_OPTIONS["--output"][1]:
        raise _usage_error("argument --output: Invalid choice")
    query = _compile_query(glob["query"]) if glob.get("query") is not None else None
    params = _load_cli_input_json(values["--cli-input-json"]) if "--cli-input-json" in values else {}
    for opt, raw in values.items():
        member, kind, _ = table[opt]
        if member is not None:
            params[member] = _unpack(api, opt, member, kind, raw)
    if skeleton_mode == "output":
        extra = _extra()
        sys.stdout.write(format_json(extra.skeleton(extra.output_shape(api), output=True)))
        return 0
    if glob.get("debug"):
        import logging

        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,
                            format="%(asctime)s - %(threadName)s - %(name)s - %(levelname)s - %(message)s")
        logging.getLogger(__name__).debug("Calling %s with %r", api, params)
    client = _make_client(glob)
    paging = _paginator(py)
    paging_config = {}
    for opt, key in (("--starting-token", "StartingToken"), ("--page-size", "PageSize"), ("--max-items", "MaxItems")):
        if opt in values:
            paging_config[key] = _scalar(opt, table[opt][1], values[opt])
    manual = paging and (paging["input_token"] in params or paging["limit_key"] in params)
    if paging and not glob.get("no_paginate") and not manual:
        iterator = client.get_paginator(py).paginate(**params, PaginationConfig=paging_config)
        if _output_format(glob) == "text":
            return _extra()._text_pages(iterator, glob, query)
        data = iterator.build_full_result()
    else:
        if paging_config:
            raise CliError("Error during pagination: Cannot specify --no-paginate along with pagination arguments: "
                           + ", ".join(o for o in ("--starting-token", "--page-size", "--max-items") if o in values))
        data = getattr(client, py)(**params)
    data.pop("ResponseMetadata", None)
    _emit(api, _plain(data, _iso_timestamps(glob)), glob, query)
    return 0


def _iso_timestamps(glob) -> bool:
    fmt = _profile_setting(glob, "cli_timestamp_format") or "wire"
    if fmt not in ("wire", "none", "iso8601"):
        raise ValueError(f'Unknown cli_timestamp_format value: {fmt}, valid values are "none", "wire" or "iso8601"')
    return fmt == "iso8601"


def _print_version():
    import platform

    from . import __version__

    sys.stdout.write(f"{PROG}/{__version__} Python/{platform.python_version()} {platform.system()}/{platform.release()}\n")
    return 0


def _dispatch(argv):
    # `bedrock-customization bedrock get-...` works too, as a drop-in for `aws bedrock get-...`.
    if argv and argv[0] == "bedrock":
        argv = argv[1:]
    # The command is the first token that is not a global option (or its value).
    pre = []
    i = 0
    while i < len(argv) and argv[i].startswith("-"):
        token = argv[i].split("=", 1)[0]
        pre.append(argv[i])
        if token in GLOBAL_OPTIONS and GLOBAL_OPTIONS[token][0] and "=" not in argv[i] and i + 1 < len(argv):
            pre.append(argv[i + 1])
            i += 1
        i += 1
    rest = argv[i:]
    if rest and rest[0] == "bedrock":
        rest = rest[1:]
    if not rest:
        if "--version" in pre:
            return _print_version()
        if "--help" in pre or "-h" in pre:
            sys.stdout.write(_extra().main_help())
            return 0
        raise _usage_error("the following arguments are required: command")
    command, args = rest[0], pre + rest[1:]
    if command in ("help", "--help"):
        sys.stdout.write(_extra().main_help())
        return 0
    if command == "completion":
        if not args or args[0] not in ("bash", "zsh"):
            raise _usage_error("argument shell: expected one of: bash, zsh")
        sys.stdout.write(_extra().completion_script(args[0]))
        return 0
    if command == "wait":
        return _extra().run_wait(rest[1:] + pre)
    if command not in commands():
        raise _usage_error(
            f"argument command: Invalid choice, valid choices are:\n\n" + _choices_grid(list(commands()) + ["wait", "completion"])
        )
    if any(a in ("--help", "-h", "help") for a in rest[1:2]) or "--help" in args:
        sys.stdout.write(_extra().command_help(command))
        return 0
    return run_operation(command, args)


def main(argv=None) -> int:
    one_command = False
    if argv is None:
        argv = sys.argv[1:]
        # Run as the program (`bedrock-customization`, `python -m bedrock_customization`):
        # this process runs one command and exits.
        one_command = getattr(sys.modules.get("__main__"), "main", None) is main
        if one_command:
            _one_command_process()
    code = _run(list(argv))
    if one_command:
        _exit_now(code)
    return code


def _run(argv) -> int:
    try:
        return _dispatch(argv)
    except UsageError as e:
        sys.stderr.write(str(e))
        return e.code
    except CliError as e:
        sys.stderr.write(f"\n{e}\n")
        return 255
    except KeyboardInterrupt:
        sys.stdout.write("\n")
        return 130
    except BrokenPipeError:
        return 255
    except Exception as e:  # service errors, validation, credentials, connection...
        return _report(e)


# Set when this process runs one command as the program (see _one_command_process).
def _one_command_process() -> None:
    """Skips, in a process that runs one command and exits, work that only a
    long-lived library user needs; the output is the same. (With ``_exit_now``,
    which skips the interpreter's teardown.)

    - Timestamps: the core builds datetimes with dateutil's ``tzutc()`` and
      ``tzoffset`` as botocore does (dateutil's parser costs ~8 ms to import),
      and the command line turns them straight back into text. Its helper
      module ``_parsing`` is therefore provided here with the standard
      library's time zones (the same offsets, so the same text); timestamps
      that are not ISO 8601 (epoch numbers, RFC 822) still go to the real
      helpers, imported then.
    - Errors: the standalone exception classes (the same names and messages)
      rather than subclasses of botocore's, which would import botocore.
    """
    package = sys.modules[__package__]
    package._STANDALONE_EXCEPTIONS = True
    name = f"{__package__}._parsing"
    if name in sys.modules:
        return
    import datetime
    import types

    real = []

    def full():
        if not real:
            light = sys.modules.pop(name)
            try:
                import importlib

                real.append(importlib.import_module(name))
            finally:
                sys.modules[name] = light
        return real[0]

    light = types.ModuleType(name, "Timestamps with standard-library time zones, for the command line.")
    light.UTC = datetime.timezone.utc
    light.tz_offset = lambda seconds: datetime.timezone(datetime.timedelta(seconds=seconds))
    light.parse_timestamp = lambda value: full().parse_timestamp(value)
    light.to_int = lambda value: full().to_int(value)
    light.to_float = lambda value: full().to_float(value)
    light.b64decode = lambda value: full().b64decode(value)
    sys.modules[name] = light


def _exit_now(code: int) -> None:
    """Ends the process once the output is flushed, without the interpreter's
    teardown (~3-6 ms of freeing every module), when nothing is waiting for it:
    no atexit callback (coverage, logging, a user's hook), no other Python
    thread, not in development mode. Otherwise returns, for a normal exit."""
    import atexit

    callbacks = getattr(atexit, "_ncallbacks", None)
    if callbacks is None or callbacks() or sys.flags.dev_mode:
        return
    threading = sys.modules.get("threading")
    if threading is not None and threading.active_count() > 1:
        return
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:
        return  # (the normal exit reports it as usual)
    os._exit(code)


def _report(e) -> int:
    name = type(e).__name__
    if name == "NoRegionError":
        sys.stderr.write(f'{e} You can also configure your region by running "aws configure".\n')
        return 255
    if name == "NoCredentialsError":
        sys.stderr.write(f'{e}. You can configure credentials by running "aws configure".\n')
        return 255
    if name == "WaiterError":
        message = f"Waiter {e.name} failed: {e.reason}" if hasattr(e, "name") else str(e)
    else:
        message = str(e)
    sys.stderr.write(f"\n{message}\n")
    return 255


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
