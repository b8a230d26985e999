"""Running one command: the client (from the global options and the profile),
the call (or the paginated calls), ``--query`` and the output; ``wait``.
"""

from __future__ import annotations

import os
import sys

from ._argv import OUTPUT_FORMATS, build_params, command, missing_required, parse, scalar
from ._errors import CliError, unknown_options, usage_error
from ._jsonout import _plain, format_json


def compile_query(expression):
    try:
        import jmespath
    except ImportError:
        raise CliError("--query needs the 'jmespath' package: pip install jmespath") from None
    try:
        return jmespath.compile(expression)
    except Exception as e:  # jmespath.exceptions.ParseError and friends
        raise CliError(f"Bad value for --query {expression}: {e}") from None


def make_client(glob):
    import bedrock_customization as bc

    config_kwargs: dict[str, object] = {}
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


def profile_setting(glob, key):
    """A setting of the profile in the shared config file (``output``,
    ``cli_timestamp_format``), read only when needed."""
    cache = glob.setdefault("_profile_settings", {})
    if not cache:
        from .. import _profiles

        profile = (glob.get("profile") or os.environ.get("AWS_DEFAULT_PROFILE") or os.environ.get("AWS_PROFILE")
                   or "default")
        cache.update(_profiles.config_profiles().get(profile, {}))
        cache.setdefault("__read__", "1")
    return cache.get(key)


def output_format(glob):
    fmt = glob.get("output") or os.environ.get("AWS_DEFAULT_OUTPUT") or profile_setting(glob, "output")
    return fmt or "json"


def iso_timestamps(glob) -> bool:
    fmt = profile_setting(glob, "cli_timestamp_format") or "wire"
    if fmt not in ("wire", "none", "iso8601"):
        raise ValueError(f'Unknown cli_timestamp_format value: {fmt}, valid values are "none", "wire" or "iso8601"')
    return fmt == "iso8601"


def emit(title, data, glob, query):
    fmt = output_format(glob)
    if query is not None:
        data = query.search(data)
    if fmt == "text":
        from ._formats import format_text

        out: list[str] = []
        try:
            format_text(data, out)
        finally:  # (what was formatted before a failure is printed, as the AWS CLI streams it)
            sys.stdout.write("".join(out))
        return
    elif fmt == "table":
        from ._formats import format_table

        text = format_table(title, data, glob.get("color") or "auto")
    else:
        text = format_json(data)
    sys.stdout.write(text)


def _debug(glob, api, params):
    if glob.get("debug"):
        import logging

        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,
                            format="%(asctime)s - %(threadName)s - %(name)s - %(levelname)s - %(message)s")
        logging.getLogger(__name__).debug("Calling %s with %r", api, params)


def run_operation(name, argv):
    cmd = command(name)
    options = cmd.options
    glob, values, unknown = parse(argv, options)
    if glob.get("version"):
        from . import print_version

        return print_version()
    skeleton_mode = values.get("--generate-cli-skeleton")
    if skeleton_mode != "input" and "--cli-input-json" not in values:
        missing = missing_required(options, values)
        if missing:
            raise usage_error("the following arguments are required: " + ", ".join(missing))
    if unknown:
        raise unknown_options(unknown)
    if skeleton_mode == "input":
        from ._docs import skeleton

        sys.stdout.write(format_json(skeleton(cmd.input)) or "{}\n")
        return 0
    if glob.get("output") is not None and glob["output"] not in OUTPUT_FORMATS:
        raise usage_error("argument --output: Invalid choice")
    query = compile_query(glob["query"]) if glob.get("query") is not None else None
    params = build_params(cmd, values)
    paging = cmd.paginator
    paging_config = {}
    for opt, key in (("--starting-token", "StartingToken"), ("--page-size", "PageSize"), ("--max-items", "MaxItems")):
        if opt in values:
            paging_config[key] = values[opt] if opt == "--starting-token" else scalar(options[opt].kind, values[opt])
    if skeleton_mode == "output":
        from ._docs import skeleton

        emit(cmd.api, skeleton(cmd.output, output=True), glob, query)
        return 0
    _debug(glob, cmd.api, params)
    # Any of the operation's own token or limit options turns automatic pagination off.
    manual = paging and any(o.member in paging[0] or o.member == paging[1]
                            for opt, o in options.items() if o.member is not None and opt in values)
    if paging and not glob.get("no_paginate") and not manual:
        if paging_config.get("MaxItems", 1) <= 0:
            sys.stderr.write("warning: Non-positive values for --max-items may result in undefined behavior.\n")
        client = make_client(glob)
        iterator = client.get_paginator(cmd.py).paginate(**params, PaginationConfig=paging_config)
        if output_format(glob) == "text":
            return _text_pages(iterator, glob, query)
        data = iterator.build_full_result()
    else:
        if paging_config:
            raise CliError("Error during pagination: Cannot specify --no-paginate along with pagination arguments: "
                           + ", ".join(o for o in ("--starting-token", "--page-size", "--max-items") if o in values))
        client = make_client(glob)
        data = getattr(client, cmd.py)(**params)
    data.pop("ResponseMetadata", None)
    emit(cmd.api, _plain(data, iso_timestamps(glob)), glob, query)
    return 0


def _text_pages(iterator, glob, query):
    from ._formats import format_text

    out: list[str] = []
    for i, page in enumerate(iterator):
        current = dict(iterator.non_aggregate_part) if i == 0 else {}
        for key in iterator.result_keys:
            current[key.expression if hasattr(key, "expression") else str(key)] = key.search(page)
        current = _plain(current, iso_timestamps(glob))
        if query is not None:
            current = query.search(current)
        try:
            format_text(current, out)
        except Exception:
            sys.stdout.write("".join(out))
            raise
    if iterator.resume_token:
        format_text({"NextToken": {"NextToken": iterator.resume_token}}, out)
    sys.stdout.write("".join(out))
    return 0


def run_wait(argv):
    from ._docs import wait_help, waiters
    from ._argv import Option

    table = waiters()
    if not argv or argv[0].startswith("-"):
        if argv and argv[0] in ("--help", "-h", "help"):
            sys.stdout.write(wait_help())
            return 0
        raise usage_error("argument waiter: expected one of: " + ", ".join(table))
    name = argv[0]
    if name not in table:
        raise usage_error(f"argument waiter: Invalid choice: '{name}', valid choices are: " + ", ".join(table))
    if "--help" in argv[1:] or "help" in argv[1:]:
        sys.stdout.write(wait_help(name))
        return 0
    waiter_name, operation = table[name]
    cmd = command(operation)
    options = {k: v for k, v in cmd.options.items() if k != "--generate-cli-skeleton"}
    options["--delay"] = Option(None, "float", False, None, "value")
    options["--max-attempts"] = Option(None, "integer", False, None, "value")
    cmd.options = options
    glob, values, unknown = parse(argv[1:], options)
    if "--cli-input-json" not in values:
        missing = missing_required(options, values)
        if missing:
            raise usage_error("the following arguments are required: " + ", ".join(missing))
    if unknown:
        raise unknown_options(unknown)
    params = build_params(cmd, values)
    waiter_config = {}
    if "--delay" in values:
        waiter_config["Delay"] = scalar("float", values["--delay"])
    if "--max-attempts" in values:
        waiter_config["MaxAttempts"] = scalar("integer", values["--max-attempts"])
    client = make_client(glob)
    # progress on stderr, stdout as the AWS CLI's (empty): a live line on a terminal,
    # else a line per change of status (waiter._Progress decides which)
    client.get_waiter(waiter_name).wait(**params, WaiterConfig=waiter_config, progress=True)
    return 0
