"""``bedrock-customization``: the AWS CLI v1's ``aws bedrock <command>``, for every
operation of the service model, on this package's client.

    bedrock-customization get-model-customization-job --job-identifier my-job
    bedrock-customization list-custom-models --output table --query '...'
    bedrock-customization wait model-customization-job-completed --job-identifier my-job

The commands and their options come from the package's one model
(``_tables`` reads ``_model`` and its service model when first needed); options,
shorthand syntax, ``--cli-input-json``, ``--generate-cli-skeleton``,
pagination, ``--query`` and the json/text/table output follow AWS CLI v1
(whose output this reproduces byte for byte for the same response); exit
codes too: 0, 255 for service and parameter errors, 2 for usage errors.

The package's modules, each importing only those listed after it:
this one (``main``: dispatch, process set-up, error reports) -> ``_run`` (the
client, the call, pagination, output, ``wait``) -> ``_docs`` (help,
skeletons, completion) -> ``_argv`` (argument parsing, values -> parameters)
-> ``_formats`` (text and table output), ``_jsonout`` (JSON output),
``_shorthand``, ``_errors``, and ``_tables`` (the model's commands and shapes).
Start-up is kept short, since a command is a whole process: a plain call
imports this module, ``_errors``, ``_argv``, ``_tables``, ``_run`` and
``_jsonout`` only; nothing here imports botocore or awscli.
"""

from __future__ import annotations

import os
import sys

from ._argv import EXTRA_COMMANDS, GLOBAL_OPTIONS, commands
from ._errors import CliError, UsageError, choices_grid, usage_error

PROG = "bedrock-customization"


def _docs_module():
    from . import _docs

    return _docs


def print_version():
    import platform

    from .. import __version__

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
            return print_version()
        if "--help" in pre or "-h" in pre:
            sys.stdout.write(_docs_module().main_help())
            return 0
        raise usage_error("the following arguments are required: command")
    command, args = rest[0], pre + rest[1:]
    if command in ("help", "--help"):
        sys.stdout.write(_docs_module().main_help())
        return 0
    if command == "completion":
        if not args or args[0] not in ("bash", "zsh"):
            raise usage_error("argument shell: expected one of: bash, zsh")
        sys.stdout.write(_docs_module().completion_script(args[0]))
        return 0
    if command == "local-bedrock":
        from ._local import run_local_bedrock

        return run_local_bedrock(rest[1:])
    if command == "check-training-data":
        from ._check import run_check_training_data

        return run_check_training_data(rest[1:])
    if command == "wait":
        from ._run import run_wait

        return run_wait(rest[1:] + pre)
    if command not in commands():
        raise usage_error(
            "argument command: Invalid choice, valid choices are:\n\n" + choices_grid(list(commands()) + list(EXTRA_COMMANDS))
        )
    if any(a in ("--help", "-h", "help") for a in rest[1:2]) or "--help" in args:
        sys.stdout.write(_docs_module().command_help(command))
        return 0
    from ._run import run_operation

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
    package = sys.modules[__package__.rpartition(".")[0]]
    setattr(package, "_STANDALONE_EXCEPTIONS", True)  # (read by exceptions.py with getattr)
    name = f"{package.__name__}._parsing"
    if name in sys.modules:
        return
    import datetime
    import types

    real: list[types.ModuleType] = []

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
    vars(light).update(
        UTC=datetime.timezone.utc,
        tz_offset=lambda seconds: datetime.timezone(datetime.timedelta(seconds=seconds)),
        parse_timestamp=lambda value: full().parse_timestamp(value),
        to_int=lambda value: full().to_int(value),
        to_float=lambda value: full().to_float(value),
        b64decode=lambda value: full().b64decode(value),
    )
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


