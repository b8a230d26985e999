"""The waiters, as data: ``codegen/model/waiters-2.json`` (botocore's waiter-model
format, version 2) checked against the pinned service model, and what the other
generators make of it:

* ``WAITERS``, ``WAITER_NAMES`` and ``WAITER_PROGRESS`` in ``_model.py`` (read by
  ``waiter.py`` at run time; the polling loop itself is the Rust core's);
* the table of waiters in ``waiter.py``'s docstring (between two markers), and in
  ``README.md`` when it has the markers for one;
* ``(python name, waiter name, operation)`` for the typed stubs (``gen_python.py``).

Called by ``generate.py``; imports only ``smithy``.

The checks fail loudly (``SystemExit``) on anything the core could not run or that
the model contradicts: an unknown operation, a matcher other than ``path``, ``error``
and ``status``, a path whose members are not in the operation's output shape, an
expected status that is not a value of that member's enum, an error code that is
neither an error shape of the service nor a common AWS error, a description that
does not state the waiter's defaults.
"""

from __future__ import annotations

import json
import os
import re

from smithy import MODEL_DIR, Model, python_name

WAITERS_JSON = "waiters-2.json"
WAITER_PY = "python/bedrock_customization/waiter.py"

# Error codes any AWS service may answer with, besides its modeled error shapes
# (botocore's retry handler lists these as throttling and transient errors).
COMMON_ERRORS = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
    "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
    "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException", "RequestTimeout", "RequestTimeoutException",
    "InternalError", "InternalFailure", "InternalServerError", "ServiceUnavailable", "ServiceUnavailableException",
    "IDPCommunicationError", "ExpiredToken", "ExpiredTokenException", "RequestExpired", "UnrecognizedClientException",
    "InvalidSignatureException", "AccessDenied", "AccessDeniedException",
})

STATES = ("success", "failure", "retry")
# The matchers the Rust core implements (botocore also has pathAll and pathAny, which
# take JMESPath over lists: no waiter here needs them).
MATCHERS = ("path", "error", "status")
_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")


def _fail(where: str, message: str):
    raise SystemExit(f"generate.py: {WAITERS_JSON}: {where}: {message}")


def load(model: Model, directory: str = None) -> list:
    """The waiters of ``waiters-2.json``, checked against ``model``: a list of
    ``{"name", "python", "config", "progress"}`` sorted by Python name, where
    ``config`` is the definition as written and ``progress`` what ``progress=True``
    shows (see ``progress_spec``). A waiter whose operation the model leaves out
    (the SDK crate lacks it) is reported on stderr and left out too."""
    path = os.path.join(directory or MODEL_DIR, WAITERS_JSON)
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        raise SystemExit(f"generate.py: cannot read the waiter definitions: {e}") from None
    except ValueError as e:
        raise SystemExit(f"generate.py: {path} is not JSON: {e}") from None
    if not isinstance(doc, dict) or doc.get("version") != 2 or set(doc) != {"version", "waiters"}:
        _fail("top level", 'expected {"version": 2, "waiters": {...}}')
    if not isinstance(doc["waiters"], dict) or not doc["waiters"]:
        _fail("waiters", "expected an object with at least one waiter")
    ops = {op["name"]: op for op in model.ops}
    out = []
    python_names = {}
    for name, config in doc["waiters"].items():
        if not _NAME.match(name):
            _fail(name, "a waiter's name is PascalCase letters and digits")
        py = python_name(name)
        if py in python_names:
            _fail(name, f"its Python name {py} is also {python_names[py]}'s")
        python_names[py] = name
        if not isinstance(config, dict):
            _fail(name, "expected an object")
        operation = config.get("operation")
        if operation in model.lacking:
            import sys

            print(f"generate.py: waiter {name} polls {operation}, which the SDK crate lacks: left out",
                  file=sys.stderr)
            continue
        check_waiter(model, ops, name, config)
        out.append({"name": name, "python": py, "config": config,
                    "progress": progress_spec(model, ops[operation], config)})
    return sorted(out, key=lambda w: w["python"])


def check_waiter(model: Model, ops: dict, name: str, config: dict) -> None:
    keys = {"operation", "delay", "maxAttempts", "description", "acceptors"}
    if set(config) != keys:
        missing, extra = sorted(keys - set(config)), sorted(set(config) - keys)
        _fail(name, "keys are " + ", ".join(sorted(keys)) + (f"; missing {missing}" if missing else "")
              + (f"; unknown {extra}" if extra else ""))
    operation = config["operation"]
    if operation not in ops:
        _fail(name, f"operation {operation!r} is not an operation of the model")
    for key in ("delay", "maxAttempts"):
        value = config[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            _fail(name, f"{key} must be a positive integer, got {value!r}")
    description = config["description"]
    if not isinstance(description, str) or not description.strip():
        _fail(name, "description must say what the waiter waits for, its defaults and states")
    # the defaults, as written in the description, are the waiter's (docs that cannot drift)
    stated = f"every {config['delay']} s, at most {config['maxAttempts']} polls"
    if stated not in description:
        _fail(name, f"the description does not state the defaults as {stated!r}")
    if operation not in description:
        _fail(name, f"the description does not name the polled operation {operation}")
    acceptors = config["acceptors"]
    if not isinstance(acceptors, list) or not acceptors:
        _fail(name, "acceptors must be a non-empty list")
    output = model.shape(ops[operation]["output"]["shape"])
    seen = set()
    for i, acceptor in enumerate(acceptors):
        where = f"{name} acceptor {i}"
        if not isinstance(acceptor, dict):
            _fail(where, "expected an object")
        matcher = acceptor.get("matcher")
        if matcher not in MATCHERS:
            _fail(where, f"matcher {matcher!r} is not one the core runs ({', '.join(MATCHERS)})")
        allowed = {"state", "matcher", "expected"} | ({"argument"} if matcher == "path" else set())
        if set(acceptor) != allowed:
            _fail(where, f"a {matcher!r} acceptor has exactly the keys {sorted(allowed)}")
        if acceptor["state"] not in STATES:
            _fail(where, f"state {acceptor['state']!r} is not one of {', '.join(STATES)}")
        expected = acceptor["expected"]
        if matcher == "path":
            _check_path(model, where, output, acceptor["argument"], expected)
        elif matcher == "error":
            if not isinstance(expected, str) or not expected:
                _fail(where, f"an error matcher expects an error code (the core compares codes), got {expected!r}")
            if expected not in model.error_names and expected not in COMMON_ERRORS:
                _fail(where, f"error code {expected} is neither an error shape of the model nor a common AWS error")
        elif isinstance(expected, bool) or not isinstance(expected, int) or not 100 <= expected <= 599:
            _fail(where, f"a status matcher expects an HTTP status code, got {expected!r}")
        key = (matcher, acceptor.get("argument"), json.dumps(expected))
        if key in seen:
            _fail(where, "matches what an earlier acceptor matches (it could never apply)")
        seen.add(key)
    if not any(a["state"] == "success" for a in acceptors):
        _fail(name, "no acceptor has the success state")


def _check_path(model: Model, where: str, output: dict, argument, expected) -> None:
    """``argument`` is a dotted path of members (what the core's path matcher reads;
    botocore reads it as JMESPath, which means the same for such a path) from the
    output shape to a member whose enum has ``expected``."""
    if not isinstance(argument, str) or not _PATH.match(argument):
        _fail(where, f"path argument {argument!r} is not a dotted path of member names")
    shape, shape_name = output, None
    for part in argument.split("."):
        members = shape.get("members", {}) if shape.get("type") == "structure" else {}
        if part not in members:
            _fail(where, f"{part!r} (of {argument!r}) is not a member of {shape_name or 'the output shape'}"
                  + (f"; members: {', '.join(members)}" if members else ""))
        shape_name = members[part]["shape"]
        shape = model.shape(shape_name)
    if shape.get("enum") is not None:
        if expected not in shape["enum"]:
            _fail(where, f"{expected!r} is not a value of {shape_name} ({', '.join(shape['enum'])})")
    elif shape["type"] == "boolean":
        if not isinstance(expected, bool):
            _fail(where, f"{argument} is a boolean, expected {expected!r}")
    elif shape["type"] in ("integer", "long"):
        if isinstance(expected, bool) or not isinstance(expected, int):
            _fail(where, f"{argument} is an integer, expected {expected!r}")
    else:
        _fail(where, f"{argument} ({shape_name}, {shape['type']}) has no enum to check {expected!r} against")


# --------------------------------------------------------------------------------------
# What progress=True shows, from the model
# --------------------------------------------------------------------------------------


def _label(member: str) -> str:
    """``dataProcessingDetails`` -> ``data processing``."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", member).lower().split()
    if len(words) > 1 and words[-1] in ("details", "detail", "status"):
        words = words[:-1]
    return " ".join(words)


def _is_status(model: Model, member: str, ref: dict) -> bool:
    return (member == "status" or member.endswith("Status")) and model.is_enum(ref["shape"])


def progress_spec(model: Model, op: dict, config: dict) -> tuple:
    """``(identifier members, status path or None, ((sub-step path, label), ...))``:

    * the identifier: the request's required members (the values passed are the line's label);
    * the status: the waiter's first path-matcher argument, else the output's top-level
      ``status`` / ``...Status`` enum member, else none;
    * the sub-steps: for each top-level structure member of the output, its members
      that are structures with a ``status`` (``statusDetails.trainingDetails.status``
      -> "training"), or its own ``status`` / ``...Status`` enum member
      (``updateDetails.updateStatus`` -> "update")."""
    request = model.shape(op["input"]["shape"])
    identifiers = tuple(request.get("required", ()))
    output = model.shape(op["output"]["shape"])
    members = output.get("members", {})
    status = next((a["argument"] for a in config["acceptors"] if a["matcher"] == "path"), None)
    if status is None:
        status = next((m for m, ref in members.items() if _is_status(model, m, ref)), None)
    steps = []
    for member, ref in members.items():
        shape = model.shape(ref["shape"])
        if shape["type"] != "structure" or model.is_document(ref["shape"]):
            continue
        found = False
        for sub, sub_ref in shape.get("members", {}).items():
            sub_shape = model.shape(sub_ref["shape"])
            if sub_shape["type"] == "structure" and "status" in sub_shape.get("members", {}):
                steps.append((f"{member}.{sub}.status", _label(sub)))
                found = True
        if not found:
            for sub, sub_ref in shape.get("members", {}).items():
                if _is_status(model, sub, sub_ref):
                    steps.append((f"{member}.{sub}", _label(member)))
                    break
    return identifiers, status, tuple(steps)


# --------------------------------------------------------------------------------------
# Emitters
# --------------------------------------------------------------------------------------


def model_py(waiters: list) -> str:
    """The ``_model.py`` part: ``WAITERS`` (the definitions as written), ``WAITER_NAMES``
    and ``WAITER_PROGRESS``."""
    out = ["# codegen/model/waiters-2.json: botocore's waiter definitions (format version 2),\n",
           "# keyed by waiter name. The polling loop is the Rust core's (waiter.py passes these).\n",
           "WAITERS = {\n"]
    for w in sorted(waiters, key=lambda w: w["name"]):
        config = w["config"]
        out.append(f"    {json.dumps(w['name'])}: {{\n")
        for key in ("operation", "delay", "maxAttempts", "description"):
            out.append(f"        {json.dumps(key)}: {_py(config[key])},\n")
        out.append('        "acceptors": [\n')
        for a in config["acceptors"]:
            items = ", ".join(f"{json.dumps(k)}: {_py(v)}" for k, v in a.items())
            out.append(f"            {{{items}}},\n")
        out.append("        ],\n    },\n")
    out.append("}\n\n")
    out.append("# get_waiter() name (botocore's snake_case) -> waiter name.\n")
    out.append("WAITER_NAMES = {\n")
    out.extend(f"    {json.dumps(w['python'])}: {json.dumps(w['name'])},\n" for w in waiters)
    out.append("}\n\n")
    out.append("# What progress=True shows, from the model: (the request's identifier members, the\n")
    out.append("# status path, ((sub-step path, label), ...)); see codegen/gen_waiters.py.\n")
    out.append("WAITER_PROGRESS = {\n")
    for w in sorted(waiters, key=lambda w: w["name"]):
        identifiers, status, steps = w["progress"]
        out.append(f"    {json.dumps(w['name'])}: (\n")
        out.append(f"        {_tuple(json.dumps(i) for i in identifiers)},\n")
        out.append(f"        {json.dumps(status) if status else 'None'},\n")
        out.append(f"        {_tuple(_tuple(json.dumps(x) for x in step) for step in steps)},\n")
        out.append("    ),\n")
    out.append("}\n")
    return "".join(out)


def _py(value) -> str:
    return repr(value) if isinstance(value, bool) else json.dumps(value)


def _tuple(items) -> str:
    items = list(items)
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def _states(config: dict, state: str) -> str:
    """The states an acceptor list gives ``state``, briefly: path values, error codes,
    HTTP statuses."""
    parts = []
    paths = [a for a in config["acceptors"] if a["state"] == state and a["matcher"] == "path"]
    for argument in dict.fromkeys(a["argument"] for a in paths):
        parts.append(f"{argument} " + "/".join(str(a["expected"]) for a in paths if a["argument"] == argument))
    parts += [a["expected"] for a in config["acceptors"] if a["state"] == state and a["matcher"] == "error"]
    statuses = [str(a["expected"]) for a in config["acceptors"] if a["state"] == state and a["matcher"] == "status"]
    if statuses:
        parts.append("HTTP " + "/".join(statuses))
    return ", ".join(parts)


def _duration(seconds: int) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:g} h"
    return f"{seconds / 60:g} min"


def rows(waiters: list) -> list:
    """``(python name, polled method, defaults, success, failure, retried)`` per waiter;
    a waiter without a path-matcher retry keeps waiting on any response no acceptor
    matches (botocore's semantics), which is said so."""
    out = []
    for w in waiters:
        config = w["config"]
        defaults = f"{config['delay']} s x {config['maxAttempts']} ({_duration(config['delay'] * config['maxAttempts'])})"
        retry = _states(config, "retry")
        if not any(a["matcher"] == "path" and a["state"] == "retry" for a in config["acceptors"]):
            retry = "any other response, " + retry
        out.append((w["python"], python_name(config["operation"]), defaults,
                    _states(config, "success"), _states(config, "failure") or "-", retry))
    return out


DOC_BEGIN = ".. waiters: generated by codegen/generate.py from codegen/model/waiters-2.json\n"
DOC_END = ".. end of waiters\n"
README_BEGIN = "<!-- waiters: generated by codegen/generate.py -->\n"
README_END = "<!-- end of waiters -->\n"

# the common tail of every retried list, said once under the table
_TRANSIENT = "ThrottlingException, InternalServerException, ServiceUnavailableException, HTTP 429/500/502/503/504"


def _short(text: str) -> str:
    return text.replace(_TRANSIENT, "transient errors")


def docstring_block(waiters: list) -> str:
    """A plain-text table of the waiters, for ``waiter.py``'s docstring."""
    table = [("waiter", "polls", "defaults", "success", "failure", "retried")]
    table += [tuple(_short(c) for c in row) for row in rows(waiters)]
    widths = [max(len(r[i]) for r in table) for i in range(len(table[0]))]
    lines = []
    for j, row in enumerate(table):
        lines.append("  ".join(c.ljust(widths[i]) for i, c in enumerate(row)).rstrip())
        if j == 0:
            lines.append("  ".join("-" * widths[i] for i in range(len(widths))))
    note = ("\nDefaults: Delay seconds x MaxAttempts (WaiterConfig changes them). Transient errors:\n"
            f"{_TRANSIENT}.\nEach waiter's description in WAITERS says the same.\n")
    return DOC_BEGIN + "\n" + "\n".join(lines) + "\n" + note + "\n" + DOC_END


def readme_block(waiters: list) -> str:
    """A markdown table of the waiters, for ``README.md`` (when it has the markers)."""
    lines = ["| waiter (`get_waiter`, `wait`) | polls | defaults | success | failure | retried |\n",
             "| --- | --- | --- | --- | --- | --- |\n"]
    for py, method, defaults, success, failure, retry in rows(waiters):
        lines.append(f"| `{py}` (`wait {py.replace('_', '-')}`) | `{method}` | {defaults} | {success} | {failure} "
                     f"| {_short(retry)} |\n")
    lines.append(f"\nTransient errors: {_TRANSIENT} (retried). Defaults: `Delay` seconds x `MaxAttempts`, "
                 "both settable with `WaiterConfig`; `max_wait` bounds the whole wait.\n")
    return README_BEGIN + "".join(lines) + README_END


def replace_block(text: str, begin: str, end: str, block: str, where: str, required: bool) -> str:
    """``text`` with the block between ``begin`` and ``end`` (markers included) replaced;
    unchanged when the markers are absent and ``required`` is false."""
    if text.count(begin) == 0 and text.count(end) == 0 and not required:
        return text
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        raise SystemExit(f"generate.py: {where} needs the markers {begin.strip()} and {end.strip()}, once each")
    head, rest = text.split(begin)
    _, tail = rest.split(end)
    return head + block + tail
