"""Client-side parameter validation.

By default the rules botocore checks (required, unknown, type, min length / value,
unions), with botocore's exact report, and nothing more (tests/test_default_validation.py
shows it side by side with boto3 over every operation). With
``parameter_validation="strict"`` the model's other constraints (max length / value,
pattern, enum, sizes of lists and maps) are checked too, reported in the same style.
Nothing is sent when validation fails.

In strict mode patterns are matched as the service matches them: against the whole
value, in Java's regex language (codegen/service_regex.py).
"""

from __future__ import annotations

import datetime
import decimal
import functools
import json
import os
import re
import subprocess
import sys
from collections import deque

import botocore.exceptions
import pytest
from botocore.config import Config as BotocoreConfig
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import bedrock_customization as bc
from conftest import ROLE_ARN, Reply, capture, cli_env, make_bc_client, make_boto3_client, pinned_service_model

HEADER = "Parameter validation failed:\n"

VALID = {
    "jobName": "valid-job",
    "customModelName": "valid-model",
    "roleArn": ROLE_ARN,
    "baseModelIdentifier": "amazon.titan-text-express-v1",
    "trainingDataConfig": {"s3Uri": "s3://bc-test-bucket/train/"},
    "outputDataConfig": {"s3Uri": "s3://bc-test-bucket/out/"},
}


_DROP = object()


def with_(**changes):
    request = dict(VALID)
    for key, value in changes.items():
        if value is _DROP:
            request.pop(key, None)
        else:
            request[key] = value
    return request


def rft(**hyper):
    return {"rftConfig": {"hyperParameters": hyper}}


@pytest.fixture
def clients(recorder):
    recorder.always(bc_reply())
    return make_boto3_client(recorder.url), make_bc_client(recorder.url), recorder


@pytest.fixture
def strict(recorder):
    """A strict client and the recorder it sends to."""
    recorder.always(bc_reply())
    return make_bc_client(recorder.url, config=bc.Config(parameter_validation="strict")), recorder


def bc_reply():
    return Reply(body={"jobArn": "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/x"})


def report_of(exc) -> str:
    text = str(exc)
    assert text.startswith(HEADER), text
    return text[len(HEADER):]


# ---------------------------------------------------------------------------
# Rules botocore also checks: same report as boto3
# ---------------------------------------------------------------------------

BOTOCORE_RULES = {
    "missing-required": with_(roleArn=_DROP),
    "missing-nested": with_(vpcConfig={"subnetIds": ["subnet-1"]}),
    "missing-in-list-item": with_(jobTags=[{"key": "team"}]),
    "unknown-param": with_(bogus=1),
    "unknown-nested": with_(outputDataConfig={"s3Uri": "s3://bc-test-bucket/out/", "s3Url": "x"}),
    "type-string": with_(jobName=5),
    "type-list": with_(jobTags={"key": "a", "value": "b"}),
    "type-struct": with_(trainingDataConfig="s3://bc-test-bucket/train/"),
    "type-map-value": with_(hyperParameters={"epochCount": 1}),
    "type-int": with_(customizationConfig=rft(epochCount="3")),
    "type-int-float": with_(customizationConfig=rft(epochCount=3.0)),
    "type-float": with_(customizationConfig=rft(learningRate="fast")),
    "type-bool": with_(trainingDataConfig={"invocationLogsConfig": {"usePromptResponse": "yes",
                                                                     "invocationLogSource": {"s3Uri": "s3://bc-test-bucket/l/"}}}),
    "min-length": with_(jobTags=[{"key": "", "value": "v"}]),  # the key's pattern allows ""
    "min-length-list": with_(vpcConfig={"subnetIds": [], "securityGroupIds": ["sg-1"]}),
    "min-value": with_(customizationConfig=rft(epochCount=0)),
    "min-value-float": with_(customizationConfig=rft(learningRate=1e-9)),
    "union-zero": with_(customizationConfig={}),
    "union-two": with_(customizationConfig={"rftConfig": {}, "distillationConfig": {
        "teacherModelConfig": {"teacherModelIdentifier": "amazon.nova-pro-v1:0"}}}),
    "several-at-once": {
        "jobName": "several",
        "jobTags": [{"key": "", "value": "v"}],
        "customModelName": "m",
        "baseModelIdentifier": "amazon.titan-text-express-v1",
        "trainingDataConfig": {"s3Uri": "s3://bc-test-bucket/train/"},
        "outputDataConfig": {},
        "bogus": 2,
        "customizationConfig": {"rftConfig": {"hyperParameters": {"epochCount": "3", "batchSize": 1}}},
    },
}


@pytest.mark.parametrize("request_kwargs", BOTOCORE_RULES.values(), ids=BOTOCORE_RULES.keys())
def test_same_report_as_boto3(clients, request_kwargs):
    b3, ours, recorder = clients
    expected = capture(lambda: b3.create_model_customization_job(**request_kwargs))
    got = capture(lambda: ours.create_model_customization_job(**request_kwargs))
    assert type(expected) is botocore.exceptions.ParamValidationError
    assert isinstance(got, botocore.exceptions.ParamValidationError)
    assert isinstance(got, bc.exceptions.ParamValidationError)
    assert str(got) == str(expected)
    assert got.kwargs == expected.kwargs
    assert recorder.requests == []


def test_several_problems_are_reported_together_with_paths(clients):
    _, ours, recorder = clients
    got = capture(lambda: ours.create_model_customization_job(**BOTOCORE_RULES["several-at-once"]))
    lines = report_of(got).splitlines()
    assert 'Missing required parameter in input: "roleArn"' in lines
    assert 'Missing required parameter in outputDataConfig: "s3Uri"' in lines
    assert any(line.startswith('Unknown parameter in input: "bogus"') for line in lines)
    assert "Invalid length for parameter jobTags[0].key, value: 0, valid min length: 1" in lines
    assert any("customizationConfig.rftConfig.hyperParameters.epochCount" in line for line in lines)
    assert any("customizationConfig.rftConfig.hyperParameters.batchSize" in line for line in lines)
    assert len(lines) == 6
    assert recorder.requests == []


@pytest.mark.parametrize(
    "operation, kwargs",
    [
        ("get_model_customization_job", {}),
        ("get_model_customization_job", {"jobIdentifier": 7}),
        ("stop_model_customization_job", {"jobIdentifier": "job", "force": True}),
        ("list_model_customization_jobs", {"maxResults": 0}),
        ("list_model_customization_jobs", {"maxResults": "10"}),
        ("list_model_customization_jobs", {"creationTimeAfter": "not a time"}),
        ("list_model_customization_jobs", {"creationTimeAfter": [2024]}),
    ],
)
def test_other_operations_same_report_as_boto3(clients, operation, kwargs):
    b3, ours, recorder = clients
    expected = capture(lambda: getattr(b3, operation)(**kwargs))
    got = capture(lambda: getattr(ours, operation)(**kwargs))
    assert type(expected) is botocore.exceptions.ParamValidationError
    assert isinstance(got, bc.exceptions.ParamValidationError)
    assert str(got) == str(expected)
    assert recorder.requests == []


PASSING_LIKE_BOTO3 = {
    "required-only": VALID,
    "decimal-for-float": with_(customizationConfig=rft(learningRate=decimal.Decimal("0.0001"))),
    "tuple-for-list": with_(vpcConfig={"subnetIds": ("subnet-1",), "securityGroupIds": ("sg-1",)}),
    "boundaries": with_(
        jobName="j" * 63,
        customizationConfig=rft(epochCount=50, batchSize=16, learningRate=0.001, trainingSamplePerPrompt=2,
                                evalInterval=100, reasoningEffort="high"),
    ),
}


@pytest.mark.parametrize("request_kwargs", PASSING_LIKE_BOTO3.values(), ids=PASSING_LIKE_BOTO3.keys())
def test_valid_input_is_sent(clients, request_kwargs):
    b3, ours, recorder = clients
    b3.create_model_customization_job(**request_kwargs)
    result = ours.create_model_customization_job(**request_kwargs)
    assert result["jobArn"].startswith("arn:aws:bedrock:")
    assert len(recorder.requests) == 2
    assert recorder.requests[1].json()["jobName"] == request_kwargs["jobName"]


def test_int_accepted_for_float_member(recorder):
    """An int is a valid float, as in botocore (the range check is off here so
    that a whole number fits)."""
    recorder.always(bc_reply())
    request = with_(customizationConfig=rft(learningRate=1))
    make_boto3_client(recorder.url, config=BotocoreConfig(parameter_validation=False)).create_model_customization_job(**request)
    make_bc_client(recorder.url, config=bc.Config(parameter_validation=False)).create_model_customization_job(**request)
    sent = [r.json()["customizationConfig"]["rftConfig"]["hyperParameters"]["learningRate"] for r in recorder.requests]
    assert sent[1] == sent[0] == 1


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
        datetime.datetime(2024, 1, 1),
        "2024-01-01T00:00:00Z",
        "2024-01-01",
        1704067200,
    ],
)
def test_timestamp_inputs_accepted_like_boto3(clients, value):
    b3, ours, recorder = clients
    recorder.always(Reply(body={"modelCustomizationJobSummaries": []}))
    b3.list_model_customization_jobs(creationTimeAfter=value)
    ours.list_model_customization_jobs(creationTimeAfter=value)
    assert len(recorder.requests) == 2
    assert recorder.requests[1].query["creationTimeAfter"] == recorder.requests[0].query["creationTimeAfter"]


# ---------------------------------------------------------------------------
# Extra constraints, in strict mode (botocore does not check these; the service would reject them)
# ---------------------------------------------------------------------------

EXTRA_RULES = [
    # (id, failing request, passing request, path, report text)
    ("max-length", with_(jobName="j" * 64), with_(jobName="j" * 63), "jobName", "valid max length: 63"),
    ("max-length-list", with_(vpcConfig={"subnetIds": ["s"], "securityGroupIds": ["sg"] * 6}),
     with_(vpcConfig={"subnetIds": ["s"], "securityGroupIds": ["sg"] * 5}), "vpcConfig.securityGroupIds",
     "valid max length: 5"),
    # (the whole value must match: a space anywhere fails it)
    ("pattern", with_(jobName="bad name with spaces"), with_(jobName="good-name.1"), "jobName", "valid pattern:"),
    ("pattern-nested", with_(outputDataConfig={"s3Uri": "https://example/out"}),
     with_(outputDataConfig={"s3Uri": "s3://bc-test-bucket/out"}), "outputDataConfig.s3Uri", "valid pattern:"),
    ("enum", with_(customizationType="FINE_TUNE"), with_(customizationType="FINE_TUNING"), "customizationType",
     "valid values: FINE_TUNING, CONTINUED_PRE_TRAINING"),
    ("enum-nested", with_(customizationConfig=rft(reasoningEffort="extreme")),
     with_(customizationConfig=rft(reasoningEffort="low")),
     "customizationConfig.rftConfig.hyperParameters.reasoningEffort", "valid values: low, medium, high"),
    ("max-value", with_(customizationConfig=rft(epochCount=51)), with_(customizationConfig=rft(epochCount=50)),
     "customizationConfig.rftConfig.hyperParameters.epochCount", "valid max value: 50"),
    ("max-value-float", with_(customizationConfig=rft(learningRate=0.01)),
     with_(customizationConfig=rft(learningRate=0.0009)),
     "customizationConfig.rftConfig.hyperParameters.learningRate", "valid max value: 0.001"),
    ("map-size", with_(trainingDataConfig={"invocationLogsConfig": {
        "invocationLogSource": {"s3Uri": "s3://bc-test-bucket/l/"},
        "requestMetadataFilters": {"equals": {"a": "1", "b": "2"}}}}),
     with_(trainingDataConfig={"invocationLogsConfig": {
         "invocationLogSource": {"s3Uri": "s3://bc-test-bucket/l/"},
         "requestMetadataFilters": {"equals": {"a": "1"}}}}),
     "trainingDataConfig.invocationLogsConfig.requestMetadataFilters.equals", "valid max length: 1"),
]


@pytest.mark.parametrize("failing, passing, path, text", [r[1:] for r in EXTRA_RULES], ids=[r[0] for r in EXTRA_RULES])
def test_extra_constraints(strict, failing, passing, path, text):
    ours, recorder = strict
    got = capture(lambda: ours.create_model_customization_job(**failing))
    assert isinstance(got, botocore.exceptions.ParamValidationError)
    lines = report_of(got).splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Invalid ") and f"parameter {path}," in lines[0], lines[0]
    assert text in lines[0], lines[0]
    assert recorder.requests == []

    ours.create_model_customization_job(**passing)
    assert len(recorder.requests) == 1


def test_list_filters_enum_and_pattern(strict):
    ours, recorder = strict
    got = capture(lambda: ours.list_model_customization_jobs(sortOrder="Sideways", statusEquals="Done",
                                                             maxResults=1001, nameContains="ジョブ"))
    lines = report_of(got).splitlines()
    assert len(lines) == 4, lines
    assert any("sortOrder" in line and "Ascending, Descending" in line for line in lines)
    assert any("statusEquals" in line for line in lines)
    assert any("maxResults" in line and "valid max value: 1000" in line for line in lines)
    assert any("nameContains" in line and "valid pattern" in line for line in lines)
    assert recorder.requests == []


# ---------------------------------------------------------------------------
# parameter_validation=False
# ---------------------------------------------------------------------------

CONSTRAINT_ONLY = {
    "max-length": with_(jobName="j" * 64),
    "min-length": with_(jobName=""),
    "pattern": with_(roleArn="not-an-arn"),
    "enum": with_(customizationType="FINE_TUNE"),
    "range": with_(customizationConfig=rft(epochCount=999, learningRate=5.0)),
}


@pytest.mark.parametrize("config_class", [bc.Config, BotocoreConfig], ids=["bc.Config", "botocore.Config"])
@pytest.mark.parametrize("request_kwargs", CONSTRAINT_ONLY.values(), ids=CONSTRAINT_ONLY.keys())
def test_validation_off_skips_constraints(recorder, request_kwargs, config_class):
    recorder.always(bc_reply())
    ours = make_bc_client(recorder.url, config=config_class(parameter_validation=False))
    with pytest.raises(bc.exceptions.ParamValidationError):
        make_bc_client(recorder.url, config=config_class(parameter_validation="strict")).create_model_customization_job(
            **request_kwargs)
    assert recorder.requests == []
    ours.create_model_customization_job(**request_kwargs)
    assert len(recorder.requests) == 1
    assert recorder.requests[0].json()["jobName"] == request_kwargs["jobName"]


def test_validation_off_sends_a_call_without_its_required_members_as_boto3_does(recorder):
    recorder.always(bc_reply())
    request = with_(roleArn=_DROP, customModelName=_DROP)
    for client in (make_boto3_client(recorder.url, config=BotocoreConfig(parameter_validation=False)),
                   make_bc_client(recorder.url, config=bc.Config(parameter_validation=False))):
        client.create_model_customization_job(**request)
    sent = [r.json() for r in recorder.requests]
    assert len(sent) == 2 and "roleArn" not in sent[1]
    for body in sent:
        body.pop("clientRequestToken")
    assert sent[0] == sent[1]
    # a path label cannot be left out: boto3 fails with a KeyError, this package says why
    got = capture(lambda: make_bc_client(recorder.url, config=bc.Config(parameter_validation=False))
                  .get_model_customization_job())
    assert 'Missing required parameter in input: "jobIdentifier"' in str(got)


@pytest.mark.parametrize(
    "request_kwargs, text",
    [
        (with_(vpcConfig={"subnetIds": ["subnet-1"]}), 'Missing required parameter in vpcConfig: "securityGroupIds"'),
        (with_(jobName=5), "Invalid type for parameter jobName"),
        (with_(customizationConfig=rft(epochCount="3")), "Invalid type for parameter customizationConfig"),
    ],
    ids=["nested-required", "type", "nested-type"],
)
def test_validation_off_still_checks_what_the_request_cannot_be_built_without(recorder, request_kwargs, text):
    ours = make_bc_client(recorder.url, config=bc.Config(parameter_validation=False))
    got = capture(lambda: ours.create_model_customization_job(**request_kwargs))
    assert isinstance(got, botocore.exceptions.ParamValidationError)
    assert text in str(got)
    assert recorder.requests == []


# ---------------------------------------------------------------------------
# Keyword-only operations
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "operation",
    ["create_model_customization_job", "get_model_customization_job",
     "list_model_customization_jobs", "stop_model_customization_job"],
)
def test_positional_arguments_rejected_like_boto3(recorder, operation):
    ours = make_bc_client(recorder.url)
    b3 = make_boto3_client(recorder.url)
    expected = capture(lambda: getattr(b3, operation)("positional"))
    got = capture(lambda: getattr(ours, operation)("positional"))
    assert type(got) is TypeError
    assert str(got) == str(expected) == f"{operation}() only accepts keyword arguments."
    assert recorder.requests == []


# ---------------------------------------------------------------------------
# Patterns in strict mode: the whole value, Java's regex language
# ---------------------------------------------------------------------------

MODEL_PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                          "codegen", "model", "service-2.json")


@functools.lru_cache(maxsize=None)
def pinned_model():
    with open(MODEL_PATH, encoding="utf-8") as f:
        return json.load(f)


def model_pattern(shape: str) -> str:
    return pinned_model()["shapes"][shape]["pattern"]


S3_PATTERN = model_pattern("S3Uri")
JOB_NAME_PATTERN = model_pattern("JobName")
ROLE_PATTERN = model_pattern("RoleArn")

# Values a user may well send, which boto3 sends: so does the default client, whatever
# the model's patterns say (strict mode refuses those that break a pattern as a whole).
DEFAULT_SENDS = {
    "partition-key": with_(trainingDataConfig={"s3Uri": "s3://my-bucket/date=2024-01-01/train.jsonl"}),
    "plus-in-key": with_(trainingDataConfig={"s3Uri": "s3://my-bucket/train+v2.jsonl"}),
    "space-in-key": with_(outputDataConfig={"s3Uri": "s3://my-bucket/my outputs/run 1/"}),
    "non-ascii-key": with_(trainingDataConfig={"s3Uri": "s3://my-bucket/données/entraînement.jsonl"}),
    "validator-partition": with_(validationDataConfig={"validators": [
        {"s3Uri": "s3://my-bucket/split=validation/part-0.jsonl"}]}),
    "output-partition": with_(outputDataConfig={"s3Uri": "s3://my-bucket/runs/year=2024/month=05/"}),
    "non-ascii-tag": with_(jobTags=[{"key": "équipe", "value": "apprentissage automatique"}]),
}


@pytest.mark.parametrize("request_kwargs", DEFAULT_SENDS.values(), ids=DEFAULT_SENDS.keys())
def test_values_boto3_sends_are_sent(clients, request_kwargs):
    _, ours, recorder = clients
    ours.create_model_customization_job(**request_kwargs)
    assert len(recorder.requests) == 1
    sent = recorder.requests[0].json()
    for key in ("trainingDataConfig", "outputDataConfig", "validationDataConfig", "jobTags"):
        if key in request_kwargs:
            assert sent[key] == request_kwargs[key]


# What the service refuses: refused before sending in strict mode, each problem named.
SERVICE_REFUSES = {
    "one-letter-bucket": (with_(trainingDataConfig={"s3Uri": "s3://b/x"}), [
        f"Invalid value for parameter trainingDataConfig.s3Uri, value: s3://b/x, valid pattern: {S3_PATTERN}"]),
    "one-letter-bucket-output": (with_(outputDataConfig={"s3Uri": "s3://b/out/"}), [
        f"Invalid value for parameter outputDataConfig.s3Uri, value: s3://b/out/, valid pattern: {S3_PATTERN}"]),
    "https-url-not-s3-uri": (with_(trainingDataConfig={"s3Uri": "https://my-bucket.s3.amazonaws.com/train.jsonl"}), [
        "Invalid value for parameter trainingDataConfig.s3Uri, value: https://my-bucket.s3.amazonaws.com/train.jsonl, "
        f"valid pattern: {S3_PATTERN}"]),
    "empty-job-name": (with_(jobName=""), [
        "Invalid length for parameter jobName, value: 0, valid min length: 1",
        f"Invalid value for parameter jobName, value: , valid pattern: {JOB_NAME_PATTERN}"]),
    "user-arn-for-role": (with_(roleArn="arn:aws:iam::123456789012:user/x"), [
        f"Invalid value for parameter roleArn, value: arn:aws:iam::123456789012:user/x, valid pattern: {ROLE_PATTERN}"]),
    "placeholder-role": (with_(roleArn="testrole"), [
        f"Invalid value for parameter roleArn, value: testrole, valid pattern: {ROLE_PATTERN}"]),
    "match-inside-the-value": (with_(outputDataConfig={"s3Uri": "see s3://bc-test-bucket/out/"}), [
        "Invalid value for parameter outputDataConfig.s3Uri, value: see s3://bc-test-bucket/out/, "
        f"valid pattern: {S3_PATTERN}"]),
    "space-in-key": (with_(outputDataConfig={"s3Uri": "s3://my-bucket/my outputs/"}), [
        "Invalid value for parameter outputDataConfig.s3Uri, value: s3://my-bucket/my outputs/, "
        f"valid pattern: {S3_PATTERN}"]),
}


@pytest.mark.parametrize("request_kwargs, lines", SERVICE_REFUSES.values(), ids=SERVICE_REFUSES.keys())
def test_values_the_service_refuses_are_reported(strict, request_kwargs, lines):
    ours, recorder = strict
    got = capture(lambda: ours.create_model_customization_job(**request_kwargs))
    assert isinstance(got, bc.exceptions.ParamValidationError)
    assert isinstance(got, botocore.exceptions.ParamValidationError)
    assert report_of(got).splitlines() == lines
    assert recorder.requests == []


# -- Property: every value generated from a pattern is accepted for its member --------


def _pattern_members():
    """``(operation, shape, path)`` for each pattern-bearing string shape reachable from
    each operation's input (by its shortest path), from the pinned model."""
    from bedrock_customization import _model

    model = pinned_model()
    shapes = model["shapes"]
    cases = []
    for python_name, op_name in sorted(_model.OPERATIONS.items()):
        start = model["operations"][op_name]["input"]["shape"]
        visited, queue, found = {start}, deque([(start, ())]), {}
        while queue:
            name, path = queue.popleft()
            shape = shapes[name]
            if shape["type"] == "string" and "pattern" in shape:
                found.setdefault(name, path)
            if shape["type"] == "structure":
                children = [(ref["shape"], path + (("member", m),)) for m, ref in shape["members"].items()]
            elif shape["type"] == "list":
                children = [(shape["member"]["shape"], path + (("item",),))]
            elif shape["type"] == "map":
                children = [(shape["key"]["shape"], path + (("key",),)),
                            (shape["value"]["shape"], path + (("value",),))]
            else:
                children = []
            for child, child_path in children:
                if child not in visited:
                    visited.add(child)
                    queue.append((child, child_path))
        cases.extend((python_name, name, path) for name, path in sorted(found.items()))
    # One case per pattern-bearing shape (reached through the first operation that has it):
    # the validator checks a shape the same way wherever it is used.
    first = {}
    for case in cases:
        first.setdefault(case[1], case)
    return sorted(first.values())


PATTERN_MEMBERS = _pattern_members()
MAP_KEY, MAP_VALUE = "k", "v"  # the other half of a map entry (valid for this model's maps)


def request_with(path, value):
    inner = value
    for step in reversed(path):
        if step[0] == "member":
            inner = {step[1]: inner}
        elif step[0] == "item":
            inner = [inner]
        elif step[0] == "key":
            inner = {inner: MAP_VALUE}
        else:
            inner = {MAP_KEY: inner}
    return inner


# Python's `re` (with re.ASCII, as a full match) is Java's regex language for these
# patterns except where noted here: \d, \w, \s are ASCII in both (Java's \s is
# [ \t\n\x0B\f\r], Python's under re.ASCII the same set). The property test skips the
# generated examples that fall into the remaining differences:
#   * "." : Python's matches "\r", U+0085, U+2028 and U+2029 (it excludes only "\n");
#     Java's excludes them all.
#   * "$" : Python's also matches just before a final "\n".


def _tokens(pattern: str):
    """(token, inside a class) for each escape (two characters, a whole ``\\p{X}``) or other character of a
    pattern; a class's closing "]" counts as inside it."""
    i, in_class = 0, False
    while i < len(pattern):
        if pattern.startswith("\\p{", i):  # a Unicode category: one token
            end = pattern.index("}", i) + 1
            yield pattern[i:end], in_class
            i = end
            continue
        if pattern[i] == "\\":
            yield pattern[i:i + 2], in_class
            i += 2
            continue
        c = pattern[i]
        yield c, in_class
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        i += 1


def _constructs(pattern: str) -> set:
    """The escapes, and the characters outside classes, of a pattern."""
    return {t for t, in_class in _tokens(pattern) if t.startswith("\\") or not (in_class or t == "[")}


def python_differs_from_java(pattern: str, value: str) -> bool:
    used = _constructs(pattern)
    return (("." in used and any(c in value for c in "\r\x85\u2028\u2029"))
            or ("$" in used and value.endswith("\n")))


#: Java's Unicode categories that model patterns use, as a part of each that Python's
#: ``re`` can spell (values are drawn from them: every one is in the category).
_CATEGORY_SAMPLES = {
    "L": "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0410-\u044f\u4e00-\u4e0f",  # Latin-1, Cyrillic, CJK letters
    "M": "\u0300-\u036f",  # combining diacritical marks
}


def _python_pattern(pattern: str) -> str:
    """``pattern`` for Python's ``re``, each ``\\p{X}`` replaced by a part of category X (in a
    class, its ranges; outside, a class of them): what it matches, the pattern matches."""
    out = []
    for token, in_class in _tokens(pattern):
        if token.startswith("\\p{"):
            ranges = _CATEGORY_SAMPLES[token[3:-1]]
            token = ranges if in_class else f"[{ranges}]"
        out.append(token)
    return "".join(out)


@functools.lru_cache(maxsize=None)
def from_pattern(pattern: str):
    # the whole value matches, as the service matches
    return st.from_regex(re.compile(_python_pattern(pattern), re.ASCII), fullmatch=True)


@functools.lru_cache(maxsize=None)
def offline_client():
    # Every request below has an unknown member, so validation always fails: nothing is
    # ever sent to this address.
    return make_bc_client("http://127.0.0.1:9", config=bc.Config(parameter_validation="strict"))


def test_every_pattern_member_is_covered():
    shapes = {shape for _, shape, _ in PATTERN_MEMBERS}
    assert {"S3Uri", "JobName", "RoleArn", "ModelCustomizationJobIdentifier", "PaginationToken",
            "RequestMetadataMapKeyString", "RequestMetadataMapValueString", "LambdaArn"} <= shapes
    # every pattern-bearing string shape the operations' inputs reach (by botocore's own walk)
    service = pinned_service_model()
    reached, stack = set(), [service.operation_model(op).input_shape for op in service.operation_names]
    seen = set()
    while stack:
        shape = stack.pop()
        if shape is None or shape.name in seen:
            continue
        seen.add(shape.name)
        if shape.type_name == "string" and "pattern" in shape.metadata:
            reached.add(shape.name)
        stack.extend(getattr(shape, "members", {}).values())
        stack.extend(s for s in (getattr(shape, "member", None), getattr(shape, "key", None),
                                 getattr(shape, "value", None)) if s is not None)
    assert shapes == reached
    for filler, shape in ((MAP_KEY, "RequestMetadataMapKeyString"), (MAP_VALUE, "RequestMetadataMapValueString")):
        assert re.search(model_pattern(shape), filler)


@pytest.mark.parametrize("operation, shape, path", PATTERN_MEMBERS,
                         ids=[f"{op}:{'.'.join(s[1] if s[0] == 'member' else s[0] for s in p)}"
                              for op, _, p in PATTERN_MEMBERS])
@settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_values_generated_from_the_pattern_are_accepted(operation, shape, path, data):
    pattern = model_pattern(shape)
    value = data.draw(from_pattern(pattern), label="value")
    assume(not python_differs_from_java(pattern, value))
    request = request_with(path, value)
    request["bogus"] = 0
    got = capture(lambda: getattr(offline_client(), operation)(**request))
    assert isinstance(got, bc.exceptions.ParamValidationError), got
    report = str(got)
    assert 'Unknown parameter in input: "bogus"' in report
    assert f", valid pattern: {pattern}" not in report, report


# -- The CLI validates through the same client ----------------------------------------


def test_cli_sends_what_boto3_sends_and_refuses_a_one_letter_bucket_when_strict(recorder):
    recorder.always(bc_reply())

    def create(s3_uri, **env):
        return subprocess.run(
            [sys.executable, "-m", "bedrock_customization", "create-model-customization-job",
             "--job-name", "cli-partition", "--custom-model-name", "cli-partition-model",
             "--role-arn", ROLE_ARN, "--base-model-identifier", "amazon.titan-text-express-v1",
             "--training-data-config", json.dumps({"s3Uri": s3_uri}),
             "--output-data-config", json.dumps({"s3Uri": "s3://my-bucket/out/"}),
             "--endpoint-url", recorder.url],
            env=dict(cli_env(), **env), capture_output=True, text=True, timeout=60,
        )

    for uri in ("s3://my-bucket/date=2024-01-01/train.jsonl", "s3://b/x"):
        recorder.clear()
        ok = create(uri)
        assert ok.returncode == 0, ok.stderr
        assert json.loads(ok.stdout)["jobArn"].startswith("arn:aws:bedrock:")
        assert len(recorder.requests) == 1
        assert recorder.requests[0].json()["trainingDataConfig"] == {"s3Uri": uri}

    refused = create("s3://b/x", BEDROCK_CUSTOMIZATION_PARAMETER_VALIDATION="strict")
    assert refused.returncode == 255
    assert refused.stdout == ""
    assert refused.stderr == (
        "\nParameter validation failed:\n"
        f"Invalid value for parameter trainingDataConfig.s3Uri, value: s3://b/x, valid pattern: {S3_PATTERN}\n"
    )
    assert len(recorder.requests) == 1


# -- Labels: a member bound to the URI path is never empty --------------------------------

def input_members(location: str):
    """(operation, member name, member shape) for every input member bound to location."""
    service = pinned_service_model()
    return [
        (op, name, member)
        for op in sorted(service.operation_names)
        for name, member in (service.operation_model(op).input_shape.members.items()
                             if service.operation_model(op).input_shape is not None else ())
        if member.serialization.get("location") == location
    ]


URI_LABELS = input_members("uri")


def test_every_operation_with_a_path_label_is_covered():
    ops = {op for op, _, _ in URI_LABELS}
    assert ops == {op for op in pinned_service_model().operation_names
                   if "{" in pinned_service_model().operation_model(op).http["requestUri"]}


@pytest.mark.parametrize("operation, name, member", URI_LABELS, ids=[f"{op}.{n}" for op, n, _ in URI_LABELS])
def test_an_empty_path_label_is_refused_before_sending(operation, name, member):
    """Smithy requires a label to be non-empty (the path would lose its segment), so an
    empty one is reported with botocore's min-length wording even where the shape's own
    `min` is 0, and nothing is sent."""
    got = capture(lambda: getattr(make_bc_client("http://127.0.0.1:9"), botocore.xform_name(operation))(**{name: ""}))
    assert isinstance(got, bc.exceptions.ParamValidationError), got
    least = max(int(member.metadata.get("min", 0)), 1)
    assert f"Invalid length for parameter {name}, value: 0, valid min length: {least}" in str(got)


# -- Headers: a member sent as a header holds no control character -----------------------

HEADER_MEMBERS = input_members("header")


@pytest.mark.parametrize("operation, name, member", HEADER_MEMBERS, ids=[f"{op}.{n}" for op, n, _ in HEADER_MEMBERS])
@pytest.mark.parametrize("bad", ["ok\x1f", "ok\nX-Injected: 1", "ok\x7f"])
def test_a_control_character_in_a_header_member_is_refused_before_sending(operation, name, member, bad):
    """The value matches the member's (searched) pattern, but could not be sent as the
    header it is bound to: refused with a message naming the header."""
    assert re.search(member.metadata.get("pattern", ""), bad)
    got = capture(lambda: getattr(make_bc_client("http://127.0.0.1:9"), botocore.xform_name(operation))(**{name: bad}))
    assert isinstance(got, bc.exceptions.ParamValidationError), got
    header = member.serialization["name"]
    assert f"Invalid value for parameter {name}, value: {bad}, the character U+{ord(bad[2]):04X} cannot be sent in the {header} header" in str(got)
