"""The local Bedrock (``bedrock_customization.testing``) against real clients on loopback.

Everything here talks to a real local Bedrock on 127.0.0.1 with real clients:
this package's (``bc``), boto3 (botocore builds and signs the requests) and
the pinned AWS CLI. Nothing is hard-coded that the model or the server can
say: operations, members, constraints, enums, error statuses, resource kinds,
their statuses and the simulated durations are read from the pinned model
(``_wire.MODEL``), from botocore's model of the same release and from the
local Bedrock's own controls. Time never passes by sleeping: servers run with
``realtime=False`` and tests move the clock with ``advance()`` / ``settle()``
(the one waiter test uses a realtime server with tiny durations).

1. start-up, routing of every operation, authentication, state per account/region;
2. the lifecycles (bc, boto3, AWS CLI): customization jobs, custom models,
   deployments, provisioned throughput, import / copy / evaluation /
   batch-inference jobs, invocation logging, foundation models, tags, pagination;
3. error wording (validation as the service words it, not-found, conflicts);
4. time and faults (durations, advance, settle, set_status on every kind, fault injection);
5. ``bedrock-customization local-bedrock --port N``.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import boto3.session
import botocore.auth
import botocore.awsrequest
import botocore.config
import botocore.credentials
import botocore.exceptions
import pytest
from botocore import UNSIGNED, xform_name
from botocore.exceptions import ClientError

import bedrock_customization as bc
from bedrock_customization.testing import DURATIONS, JOB_STATUSES, LocalBedrock, _backend, _dispatch, _wire, local_bedrock
from bedrock_customization.testing._wire import MODEL

from conftest import (
    BASE_MODEL,
    CREDENTIALS,
    LOCAL_BEDROCK_COMMAND,
    REGION,
    ROLE_ARN,
    boto3_service_model,
    boto3_session,
    cli_env,
    free_port,
    job_request,
    listen_overflows,
    local_bedrock_process,
    make_boto3_client,
    minimal_request,
    model_string,
    unique,
)
from samples import minimal

ACCOUNT = _backend.DEFAULT_ACCOUNT
OTHER_REGION = "us-west-2"
OPERATIONS = sorted(MODEL.operations)
CLIENT_KINDS = ("bc", "boto3")
PAGE_MEMBERS = ("maxResults", "nextToken", "sortBy", "sortOrder")
_SESSION = boto3_session()  # one session: its loader caches the model (a client then costs ~5 ms, not ~300)
_SERVICE_MODEL = boto3_service_model()


# ---------------------------------------------------------------------------
# Servers and clients
# ---------------------------------------------------------------------------


@pytest.fixture
def lb() -> Iterator[LocalBedrock]:
    """A fresh local Bedrock with a frozen clock (only advance() moves it)."""
    with local_bedrock(realtime=False) as server:
        yield server
    forget_clients(server)


@pytest.fixture(scope="module")
def shared() -> Iterator[LocalBedrock]:
    """One frozen-clock local Bedrock for the model-wide sweeps of this module."""
    with local_bedrock(realtime=False) as server:
        yield server
    forget_clients(server)


_CLIENTS: Dict[Tuple[Any, ...], Any] = {}


def client_for(kind: str, endpoint: str, region_name: str = REGION, key: str = CREDENTIALS["aws_access_key_id"]) -> Any:
    """A bc or boto3 client of ``endpoint`` that never retries (one request per call),
    signing with access key id ``key`` (12 digits: that account) for ``region_name``.
    Clients are cached: creating a boto3 client costs a third of a second."""
    cache_key = (kind, str(endpoint), region_name, key)
    if cache_key not in _CLIENTS:
        options = dict(region_name=region_name, endpoint_url=str(endpoint), aws_access_key_id=key,
                       aws_secret_access_key=CREDENTIALS["aws_secret_access_key"])
        if kind == "bc":
            _CLIENTS[cache_key] = bc.client("bedrock", config=bc.Config(retries={"total_max_attempts": 1}), **options)
        else:
            _CLIENTS[cache_key] = _SESSION.client(
                "bedrock", config=botocore.config.Config(retries={"total_max_attempts": 1}), **options)
    return _CLIENTS[cache_key]


def forget_clients(endpoint: str) -> None:
    """Drop the cached clients of a stopped server (its port may be reused)."""
    for cache_key in [k for k in _CLIENTS if k[1] == str(endpoint)]:
        del _CLIENTS[cache_key]


@pytest.fixture(params=CLIENT_KINDS)
def kind(request) -> str:
    return request.param


@pytest.fixture
def client(kind: str, lb: LocalBedrock) -> Any:
    return client_for(kind, lb)


@pytest.fixture
def boto(lb: LocalBedrock) -> Any:
    return client_for("boto3", lb)


def error_of(call: Callable[..., Any], **params: Any) -> Tuple[str, int, str]:
    """``(code, HTTP status, message)`` of the error ``call(**params)`` must raise."""
    try:
        call(**params)
    except (ClientError, bc.exceptions.ClientError) as e:
        response = e.response  # type: ignore[union-attr]
        return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Message"]
    raise AssertionError(f"{getattr(call, '__name__', call)}({params}) succeeded; an error was expected")


def without_metadata(response: Dict[str, Any]) -> Dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def duration(lb: LocalBedrock, noun: str, step: str) -> float:
    return lb.durations[f"{_backend.snake(noun)}.{step}"]


def status_error(code: str) -> int:
    return MODEL.error_status[code]


def conflict_code(operation: str) -> str:
    """What a conflict is reported as: ConflictException where the operation models it."""
    return "ConflictException" if "ConflictException" in MODEL.errors(operation) else "ValidationException"


# The service's own answer to a create whose name is taken, where a public source gives it (each
# source is cited next to its rule in _backend); every other create keeps the local Bedrock's words.
JOB_NAME_IN_USE = "The provided job name is currently in use."
AWS_NAME_TAKEN = {
    "CreateModelCustomizationJob": ("ValidationException", JOB_NAME_IN_USE),
    "CreateModelImportJob": ("ValidationException", JOB_NAME_IN_USE),
    "CreateModelInvocationJob": ("ConflictException", JOB_NAME_IN_USE),
}


# ---------------------------------------------------------------------------
# Requests: conftest.minimal_request (minimal, made from the model, valid for every constraint)
# ---------------------------------------------------------------------------


def call(client: Any, operation: str, **params: Any) -> Dict[str, Any]:
    return getattr(client, xform_name(operation))(**params)


class World:
    """Valid requests for every create operation, with the resources they refer to."""

    def __init__(self, client: Any, lb: LocalBedrock) -> None:
        self.client = client
        self.lb = lb

    def active_custom_model(self) -> str:
        arn = self.client.create_custom_model(
            modelName=unique("cm"), modelSourceConfig={"s3DataSource": {"s3Uri": "s3://bc-test-bucket/model/"}})["modelArn"]
        self.lb.set_status(arn, "Active")
        return arn

    def references(self, operation: str) -> Dict[str, Any]:
        if operation == "CreateModelCustomizationJob":
            return job_request(unique("job"), unique("model"))
        if operation in ("CreateCustomModelDeployment", "CreateModelCopyJob", "CreateProvisionedModelThroughput"):
            member = {"CreateCustomModelDeployment": "modelArn", "CreateModelCopyJob": "sourceModelArn",
                      "CreateProvisionedModelThroughput": "modelId"}[operation]
            return {member: self.active_custom_model()}
        if operation == "CreateModelInvocationJob":
            return {"modelId": BASE_MODEL}
        return {}

    def request(self, operation: str, **overrides: Any) -> Dict[str, Any]:
        params = minimal_request(operation)
        params.update(self.references(operation))
        params.update(overrides)
        return params

    def create(self, operation: str, **overrides: Any) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """``(request, response)`` of a successful create."""
        params = self.request(operation, **overrides)
        return params, without_metadata(call(self.client, operation, **params))


def created_arn(operation: str, response: Dict[str, Any]) -> str:
    """The ARN of what a create operation made: the first ``...Arn`` member of its output
    that the request did not give, else of a structure member (``marketplaceModelEndpoint``)."""
    given = MODEL.input_shape(operation).get("members", {})
    members = MODEL.output_shape(operation).get("members", {})
    arns = [response[m] for m in members if m.endswith("Arn") and m in response and m not in given]
    for member, ref in members.items():
        nested = MODEL.shape(ref["shape"])
        if nested["type"] == "structure" and isinstance(response.get(member), dict):
            arns += [response[member][m] for m in nested.get("members", {}) if m.endswith("Arn") and m in response[member]]
    assert arns, (operation, response)
    return arns[0]


def created_identifier(operation: str, response: Dict[str, Any]) -> str:
    """The ARN of what a create made or, for what has none (a test case), its ``...Id``."""
    given = MODEL.input_shape(operation).get("members", {})
    ids = [response[m] for m in MODEL.output_shape(operation).get("members", {})
           if m.endswith("Id") and m in response and m not in given]
    try:
        return created_arn(operation, response)
    except AssertionError:
        assert ids, (operation, response)
        return ids[0]


# ---------------------------------------------------------------------------
# 1. Start-up, routing, authentication, accounts and regions
# ---------------------------------------------------------------------------


def test_starts_and_answers_well_under_a_second():
    started = time.perf_counter()
    with local_bedrock(realtime=False) as server:
        up = time.perf_counter() - started
        client_for("boto3", server).list_foundation_models()
        answered = time.perf_counter() - started
    assert up < 1.0, f"local_bedrock() took {up:.3f} s to start"
    assert answered < 1.0, f"first answer after {answered:.3f} s"


def test_the_servers_model_is_the_one_botocore_builds_requests_from():
    assert set(MODEL.operations) == set(_SERVICE_MODEL.operation_names)
    for operation in OPERATIONS:
        assert MODEL.operations[operation]["http"] == _SERVICE_MODEL.operation_model(operation).http, operation


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_is_routed_to_itself(operation, kind, shared, monkeypatch):
    """A request built by the client for each operation of the model, with minimal
    valid parameters generated from its input shape, reaches that operation and
    no other, passes the server's validation, and is answered without a server
    error: a result with every required member, or a not-found / conflict."""
    routed: List[str] = []
    route = MODEL.route

    def spy(method: str, path: str):
        found = route(method, path)
        routed.append(found[0])
        return found

    monkeypatch.setattr(MODEL, "route", spy)
    client = client_for(kind, shared)
    try:
        result = call(client, operation, **minimal_request(operation))
    except (ClientError, bc.exceptions.ClientError) as e:
        code, message = e.response["Error"]["Code"], e.response["Error"].get("Message", "")  # type: ignore[union-attr]
        assert code in ("ResourceNotFoundException", "ConflictException", "ValidationException"), (code, message)
        assert not re.match(r"\d+ validation errors? detected", message), message
        assert code in MODEL.errors(operation)
    else:
        output = MODEL.output_shape(operation)
        body = without_metadata(result)
        missing = [m for m in output.get("required", []) if m not in body]
        assert not missing, f"{operation}: required members missing from the result: {missing}"
    assert routed == [operation]


def _raw(lb: LocalBedrock, method: str, path: str, headers: Dict[str, str], body: bytes = b"") -> Tuple[int, Dict[str, str], Any]:
    connection = http.client.HTTPConnection("127.0.0.1", lb.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, json.loads(data or b"{}")
    finally:
        connection.close()


def _signed_headers(lb: LocalBedrock, service: str, region: str = REGION) -> Dict[str, str]:
    request = botocore.awsrequest.AWSRequest(method="GET", url=f"{lb}/foundation-models")
    botocore.auth.SigV4Auth(botocore.credentials.Credentials("testing", "testing"), service, region).add_auth(request)
    return dict(request.headers.items())


@pytest.mark.parametrize("case, code", [
    ("no Authorization header", "MissingAuthenticationTokenException"),
    ("malformed Authorization header", "IncompleteSignatureException"),
    ("signed for another service", "InvalidSignatureException"),
])
def test_unauthenticated_requests_are_refused_with_403(lb, case, code):
    headers = {
        "no Authorization header": {},
        "malformed Authorization header": {"Authorization": "AWS4-HMAC-SHA256 Credential=testing"},
        "signed for another service": _signed_headers(lb, "s3"),
    }[case]
    status, response_headers, body = _raw(lb, "GET", "/foundation-models", headers)
    assert (status, response_headers["x-amzn-errortype"]) == (403, code)
    assert body["message"]
    assert response_headers["x-amzn-requestid"]


def test_signed_and_bearer_requests_are_accepted(lb):
    expected = client_for("boto3", lb).list_foundation_models()["modelSummaries"]
    status, _, signed = _raw(lb, "GET", "/foundation-models", _signed_headers(lb, "bedrock"))
    assert status == 200 and len(signed["modelSummaries"]) == len(expected)
    status, _, bearer = _raw(lb, "GET", "/foundation-models", {"Authorization": "Bearer some-token"})
    assert status == 200 and bearer == signed


def test_boto3_unsigned_is_refused_and_a_bearer_token_is_accepted(lb, monkeypatch):
    unsigned = make_boto3_client(lb, config=botocore.config.Config(signature_version=UNSIGNED,
                                                                   retries={"total_max_attempts": 1}))
    code, status, _ = error_of(unsigned.list_custom_models)
    assert (code, status) == ("MissingAuthenticationTokenException", 403)
    # boto3 (botocore >= 1.44) sends a bearer token over HTTPS only: to this http:// server, never
    monkeypatch.setenv("AWS_BEARER_TOKEN_BEDROCK", "a-bearer-token")
    bearer = boto3.session.Session().client("bedrock", region_name=REGION, endpoint_url=lb)
    with pytest.raises(botocore.exceptions.InvalidEndpointConfigurationError, match="requires an HTTPS endpoint"):
        bearer.list_custom_models()
    monkeypatch.delenv("AWS_BEARER_TOKEN_BEDROCK")
    # what a bearer request makes belongs to the default account
    body = json.dumps({"modelName": unique("bearer"),
                       "modelSourceConfig": {"s3DataSource": {"s3Uri": "s3://bc-test-bucket/m/"}}}).encode()
    status, _, created = _raw(lb, "POST", "/custom-models/create-custom-model",
                              {"Authorization": "Bearer a-bearer-token", "Content-Type": "application/json"}, body)
    assert status == 202 and f":{REGION}:{ACCOUNT}:" in created["modelArn"], created
    assert client_for("boto3", lb).get_custom_model(modelIdentifier=created["modelArn"])["modelArn"] == created["modelArn"]


def test_state_is_per_account(lb, kind):
    accounts = ("111111111111", "222222222222")
    a, b = (client_for(kind, lb, key=account) for account in accounts)
    name = unique("mine")
    arn = a.create_custom_model(modelName=name, modelSourceConfig={"s3DataSource": {"s3Uri": "s3://bc-test-bucket/m/"}})["modelArn"]
    assert f":{accounts[0]}:" in arn
    assert [m["modelArn"] for m in a.list_custom_models()["modelSummaries"]] == [arn]
    assert b.list_custom_models()["modelSummaries"] == []
    assert error_of(b.get_custom_model, modelIdentifier=arn)[:2] == ("ResourceNotFoundException", 404)
    assert error_of(b.get_custom_model, modelIdentifier=name)[:2] == ("ResourceNotFoundException", 404)
    # a non-numeric access key id is the default account
    default = client_for(kind, lb)
    assert default.list_custom_models()["modelSummaries"] == []
    # the same name is free in another account
    b.create_custom_model(modelName=name, modelSourceConfig={"s3DataSource": {"s3Uri": "s3://bc-test-bucket/m/"}})
    assert lb.resource(arn)["modelName"] == name


def test_state_is_per_region(lb, kind):
    here, there = client_for(kind, lb), client_for(kind, lb, region_name=OTHER_REGION)
    arn = there.create_custom_model(modelName=unique("west"), modelSourceConfig={"s3DataSource": {"s3Uri": "s3://bc-test-bucket/m/"}})["modelArn"]
    assert f":{OTHER_REGION}:{ACCOUNT}:" in arn
    assert here.list_custom_models()["modelSummaries"] == []
    assert error_of(here.get_custom_model, modelIdentifier=arn)[:2] == ("ResourceNotFoundException", 404)
    assert [m["modelArn"] for m in there.list_custom_models()["modelSummaries"]] == [arn]
    here.put_model_invocation_logging_configuration(loggingConfig={"textDataDeliveryEnabled": True})
    assert "loggingConfig" not in there.get_model_invocation_logging_configuration()
    west = there.list_foundation_models()["modelSummaries"]
    assert west and all(f":{OTHER_REGION}::foundation-model/" in m["modelArn"] for m in west)
    # the controls look in the region asked
    with pytest.raises(KeyError, match=OTHER_REGION):
        lb.resource(arn)
    assert lb.resource(arn, region_name=OTHER_REGION)["modelArn"] == arn


# ---------------------------------------------------------------------------
# 2. Lifecycles, driven by bc and boto3 (and the AWS CLI, further below)
# ---------------------------------------------------------------------------

#: The sub-steps of a customization job, in the order the service runs them.
JOB_STEPS = ("validationDetails", "dataProcessingDetails", "trainingDetails")


def job_step_duration(lb: LocalBedrock, step: str) -> float:
    return duration(lb, "ModelCustomizationJob", _backend.snake(step[: -len("Details")]))


def training_time(lb: LocalBedrock) -> float:
    return sum(job_step_duration(lb, step) for step in JOB_STEPS)


def trained_model(client: Any, lb: LocalBedrock, **overrides: Any) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """A customization job run to completion: ``(job, its custom model)`` as get returns them."""
    arn = client.create_model_customization_job(**job_request(unique("job"), unique("model"), **overrides))["jobArn"]
    lb.advance(training_time(lb) + 0.01)
    job = client.get_model_customization_job(jobIdentifier=arn)
    assert job["status"] == "Completed", job
    return job, client.get_custom_model(modelIdentifier=job["outputModelArn"])


def test_job_steps_are_the_models_status_details():
    assert set(JOB_STEPS) == set(MODEL.shape("StatusDetails")["members"])


def test_customization_job_goes_through_its_steps_then_completes_with_its_model(client, lb):
    validators = [{"s3Uri": "s3://bc-test-bucket/validation/a.jsonl"}, {"s3Uri": "s3://bc-test-bucket/validation/b.jsonl"}]
    request = job_request(unique("job"), unique("model"), validationDataConfig={"validators": validators})
    arn = client.create_model_customization_job(**request)["jobArn"]
    assert arn.startswith(f"arn:aws:bedrock:{REGION}:{ACCOUNT}:model-customization-job/")
    for i, step in enumerate(JOB_STEPS):
        lb.advance(job_step_duration(lb, step) / 2)
        job = client.get_model_customization_job(jobIdentifier=arn)
        assert job["status"] == "InProgress", step
        assert "outputModelArn" not in job and "endTime" not in job
        assert [job["statusDetails"][s]["status"] for s in JOB_STEPS] == (
            ["Completed"] * i + ["InProgress"] + ["NotStarted"] * (len(JOB_STEPS) - i - 1)), step
        summary, = client.list_model_customization_jobs(nameContains=request["jobName"])["modelCustomizationJobSummaries"]
        assert (summary["status"], summary["statusDetails"]) == (job["status"], job["statusDetails"])
        lb.advance(job_step_duration(lb, step) / 2)
    lb.advance(0.01)
    job = client.get_model_customization_job(jobIdentifier=arn)
    assert job["status"] == "Completed"
    assert all(job["statusDetails"][s]["status"] == "Completed" for s in JOB_STEPS)
    assert abs((job["endTime"] - job["creationTime"]).total_seconds() - training_time(lb)) < 0.01
    assert job["outputModelName"] == request["customModelName"]
    assert isinstance(job["trainingMetrics"]["trainingLoss"], float)
    assert len(job["validationMetrics"]) == len(validators)
    assert all(isinstance(m["validationLoss"], float) for m in job["validationMetrics"])
    model = client.get_custom_model(modelIdentifier=job["outputModelArn"])
    assert model["modelArn"] == job["outputModelArn"] and model["modelName"] == request["customModelName"]
    assert (model["jobArn"], model["jobName"], model["baseModelArn"]) == (arn, request["jobName"], job["baseModelArn"])
    assert model["modelStatus"] == "Active"
    assert (model["trainingMetrics"], model["validationMetrics"]) == (job["trainingMetrics"], job["validationMetrics"])
    assert model["hyperParameters"] == request["hyperParameters"]
    assert without_metadata(client.get_custom_model(modelIdentifier=request["customModelName"])) == without_metadata(model)
    by_name = client.get_model_customization_job(jobIdentifier=request["jobName"])
    assert without_metadata(by_name) == without_metadata(job)
    summary, = client.list_model_customization_jobs(nameContains=request["jobName"])["modelCustomizationJobSummaries"]
    assert (summary["customModelArn"], summary["customModelName"]) == (model["modelArn"], model["modelName"])


def test_customization_job_stops(client, lb):
    request = job_request(unique("job"), unique("model"))
    arn = client.create_model_customization_job(**request)["jobArn"]
    lb.advance(job_step_duration(lb, JOB_STEPS[0]) * 1.5)  # into data processing
    client.stop_model_customization_job(jobIdentifier=arn)
    job = client.get_model_customization_job(jobIdentifier=arn)
    assert job["status"] == "Stopping" and "endTime" not in job
    assert job["statusDetails"]["dataProcessingDetails"]["status"] == "Stopping"
    assert job["statusDetails"]["validationDetails"]["status"] == "Completed"
    code, status, _ = error_of(client.stop_model_customization_job, jobIdentifier=arn)
    assert code in MODEL.errors("StopModelCustomizationJob") and status == status_error(code)
    lb.advance(duration(lb, "ModelCustomizationJob", "stopping") + 0.01)
    job = client.get_model_customization_job(jobIdentifier=arn)
    assert job["status"] == "Stopped" and job["endTime"] >= job["creationTime"]
    assert job["statusDetails"]["dataProcessingDetails"]["status"] == "Stopped"
    assert job["statusDetails"]["trainingDetails"]["status"] == "NotStarted"
    lb.settle()
    job = client.get_model_customization_job(jobIdentifier=arn)
    assert job["status"] == "Stopped" and "outputModelArn" not in job
    assert error_of(client.get_custom_model, modelIdentifier=request["customModelName"])[:2] == ("ResourceNotFoundException", 404)
    code, status, _ = error_of(client.stop_model_customization_job, jobIdentifier=arn)
    assert code in MODEL.errors("StopModelCustomizationJob") and code != "ResourceNotFoundException"


def test_customization_job_names_are_unique(client, lb):
    request = job_request(unique("job"), unique("model"))
    client.create_model_customization_job(**request)
    again = dict(request, customModelName=unique("model"))
    # AWS's words and code (apache-airflow-providers-amazon's BedrockCustomizeModelOperator)
    assert error_of(client.create_model_customization_job, **again) == ("ValidationException", 400, JOB_NAME_IN_USE)
    # so are the names of the models being trained
    other = dict(request, jobName=unique("job"))
    assert error_of(client.create_model_customization_job, **other)[0] == "ConflictException"
    # a finished job keeps its name
    lb.settle()
    assert client.get_model_customization_job(jobIdentifier=request["jobName"])["status"] == "Completed"
    again = dict(request, customModelName=unique("model"))
    assert error_of(client.create_model_customization_job, **again) == ("ValidationException", 400, JOB_NAME_IN_USE)
    assert len(client.list_model_customization_jobs()["modelCustomizationJobSummaries"]) == 1


def test_customization_job_retried_with_its_client_request_token(client, lb):
    token = str(uuid.uuid4())
    request = job_request(unique("job"), unique("model"), clientRequestToken=token)
    first = client.create_model_customization_job(**request)["jobArn"]
    lb.advance(0.1)
    assert client.create_model_customization_job(**request)["jobArn"] == first
    jobs = client.list_model_customization_jobs(nameContains=request["jobName"])["modelCustomizationJobSummaries"]
    assert [j["jobArn"] for j in jobs] == [first]
    changed = dict(request, hyperParameters={"epochCount": "2", "batchSize": "1", "learningRate": "0.00001"})
    code, status, message = error_of(client.create_model_customization_job, **changed)
    assert code in ("ConflictException", "ValidationException") and status == 400 and token in message
    # a new token is a new request (here: a name already taken)
    again = dict(request, clientRequestToken=str(uuid.uuid4()))
    assert error_of(client.create_model_customization_job, **again) == ("ValidationException", 400, JOB_NAME_IN_USE)
    assert len(client.list_model_customization_jobs()["modelCustomizationJobSummaries"]) == 1


def test_customization_job_needs_a_customizable_base_model(client, lb):
    unknown = "amazon.no-such-model-v9"
    code, status, message = error_of(client.create_model_customization_job,
                                     **job_request(unique("job"), unique("model"), baseModelIdentifier=unknown))
    assert (code, status) == ("ValidationException", 400) and unknown in message
    customizable = client.list_foundation_models(byCustomizationType="FINE_TUNING")["modelSummaries"]
    not_customizable = next(m["modelId"] for m in client.list_foundation_models()["modelSummaries"]
                            if not m.get("customizationsSupported") and ":" not in m["modelId"]
                            and not any(o["modelId"].startswith(m["modelId"] + ":") for o in customizable))
    code, _, message = error_of(client.create_model_customization_job,
                                **job_request(unique("job"), unique("model"), baseModelIdentifier=not_customizable))
    assert code == "ValidationException" and not_customizable in message


def test_custom_model_created_directly_becomes_active_and_is_deleted(client, lb):
    name = unique("cm")
    arn = client.create_custom_model(modelName=name, modelSourceConfig={"s3DataSource": {"s3Uri": "s3://bc-test-bucket/m/"}})["modelArn"]
    model = client.get_custom_model(modelIdentifier=arn)
    assert (model["modelName"], model["modelStatus"]) == (name, "Creating")
    lb.advance(duration(lb, "CustomModel", "creating") + 0.01)
    assert client.get_custom_model(modelIdentifier=name)["modelStatus"] == "Active"
    client.delete_custom_model(modelIdentifier=name)
    assert error_of(client.get_custom_model, modelIdentifier=arn)[:2] == ("ResourceNotFoundException", 404)
    assert error_of(client.delete_custom_model, modelIdentifier=arn)[:2] == ("ResourceNotFoundException", 404)
    assert client.list_custom_models()["modelSummaries"] == []


@pytest.fixture
def custom_models(client, lb) -> List[Dict[str, Any]]:
    """Five custom models made a minute apart, every one as get_custom_model returns it:
    two trained from different base models, one copied, one created and Active, one still Creating."""
    fine_tunable = [m for m in client.list_foundation_models(byCustomizationType="FINE_TUNING")["modelSummaries"]
                    if not m["modelArn"].endswith("/" + BASE_MODEL) and not m["modelId"].startswith(BASE_MODEL + ":")]
    arns = []
    _, first = trained_model(client, lb)
    arns.append(first["modelArn"])
    lb.advance(60)
    # (no hyperparameters: each base model takes its own, training_data/rules.json)
    arns.append(trained_model(client, lb, baseModelIdentifier=fine_tunable[0]["modelId"], hyperParameters={},
                              customModelName=unique("model-alpha"))[1]["modelArn"])
    lb.advance(60)
    copy = client.create_model_copy_job(sourceModelArn=first["modelArn"], targetModelName=unique("copy-alpha"))
    lb.advance(duration(lb, "ModelCopyJob", "copying") + 0.01)
    arns.append(client.get_model_copy_job(jobArn=copy["jobArn"])["targetModelArn"])
    lb.advance(60)
    source = {"s3DataSource": {"s3Uri": "s3://bc-test-bucket/m/"}}
    arns.append(client.create_custom_model(modelName=unique("made"), modelSourceConfig=source)["modelArn"])
    lb.advance(60)
    arns.append(client.create_custom_model(modelName=unique("made-alpha"), modelSourceConfig=source)["modelArn"])
    models = [without_metadata(client.get_custom_model(modelIdentifier=arn)) for arn in arns]
    assert len({m["creationTime"] for m in models}) == len(models)
    assert {m["modelStatus"] for m in models} == {"Active", "Creating"}
    return models


def _foundation_of(model: Dict[str, Any], models: List[Dict[str, Any]]) -> Optional[str]:
    """The foundation model ``model`` was made from (its base, or the base of what it was copied from)."""
    base = model["baseModelArn"]
    return base if ":foundation-model/" in base else None


#: Every filter of ListCustomModels: the values to try (from the models) and which models match.
CUSTOM_MODEL_FILTERS: Dict[str, Tuple[Callable[[List[Dict[str, Any]]], List[Any]], Callable[[Dict[str, Any], Any, List[Dict[str, Any]]], bool]]] = {
    "nameContains": (lambda models: ["alpha", "made", "model", models[0]["modelName"], "zzz"],
                     lambda m, v, models: v in m["modelName"]),
    "creationTimeBefore": (lambda models: [m["creationTime"] for m in models],
                           lambda m, v, models: m["creationTime"] < v),
    "creationTimeAfter": (lambda models: [m["creationTime"] for m in models],
                          lambda m, v, models: m["creationTime"] > v),
    "baseModelArnEquals": (lambda models: sorted({m["baseModelArn"] for m in models}),
                           lambda m, v, models: m["baseModelArn"] == v),
    "foundationModelArnEquals": (lambda models: sorted({f for m in models if (f := _foundation_of(m, models))}),
                                 lambda m, v, models: _foundation_of(m, models) == v),
    "modelStatus": (lambda models: list(MODEL.shape(MODEL.input_shape("ListCustomModels")["members"]["modelStatus"]["shape"])["enum"]),
                    lambda m, v, models: m["modelStatus"] == v),
    "isOwned": (lambda models: [True, False], lambda m, v, models: v),  # every model here is the caller's own
}


def test_custom_model_filters_are_every_filter_of_the_model():
    members = set(MODEL.input_shape("ListCustomModels")["members"]) - set(PAGE_MEMBERS)
    assert set(CUSTOM_MODEL_FILTERS) == members


@pytest.mark.parametrize("member", sorted(CUSTOM_MODEL_FILTERS))
def test_list_custom_models_filters(member, client, custom_models):
    values, matches = CUSTOM_MODEL_FILTERS[member]
    by_arn = {m["modelArn"]: m for m in custom_models}
    outcomes = set()
    for value in values(custom_models):
        summaries = client.list_custom_models(**{member: value})["modelSummaries"]
        got = {s["modelArn"] for s in summaries}
        expected = {m["modelArn"] for m in custom_models if matches(m, value, custom_models)}
        assert got == expected, (member, value)
        outcomes.add(len(got))
        for s in summaries:
            model = by_arn[s["modelArn"]]
            assert (s["modelName"], s["baseModelArn"], s["creationTime"], s["modelStatus"]) == (
                model["modelName"], model["baseModelArn"], model["creationTime"], model["modelStatus"])
            assert s["ownerAccountId"] == ACCOUNT
    assert len(outcomes) > 1, f"{member}: every value gave {outcomes}: the filter is not exercised"


@pytest.mark.parametrize("order", MODEL.shape("SortOrder")["enum"])
@pytest.mark.parametrize("sort_by", MODEL.shape("SortModelsBy")["enum"])
def test_list_custom_models_sorts(sort_by, order, client, custom_models):
    key = {"CreationTime": "creationTime"}[sort_by]
    got = [s["modelArn"] for s in client.list_custom_models(sortBy=sort_by, sortOrder=order)["modelSummaries"]]
    expected = [m["modelArn"] for m in sorted(custom_models, key=lambda m: m[key], reverse=order == "Descending")]
    assert got == expected


def collect_pages(client: Any, method: str, member: str, page_size: int, **params: Any) -> List[Any]:
    items, token, pages = [], None, 0
    while True:
        response = getattr(client, method)(maxResults=page_size, **params, **({"nextToken": token} if token else {}))
        assert len(response[member]) <= page_size
        items += response[member]
        pages += 1
        token = response.get("nextToken")
        if not token:
            return items
        assert pages < 100


def test_list_custom_models_pages(client, custom_models):
    everything = client.list_custom_models(sortOrder="Ascending")["modelSummaries"]
    assert [s["modelArn"] for s in everything] == [m["modelArn"] for m in custom_models]
    for size in (1, 2, len(everything) - 1, len(everything)):
        assert collect_pages(client, "list_custom_models", "modelSummaries", size, sortOrder="Ascending") == everything
        full = client.get_paginator("list_custom_models").paginate(
            sortOrder="Ascending", PaginationConfig={"PageSize": size}).build_full_result()
        assert full["modelSummaries"] == everything
    first = client.list_custom_models(maxResults=2, nameContains="alpha")
    assert len(first["modelSummaries"]) == 2 and first["nextToken"]
    assert error_of(client.list_custom_models, nextToken="not-a-token")[:2] == ("ValidationException", 400)


def test_custom_model_in_use_cannot_be_deleted(client, lb):
    world = World(client, lb)
    model = world.active_custom_model()
    other = world.active_custom_model()
    deployment = client.create_custom_model_deployment(modelDeploymentName=unique("dep"), modelArn=model)["customModelDeploymentArn"]
    throughput = client.create_provisioned_model_throughput(modelUnits=1, provisionedModelName=unique("pt"), modelId=other)["provisionedModelArn"]
    for arn in (model, other):
        code, status, message = error_of(client.delete_custom_model, modelIdentifier=arn)
        assert (code, status) == ("ConflictException", status_error("ConflictException")), message
    lb.settle()
    client.delete_custom_model_deployment(customModelDeploymentIdentifier=deployment)
    client.delete_provisioned_model_throughput(provisionedModelId=throughput)
    for arn in (model, other):
        client.delete_custom_model(modelIdentifier=arn)
        assert error_of(client.get_custom_model, modelIdentifier=arn)[0] == "ResourceNotFoundException"


def test_deployment_lifecycle(client, lb):
    world = World(client, lb)
    first, second = world.active_custom_model(), world.active_custom_model()
    name = unique("dep")
    arn = client.create_custom_model_deployment(modelDeploymentName=name, modelArn=first, description="d")["customModelDeploymentArn"]
    deployment = client.get_custom_model_deployment(customModelDeploymentIdentifier=arn)
    assert (deployment["status"], deployment["modelArn"], deployment["modelDeploymentName"]) == ("Creating", first, name)
    code, _, _ = error_of(client.update_custom_model_deployment, customModelDeploymentIdentifier=arn, modelArn=second)
    assert code == "ValidationException"  # not Active yet
    lb.advance(duration(lb, "CustomModelDeployment", "creating") + 0.01)
    assert client.get_custom_model_deployment(customModelDeploymentIdentifier=name)["status"] == "Active"
    summary, = client.list_custom_model_deployments()["modelDeploymentSummaries"]
    assert (summary["customModelDeploymentArn"], summary["status"]) == (arn, "Active")
    client.update_custom_model_deployment(customModelDeploymentIdentifier=arn, modelArn=second)
    deployment = client.get_custom_model_deployment(customModelDeploymentIdentifier=arn)
    assert deployment["updateDetails"] == {"modelArn": second, "updateStatus": "Updating"}
    assert deployment["modelArn"] == first
    lb.advance(duration(lb, "CustomModelDeployment", "updating") + 0.01)
    deployment = client.get_custom_model_deployment(customModelDeploymentIdentifier=arn)
    assert deployment["updateDetails"] == {"modelArn": second, "updateStatus": "UpdateCompleted"}
    assert deployment["modelArn"] == second
    client.delete_custom_model_deployment(customModelDeploymentIdentifier=arn)
    assert error_of(client.get_custom_model_deployment, customModelDeploymentIdentifier=arn)[:2] == ("ResourceNotFoundException", 404)
    assert client.list_custom_model_deployments()["modelDeploymentSummaries"] == []


def test_provisioned_throughput_lifecycle(client, lb):
    job, model = trained_model(client, lb)
    other = World(client, lb).active_custom_model()
    name = unique("pt")
    arn = client.create_provisioned_model_throughput(modelUnits=2, provisionedModelName=name, modelId=model["modelArn"])["provisionedModelArn"]
    pt = client.get_provisioned_model_throughput(provisionedModelId=arn)
    assert (pt["status"], pt["modelArn"], pt["desiredModelArn"], pt["provisionedModelName"]) == (
        "Creating", model["modelArn"], model["modelArn"], name)
    assert pt["foundationModelArn"] == job["baseModelArn"]
    assert pt["modelUnits"] == pt["desiredModelUnits"] == 2
    lb.advance(duration(lb, "ProvisionedModelThroughput", "creating") + 0.01)
    assert client.get_provisioned_model_throughput(provisionedModelId=name)["status"] == "InService"
    client.update_provisioned_model_throughput(provisionedModelId=arn, desiredModelId=other)
    pt = client.get_provisioned_model_throughput(provisionedModelId=arn)
    assert (pt["status"], pt["modelArn"], pt["desiredModelArn"]) == ("Updating", model["modelArn"], other)
    summary, = client.list_provisioned_model_throughputs()["provisionedModelSummaries"]
    assert summary["status"] == "Updating"
    lb.advance(duration(lb, "ProvisionedModelThroughput", "updating") + 0.01)
    pt = client.get_provisioned_model_throughput(provisionedModelId=arn)
    assert (pt["status"], pt["modelArn"]) == ("InService", other)
    renamed = unique("pt-renamed")
    client.update_provisioned_model_throughput(provisionedModelId=arn, desiredProvisionedModelName=renamed)
    assert client.get_provisioned_model_throughput(provisionedModelId=renamed)["provisionedModelArn"] == arn
    assert error_of(client.delete_custom_model, modelIdentifier=other)[0] == "ConflictException"
    client.delete_custom_model(modelIdentifier=model["modelArn"])  # no longer in use
    client.delete_provisioned_model_throughput(provisionedModelId=arn)
    assert error_of(client.get_provisioned_model_throughput, provisionedModelId=arn)[:2] == ("ResourceNotFoundException", 404)
    client.delete_custom_model(modelIdentifier=other)


def test_import_job_makes_an_imported_model(client, lb):
    job_name, model_name = unique("import"), unique("imported")
    arn = client.create_model_import_job(jobName=job_name, importedModelName=model_name, roleArn=ROLE_ARN,
                                         modelDataSource={"s3DataSource": {"s3Uri": "s3://bc-test-bucket/weights/"}})["jobArn"]
    job = client.get_model_import_job(jobIdentifier=arn)
    assert job["status"] == "InProgress" and "importedModelArn" not in job
    lb.advance(duration(lb, "ModelImportJob", "importing") + 0.01)
    job = client.get_model_import_job(jobIdentifier=job_name)
    assert job["status"] == "Completed" and job["endTime"] >= job["creationTime"]
    model = client.get_imported_model(modelIdentifier=job["importedModelArn"])
    assert (model["modelName"], model["jobArn"], model["jobName"]) == (model_name, arn, job_name)
    assert model["modelDataSource"] == {"s3DataSource": {"s3Uri": "s3://bc-test-bucket/weights/"}}
    assert client.get_imported_model(modelIdentifier=model_name)["modelArn"] == model["modelArn"]
    summary, = client.list_imported_models(nameContains=model_name)["modelSummaries"]
    assert summary["modelArn"] == model["modelArn"]
    summary, = client.list_model_import_jobs(nameContains=job_name)["modelImportJobSummaries"]
    assert (summary["jobArn"], summary["status"], summary["importedModelArn"]) == (arn, "Completed", model["modelArn"])
    again = dict(jobName=unique("import"), importedModelName=model_name, roleArn=ROLE_ARN,
                 modelDataSource={"s3DataSource": {"s3Uri": "s3://bc-test-bucket/weights/"}})
    assert error_of(client.create_model_import_job, **again)[0] == "ConflictException"
    # a finished import job keeps its name (import jobs cannot be deleted): AWS's words and code,
    # as aws/sagemaker-python-sdk#6076 quotes them
    again = dict(again, jobName=job_name, importedModelName=unique("imported"))
    assert error_of(client.create_model_import_job, **again) == ("ValidationException", 400, JOB_NAME_IN_USE)
    client.delete_imported_model(modelIdentifier=model["modelArn"])
    assert error_of(client.get_imported_model, modelIdentifier=model["modelArn"])[:2] == ("ResourceNotFoundException", 404)


def test_copy_job_makes_a_copied_model(client, lb):
    _, source = trained_model(client, lb)
    target_name = unique("copy")
    arn = client.create_model_copy_job(sourceModelArn=source["modelArn"], targetModelName=target_name)["jobArn"]
    job = client.get_model_copy_job(jobArn=arn)
    assert (job["status"], job["sourceModelArn"], job["targetModelName"]) == ("InProgress", source["modelArn"], target_name)
    assert job["sourceAccountId"] == ACCOUNT
    target = client.get_custom_model(modelIdentifier=job["targetModelArn"])
    assert (target["modelName"], target["modelStatus"]) == (target_name, "Creating")
    assert target["baseModelArn"] == source["baseModelArn"]
    lb.advance(duration(lb, "ModelCopyJob", "copying") + 0.01)
    assert client.get_model_copy_job(jobArn=arn)["status"] == "Completed"
    assert client.get_custom_model(modelIdentifier=target_name)["modelStatus"] == "Active"
    summary, = client.list_model_copy_jobs()["modelCopyJobSummaries"]
    assert (summary["jobArn"], summary["status"], summary["targetModelArn"]) == (arn, "Completed", job["targetModelArn"])
    code, status, message = error_of(client.create_model_copy_job, sourceModelArn=source["modelArn"], targetModelName=target_name)
    assert code == conflict_code("CreateModelCopyJob") and target_name in message


def evaluation_request(world: World) -> Dict[str, Any]:
    return world.request("CreateEvaluationJob", jobName=unique("eval"))


def test_evaluation_jobs_complete_stop_and_are_batch_deleted(client, lb):
    world = World(client, lb)
    first = client.create_evaluation_job(**evaluation_request(world))["jobArn"]
    second = client.create_evaluation_job(**evaluation_request(world))["jobArn"]
    assert client.get_evaluation_job(jobIdentifier=first)["status"] == "InProgress"
    client.stop_evaluation_job(jobIdentifier=second)
    assert client.get_evaluation_job(jobIdentifier=second)["status"] == "Stopping"
    lb.advance(duration(lb, "EvaluationJob", "stopping") + 0.01)
    assert client.get_evaluation_job(jobIdentifier=second)["status"] == "Stopped"
    lb.advance(duration(lb, "EvaluationJob", "evaluating"))
    assert client.get_evaluation_job(jobIdentifier=first)["status"] == "Completed"
    assert client.get_evaluation_job(jobIdentifier=second)["status"] == "Stopped"
    assert error_of(client.stop_evaluation_job, jobIdentifier=first)[0] in ("ConflictException", "ValidationException")
    assert {j["jobArn"]: j["status"] for j in client.list_evaluation_jobs()["jobSummaries"]} == {
        first: "Completed", second: "Stopped"}
    missing = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:evaluation-job/{uuid.uuid4().hex[:12]}"
    result = client.batch_delete_evaluation_job(jobIdentifiers=[first, second, missing])
    assert {j["jobIdentifier"]: j["jobStatus"] for j in result["evaluationJobs"]} == {first: "Deleting", second: "Deleting"}
    assert [e["jobIdentifier"] for e in result["errors"]] == [missing]
    assert client.get_evaluation_job(jobIdentifier=first)["status"] == "Deleting"
    lb.advance(duration(lb, "EvaluationJob", "deleting") + 0.01)
    for arn in (first, second):
        assert error_of(client.get_evaluation_job, jobIdentifier=arn)[:2] == ("ResourceNotFoundException", 404)
    assert client.list_evaluation_jobs()["jobSummaries"] == []


INVOCATION_SEQUENCE = ("Submitted", "Validating", "Scheduled", "InProgress", "Completed")


def invocation_request(**overrides: Any) -> Dict[str, Any]:
    request = dict(jobName=unique("batch"), roleArn=ROLE_ARN, modelId=BASE_MODEL,
                   inputDataConfig={"s3InputDataConfig": {"s3Uri": "s3://bc-test-bucket/in/"}},
                   outputDataConfig={"s3OutputDataConfig": {"s3Uri": "s3://bc-test-bucket/out/"}})
    request.update(overrides)
    return request


def test_batch_inference_job_runs_its_sequence(client, lb):
    assert set(INVOCATION_SEQUENCE) <= set(MODEL.shape("ModelInvocationJobStatus")["enum"])
    request = invocation_request()
    arn = client.create_model_invocation_job(**request)["jobArn"]
    for status, following in zip(INVOCATION_SEQUENCE, INVOCATION_SEQUENCE[1:]):
        step = duration(lb, "ModelInvocationJob", _backend.snake(status))
        lb.advance(step / 2)
        job = client.get_model_invocation_job(jobIdentifier=arn)
        assert job["status"] == status and "endTime" not in job
        lb.advance(step / 2 + 0.001)
        assert client.get_model_invocation_job(jobIdentifier=arn)["status"] == following
    job = client.get_model_invocation_job(jobIdentifier=arn)
    assert job["endTime"] >= job["submitTime"] and job["modelId"] == BASE_MODEL
    summary, = client.list_model_invocation_jobs(nameContains=request["jobName"])["invocationJobSummaries"]
    assert (summary["jobArn"], summary["status"]) == (arn, "Completed")
    assert error_of(client.create_model_invocation_job, **invocation_request(modelId="amazon.no-such-model-v9"))[:2] == (
        "ResourceNotFoundException", 404)


def test_batch_inference_job_stops(client, lb):
    arn = client.create_model_invocation_job(**invocation_request())["jobArn"]
    client.stop_model_invocation_job(jobIdentifier=arn)
    assert client.get_model_invocation_job(jobIdentifier=arn)["status"] == "Stopping"
    lb.advance(duration(lb, "ModelInvocationJob", "stopping") + 0.01)
    job = client.get_model_invocation_job(jobIdentifier=arn)
    assert job["status"] == "Stopped" and "endTime" in job
    lb.settle()
    assert client.get_model_invocation_job(jobIdentifier=arn)["status"] == "Stopped"


def test_invocation_logging_configuration(client, lb):
    assert "loggingConfig" not in client.get_model_invocation_logging_configuration()
    config = {"s3Config": {"bucketName": "bc-test-bucket", "keyPrefix": "logs"},
              "textDataDeliveryEnabled": True, "imageDataDeliveryEnabled": False}
    client.put_model_invocation_logging_configuration(loggingConfig=config)
    assert client.get_model_invocation_logging_configuration()["loggingConfig"] == config
    changed = dict(config, textDataDeliveryEnabled=False)
    client.put_model_invocation_logging_configuration(loggingConfig=changed)
    assert client.get_model_invocation_logging_configuration()["loggingConfig"] == changed
    client.delete_model_invocation_logging_configuration()
    assert "loggingConfig" not in client.get_model_invocation_logging_configuration()


def test_account_data_retention(kind, client, lb):
    """Never put, the mode is ``inherit`` (the user guide: the default for new accounts); a
    put answers the mode and when it was set, and the get then answers the same, in that
    account and region only."""
    assert without_metadata(client.get_account_data_retention()) == {"mode": "inherit"}
    modes = MODEL.shape(MODEL.input_shape("PutAccountDataRetention")["members"]["mode"]["shape"])["enum"]
    for mode in modes:
        put = without_metadata(client.put_account_data_retention(mode=mode))
        assert put == {"mode": mode, "updatedAt": lb.now()}
        lb.advance(60)
        assert without_metadata(client.get_account_data_retention()) == put
    for elsewhere in (client_for(kind, lb, region_name=OTHER_REGION), client_for(kind, lb, key="111111111111")):
        assert without_metadata(elsewhere.get_account_data_retention()) == {"mode": "inherit"}
    code, status, message = error_of(client.put_account_data_retention, mode="sometimes")
    assert (code, status) == ("ValidationException", 400) and "enum value set" in message
    assert without_metadata(client.get_account_data_retention())["mode"] == modes[-1]


def test_custom_model_from_a_model_package(client, lb):
    """``customModelDataSource`` is the other source of a created custom model; not both."""
    package = {"modelPackageArnDataSource": {"modelPackageArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:model-package/pkg/1"}}
    arn = client.create_custom_model(modelName=unique("pkg"), customModelDataSource=package)["modelArn"]
    lb.advance(duration(lb, "CustomModel", "creating") + 0.01)
    assert client.get_custom_model(modelIdentifier=arn)["modelStatus"] == "Active"
    code, status, message = error_of(client.create_custom_model, modelName=unique("both"), customModelDataSource=package,
                                     modelSourceConfig={"s3DataSource": {"s3Uri": "s3://bc-test-bucket/m/"}})
    assert (code, status) == ("ValidationException", 400) and "not both" in message


FOUNDATION_FILTERS = {
    "byProvider": ("providerName", lambda summaries: sorted({s["providerName"] for s in summaries})),
    "byCustomizationType": ("customizationsSupported", None),
    "byOutputModality": ("outputModalities", None),
    "byInferenceType": ("inferenceTypesSupported", None),
}


def test_foundation_filters_are_every_filter_of_the_model():
    assert set(FOUNDATION_FILTERS) == set(MODEL.input_shape("ListFoundationModels")["members"])


@pytest.mark.parametrize("member", sorted(FOUNDATION_FILTERS))
def test_list_foundation_models_filters(member, client):
    everything = client.list_foundation_models()["modelSummaries"]
    field, values = FOUNDATION_FILTERS[member]
    if values is None:
        shape = MODEL.shape(MODEL.input_shape("ListFoundationModels")["members"][member]["shape"])
        candidates = list(shape["enum"])
    else:
        candidates = values(everything)
    sizes = set()
    for value in candidates:
        got = client.list_foundation_models(**{member: value})["modelSummaries"]
        expected = [s for s in everything if (s.get(field) == value if isinstance(s.get(field), str) else value in s.get(field, []))]
        assert got == expected, (member, value)
        sizes.add(len(got))
    assert len(sizes) > 1 and 0 < max(sizes) < len(everything), (member, sizes)


def test_foundation_models_by_id_and_arn(client):
    everything = client.list_foundation_models()["modelSummaries"]
    assert len({s["modelId"] for s in everything}) == len(everything)
    for summary in everything:
        by_id = client.get_foundation_model(modelIdentifier=summary["modelId"])["modelDetails"]
        by_arn = client.get_foundation_model(modelIdentifier=summary["modelArn"])["modelDetails"]
        assert by_id == by_arn
        assert {k: v for k, v in by_id.items() if k in summary} == summary
        assert summary["modelArn"] == f"arn:aws:bedrock:{REGION}::foundation-model/{summary['modelId']}"
    code, status, message = error_of(client.get_foundation_model, modelIdentifier="amazon.no-such-model-v9")
    assert (code, status) == ("ResourceNotFoundException", 404) and "amazon.no-such-model-v9" in message


def uri_members(operation: str) -> List[str]:
    return [m for m, ref in MODEL.input_shape(operation).get("members", {}).items() if ref.get("location") == "uri"]


def get_resource(client: Any, noun: str, identifier: str) -> Dict[str, Any]:
    """``Get<noun>`` of ``identifier`` (its last URI label)."""
    operation = "Get" + noun
    return without_metadata(call(client, operation, **{uri_members(operation)[-1]: identifier}))


TAG_LISTS = {op: [m for m, ref in MODEL.input_shape(op)["members"].items() if ref["shape"] == "TagList"]
             for op in sorted(MODEL.operations) if op.startswith("Create")}
TAG_LISTS = {op: members for op, members in TAG_LISTS.items() if members}
#: Tag lists of a create request that tag what the resource makes, not the resource itself.
PRODUCT_TAGS = {
    "customModelTags": ("ModelCustomizationJob", "outputModelArn"),
    "importedModelTags": ("ModelImportJob", "importedModelArn"),
    "targetModelTags": ("ModelCopyJob", "targetModelArn"),
}
MAX_TAGS = MODEL.shape("TagList")["max"]
TAGGABLE = MODEL.input_shape("TagResource")["members"]["resourceARN"]["shape"]


def test_product_tags_are_every_tag_list_that_tags_something_else():
    others = {m for members in TAG_LISTS.values() for m in members if m not in ("tags", "jobTags", "modelTags")}
    assert others == set(PRODUCT_TAGS)


@pytest.mark.parametrize("operation", [
    pytest.param(op, marks=pytest.mark.xfail(strict=True, reason="open: the local Bedrock gives a policy version "
                                             "no version number nor ARN (policyArn:N) to tag"))
    if op == "CreateAutomatedReasoningPolicyVersion" else op
    for op in sorted(TAG_LISTS)])
def test_tags_of_everything_a_create_makes(operation, client, lb):
    world = World(client, lb)
    given = {member: [{"key": f"{member}-{i}", "value": f"v{i}"} for i in range(2)] for member in TAG_LISTS[operation]}
    _, response = world.create(operation, **given)
    arn = created_arn(operation, response)
    lb.settle()
    noun = operation[len("Create"):]
    for member, tags in given.items():
        if member in PRODUCT_TAGS:
            product_noun, product_member = PRODUCT_TAGS[member]
            assert product_noun == noun
            tagged = get_resource(client, noun, arn)[product_member]
        else:
            tagged = arn
        if not _wire.matches_pattern(TAGGABLE, tagged):  # the model's TaggableResourcesArn does not admit it
            code, _, message = error_of(client_for("boto3", lb).list_tags_for_resource, resourceARN=tagged)
            assert code == "ValidationException" and "resourceARN" in message
            continue
        assert client.list_tags_for_resource(resourceARN=tagged)["tags"] == tags, member
        client.tag_resource(resourceARN=tagged, tags=[{"key": tags[0]["key"], "value": "changed"}, {"key": "new", "value": "n"}])
        assert client.list_tags_for_resource(resourceARN=tagged)["tags"] == [
            {"key": tags[0]["key"], "value": "changed"}, tags[1], {"key": "new", "value": "n"}]
        client.untag_resource(resourceARN=tagged, tagKeys=[tags[1]["key"], "not-there"])
        assert [t["key"] for t in client.list_tags_for_resource(resourceARN=tagged)["tags"]] == [tags[0]["key"], "new"]
        client.tag_resource(resourceARN=tagged, tags=[{"key": f"k{i}", "value": "v"} for i in range(MAX_TAGS - 2)])
        assert len(client.list_tags_for_resource(resourceARN=tagged)["tags"]) == MAX_TAGS
        code, status, message = error_of(client.tag_resource, resourceARN=tagged, tags=[{"key": "one-more", "value": "v"}])
        assert (code, status) == ("TooManyTagsException", status_error("TooManyTagsException")), message
        assert len(client.list_tags_for_resource(resourceARN=tagged)["tags"]) == MAX_TAGS


def test_too_many_tags_in_one_request(boto, lb):
    arn = World(boto, lb).active_custom_model()
    tags = [{"key": f"k{i}", "value": "v"} for i in range(MAX_TAGS + 1)]
    code, status, message = error_of(boto.tag_resource, resourceARN=arn, tags=tags)
    assert (code, status) == ("ValidationException", 400)
    assert message.startswith("1 validation error detected: Value '[")
    assert message.endswith(f"' at 'tags' failed to satisfy constraint: Member must have length less than or equal to {MAX_TAGS}")
    assert boto.list_tags_for_resource(resourceARN=arn)["tags"] == []


def test_tags_of_unknown_and_deleted_resources(client, lb):
    arn = World(client, lb).active_custom_model()
    client.tag_resource(resourceARN=arn, tags=[{"key": "k", "value": "v"}])
    client.delete_custom_model(modelIdentifier=arn)
    for method, params in (("list_tags_for_resource", {}), ("tag_resource", {"tags": [{"key": "k", "value": "v"}]}),
                           ("untag_resource", {"tagKeys": ["k"]})):
        code, status, message = error_of(getattr(client, method), resourceARN=arn, **params)
        assert (code, status) == ("ResourceNotFoundException", 404) and arn in message, method


LIST_OPERATIONS = sorted(op for op in MODEL.operations if op.startswith("List") and "maxResults" in MODEL.input_shape(op)["members"])
#: Resources listed but made by another operation than Create<noun>.
MADE_BY = {"ListImportedModels": "CreateModelImportJob"}


def _list_member(operation: str) -> str:
    output = MODEL.output_shape(operation)
    return next(m for m, ref in output["members"].items() if MODEL.shape(ref["shape"])["type"] == "list")


@pytest.mark.parametrize("operation", LIST_OPERATIONS)
def test_every_list_with_max_results_pages(operation, client, lb):
    world = World(client, lb)
    parents = {m: minimal(_SERVICE_MODEL.operation_model(operation).input_shape.members[m], string=model_string)
               for m in uri_members(operation)}
    noun = _dispatch.OPERATIONS[operation].resource or operation
    create = MADE_BY.get(operation, "Create" + noun)
    made: List[Dict[str, Any]] = []
    if create in MODEL.operations:
        for _ in range(3):
            params = {m: v for m, v in parents.items() if m in MODEL.input_shape(create)["members"]}
            made.append(world.create(create, **params)[1])
            lb.advance(1)
        lb.settle()
    method, member = xform_name(operation), _list_member(operation)
    everything = getattr(client, method)(**parents)[member]
    assert len(everything) == len(made), f"{operation}: {len(made)} made by {create}, {len(everything)} listed"
    for response in made:
        identifier = created_identifier(create, response)
        if create == "Create" + noun:
            assert identifier in json.dumps(everything, default=str), (operation, identifier)
    for size in (1, 2):
        assert collect_pages(client, method, member, size, **parents) == everything
        if client.can_paginate(method):
            full = client.get_paginator(method).paginate(**parents, PaginationConfig={"PageSize": size}).build_full_result()
            assert full[member] == everything
    if len(everything) > 1:
        assert getattr(client, method)(maxResults=1, **parents).get("nextToken")


# ---------------------------------------------------------------------------
# 3. Errors in the service's words
# ---------------------------------------------------------------------------


def _violations(operation: str) -> Iterator[Tuple[str, str, Any, str]]:
    """``(kind, member, bad value, what the service says)`` for the first top-level input
    member of ``operation`` that each kind of constraint can be broken on alone."""
    shape = MODEL.input_shape(operation)
    seen = set()

    def once(kind: str) -> bool:
        if kind in seen:
            return False
        seen.add(kind)
        return True

    for member, ref in shape.get("members", {}).items():
        target = MODEL.shape(ref["shape"])
        kind, in_uri = target["type"], ref.get("location") == "uri"
        if target.get("sensitive") or ref.get("location") == "header":
            continue
        pattern = "pattern" in target

        def satisfies(value: str) -> bool:
            return not pattern or _wire.matches_pattern(ref["shape"], value)

        if kind == "string":
            if "enum" in target and once("enum"):
                yield ("enum", member, "NOT_A_VALUE", "Member must satisfy enum value set: [" + ", ".join(target["enum"]) + "]")
            if "max" in target and "enum" not in target:
                value = "a" * (int(target["max"]) + 1)
                if satisfies(value) and len(value) < 4000 and once("max length"):
                    yield ("max length", member, value, f"Member must have length less than or equal to {target['max']}")
            if target.get("min", 0) > 1 and not in_uri and "enum" not in target:
                value = "a" * (int(target["min"]) - 1)
                if satisfies(value) and once("min length"):
                    yield ("min length", member, value, f"Member must have length greater than or equal to {target['min']}")
            if pattern and "enum" not in target:
                value = "!" * max(int(target.get("min", 1)), 1)
                if not satisfies(value) and len(value) <= target.get("max", 10 ** 6) and once("pattern"):
                    yield ("pattern", member, value, f"Member must satisfy regular expression pattern: {target['pattern']}")
        elif kind in ("integer", "long"):
            if "max" in target and once("max value"):
                yield ("max value", member, int(target["max"]) + 1, f"Member must have value less than or equal to {target['max']}")
            if "min" in target and not in_uri and once("min value"):
                yield ("min value", member, int(target["min"]) - 1, f"Member must have value greater than or equal to {target['min']}")
    for member in shape.get("required", []):
        # (a missing structure payload is sent as {} by botocore: there is no null to refuse)
        if shape["members"][member].get("location") is None and member != shape.get("payload") and once("required"):
            yield ("required", member, None, "Member must not be null")


VIOLATIONS = [pytest.param(op, *v, id=f"{op}-{v[0]}") for op in OPERATIONS for v in _violations(op)]


def test_the_violation_table_covers_every_kind_of_constraint():
    assert {p.values[1] for p in VIOLATIONS} == {
        "enum", "max length", "min length", "pattern", "max value", "min value", "required"}


@pytest.fixture(scope="module")
def unvalidated(shared) -> Any:
    """boto3 with parameter_validation off: sends what the service must refuse."""
    return _SESSION.client("bedrock", region_name=REGION, endpoint_url=str(shared), **CREDENTIALS,
                           config=botocore.config.Config(parameter_validation=False, retries={"total_max_attempts": 1}))


@pytest.mark.parametrize("operation, kind, member, value, constraint", VIOLATIONS)
def test_validation_error_wording(operation, kind, member, value, constraint, unvalidated):
    params = minimal_request(operation)
    if kind == "required":
        params.pop(member)
    else:
        params[member] = value
    code, status, message = error_of(getattr(unvalidated, xform_name(operation)), **params)
    shown = "null" if value is None else f"'{value}'"
    assert (code, status) == ("ValidationException", 400)
    assert message == f"1 validation error detected: Value {shown} at '{member}' failed to satisfy constraint: {constraint}"


def test_several_validation_errors_in_one_message(boto):
    name = "j" * (MODEL.shape("JobName")["max"] + 1)
    request = job_request(name, unique("model"), customizationType="NOPE",
                          trainingDataConfig={"s3Uri": "not-s3"},
                          validationDataConfig={"validators": [{"s3Uri": "s3://bc-test-bucket/ok.jsonl"}, {"s3Uri": "nope"}]})
    code, status, message = error_of(boto.create_model_customization_job, **request)
    assert (code, status) == ("ValidationException", 400)
    head, _, rest = message.partition(": ")
    assert head == "4 validation errors detected"
    uri = MODEL.shape(MODEL.shape("TrainingDataConfig")["members"]["s3Uri"]["shape"])["pattern"]
    validator_uri = MODEL.shape(MODEL.shape("Validator")["members"]["s3Uri"]["shape"])["pattern"]
    assert set(rest.split("; ")) == {
        f"Value '{name}' at 'jobName' failed to satisfy constraint: Member must have length less than or equal to {len(name) - 1}",
        "Value 'NOPE' at 'customizationType' failed to satisfy constraint: Member must satisfy enum value set: ["
        + ", ".join(MODEL.shape("CustomizationType")["enum"]) + "]",
        f"Value 'not-s3' at 'trainingDataConfig.s3Uri' failed to satisfy constraint: Member must satisfy regular expression pattern: {uri}",
        f"Value 'nope' at 'validationDataConfig.validators.2.member.s3Uri' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {validator_uri}",
    }
    assert boto.list_model_customization_jobs()["modelCustomizationJobSummaries"] == []


@pytest.mark.parametrize("count", [2, 3])
def test_validation_errors_are_counted_and_joined_as_the_services(count, boto):
    """``N validation errors detected: <problem>; <problem>`` (the plural, "; " between problems),
    each problem worded as when it is alone."""
    name = "j" * (MODEL.shape("JobName")["max"] + 1)
    uri = MODEL.shape(MODEL.shape("TrainingDataConfig")["members"]["s3Uri"]["shape"])["pattern"]
    problems = {
        "jobName": (name, f"Value '{name}' at 'jobName' failed to satisfy constraint: "
                          f"Member must have length less than or equal to {len(name) - 1}"),
        "customizationType": ("NOPE", "Value 'NOPE' at 'customizationType' failed to satisfy constraint: "
                                      "Member must satisfy enum value set: [" + ", ".join(MODEL.shape("CustomizationType")["enum"]) + "]"),
        "trainingDataConfig": ({"s3Uri": "not-s3"}, "Value 'not-s3' at 'trainingDataConfig.s3Uri' failed to satisfy "
                                                    f"constraint: Member must satisfy regular expression pattern: {uri}"),
    }
    chosen = dict(list(problems.items())[:count])
    request = job_request(unique("job"), unique("model"), **{member: value for member, (value, _) in chosen.items()})
    code, status, message = error_of(boto.create_model_customization_job, **request)
    assert (code, status) == ("ValidationException", 400)
    head, _, rest = message.partition(": ")
    assert head == f"{count} validation errors detected"
    assert sorted(rest.split("; ")) == sorted(text for _, text in chosen.values())
    for member in chosen:  # each alone: the singular, the same words
        alone = job_request(unique("job"), unique("model"), **{member: chosen[member][0]})
        assert error_of(boto.create_model_customization_job, **alone)[2] == "1 validation error detected: " + chosen[member][1]
    assert boto.list_model_customization_jobs()["modelCustomizationJobSummaries"] == []


JOB_NAME_PATTERN = MODEL.shape("JobName")["pattern"]
TRAINING_URI_SHAPE = MODEL.shape("TrainingDataConfig")["members"]["s3Uri"]["shape"]


@pytest.mark.parametrize("value, matches", [
    ("bad name with spaces", False),  # "bad" alone matches: the pattern must match the whole value
    ("job!", False),
    ("-job", False),
    ("good-job.v2+x", True),
])
def test_job_names_match_the_pattern_as_a_whole(value, matches, boto, lb):
    """AWS matches a pattern against the whole value (Java's ``Pattern.matches``), not a part."""
    request = job_request(value, unique("model"))
    if matches:
        arn = boto.create_model_customization_job(**request)["jobArn"]
        assert boto.get_model_customization_job(jobIdentifier=arn)["jobName"] == value
        return
    assert error_of(boto.create_model_customization_job, **request) == ("ValidationException", 400, (
        f"1 validation error detected: Value '{value}' at 'jobName' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {JOB_NAME_PATTERN}"))
    assert boto.list_model_customization_jobs()["modelCustomizationJobSummaries"] == []


@pytest.mark.parametrize("uri, matches", [
    ("see s3://bc-test-bucket/train/data.jsonl", False),  # a valid S3 URI inside: a part only
    ("s3://bc-test-bucket/train/data.jsonl trailing", False),
    ("s3://bc-test-bucket/train/data.jsonl", True),
])
def test_nested_values_match_the_pattern_as_a_whole(uri, matches, boto, lb):
    request = job_request(unique("job"), unique("model"), trainingDataConfig={"s3Uri": uri})
    if matches:
        assert boto.create_model_customization_job(**request)["jobArn"]
        return
    pattern = MODEL.shape(TRAINING_URI_SHAPE)["pattern"]
    assert error_of(boto.create_model_customization_job, **request)[2] == (
        f"1 validation error detected: Value '{uri}' at 'trainingDataConfig.s3Uri' failed to satisfy constraint: "
        f"Member must satisfy regular expression pattern: {pattern}")


def test_patterns_are_the_packages_one_reading_of_the_model(monkeypatch, boto, lb):
    """The local Bedrock matches by the shape's name through ``_core._match_pattern``, and a pattern
    the package cannot use (ValueError) is not checked."""
    asked = []

    def unusable(shape_name: str, value: str) -> bool:
        asked.append((shape_name, value))
        raise ValueError(f"The pattern of {shape_name} cannot be used: (test)")

    monkeypatch.setattr(_wire._core, "_match_pattern", unusable)
    request = job_request("bad name with spaces", unique("model"))
    assert boto.create_model_customization_job(**request)["jobArn"]
    assert ("JobName", "bad name with spaces") in asked


NOT_FOUND = [op for op in OPERATIONS
             if _dispatch.OPERATIONS[op].action in ("get", "delete", "update", "stop")
             and "ResourceNotFoundException" in MODEL.errors(op) and uri_members(op)]


@pytest.mark.parametrize("operation", NOT_FOUND)
def test_unknown_resources_are_not_found(operation, boto):
    # (the generated model id is a real one: name one that is not)
    params = {k: v.replace("titan-text-express-v1", "no-such-model-v9") if isinstance(v, str) else v
              for k, v in minimal_request(operation).items()}
    code, status, message = error_of(getattr(boto, xform_name(operation)), **params)
    assert (code, status) == ("ResourceNotFoundException", 404), message
    assert message


NAMED_CREATES = [op for op in OPERATIONS if op.startswith("Create") and "ConflictException" in MODEL.errors(op)
                 and _backend.Resource(_backend.State().backend(ACCOUNT, REGION), op[len("Create"):]).name_member]


def test_the_services_words_for_a_taken_name_are_checked_on_a_named_create():
    assert set(AWS_NAME_TAKEN) <= set(NAMED_CREATES)


@pytest.mark.parametrize("operation", NAMED_CREATES)
def test_a_name_is_taken_once(operation, boto, lb):
    world = World(boto, lb)
    request, _ = world.create(operation)
    token = next((m for m, ref in MODEL.input_shape(operation)["members"].items()
                  if ref["shape"] == "IdempotencyToken" or m == "clientRequestToken"), None)
    again = world.request(operation)
    name = _backend.Resource(_backend.State().backend(ACCOUNT, REGION), operation[len("Create"):]).name_member
    again[name] = request[name]
    if token:
        again[token] = str(uuid.uuid4())
    code, status, message = error_of(getattr(boto, xform_name(operation)), **again)
    if operation in AWS_NAME_TAKEN:  # in the service's words
        assert (code, message) == AWS_NAME_TAKEN[operation] and status == status_error(code)
    else:  # in ours (no public source gives the service's)
        assert (code, status) == ("ConflictException", status_error("ConflictException")), message
        assert message == f"A {_backend.snake(operation[len('Create'):]).replace('_', ' ')} named '{request[name]}' already exists."


# ---------------------------------------------------------------------------
# 4. Time and faults
# ---------------------------------------------------------------------------


def _start_step(world: World, key: str) -> None:
    """Start what runs the step ``key`` of DURATIONS (everything before it already done)."""
    client, lb = world.client, world.lb
    noun, step = key.split(".")
    if noun == "model_customization_job":
        arn = client.create_model_customization_job(**job_request(unique("job"), unique("model")))["jobArn"]
        if step == "stopping":
            client.stop_model_customization_job(jobIdentifier=arn)
    elif noun == "custom_model":
        client.create_custom_model(modelName=unique("cm"), modelSourceConfig={"s3DataSource": {"s3Uri": "s3://bc-test-bucket/m/"}})
    elif noun == "custom_model_deployment":
        model, other = world.active_custom_model(), world.active_custom_model()
        arn = client.create_custom_model_deployment(modelDeploymentName=unique("dep"), modelArn=model)["customModelDeploymentArn"]
        if step == "updating":
            lb.settle()
            client.update_custom_model_deployment(customModelDeploymentIdentifier=arn, modelArn=other)
    elif noun == "provisioned_model_throughput":
        model, other = world.active_custom_model(), world.active_custom_model()
        arn = client.create_provisioned_model_throughput(modelUnits=1, provisionedModelName=unique("pt"), modelId=model)["provisionedModelArn"]
        if step == "updating":
            lb.settle()
            client.update_provisioned_model_throughput(provisionedModelId=arn, desiredModelId=other)
    elif noun == "model_import_job":
        client.create_model_import_job(jobName=unique("imp"), importedModelName=unique("im"), roleArn=ROLE_ARN,
                                       modelDataSource={"s3DataSource": {"s3Uri": "s3://bc-test-bucket/w/"}})
    elif noun == "model_copy_job":
        client.create_model_copy_job(sourceModelArn=world.active_custom_model(), targetModelName=unique("copy"))
    elif noun == "evaluation_job":
        arn = client.create_evaluation_job(**evaluation_request(world))["jobArn"]
        if step == "stopping":
            client.stop_evaluation_job(jobIdentifier=arn)
        elif step == "deleting":
            client.batch_delete_evaluation_job(jobIdentifiers=[arn])
    elif noun == "model_invocation_job":
        arn = client.create_model_invocation_job(**invocation_request())["jobArn"]
        if step == "stopping":
            client.stop_model_invocation_job(jobIdentifier=arn)
    else:
        raise AssertionError(f"no scenario for {key}: add one")


@pytest.mark.parametrize("key", sorted(DURATIONS))
def test_every_duration_is_configurable(key):
    """The step takes what local_bedrock(durations=...) says: settle() after starting it takes
    exactly that much longer than with the step at 0 (set_durations)."""
    with local_bedrock(realtime=False, durations={key: 1000}) as server:
        assert server.durations == dict(DURATIONS, **{key: 1000.0})
        world = World(client_for("boto3", server), server)
        _start_step(world, key)
        slow = server.settle()
        server.set_durations(**{key: 0})
        assert server.durations[key] == 0
        _start_step(world, key)
        fast = server.settle()
    forget_clients(server)
    assert slow - fast == pytest.approx(1000, abs=1e-6)


def test_durations_apply_to_what_is_scheduled_next(lb, boto):
    key = "custom_model.creating"
    source = {"s3DataSource": {"s3Uri": "s3://bc-test-bucket/m/"}}
    lb.set_durations(**{key: 30})
    first = boto.create_custom_model(modelName=unique("cm"), modelSourceConfig=source)["modelArn"]
    lb.set_durations(**{key: 10})
    second = boto.create_custom_model(modelName=unique("cm"), modelSourceConfig=source)["modelArn"]
    lb.advance(10.01)
    assert [boto.get_custom_model(modelIdentifier=a)["modelStatus"] for a in (first, second)] == ["Creating", "Active"]
    lb.advance(20)
    assert boto.get_custom_model(modelIdentifier=first)["modelStatus"] == "Active"


@pytest.mark.parametrize("bad, match", [
    ({"no.such_step": 1}, "unknown duration 'no.such_step'"),
    ({"custom_model.creating": -1}, "non-negative"),
    ({"custom_model.creating": True}, "non-negative"),
    ({"custom_model.creating": "1"}, "non-negative"),
])
def test_bad_durations_are_refused(bad, match, lb):
    with pytest.raises(ValueError, match=match) as info:
        with local_bedrock(durations=bad):
            pass
    if "unknown" in match:
        assert all(key in str(info.value) for key in DURATIONS)
    with pytest.raises(ValueError, match=match):
        lb.set_durations(**bad)
    assert lb.durations == DURATIONS


def test_the_frozen_clock_moves_only_with_advance(lb, boto):
    before = lb.now()
    time.sleep(0.05)
    assert lb.now() == before
    lb.advance(3600)
    assert (lb.now() - before).total_seconds() == pytest.approx(3600, abs=0.002)
    arn = boto.create_custom_model(modelName=unique("cm"), modelSourceConfig={"s3DataSource": {"s3Uri": "s3://bc-test-bucket/m/"}})["modelArn"]
    assert boto.get_custom_model(modelIdentifier=arn)["creationTime"] == lb.now()
    for bad in (-1, True, "1", float("nan")):
        with pytest.raises(ValueError):
            lb.advance(bad)  # type: ignore[arg-type]


def test_settle_runs_everything_scheduled(lb, boto):
    assert lb.settle() == 0
    boto.create_model_customization_job(**job_request(unique("job"), unique("model")))
    arn = boto.create_model_invocation_job(**invocation_request())["jobArn"]
    invocation = sum(duration(lb, "ModelInvocationJob", _backend.snake(s)) for s in INVOCATION_SEQUENCE[:-1])
    first = min(duration(lb, "ModelInvocationJob", "submitted"), job_step_duration(lb, JOB_STEPS[0]))
    assert lb.settle(limit=first / 2) == 0  # nothing is due that early
    total = max(invocation, training_time(lb))
    partly = lb.settle(limit=total / 2)  # up to the last change due by then, no further
    assert first <= partly <= total / 2
    assert boto.get_model_invocation_job(jobIdentifier=arn)["status"] != "Completed"
    moved = lb.settle()
    assert partly + moved == pytest.approx(total, abs=1e-6)
    assert boto.get_model_invocation_job(jobIdentifier=arn)["status"] == "Completed"
    assert [j["status"] for j in boto.list_model_customization_jobs()["modelCustomizationJobSummaries"]] == ["Completed"]
    assert lb.settle() == 0


def test_realtime_clock_and_waiters(kind):
    """A realtime local Bedrock with tiny durations: bc's waiter sees the job through (boto3
    has no waiters for Bedrock: its client polls)."""
    tiny = {key: 0.02 for key in DURATIONS}
    with local_bedrock(durations=tiny) as server:
        client = client_for(kind, server)
        name = unique("job")
        client.create_model_customization_job(**job_request(name, unique("model")))
        if kind == "bc":
            client.get_waiter("model_customization_job_completed").wait(jobIdentifier=name, WaiterConfig={"Delay": 0.02})
        else:
            deadline = time.monotonic() + 10
            while client.get_model_customization_job(jobIdentifier=name)["status"] != "Completed":
                assert time.monotonic() < deadline
                time.sleep(0.02)
        job = client.get_model_customization_job(jobIdentifier=name)
        assert job["status"] == "Completed"
        assert client.get_custom_model(modelIdentifier=job["outputModelArn"])["modelStatus"] == "Active"
    forget_clients(server)


def _make(world: World, noun: str) -> str:
    """A resource of ``noun`` (a kind of the local Bedrock), by the API; its ARN."""
    if noun == "ImportedModel":
        arn = world.client.create_model_import_job(
            jobName=unique("imp"), importedModelName=unique("im"), roleArn=ROLE_ARN,
            modelDataSource={"s3DataSource": {"s3Uri": "s3://bc-test-bucket/w/"}})["jobArn"]
        world.lb.settle()
        return world.client.get_model_import_job(jobIdentifier=arn)["importedModelArn"]
    operation = "Create" + noun
    return created_arn(operation, world.create(operation)[1])


STATUS_KINDS = []
for _noun in sorted(_backend.CLASSES):
    _kind = _backend.CLASSES[_noun](_backend.State().backend(ACCOUNT, REGION))
    if _kind.status_values:
        STATUS_KINDS += [pytest.param(_noun, status, id=f"{_noun}-{status}") for status in _kind.status_values]


def test_status_kinds_are_every_status_enum_of_a_get():
    nouns = {p.values[0] for p in STATUS_KINDS}
    for noun in _backend.CLASSES:
        get = MODEL.output_shape("Get" + noun).get("members", {}) if "Get" + noun in MODEL.operations else {}
        has_status = any(m in get and "enum" in MODEL.shape(get[m]["shape"]) for m in ("status", "modelStatus"))
        assert (noun in nouns) == has_status, noun


@pytest.mark.parametrize("noun, status", STATUS_KINDS)
def test_set_status_on_every_kind(noun, status, boto, lb):
    kind = _backend.CLASSES[noun](_backend.State().backend(ACCOUNT, REGION))
    arn = _make(World(boto, lb), noun)
    lb.set_status(arn, status)
    got = get_resource(boto, noun, arn)
    assert got[kind.status_member] == status
    assert lb.resource(arn)[kind.status_member] == status
    lb.settle()  # nothing that was pending undoes it
    assert get_resource(boto, noun, arn)[kind.status_member] == status
    if noun == "ModelCustomizationJob" and status == "Completed":
        assert boto.get_custom_model(modelIdentifier=got["outputModelArn"])["modelStatus"] == "Active"
    if kind.end_member and status in kind.terminal:
        assert kind.end_member in got


@pytest.mark.parametrize("noun", sorted({p.values[0] for p in STATUS_KINDS}))
def test_set_status_refuses_what_the_kind_cannot_be(noun, boto, lb):
    kind = _backend.CLASSES[noun](_backend.State().backend(ACCOUNT, REGION))
    arn = _make(World(boto, lb), noun)
    with pytest.raises(ValueError, match="valid statuses") as info:
        lb.set_status(arn, "Exploded")
    assert all(s in str(info.value) for s in kind.status_values)
    with pytest.raises(ValueError, match="unknown field"):
        lb.set_status(arn, kind.status_values[0], no_such_field=1)


def test_set_status_fields_and_unknown_resources(boto, lb):
    name = unique("job")
    boto.create_model_customization_job(**job_request(name, unique("model")))
    lb.set_status(name, "Failed", failure_message="out of memory")
    job = boto.get_model_customization_job(jobIdentifier=name)
    assert (job["status"], job["failureMessage"]) == ("Failed", "out of memory") and "endTime" in job
    with pytest.raises(TypeError):
        lb.set_status(name, "Failed", failure_message=3)
    with pytest.raises(KeyError):
        lb.set_status("no-such-resource", "Completed")
    with pytest.raises(KeyError):
        lb.set_status(name, "Completed", region_name=OTHER_REGION)
    arn = _make(World(boto, lb), "ImportedModel")
    with pytest.raises(ValueError, match="no status"):
        lb.set_status(arn, "Active")


def test_job_controls_kept(boto, lb):
    names = [unique("job") for _ in range(3)]
    for name in names:
        boto.create_model_customization_job(**job_request(name, unique("model")))
    assert lb.jobs() == names and lb.jobs(region_name=OTHER_REGION) == []
    end = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    lb.complete_job(names[0], training_metrics={"trainingLoss": 0.25}, end_time=end)
    job = boto.get_model_customization_job(jobIdentifier=names[0])
    assert (job["status"], job["trainingMetrics"], job["endTime"]) == ("Completed", {"trainingLoss": 0.25}, end)
    assert boto.get_custom_model(modelIdentifier=job["outputModelArn"])["trainingMetrics"] == {"trainingLoss": 0.25}
    lb.fail_job(names[1], "bad data")
    job = boto.get_model_customization_job(jobIdentifier=names[1])
    assert (job["status"], job["failureMessage"]) == ("Failed", "bad data") and "outputModelArn" not in job
    for status in JOB_STATUSES:
        lb.set_job_status(names[2], status)
        assert boto.get_model_customization_job(jobIdentifier=names[2])["status"] == status
    with pytest.raises(ValueError, match="valid statuses"):
        lb.set_job_status(names[2], "Done")
    with pytest.raises(KeyError):
        lb.complete_job("no-such-job")
    model = World(boto, lb).active_custom_model()
    with pytest.raises(KeyError, match="not a model-customization job"):
        lb.set_job_status(model, "Completed")


@pytest.mark.parametrize("error", sorted(code for code in MODEL.error_status if code != "ValidationException") + ["ValidationException"])
def test_fail_next_any_modeled_error(error, kind, shared):
    client = client_for(kind, shared)
    shared.fail_next("list_custom_models", error, "injected")
    code, status, message = error_of(client.list_custom_models)
    assert (code, status, message) == (error, status_error(error), "injected")
    client.list_custom_models()  # once


def test_fail_next_targets(client, lb):
    source = {"s3DataSource": {"s3Uri": "s3://bc-test-bucket/m/"}}
    lb.fail_next_create(times=2)
    client.list_custom_models()  # not a create
    for _ in range(2):
        assert error_of(client.create_custom_model, modelName=unique("cm"), modelSourceConfig=source)[:2] == (
            "ServiceQuotaExceededException", status_error("ServiceQuotaExceededException"))
    assert client.list_custom_models()["modelSummaries"] == []  # failed creates made nothing
    arn = client.create_custom_model(modelName=unique("cm"), modelSourceConfig=source)["modelArn"]
    lb.fail_next("GetCustomModel", "AccessDeniedException")  # the API's name works too
    client.list_custom_models()
    assert error_of(client.get_custom_model, modelIdentifier=arn)[:2] == ("AccessDeniedException", 403)
    lb.fail_next(error="InternalServerException")  # any operation
    assert error_of(client.list_foundation_models)[:2] == ("InternalServerException", 500)
    client.get_custom_model(modelIdentifier=arn)
    for bad in ({"operation": "no_such_operation"}, {"error": "NoSuchException"}, {"times": 0}):
        with pytest.raises(ValueError):
            lb.fail_next(**bad)


def test_throttle(client, lb, kind):
    lb.throttle(times=2)
    for _ in range(2):
        assert error_of(client.list_custom_models)[:2] == ("ThrottlingException", 429)
    client.list_custom_models()
    # a client that retries gets through
    retrying = bc.client("bedrock", region_name=REGION, endpoint_url=str(lb), **CREDENTIALS,
                         config=bc.Config(retries={"total_max_attempts": 3, "mode": "standard"})) if kind == "bc" else \
        _SESSION.client("bedrock", region_name=REGION, endpoint_url=str(lb), **CREDENTIALS,
                        config=botocore.config.Config(retries={"total_max_attempts": 3, "mode": "standard"}))
    lb.throttle(times=1, operation="list_custom_models")
    response = retrying.list_custom_models()
    assert response["ResponseMetadata"]["RetryAttempts"] == 1


# ---------------------------------------------------------------------------
# The AWS CLI drives the same local Bedrock; bedrock-customization local-bedrock
# ---------------------------------------------------------------------------


def aws(lb: LocalBedrock, *args: str) -> Any:
    """``aws bedrock <args> --endpoint-url <lb>`` with the pinned AWS CLI: its JSON output."""
    executable = os.path.join(os.path.dirname(sys.executable), "aws")
    done = subprocess.run([executable, "bedrock", *args, "--endpoint-url", str(lb), "--output", "json"],
                          env=cli_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_aws_cli_drives_a_customization_job(lb, boto):
    request = job_request(unique("cli-job"), unique("cli-model"))
    arn = aws(lb, "create-model-customization-job", "--cli-input-json", json.dumps(request))["jobArn"]
    assert boto.get_model_customization_job(jobIdentifier=arn)["jobName"] == request["jobName"]  # one service
    job = aws(lb, "get-model-customization-job", "--job-identifier", request["jobName"])
    assert (job["jobArn"], job["status"]) == (arn, "InProgress")
    assert job["statusDetails"]["validationDetails"]["status"] == "InProgress"
    lb.advance(training_time(lb) + 0.01)
    job = aws(lb, "get-model-customization-job", "--job-identifier", arn)
    assert job["status"] == "Completed" and job["trainingMetrics"]["trainingLoss"] > 0
    model = aws(lb, "get-custom-model", "--model-identifier", job["outputModelArn"])
    expected = without_metadata(boto.get_custom_model(modelIdentifier=job["outputModelArn"]))
    assert datetime.datetime.fromisoformat(model.pop("creationTime").replace("Z", "+00:00")) == expected.pop("creationTime")
    assert model == expected
    second = boto.create_model_customization_job(**job_request(unique("cli-job"), unique("cli-model")))["jobArn"]
    assert aws(lb, "stop-model-customization-job", "--job-identifier", second) is None
    assert boto.get_model_customization_job(jobIdentifier=second)["status"] == "Stopping"


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@pytest.mark.parametrize(
    "signum, preexec",
    [(signal.SIGINT, None), (signal.SIGINT, _ignore_sigint), (signal.SIGTERM, None)],
    # started from a shell script's background job, a process inherits SIGINT ignored
    # (Python then has no KeyboardInterrupt): `kill -INT` must stop the server all the same
    ids=["SIGINT", "SIGINT-inherited-ignored", "SIGTERM"],
)
def test_local_bedrock_command_serves_until_interrupted(signum, preexec):
    port = free_port()
    process = subprocess.Popen([*LOCAL_BEDROCK_COMMAND, "--port", str(port)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=cli_env(), preexec_fn=preexec)
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        assert f"http://127.0.0.1:{port}" in line, (line, process.poll())
        client = client_for("boto3", f"http://127.0.0.1:{port}")
        arn = client.create_custom_model(modelName=unique("cm"), modelSourceConfig={"s3DataSource": {"s3Uri": "s3://bc-test-bucket/m/"}})["modelArn"]
        assert client.get_custom_model(modelIdentifier=arn)["modelStatus"] in ("Creating", "Active")
        assert client.list_foundation_models()["modelSummaries"]
        process.send_signal(signum)
        assert process.wait(timeout=10) == 0
        assert "Traceback" not in process.stderr.read()  # type: ignore[union-attr]
    finally:
        forget_clients(f"http://127.0.0.1:{port}")
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()  # type: ignore[union-attr]
        process.stderr.close()  # type: ignore[union-attr]


def test_local_bedrock_command_on_a_busy_port():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([*LOCAL_BEDROCK_COMMAND, "--port", str(port)], capture_output=True, text=True,
                              timeout=30, env=cli_env())
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run([*LOCAL_BEDROCK_COMMAND, "--port", "70000"], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "70000" in done.stderr


def _connection_burst(port: int, count: int) -> int:
    """Opens ``count`` connections at once (non-blocking connects), waits until each is
    established, and returns how many were; then closes them."""
    import selectors

    sockets = []
    selector = selectors.DefaultSelector()
    try:
        for _ in range(count):
            s = socket.socket()
            sockets.append(s)
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            selector.register(s, selectors.EVENT_WRITE)
        pending, deadline = set(sockets), time.monotonic() + 30
        while pending and time.monotonic() < deadline:
            for key, _ in selector.select(0.1):
                selector.unregister(key.fileobj)
                pending.discard(key.fileobj)  # type: ignore[arg-type]
        return sum(1 for s in sockets if s not in pending and s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0)
    finally:
        selector.close()
        for s in sockets:
            s.close()


@pytest.mark.alone  # counts system-wide listen overflows: see conftest.listen_overflows
@pytest.mark.parametrize("where", ["in-process", "command"])
def test_a_burst_of_connections_is_queued_not_dropped(where):
    """300 connections at once (a client fanning out wide) are all accepted without
    one SYN dropped: the listen backlog is the system's maximum. With socketserver's
    default of 5 the kernel counted about 800 overflows for such a burst here, and the
    dropped SYNs were retried a second later (issue 28)."""
    if where == "in-process":
        context: Any = bc.testing.local_bedrock(realtime=False)
    else:
        context = local_bedrock_process()
    with context as url:
        port = int(url.rsplit(":", 1)[1])
        before = listen_overflows()
        connected = _connection_burst(port, 300)
        overflows = listen_overflows() - before
    assert connected == 300
    assert overflows == 0
