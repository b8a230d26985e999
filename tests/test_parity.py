"""boto3 and bedrock_customization side by side.

Against moto's server: the four operations with the same inputs give equal
results (after removing per-request values) with equal Python types at every
node, and equal errors.  Against the recording server: the same raw response
bytes give equal results, and the same call sends the same request.
"""

from __future__ import annotations

import datetime
import json
import re
import uuid

import pytest
from botocore.config import Config as BotocoreConfig

import bedrock_customization as bc
from conftest import (
    BASE_MODEL,
    ROLE_ARN,
    Reply,
    assert_parity,
    assert_same_types,
    blank_datetimes,
    capture,
    error_view,
    make_bc_client,
    make_boto3_client,
    replace_strings,
    strip_volatile,
)

# Names made by create_job_pair differ only in this tag ("pb3" / "pbc").
SAME_TAG = {"pb3-": "pXX-", "pbc-": "pXX-"}

FULL_OPTIONAL_MEMBERS = {
    "clientRequestToken": "parity-token-1",
    "customizationType": "FINE_TUNING",
    "customModelKmsKeyId": "alias/bc-parity-key",
    "jobTags": [{"key": "team", "value": "ml"}, {"key": "env", "value": "test"}],
    "customModelTags": [{"key": "owner", "value": "parity"}],
    "validationDataConfig": {
        "validators": [{"s3Uri": "s3://bc-test-bucket/validation/a.jsonl"}, {"s3Uri": "s3://bc-test-bucket/v2/"}]
    },
    "vpcConfig": {"subnetIds": ["subnet-0123abcd", "subnet-4567ef01"], "securityGroupIds": ["sg-0a1b2c3d"]},
    "hyperParameters": {"epochCount": "2", "batchSize": "8", "learningRate": "0.0001", "learningRateWarmupSteps": "0"},
}


# Job ARNs end in an id derived from the job (".../<base model>/<12 chars>").
_JOB_ARN_ID = re.compile(r"(model-customization-job/[^/\s]+/)[a-z0-9]{12}\b")


def _blank_arn_ids(value):
    if isinstance(value, str):
        return _JOB_ARN_ID.sub(r"\1<id>", value)
    if isinstance(value, dict):
        return {k: _blank_arn_ids(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_arn_ids(v) for v in value]
    return value


def normalised(response):
    """Without per-request values, with the two clients' job names made equal
    and job ARN ids blanked."""
    return _blank_arn_ids(replace_strings(strip_volatile(response), SAME_TAG))


# ---------------------------------------------------------------------------
# moto: all four operations
# ---------------------------------------------------------------------------


def test_create_with_many_optional_members(create_job_pair):
    b3_job, bc_job = create_job_pair(**FULL_OPTIONAL_MEMBERS)
    assert bc_job["jobArn"].startswith("arn:aws:bedrock:us-east-1:123456789012:model-customization-job/")
    assert_parity(normalised(b3_job["response"]), normalised(bc_job["response"]))


def test_get_by_name(create_job_pair, boto3_client, bc_client):
    b3_job, bc_job = create_job_pair(**FULL_OPTIONAL_MEMBERS)
    expected = boto3_client.get_model_customization_job(jobIdentifier=b3_job["jobName"])
    got = bc_client.get_model_customization_job(jobIdentifier=bc_job["jobName"])
    assert got["jobName"] == bc_job["jobName"]
    assert got["vpcConfig"] == FULL_OPTIONAL_MEMBERS["vpcConfig"]
    assert isinstance(got["creationTime"], datetime.datetime)
    assert_same_types(expected, got)
    assert_parity(blank_datetimes(normalised(expected)), blank_datetimes(normalised(got)))


def test_create_sends_what_boto3_sends(create_job_pair, boto3_client):
    """Jobs created by each client look the same when read back by boto3."""
    b3_job, bc_job = create_job_pair(**FULL_OPTIONAL_MEMBERS)
    via_b3 = boto3_client.get_model_customization_job(jobIdentifier=b3_job["jobName"])
    via_bc = boto3_client.get_model_customization_job(jobIdentifier=bc_job["jobName"])
    assert blank_datetimes(normalised(via_bc)) == blank_datetimes(normalised(via_b3))


def test_same_job_read_by_both(create_job_pair, boto3_client, bc_client):
    """One job, read by both clients: identical values, not just types."""
    _, bc_job = create_job_pair(**FULL_OPTIONAL_MEMBERS)
    expected = boto3_client.get_model_customization_job(jobIdentifier=bc_job["jobName"])
    got = bc_client.get_model_customization_job(jobIdentifier=bc_job["jobName"])
    assert_parity(strip_volatile(expected), strip_volatile(got))


def test_get_by_arn(create_job_pair, boto3_client, bc_client, local_url):
    # The ARN is percent-encoded into the path (it contains '/' and ':') and
    # passes bc's pattern check for job identifiers.
    b3_job, bc_job = create_job_pair(clientRequestToken="arn-token-1")
    expected = boto3_client.get_model_customization_job(jobIdentifier=b3_job["jobArn"])
    got = bc_client.get_model_customization_job(jobIdentifier=bc_job["jobArn"])
    assert got["jobArn"] == bc_job["jobArn"] and got["jobName"] == bc_job["jobName"]
    assert_same_types(expected, got)
    assert_parity(blank_datetimes(normalised(expected)), blank_datetimes(normalised(got)))
    stopped = bc_client.stop_model_customization_job(jobIdentifier=bc_job["jobArn"])
    assert stopped["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert bc_client.get_model_customization_job(jobIdentifier=bc_job["jobArn"])["status"] == "Stopping"
    local_url.advance(60)
    assert bc_client.get_model_customization_job(jobIdentifier=bc_job["jobArn"])["status"] == "Stopped"


def test_list_with_filters_and_pagination(create_job_pair, boto3_client, bc_client):
    b3_job, bc_job = create_job_pair()
    suffix = b3_job["jobName"].split("-", 1)[1]
    filters = dict(
        nameContains=suffix,
        statusEquals="InProgress",
        sortBy="CreationTime",
        sortOrder="Descending",
        creationTimeAfter=datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc),
        creationTimeBefore=datetime.datetime(2999, 1, 1, 12, 30, tzinfo=datetime.timezone.utc),
    )
    expected = boto3_client.list_model_customization_jobs(**filters)
    got = bc_client.list_model_customization_jobs(**filters)
    names = {s["jobName"] for s in got["modelCustomizationJobSummaries"]}
    assert names == {b3_job["jobName"], bc_job["jobName"]}
    assert_parity(strip_volatile(expected), strip_volatile(got))

    # Page by page.
    page1_b3 = boto3_client.list_model_customization_jobs(nameContains=suffix, maxResults=1)
    page1_bc = bc_client.list_model_customization_jobs(nameContains=suffix, maxResults=1)
    assert_parity(strip_volatile(page1_b3), strip_volatile(page1_bc))
    assert len(page1_bc["modelCustomizationJobSummaries"]) == 1 and page1_bc.get("nextToken")
    page2_b3 = boto3_client.list_model_customization_jobs(
        nameContains=suffix, maxResults=1, nextToken=page1_b3["nextToken"]
    )
    page2_bc = bc_client.list_model_customization_jobs(
        nameContains=suffix, maxResults=1, nextToken=page1_bc["nextToken"]
    )
    assert_parity(strip_volatile(page2_b3), strip_volatile(page2_bc))
    assert len(page2_bc["modelCustomizationJobSummaries"]) == 1


def test_list_without_matches(boto3_client, bc_client):
    kwargs = dict(nameContains="no-such-job-" + uuid.uuid4().hex[:8])
    expected = boto3_client.list_model_customization_jobs(**kwargs)
    got = bc_client.list_model_customization_jobs(**kwargs)
    assert got["modelCustomizationJobSummaries"] == []
    assert_parity(strip_volatile(expected), strip_volatile(got))


def test_stop_twice_then_get(create_job_pair, boto3_client, bc_client, local_url):
    b3_job, bc_job = create_job_pair()
    expected = boto3_client.stop_model_customization_job(jobIdentifier=b3_job["jobName"])
    got = bc_client.stop_model_customization_job(jobIdentifier=bc_job["jobName"])
    assert set(got) == {"ResponseMetadata"}
    assert_parity(strip_volatile(expected), strip_volatile(got))
    # a job already stopping cannot be stopped again: the same ConflictException for both
    expected = capture(lambda: boto3_client.stop_model_customization_job(jobIdentifier=b3_job["jobName"]))
    got = capture(lambda: bc_client.stop_model_customization_job(jobIdentifier=bc_job["jobName"]))
    assert type(got) is bc.exceptions.ConflictException
    assert replace_strings(error_view(got), SAME_TAG) == replace_strings(error_view(expected), SAME_TAG)
    local_url.advance(60)
    after = bc_client.get_model_customization_job(jobIdentifier=bc_job["jobName"])
    assert after["status"] == "Stopped"
    assert after["status"] == boto3_client.get_model_customization_job(jobIdentifier=b3_job["jobName"])["status"]


@pytest.mark.parametrize(
    "operation, kwargs",
    [
        ("get_model_customization_job", {"jobIdentifier": "parity-missing-job"}),
        ("stop_model_customization_job", {"jobIdentifier": "parity-missing-job"}),
    ],
)
def test_missing_job_errors(boto3_client, bc_client, operation, kwargs):
    expected = capture(lambda: getattr(boto3_client, operation)(**kwargs))
    got = capture(lambda: getattr(bc_client, operation)(**kwargs))
    assert type(got).__name__ == "ResourceNotFoundException"
    assert isinstance(got, bc_client.exceptions.ResourceNotFoundException)
    assert isinstance(got, bc.exceptions.ClientError)
    import botocore.exceptions

    assert isinstance(got, botocore.exceptions.ClientError)
    assert error_view(got) == error_view(expected)


def test_duplicate_job_name_error(boto3_client, bc_client):
    name = "parity-dup-" + uuid.uuid4().hex[:8]
    boto3_client.create_model_customization_job(**_request(name, name + "-m1"))
    expected = capture(lambda: boto3_client.create_model_customization_job(**_request(name, name + "-m2")))
    got = capture(lambda: bc_client.create_model_customization_job(**_request(name, name + "-m3")))
    # AWS's code and words, as apache-airflow-providers-amazon's BedrockCustomizeModelOperator knows them
    assert type(got) is bc.exceptions.ValidationException
    assert got.response["Error"]["Message"] == "The provided job name is currently in use."
    assert error_view(got) == error_view(expected)


def _request(job_name, model_name, **extra):
    request = {
        "jobName": job_name,
        "customModelName": model_name,
        "roleArn": ROLE_ARN,
        "baseModelIdentifier": BASE_MODEL,
        "trainingDataConfig": {"s3Uri": "s3://bc-test-bucket/train/"},
        "outputDataConfig": {"s3Uri": "s3://bc-test-bucket/out/"},
    }
    request.update(extra)
    return request


# ---------------------------------------------------------------------------
# Recording server: the same raw bytes to both clients
# ---------------------------------------------------------------------------

JOB_ARN = (
    "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/"
    "amazon.titan-text-express-v1:0:8k/abcdefghijkl"
)
STATUS_DETAILS = {
    "validationDetails": {
        "status": "Completed",
        "creationTime": "2024-05-01T10:00:00Z",
        "lastModifiedTime": "2024-05-01T10:05:00.5Z",
    },
    "dataProcessingDetails": {
        "status": "Completed",
        "creationTime": 1714557600,
        "lastModifiedTime": 1714557900.25,
    },
    "trainingDetails": {
        "status": "InProgress",
        "creationTime": "2024-05-01T11:06:00+01:00",
        "lastModifiedTime": "2024-05-01 10:07:00",
    },
}


def full_job_body(customization_config, request_metadata_filters):
    return {
        "jobArn": JOB_ARN,
        "jobName": "full-job",
        "outputModelName": "full-model",
        "outputModelArn": "arn:aws:bedrock:us-east-1:123456789012:custom-model/full-model/abcdefghijkl",
        "clientRequestToken": "token-123",
        "roleArn": ROLE_ARN,
        "status": "InProgress",
        "statusDetails": STATUS_DETAILS,
        "failureMessage": "caf\u00e9 \u2013 \"quoted\"\nsecond line",
        "creationTime": "2024-05-01T10:00:00Z",
        "lastModifiedTime": "2024-05-01T11:00:00.123+01:00",
        "endTime": "2024-05-01 12:00:00",
        "baseModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:300k",
        "hyperParameters": {"epochCount": "3", "learningRate": "0.00001"},
        "trainingDataConfig": {
            "s3Uri": "s3://bucket/train.jsonl",
            "invocationLogsConfig": {
                "usePromptResponse": False,
                "invocationLogSource": {"s3Uri": "s3://bucket/logs/"},
                "requestMetadataFilters": request_metadata_filters,
            },
        },
        "validationDataConfig": {"validators": [{"s3Uri": "s3://bucket/v1.jsonl"}, {"s3Uri": "s3://bucket/v2/"}]},
        "outputDataConfig": {"s3Uri": "s3://bucket/out/"},
        "customizationType": "REINFORCEMENT_FINE_TUNING",
        "outputModelKmsKeyArn": "arn:aws:kms:us-east-1:123456789012:key/12345678-1234-1234-1234-123456789012",
        "trainingMetrics": {"trainingLoss": 0.1},
        "validationMetrics": [{"validationLoss": 0.30000000000000004}, {"validationLoss": 1e-7}, {"validationLoss": 2}],
        "vpcConfig": {"subnetIds": ["subnet-1", "subnet-2"], "securityGroupIds": ["sg-1"]},
        "customizationConfig": customization_config,
        "someFutureTopLevelMember": {"nested": [1, 2, 3]},
    }


RFT_CONFIG = {
    "rftConfig": {
        "graderConfig": {
            "lambdaGrader": {"lambdaArn": "arn:aws:lambda:us-east-1:123456789012:function:grader:$LATEST"}
        },
        "hyperParameters": {
            "epochCount": 3,
            "batchSize": 64,
            "learningRate": 0.0001,
            "maxPromptLength": 4096,
            "trainingSamplePerPrompt": 4,
            "inferenceMaxTokens": 8192,
            "reasoningEffort": "medium",
            "evalInterval": 10,
        },
    }
}
DISTILLATION_CONFIG = {
    "distillationConfig": {
        "teacherModelConfig": {
            "teacherModelIdentifier": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0",
            "maxResponseLengthForInference": 1000,
        }
    }
}
AND_ALL = {"andAll": [{"equals": {"project": "alpha"}}, {"notEquals": {"stage": "dev"}}]}
OR_ALL = {"orAll": [{"equals": {"team": "a"}}, {"equals": {"team": "b"}}]}


def same_raw_response(recorder, reply, call, **client_kwargs):
    """Give both clients the same scripted reply; return (boto3 result, bc result)."""
    recorder.always(reply)
    botocore_kwargs = dict(client_kwargs)
    if "config" in botocore_kwargs:
        botocore_kwargs["config"] = BotocoreConfig(**botocore_kwargs["config"])
    bc_kwargs = dict(client_kwargs)
    if "config" in bc_kwargs:
        bc_kwargs["config"] = bc.Config(**bc_kwargs["config"])
    expected = call(make_boto3_client(recorder.url, **botocore_kwargs))
    got = call(make_bc_client(recorder.url, **bc_kwargs))
    return expected, got


def get_job(client):
    return client.get_model_customization_job(jobIdentifier="full-job")


@pytest.mark.parametrize(
    "customization_config, filters",
    [(RFT_CONFIG, AND_ALL), (DISTILLATION_CONFIG, OR_ALL)],
    ids=["rft-andAll", "distillation-orAll"],
)
def test_full_get_response(recorder, customization_config, filters):
    body = full_job_body(customization_config, filters)
    expected, got = same_raw_response(recorder, Reply(body=body), get_job)
    assert got["trainingMetrics"]["trainingLoss"] == 0.1
    assert got["customizationConfig"] == customization_config
    assert "someFutureTopLevelMember" not in got
    assert_parity(strip_volatile(expected), strip_volatile(got))
    # Request ids and headers too, since the bytes were identical.
    assert got["ResponseMetadata"]["RequestId"] == expected["ResponseMetadata"]["RequestId"]


@pytest.mark.parametrize(
    "value",
    [
        "2024-05-01T10:20:30Z",
        "2024-05-01T10:20:30.123Z",
        "2024-05-01T10:20:30.123456Z",
        "2024-05-01T10:20:30+01:00",
        "2024-05-01T10:20:30.5-05:30",
        "2024-05-01 10:20:30",
        "2024-05-01T10:20:30",
        "Wed, 01 May 2024 10:20:30 GMT",
        1714558830,
        1714558830.25,
        0,
        "1714558830",
    ],
)
def test_timestamp_forms(recorder, value):
    body = {"jobName": "t", "creationTime": value, "statusDetails": {"trainingDetails": {"lastModifiedTime": value}}}
    expected, got = same_raw_response(recorder, Reply(body=body), get_job)
    assert isinstance(got["creationTime"], datetime.datetime)
    assert_parity(strip_volatile(expected), strip_volatile(got))


def test_unknown_enum_value_passes_through(recorder):
    body = {"jobName": "e", "status": "Hibernating", "customizationType": "QUANTUM_TUNING",
            "statusDetails": {"trainingDetails": {"status": "Thinking"}}}
    expected, got = same_raw_response(recorder, Reply(body=body), get_job)
    assert got["status"] == "Hibernating"
    assert_parity(strip_volatile(expected), strip_volatile(got))


@pytest.mark.parametrize(
    "body",
    [
        {"customizationConfig": {"quantumConfig": {"qubits": 8}}},
        {"customizationConfig": {"rftConfig": {"graderConfig": {"humanGrader": {"name": "x"}}}}},
        {"trainingDataConfig": {"invocationLogsConfig": {"invocationLogSource": {"dynamoTable": "t"},
                                                         "requestMetadataFilters": {"xorAll": []}}}},
    ],
    ids=["customizationConfig", "graderConfig", "invocationLogSource+filters"],
)
def test_unknown_union_member(recorder, body):
    expected, got = same_raw_response(recorder, Reply(body=body), get_job)
    assert_parity(strip_volatile(expected), strip_volatile(got))
    flat = json.dumps(strip_volatile(got), default=str)
    assert "SDK_UNKNOWN_MEMBER" in flat


def test_union_with_two_members_is_a_parser_error(recorder):
    body = {"customizationConfig": dict(**RFT_CONFIG, **DISTILLATION_CONFIG)}
    recorder.always(Reply(body=body))
    expected = capture(lambda: get_job(make_boto3_client(recorder.url)))
    got = capture(lambda: get_job(make_bc_client(recorder.url)))
    assert type(got).__name__ == type(expected).__name__ == "ResponseParserError"
    assert isinstance(got, bc.exceptions.ResponseParserError)
    assert str(got) == str(expected)


def test_list_response(recorder):
    summary = {
        "jobArn": JOB_ARN,
        "baseModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0:300k",
        "jobName": "full-job",
        "status": "Completed",
        "statusDetails": STATUS_DETAILS,
        "lastModifiedTime": "2024-05-01T11:00:00Z",
        "creationTime": 1714557600,
        "endTime": "2024-05-01 12:00:00",
        "customModelArn": "arn:aws:bedrock:us-east-1:123456789012:custom-model/full-model/abcdefghijkl",
        "customModelName": "full-model",
        "customizationType": "DISTILLATION",
    }
    body = {"nextToken": "page-2-token", "modelCustomizationJobSummaries": [summary, dict(summary, jobName="other")]}
    expected, got = same_raw_response(
        recorder, Reply(body=body), lambda c: c.list_model_customization_jobs(maxResults=2)
    )
    assert got["nextToken"] == "page-2-token"
    assert_parity(strip_volatile(expected), strip_volatile(got))


def test_create_and_stop_responses(recorder):
    expected, got = same_raw_response(
        recorder,
        Reply(status=201, body={"jobArn": JOB_ARN}),
        lambda c: c.create_model_customization_job(**_request("raw-job", "raw-model")),
    )
    assert got["jobArn"] == JOB_ARN and got["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert_parity(strip_volatile(expected), strip_volatile(got))
    expected, got = same_raw_response(
        recorder, Reply(body=b"", content_type=None), lambda c: c.stop_model_customization_job(jobIdentifier="raw-job")
    )
    assert_parity(strip_volatile(expected), strip_volatile(got))


def test_non_json_success_body_raises_instead_of_an_empty_result(recorder):
    """boto3 turns a malformed 200 body into a dict with only ResponseMetadata,
    silently losing the job; this package raises a typed, descriptive error."""
    recorder.always(Reply(body="this is not json"))
    b3 = make_boto3_client(recorder.url)
    assert set(get_job(b3)) == {"ResponseMetadata"}
    with pytest.raises(bc.exceptions.ResponseParserError) as info:
        get_job(make_bc_client(recorder.url))
    assert "invalid JSON" in str(info.value)
    assert "this is not json" in str(info.value)


NO_RETRY = {"config": {"retries": {"max_attempts": 0}}}


@pytest.mark.parametrize(
    "reply",
    [
        Reply(status=404, body={"message": "gone"}, headers={"x-amzn-ErrorType": "ResourceNotFoundException"}),
        Reply(status=404, body={"__type": "com.amazonaws.bedrock#ResourceNotFoundException", "message": "ns"}),
        Reply(
            status=400,
            body={"message": "bad input"},
            headers={"x-amzn-ErrorType": "ValidationException:http://internal.amazon.com/coral/"},
        ),
        Reply(status=403, body={"Message": "capital M"}, headers={"x-amzn-ErrorType": "AccessDeniedException"}),
        Reply(
            status=400,
            body={"message": "tags", "resourceName": "arn:aws:bedrock:us-east-1:123456789012:custom-model/x"},
            headers={"x-amzn-ErrorType": "TooManyTagsException"},
        ),
        Reply(status=409, body={"message": "conflict"}, headers={"x-amzn-ErrorType": "ConflictException"}),
        Reply(status=400, body={"message": "?"}, headers={"x-amzn-ErrorType": "BrandNewException"}),
        Reply(status=418, body=b"", content_type=None),
        Reply(status=400, body="not json at all", content_type="text/plain"),
    ],
    ids=["header-code", "namespaced-type", "code-with-suffix", "capital-message", "extra-member",
         "conflict", "unknown-code", "empty-body", "text-body"],
)
def test_error_responses(recorder, reply):
    expected, got = same_raw_response(recorder, reply, lambda c: capture(lambda: get_job(c)), **NO_RETRY)
    assert isinstance(got, bc.exceptions.ClientError)
    assert error_view(got) == error_view(expected)
    assert_same_types(strip_volatile(expected.response), strip_volatile(got.response))


def test_unknown_error_code_is_plain_client_error(recorder):
    reply = Reply(status=400, body={"message": "?"}, headers={"x-amzn-ErrorType": "BrandNewException"})
    expected, got = same_raw_response(recorder, reply, lambda c: capture(lambda: get_job(c)), **NO_RETRY)
    assert type(got) is bc.exceptions.ClientError
    assert type(expected).__name__ == "ClientError"
    assert got.response["Error"]["Code"] == "BrandNewException"
    assert bc.exceptions.client_exceptions.from_code("BrandNewException") is bc.exceptions.ClientError


def test_500_with_html_body(recorder):
    reply = Reply(status=500, body="<html><body><h1>Internal error</h1></body></html>", content_type="text/html")
    expected, got = same_raw_response(recorder, reply, lambda c: capture(lambda: get_job(c)), **NO_RETRY)
    assert type(got) is bc.exceptions.ClientError
    assert got.response["Error"]["Code"] == "500"
    assert str(got) == str(expected)
    assert error_view(got) == error_view(expected)


def test_retried_error_message_counts_retries(recorder):
    reply = Reply(status=503, body={"message": "busy"}, headers={"x-amzn-ErrorType": "ServiceUnavailableException"})
    config = {"config": {"retries": {"max_attempts": 1, "mode": "standard"}}}
    expected, got = same_raw_response(recorder, reply, lambda c: capture(lambda: get_job(c)), **config)
    assert "(reached max retries: 1)" in str(got)
    assert error_view(got) == error_view(expected)
    assert len(recorder.requests) == 4  # two attempts each


# ---------------------------------------------------------------------------
# Recording server: the same call sends the same request
# ---------------------------------------------------------------------------


TIMESTAMP_QUERY_PARAMS = ("creationTimeAfter", "creationTimeBefore")


def _instant(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _compare_requests(recorder, call, reply=None):
    recorder.always(reply or Reply(body={"jobArn": JOB_ARN}))
    call(make_boto3_client(recorder.url))
    call(make_bc_client(recorder.url))
    assert len(recorder.requests) == 2, [r.path for r in recorder.requests]
    sent_b3, sent_bc = recorder.requests
    assert sent_bc.method == sent_b3.method
    assert sent_bc.decoded_path == sent_b3.decoded_path
    # Timestamps in the query may be written differently (".678Z" vs ".678000Z");
    # they must denote the same instant.  Everything else must be identical.
    query_b3, query_bc = dict(sent_b3.query), dict(sent_bc.query)
    for name in TIMESTAMP_QUERY_PARAMS:
        if name in query_b3 or name in query_bc:
            assert [_instant(v) for v in query_bc.pop(name, [])] == [_instant(v) for v in query_b3.pop(name, [])]
    assert query_bc == query_b3
    body_b3, body_bc = sent_b3.json(), sent_bc.json()
    if isinstance(body_b3, dict) and isinstance(body_bc, dict):
        token_b3 = body_b3.pop("clientRequestToken", None)
        token_bc = body_bc.pop("clientRequestToken", None)
        assert (token_b3 is None) == (token_bc is None)
    assert body_bc == body_b3
    if sent_b3.body:
        assert sent_bc.headers.get("content-type", "").split(";")[0] == "application/json"
    assert sent_bc.headers.get("authorization", "").startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "/us-east-1/bedrock/aws4_request" in sent_bc.headers["authorization"]
    return sent_b3, sent_bc


def test_request_create_full(recorder):
    request = _request(
        "req-job",
        "req-model",
        **{k: v for k, v in FULL_OPTIONAL_MEMBERS.items() if k != "clientRequestToken"},
        customizationConfig={"rftConfig": RFT_CONFIG["rftConfig"]},
    )
    request["trainingDataConfig"] = {
        "invocationLogsConfig": {
            "usePromptResponse": True,
            "invocationLogSource": {"s3Uri": "s3://bc-test-bucket/logs/"},
            "requestMetadataFilters": AND_ALL,
        }
    }
    sent_b3, sent_bc = _compare_requests(recorder, lambda c: c.create_model_customization_job(**request))
    # Both generated an idempotency token.
    assert sent_bc.json()["clientRequestToken"] and sent_b3.json()["clientRequestToken"]
    assert sent_bc.json()["customizationConfig"]["rftConfig"]["hyperParameters"]["learningRate"] == 0.0001


def test_request_create_explicit_token(recorder):
    request = _request("req-job", "req-model", clientRequestToken="my-token-1")
    sent_b3, sent_bc = _compare_requests(recorder, lambda c: c.create_model_customization_job(**request))
    assert sent_bc.json()["clientRequestToken"] == "my-token-1" == sent_b3.json()["clientRequestToken"]


@pytest.mark.parametrize(
    "identifier",
    ["plain-job.name+1", JOB_ARN],
    ids=["name", "arn"],
)
def test_request_get_and_stop_paths(recorder, identifier):
    _compare_requests(recorder, lambda c: c.get_model_customization_job(jobIdentifier=identifier))
    recorder.clear()
    sent_b3, sent_bc = _compare_requests(
        recorder, lambda c: c.stop_model_customization_job(jobIdentifier=identifier)
    )
    assert sent_bc.decoded_path == f"/model-customization-jobs/{identifier}/stop"


@pytest.mark.parametrize(
    "after",
    [
        datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
        datetime.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=datetime.timezone.utc),
        datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
    ],
    ids=["utc", "micros", "offset"],
)
def test_request_list_query(recorder, after):
    kwargs = dict(
        creationTimeAfter=after,
        creationTimeBefore=datetime.datetime(2025, 6, 1, tzinfo=datetime.timezone.utc),
        statusEquals="Completed",
        nameContains="my-job+v1.2",
        maxResults=25,
        nextToken="tok/with+special=chars",
        sortBy="CreationTime",
        sortOrder="Ascending",
    )
    sent_b3, sent_bc = _compare_requests(
        recorder,
        lambda c: c.list_model_customization_jobs(**kwargs),
        reply=Reply(body={"modelCustomizationJobSummaries": []}),
    )
    assert sent_bc.query["maxResults"] == ["25"]
    assert _instant(sent_bc.query["creationTimeAfter"][0]) == after
    assert sent_bc.query["nextToken"] == ["tok/with+special=chars"]
