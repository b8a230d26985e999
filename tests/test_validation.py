"""Client-side parameter validation.

Rules botocore checks (required, unknown, type, min length / value, unions) must
give botocore's exact report; the extra constraints bedrock_customization checks
(max length / value, pattern, enum, sizes of lists and maps) give a report in
the same style.  Nothing is sent when validation fails.
"""

from __future__ import annotations

import datetime
import decimal

import botocore.exceptions
import pytest
from botocore.config import Config as BotocoreConfig

import bedrock_customization as bc
from conftest import ROLE_ARN, Reply, capture, make_bc_client, make_boto3_client

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
# Extra constraints (botocore does not check these; the service would reject them)
# ---------------------------------------------------------------------------

EXTRA_RULES = [
    # (id, failing request, passing request, path, report text)
    ("max-length", with_(jobName="j" * 64), with_(jobName="j" * 63), "jobName", "valid max length: 63"),
    ("max-length-list", with_(vpcConfig={"subnetIds": ["s"], "securityGroupIds": ["sg"] * 6}),
     with_(vpcConfig={"subnetIds": ["s"], "securityGroupIds": ["sg"] * 5}), "vpcConfig.securityGroupIds",
     "valid max length: 5"),
    ("pattern", with_(jobName="bad name!"), with_(jobName="good-name.1"), "jobName", "valid pattern:"),
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
def test_extra_constraints(clients, failing, passing, path, text):
    _, ours, recorder = clients
    got = capture(lambda: ours.create_model_customization_job(**failing))
    assert isinstance(got, botocore.exceptions.ParamValidationError)
    lines = report_of(got).splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Invalid ") and f"parameter {path}," in lines[0], lines[0]
    assert text in lines[0], lines[0]
    assert recorder.requests == []

    ours.create_model_customization_job(**passing)
    assert len(recorder.requests) == 1


def test_list_filters_enum_and_pattern(clients):
    _, ours, recorder = clients
    got = capture(lambda: ours.list_model_customization_jobs(sortOrder="Sideways", statusEquals="Done",
                                                             maxResults=1001, nameContains="a b"))
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
        make_bc_client(recorder.url).create_model_customization_job(**request_kwargs)
    assert recorder.requests == []
    ours.create_model_customization_job(**request_kwargs)
    assert len(recorder.requests) == 1
    assert recorder.requests[0].json()["jobName"] == request_kwargs["jobName"]


@pytest.mark.parametrize(
    "request_kwargs, text",
    [
        (with_(roleArn=_DROP), 'Missing required parameter in input: "roleArn"'),
        (with_(jobName=5), "Invalid type for parameter jobName"),
        (with_(customizationConfig=rft(epochCount="3")), "Invalid type for parameter customizationConfig"),
    ],
    ids=["required", "type", "nested-type"],
)
def test_validation_off_still_checks_required_and_types(recorder, request_kwargs, text):
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
