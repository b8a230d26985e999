"""The default parameter validation is botocore's, side by side with boto3 over every
operation of the pinned model (issue 26).

For every operation, inputs are generated from the model: a valid baseline (required
members only, no pattern needed since neither client checks one), then, member by
member, values that break what the model says beyond botocore (a pattern, a max length,
a max value, an enum) and values botocore refuses (under a min length or value, a
wrong type, a missing required member, an unknown member). Each input goes to boto3 and
to this package with default clients, both pointed at one recording server:

* what boto3 sends, this package sends: the same method, path, query, body and header
  members (only idempotency tokens, fresh per call, are compared by presence);
* what boto3 refuses with ``ParamValidationError``, this package refuses with the same
  message, and sends nothing.

The same constraint-breaking inputs are then refused by a strict client
(``parameter_validation="strict"``, or the environment variable), and the breaking values
really break the model's rule: patterns are checked with ``_core._match_pattern``, the
one reading of the model's patterns shared with the local Bedrock.

The one known difference is asserted too: an empty URI label. boto3 sends the call with
the path segment left out (which is another resource's path); the SDK cannot build it,
so it is refused before sending, in botocore's min-length wording.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import subprocess
import sys
from typing import Any, Dict, List, Optional, Tuple

import botocore.config
import botocore.exceptions
import pytest

import bedrock_customization as bc
from bedrock_customization import _core, _model
from conftest import CREDENTIALS, REGION, RecordingServer, make_bc_client, make_boto3_client, pinned_service_model
from samples import any_string, minimal

MODEL = pinned_service_model()
OPERATIONS = sorted(_model.OPERATIONS.items())  # (python name, model name), every one of the model
NO_RETRIES = {"total_max_attempts": 1}


# ---------------------------------------------------------------------------
# Inputs from the model
# ---------------------------------------------------------------------------


def valid(shape) -> Any:
    """A value botocore accepts for ``shape`` (its min lengths and values kept; strings
    need not match their patterns, which neither client checks by default)."""
    return minimal(shape, string=any_string)


# Candidates for a value that breaks a pattern (the first one long enough that the
# pattern refuses as a whole is used).
_PATTERN_BREAKERS = ("~", " ", "x y", "#!", "\u00e9", "x\n")


def pattern_breaker(shape) -> Optional[str]:
    low = int(shape.metadata.get("min", 0))
    high = int(shape.metadata.get("max", 1 << 20))
    for seed in _PATTERN_BREAKERS:
        value = seed * max(1, -(-low // len(seed)))
        if low <= len(value) <= high and not _core._match_pattern(shape.name, value):
            return value
    return None


def breaking_values(shape) -> List[Tuple[str, Any]]:
    """(rule, value): values for ``shape`` that break what the model says beyond botocore."""
    kind, meta = shape.type_name, shape.metadata
    out: List[Tuple[str, Any]] = []
    if kind == "string":
        if "pattern" in meta:
            value = pattern_breaker(shape)
            if value is not None:
                out.append(("pattern", value))
        if "max" in meta and not shape.enum:
            out.append(("max length", "x" * (int(meta["max"]) + 1)))
        if shape.enum:
            out.append(("enum", "NotAValueOfTheEnum"))
    elif kind in ("integer", "long") and "max" in meta:
        out.append(("max value", int(meta["max"]) + 1))
    elif kind in ("float", "double") and "max" in meta:
        out.append(("max value", float(meta["max"]) + 1))
    elif kind == "list" and "max" in meta and int(meta["max"]) < 1000:
        out.append(("max length", [valid(shape.member) for _ in range(int(meta["max"]) + 1)]))
    return out


def refused_values(shape, name: str, required: bool) -> List[Tuple[str, Any]]:
    """(rule, value): values for member ``name`` that botocore refuses."""
    kind, meta = shape.type_name, shape.metadata
    out: List[Tuple[str, Any]] = []
    if kind == "string":
        if int(meta.get("min", 0)) > 0:
            out.append(("min length", "x" * (int(meta["min"]) - 1)))
        out.append(("type", 12345))
    elif kind in ("integer", "long"):
        if "min" in meta:
            out.append(("min value", int(meta["min"]) - 1))
        out.append(("type", "12"))
    elif kind in ("float", "double"):
        if "min" in meta:
            out.append(("min value", float(meta["min"]) - 1))
        out.append(("type", "1.5"))
    elif kind == "list":
        if int(meta.get("min", 0)) > 0:
            out.append(("min length", []))
        out.append(("type", "not a list"))
    elif kind == "structure" and not meta.get("document"):
        out.append(("type", "not a structure"))
    elif kind == "boolean":
        out.append(("type", "true"))
    if required:
        out.append(("missing", _MISSING))
    return out


_MISSING = object()


def with_member(baseline: Dict[str, Any], name: str, value: Any) -> Dict[str, Any]:
    out = dict(baseline)
    if value is _MISSING:
        out.pop(name, None)
    else:
        out[name] = value
    return out


def is_uri_label(member_shape_location: Optional[str]) -> bool:
    return member_shape_location == "uri"


def cases(op_name: str) -> Tuple[Dict[str, Any], List[Tuple[str, Dict[str, Any]]], List[Tuple[str, Dict[str, Any]]]]:
    """The baseline, the (label, kwargs) both clients send, and those botocore refuses."""
    shape = MODEL.operation_model(op_name).input_shape
    baseline = valid(shape) if shape is not None else {}
    sent: List[Tuple[str, Dict[str, Any]]] = [("baseline", baseline)]
    refused: List[Tuple[str, Dict[str, Any]]] = [("unknown member", dict(baseline, notAMemberOfTheModel="x"))]
    for name, member in (shape.members.items() if shape is not None else ()):
        location = member.serialization.get("location")
        for rule, value in breaking_values(member):
            if is_uri_label(location) and rule == "max length" and len(value) > 4000:
                continue  # a path segment over 4 kB is no test of validation
            sent.append((f"{name}: {rule}", with_member(baseline, name, value)))
        for rule, value in refused_values(member, name, name in shape.required_members):
            refused.append((f"{name}: {rule}", with_member(baseline, name, value)))
        if member.type_name == "structure" and not member.metadata.get("document") and not member.is_tagged_union:
            # one level down: the breaking values of the nested members of a full structure
            inner = valid(member)
            for inner_name, inner_member in member.members.items():
                for rule, value in breaking_values(inner_member):
                    sent.append((f"{name}.{inner_name}: {rule}", with_member(baseline, name, dict(inner, **{inner_name: value}))))
    return baseline, sent, refused


CASES = {py: cases(op) for py, op in OPERATIONS}


def test_every_operation_and_every_kind_of_rule_is_covered():
    assert len(CASES) == len(MODEL.operation_names)
    labels = [label for _, sent, _ in CASES.values() for label, _ in sent]
    for rule in ("pattern", "max length", "max value", "enum"):
        assert sum(label.endswith(": " + rule) for label in labels) >= 5, rule
    refused = [label for _, _, r in CASES.values() for label, _ in r]
    for rule in ("min length", "min value", "type", "missing", "unknown member"):
        assert sum(label.endswith(rule) for label in refused) >= 5, rule
    # every pattern of the model that some input member has is broken somewhere
    patterned = {
        m.name
        for op in MODEL.operation_names
        if MODEL.operation_model(op).input_shape is not None
        for m in MODEL.operation_model(op).input_shape.members.values()
        if "pattern" in m.metadata
    }
    unbroken = {name for name in patterned if pattern_breaker(MODEL.shape_for(name)) is None}
    assert len(unbroken) <= len(patterned) // 10, unbroken


# ---------------------------------------------------------------------------
# Side by side
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def clients(server):
    config = {"retries": NO_RETRIES}
    return {
        "boto3": make_boto3_client(server.url, config=botocore.config.Config(**config)),
        "bc": make_bc_client(server.url, config=bc.Config(**config)),
        "bc-async": bc.async_client("bedrock", region_name=REGION, endpoint_url=server.url, **CREDENTIALS,
                                    config=bc.Config(**config)),
        "strict": make_bc_client(server.url, config=bc.Config(parameter_validation="strict", **config)),
    }


def outcome(client, server: RecordingServer, py_name: str, kwargs: Dict[str, Any]) -> Tuple[str, Any]:
    """('sent', the request) or ('refused', the message); anything else fails."""
    server.clear()
    try:
        if isinstance(client, bc.AsyncClient):
            asyncio.run(getattr(client, py_name)(**kwargs))
        else:
            getattr(client, py_name)(**kwargs)
    except botocore.exceptions.ParamValidationError as e:
        assert server.requests == [], "a refused call sent a request"
        return "refused", str(e)
    assert len(server.requests) == 1, f"{len(server.requests)} requests for one call"
    return "sent", server.requests[0]


def _instant_or_text(value: str) -> Any:
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value


def _instants(value: Any) -> Any:
    """``value`` with every ISO timestamp string read as the instant it names."""
    if isinstance(value, dict):
        return {k: _instants(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_instants(v) for v in value]
    if isinstance(value, str) and value[:4].isdigit() and value.endswith("Z"):
        return _instant_or_text(value)
    return value


def comparable(request, op_name: str) -> Dict[str, Any]:
    """The request as boto3 and this package must both send it. Timestamps are compared
    as instants: the SDK writes fractional seconds without trailing zeros (``.89945Z``
    where botocore writes ``.899450Z``), the same instant."""
    shape = MODEL.operation_model(op_name).input_shape
    tokens = [n for n, m in (shape.members.items() if shape else ()) if m.metadata.get("idempotencyToken")]
    body = request.json()
    if isinstance(body, dict):
        body = {k: (v is not None) if k in tokens else v for k, v in body.items()}
    header_names = {
        m.serialization.get("name", n).lower(): n in tokens
        for n, m in (shape.members.items() if shape else ())
        if m.serialization.get("location") == "header"
    }
    return {
        "method": request.method,
        "path": request.decoded_path,
        "query": {k: [_instant_or_text(v) for v in vs] for k, vs in request.query.items()},
        "body": _instants(body),
        "headers": {h: (h in request.headers) if token else request.headers.get(h) for h, token in header_names.items()},
    }


@pytest.mark.parametrize("py_name, op_name", OPERATIONS, ids=[py for py, _ in OPERATIONS])
def test_sends_what_boto3_sends(server, clients, py_name, op_name):
    _, sent, _ = CASES[py_name]
    for label, kwargs in sent:
        expected = outcome(clients["boto3"], server, py_name, kwargs)
        assert expected[0] == "sent", f"{label}: boto3 refused: {expected[1]}"
        for kind in ("bc", "bc-async"):
            got = outcome(clients[kind], server, py_name, kwargs)
            assert got[0] == "sent", f"{label}: {kind} refused what boto3 sends: {got[1]}"
            assert comparable(got[1], op_name) == comparable(expected[1], op_name), f"{label} ({kind})"


@pytest.mark.parametrize("py_name, op_name", OPERATIONS, ids=[py for py, _ in OPERATIONS])
def test_refuses_what_boto3_refuses_in_its_words(server, clients, py_name, op_name):
    _, _, refused = CASES[py_name]
    for label, kwargs in refused:
        expected = outcome(clients["boto3"], server, py_name, kwargs)
        assert expected[0] == "refused", f"{label}: boto3 sent it"
        for kind in ("bc", "bc-async"):
            assert outcome(clients[kind], server, py_name, kwargs) == expected, f"{label} ({kind})"


@pytest.mark.parametrize("py_name, op_name", OPERATIONS, ids=[py for py, _ in OPERATIONS])
def test_strict_refuses_every_constraint_boto3_sends(server, clients, py_name, op_name):
    _, sent, _ = CASES[py_name]
    for label, kwargs in sent[1:]:
        kind, text = outcome(clients["strict"], server, py_name, kwargs)
        assert kind == "refused", f"{label}: the strict client sent it"
        member = label.split(":")[0]
        rule = label.rsplit(": ", 1)[1]
        word = {"pattern": "valid pattern", "max length": "valid max length", "max value": "valid max value",
                "enum": "valid values"}[rule]
        # one problem per "Invalid ..." (a value may hold a line break)
        problems = ["Invalid" + p for p in text.split("\nInvalid")[1:]]
        assert any(f"parameter {member}," in p and word in p for p in problems), (label, text)
    # and the baseline passes the strict check too, except where a pattern refuses "x"
    kind, text = outcome(clients["strict"], server, py_name, sent[0][1])
    assert kind == "sent" or all("valid pattern" in line for line in text.splitlines()[1:]), text


URI_LABELS = [
    (py, op, name)
    for py, op in OPERATIONS
    if MODEL.operation_model(op).input_shape is not None
    for name, m in MODEL.operation_model(op).input_shape.members.items()
    if m.serialization.get("location") == "uri" and int(m.metadata.get("min", 0)) == 0
]


@pytest.mark.parametrize("py_name, op_name, name", URI_LABELS, ids=[f"{py}.{n}" for py, _, n in URI_LABELS])
def test_an_empty_uri_label_is_the_one_difference(server, clients, py_name, op_name, name):
    kwargs = with_member(CASES[py_name][0], name, "")
    kind, request = outcome(clients["boto3"], server, py_name, kwargs)
    assert kind == "sent", request
    assert outcome(clients["bc"], server, py_name, kwargs) == (
        "refused",
        f"Parameter validation failed:\nInvalid length for parameter {name}, value: 0, valid min length: 1",
    )


# ---------------------------------------------------------------------------
# The level: option, environment variable, Session, paginators, waiters
# ---------------------------------------------------------------------------

BAD_NAME = {"jobName": "bad name with spaces", "customModelName": "m", "roleArn": "testrole",
            "baseModelIdentifier": "base", "trainingDataConfig": {"s3Uri": "s3://b/t"},
            "outputDataConfig": {"s3Uri": "s3://b/o"}}


def _level_outcome(client, server) -> str:
    kind, _ = outcome(client, server, "create_model_customization_job", BAD_NAME)
    return kind


@pytest.mark.parametrize("option, env, expected", [
    (None, None, "sent"),
    (True, None, "sent"),
    ("strict", None, "refused"),
    (None, "strict", "refused"),
    (None, "STRICT", "refused"),
    (None, "true", "sent"),
    (True, "strict", "sent"),          # an explicit option wins over the environment
    ("strict", "false", "refused"),
    (False, "strict", "sent"),
])
def test_option_and_environment(server, monkeypatch, option, env, expected):
    if env is None:
        monkeypatch.delenv("BEDROCK_CUSTOMIZATION_PARAMETER_VALIDATION", raising=False)
    else:
        monkeypatch.setenv("BEDROCK_CUSTOMIZATION_PARAMETER_VALIDATION", env)
    config = {} if option is None else {"parameter_validation": option}
    for config_class in (bc.Config, botocore.config.Config):
        client = make_bc_client(server.url, config=config_class(retries=NO_RETRIES, **config))
        assert _level_outcome(client, server) == expected, config_class
    session = bc.Session(region_name=REGION, **CREDENTIALS)
    client = session.client("bedrock", endpoint_url=server.url, config=bc.Config(retries=NO_RETRIES, **config))
    assert _level_outcome(client, server) == expected


def test_environment_variable_with_a_wrong_value(monkeypatch, server):
    monkeypatch.setenv("BEDROCK_CUSTOMIZATION_PARAMETER_VALIDATION", "sometimes")
    with pytest.raises(ValueError, match="BEDROCK_CUSTOMIZATION_PARAMETER_VALIDATION must be strict, true or false"):
        make_bc_client(server.url)


def test_config_refuses_other_values():
    with pytest.raises(TypeError, match="parameter_validation must be True, False or 'strict'"):
        bc.Config(parameter_validation="full")


def test_strict_async_paginator_and_waiter(server, monkeypatch):
    server.clear()
    strict = bc.Config(parameter_validation="strict", retries=NO_RETRIES)
    client = make_bc_client(server.url, config=strict)
    paginator = client.get_paginator("list_model_customization_jobs")
    with pytest.raises(bc.exceptions.ParamValidationError, match="sortOrder"):
        list(paginator.paginate(sortOrder="Sideways"))
    waiter = client.get_waiter("model_customization_job_completed")
    with pytest.raises(bc.exceptions.ParamValidationError, match="jobIdentifier"):
        waiter.wait(jobIdentifier="not an arn or a name!", WaiterConfig={"Delay": 0.01, "MaxAttempts": 1})
    assert server.requests == []
    default = make_bc_client(server.url, config=bc.Config(retries=NO_RETRIES))
    server.clear()
    list(default.get_paginator("list_model_customization_jobs").paginate(sortOrder="Sideways"))
    assert server.requests[0].query["sortOrder"] == ["Sideways"]

    async def async_strict():
        async with bc.async_client("bedrock", region_name=REGION, endpoint_url=server.url, **CREDENTIALS,
                                   config=strict) as c:
            await c.list_model_customization_jobs(sortOrder="Sideways")

    with pytest.raises(bc.exceptions.ParamValidationError, match="valid values: Ascending, Descending"):
        asyncio.run(async_strict())


def test_cli_follows_the_environment_variable(server):
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION,
               AWS_MAX_ATTEMPTS="1")
    argv = [sys.executable, "-m", "bedrock_customization", "list-model-customization-jobs",
            "--endpoint-url", server.url, "--sort-order", "Sideways"]
    server.clear()
    default = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert default.returncode == 0, default.stderr
    assert len(server.requests) == 1
    server.clear()
    env["BEDROCK_CUSTOMIZATION_PARAMETER_VALIDATION"] = "strict"
    strict = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert strict.returncode != 0
    assert "valid values: Ascending, Descending" in strict.stderr, strict.stderr
    assert server.requests == []
