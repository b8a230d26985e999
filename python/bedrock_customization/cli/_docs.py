"""What the command line prints about itself, all from the generated tables:
``--generate-cli-skeleton`` (the AWS CLI's skeletons of an operation's input
and output), ``--help`` (options, types, possible values, shorthand and JSON
syntax), the main help and the bash/zsh completion scripts.
"""

from __future__ import annotations

from ._argv import EXTRA_COMMANDS, FALSE, GLOBAL_OPTIONS, PAGING_OPTIONS, TRUE, Command, _document_container, command, commands
from ._errors import PROG, usage_error
from ._check import build_parser as check_parser
from ._local import build_parser as local_parser


def _shapes():
    from ._tables import shapes

    return shapes()


# ---------------------------------------------------------------------------
# Skeletons (botocore's ArgumentGenerator, over the generated shapes)
# ---------------------------------------------------------------------------

EPOCH = "1970-01-01T00:00:00"


def skeleton(name: str, output: bool = False):
    """The skeleton of a shape: empty strings (the member's name, for output),
    zeros, ``True``, the epoch, the first enum value (the AWS CLI picks one at
    random), one list element, one ``KeyName`` map entry; a structure seen a
    second time on the way down is ``{}``."""
    return _skeleton(_shapes(), name, [], output, "")


def _skeleton(shapes, name, stack, output, member_name):
    stack.append(name)
    try:
        entry = shapes[name]
        kind = entry[0]
        if kind == "structure":
            if stack.count(name) > 1:
                return {}
            return {m: _skeleton(shapes, ref, stack, output, m) for m, ref in entry[1]}
        if kind == "document":
            return {}
        if kind == "list":
            return [_skeleton(shapes, entry[1], stack, output, entry[1] if output else "")]
        if kind == "map":
            return {"KeyName": _skeleton(shapes, entry[2], stack, output, "")}
        if kind == "string":
            if output:
                return member_name
            return entry[1][0] if entry[1] else ""
        if kind in ("integer", "long"):
            return 0
        if kind in ("float", "double"):
            return 0.0
        if kind == "boolean":
            return True
        if kind == "timestamp":
            return EPOCH
        return None
    finally:
        stack.pop()


# ---------------------------------------------------------------------------
# Shorthand syntax examples (as the AWS CLI documents them)
# ---------------------------------------------------------------------------


class _TooComplex(Exception):
    pass


def shorthand_example(name: str):
    """The shorthand syntax of a member's shape, or None when it has none."""
    shapes = _shapes()
    entry = shapes[name]
    if _document_container(shapes, name) or entry[0] not in ("structure", "list", "map"):
        return None
    if entry[0] == "list" and shapes[entry[1]][0] not in ("structure", "list", "map"):
        return None
    if (entry[0] == "structure" and len(entry[1]) == 1 and entry[1][0][0] == "Value"
            and shapes[entry[1][0][1]][0] == "string"):
        return None
    stack: list[str] = []
    try:
        if entry[0] == "list":
            return _sh(shapes, entry[1], stack) + " ..."
        return _sh(shapes, name, stack)
    except _TooComplex:
        return ""


def _sh(shapes, name, stack):
    if len(stack) > 3:
        raise _TooComplex
    entry = shapes[name]
    kind = entry[0]
    if kind == "structure":
        parts = []
        for member, ref in entry[1]:
            if _document_container(shapes, ref):
                continue
            if stack.count(ref):
                parts.append(f"{member}=( ... recursive ... )")
                continue
            stack.append(ref)
            try:
                parts.append(f"{member}={_sh(shapes, ref, stack)}")
            finally:
                stack.pop()
        inner = ",".join(parts)
        return "{" + inner + "}" if stack else inner
    if kind == "list":
        member = entry[1]
        stack.append(member)
        try:
            element = _sh(shapes, member, stack)
        finally:
            stack.pop()
        if shapes[member][0] in ("structure", "list", "map") or len(stack) > 1:
            return f"[{element},{element}]"
        return f"{element},{element}"
    if kind == "map":
        stack.append(entry[2])
        try:
            value = _sh(shapes, entry[2], stack)
        finally:
            stack.pop()
        start = f"KeyName1={value},KeyName2={value}"
        key = shapes[entry[1]]
        if key[0] == "string" and key[1] and not stack:
            start += "\n\nWhere valid key names are:\n" + "".join(f"  {k}\n" for k in key[1])
        elif stack:
            start = "{" + start + "}"
        return start
    return "structure" if kind == "document" else kind


# ---------------------------------------------------------------------------
# Help
# ---------------------------------------------------------------------------


def _dumps(value) -> str:
    import json

    return json.dumps(value, indent=4, ensure_ascii=False)


def _synopsis(cmd: Command) -> list:
    lines = []
    for name, option in cmd.options.items():
        if not option.documented or option.action == FALSE:
            continue
        if option.action == TRUE:
            lines.append(f"[--{name[2:]} | --no-{name[2:]}]")
        elif option.required:
            lines.append(f"{name} <value>")
        else:
            lines.append(f"[{name} <value>]")
    return lines


def command_help(name: str) -> str:
    cmd = command(name)
    shapes = _shapes()
    out = [f"NAME\n       {name} -\n", "DESCRIPTION",
           f"       Calls the {cmd.api} operation of Amazon Bedrock (client.{cmd.py}).\n"]
    if cmd.paginator:
        keys = ", ".join(f"``{k}``" for k in cmd.paginator[3])
        out.append(f"       ``{name}`` is a paginated operation. Multiple API calls may be issued in order to "
                   "retrieve the entire data set of results. You can disable pagination by providing the "
                   f"``--no-paginate`` argument. Result keys: {keys}.\n")
    out.append("SYNOPSIS")
    out.append(f"            {name}")
    out.extend(f"          {line}" for line in _synopsis(cmd))
    out.append("          [global options]\n")
    out.append("OPTIONS")
    for opt, option in cmd.options.items():
        if not option.documented or option.action == FALSE:
            continue
        label = opt if option.action != TRUE else f"{opt} | --no-{opt[2:]}"
        out.append(f"       {label} ({option.kind}){' [required]' if option.required else ''}")
        if opt in PAGING_OPTIONS:
            out.append(f"          {PAGING_OPTIONS[opt]}")
        if opt == "--cli-input-json":
            out.append("          Performs service operation based on the JSON string provided (or file://path).")
        if opt == "--generate-cli-skeleton":
            out.append("          Prints a JSON skeleton to standard output without sending an API request "
                       "(input, the default, or output).")
        if option.shape is None:
            out.append("")
            continue
        entry = shapes[option.shape]
        if entry[0] == "string" and entry[1]:
            out.append("          Possible values:\n" + "".join(f"          o {v}\n" for v in entry[1]).rstrip("\n"))
        example = shorthand_example(option.shape)
        if example:
            out.append("          Shorthand Syntax:\n")
            out.append("".join(f"            {line}\n" for line in example.split("\n")).rstrip("\n"))
        if entry[0] in ("structure", "list", "map", "document"):
            out.append("\n          JSON Syntax:\n")
            out.append("".join(f"            {line}\n" for line in _dumps(skeleton(option.shape)).split("\n")))
        out.append("")
    out.append(_global_help())
    return "\n".join(out)


def _global_help() -> str:
    lines = ["GLOBAL OPTIONS"]
    for opt, (takes, choices, text) in GLOBAL_OPTIONS.items():
        lines.append(f"       {opt}{' <value>' if takes else ''}  {text}" + (f" ({'|'.join(choices)})" if choices else ""))
    return "\n".join(lines) + "\n"


def waiters() -> dict:
    """``wait`` subcommand -> (waiter name, its operation's command)."""
    from .. import _model, waiter
    from .._names import cli_name  # the AWS CLI's xform_name(waiter, '-')

    by_operation = {_model.OPERATIONS[py]: name for name, py in commands().items()}
    return {cli_name(name): (snake, by_operation[waiter.WAITERS[name]["operation"]])
            for snake, name in waiter.WAITER_NAMES.items()}


def wait_help(name: str | None = None) -> str:
    """``wait --help`` (every waiter, its polled command, required options and
    defaults), or ``wait <waiter> --help`` (what it waits for, its options)."""
    from .. import waiter

    if name is not None:
        return _one_wait_help(name)
    lines = [f"usage: {PROG} wait <waiter> [options]\n", "Wait until a resource reaches a state (polling its get operation).\n",
             "WAITERS"]
    for kebab, (snake, op) in waiters().items():
        config = waiter.WAITERS[waiter.WAITER_NAMES[snake]]
        options = " ".join(o for o, opt in command(op).options.items() if opt.member and opt.required)
        lines.append(f"       {kebab}  (polls {op} {options}; every {config['delay']} s, "
                     f"at most {config['maxAttempts']} polls)")
    lines.append(f"\n       {PROG} wait <waiter> --help: what the waiter waits for.\n")
    lines.append("OPTIONS\n       the options of the polled command, and\n"
                 "       --delay (float) Seconds between polls.\n       --max-attempts (integer) Polls before giving up.\n")
    return "\n".join(lines) + "\n" + _global_help()


def _one_wait_help(name: str) -> str:
    import textwrap

    from .. import waiter

    snake, op = waiters()[name]
    config = waiter.WAITERS[waiter.WAITER_NAMES[snake]]
    cmd = command(op)
    out = [f"NAME\n       {name} -\n", "DESCRIPTION"]
    out += textwrap.wrap(config["description"], 72, initial_indent="       ", subsequent_indent="       ")
    out.append(f"\n       Polls {op} (client.{cmd.py}); silent on success, exit code 255 on failure.\n")
    out.append("SYNOPSIS")
    out.append(f"            wait {name}")
    options = [line for line in _synopsis(cmd) if "--generate-cli-skeleton" not in line]
    out.extend(f"          {line}" for line in options + ["[--delay <value>]", "[--max-attempts <value>]"])
    out.append("          [global options]\n")
    out.append("OPTIONS")
    for opt, option in cmd.options.items():
        if not option.documented or option.action == FALSE or opt == "--generate-cli-skeleton":
            continue
        out.append(f"       {opt} ({option.kind}){' [required]' if option.required else ''}")
    out.append(f"       --delay (float) Seconds between polls (default {config['delay']}).")
    out.append(f"       --max-attempts (integer) Polls before giving up (default {config['maxAttempts']}).\n")
    out.append(_global_help())
    return "\n".join(out)


def main_help() -> str:
    names = list(commands()) + list(EXTRA_COMMANDS)
    return (
        f"usage: {PROG} [options] <command> [parameters]\n\n"
        "Amazon Bedrock, like `aws bedrock ...` (AWS CLI v1 options and output).\n\n"
        "COMMANDS\n" + "".join(f"       {n}\n" for n in names) + "\n" + _global_help()
    )


# ---------------------------------------------------------------------------
# Completion
# ---------------------------------------------------------------------------


def completion_script(shell: str) -> str:
    per_command = {}
    for name in commands():
        per_command[name] = list(command(name).options) + list(GLOBAL_OPTIONS) + ["--help"]
    wait_words = list(waiters())
    for _, op in waiters().values():
        wait_words += [o for o in command(op).options if o not in wait_words]
    per_command["wait"] = wait_words + ["--delay", "--max-attempts"] + list(GLOBAL_OPTIONS)
    for name, parser in (("local-bedrock", local_parser()), ("check-training-data", check_parser())):
        per_command[name] = [o for action in parser._actions for o in action.option_strings if o != "-h"]
    per_command["completion"] = ["bash", "zsh"]
    top = " ".join(list(commands()) + list(EXTRA_COMMANDS) + ["--help", "--version"])
    if shell == "bash":
        cases = "".join(f"        {c}) opts=\"{' '.join(o)}\" ;;\n" for c, o in per_command.items())
        return (
            "# bash completion for bedrock-customization: eval \"$(bedrock-customization completion bash)\"\n"
            "_bedrock_customization() {\n"
            "    local cur cmd opts i\n"
            "    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
            "    cmd=\"\"\n"
            "    for ((i=1; i<COMP_CWORD; i++)); do\n"
            "        case \"${COMP_WORDS[i]}\" in -*|bedrock) ;; *) cmd=\"${COMP_WORDS[i]}\"; break ;; esac\n"
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
    raise usage_error(f"argument shell: invalid choice: '{shell}' (choose from 'bash', 'zsh')")
