"""Walks the pinned service model and proves, for every operation, that every input and
output member round-trips: requests serialize to what botocore's serializer sends,
responses parse to what botocore's parser returns, and every modeled error raises the
class boto3 raises, against a real HTTP server on loopback. The values are samples.py's
(``sample_input``, ``sample_output``: every member, each union's over its variants)."""

import json
import urllib.parse

import botocore.config
import botocore.parsers
import botocore.serialize
import botocore.session
import pytest

import bedrock_customization as bc
from bedrock_customization import _model
from conftest import RecordingServer, Reply, assert_same_types, make_bc_client, make_boto3_client, pinned_service_model
from samples import sample_input, sample_output, variants

MODEL = pinned_service_model()
# Every operation the client has (the generator's list, itself the whole model).
OPERATIONS = sorted(_model.OPERATIONS.values())


def _is_document(shape):
    return bool(shape.metadata.get("document"))


def _payload(shape):
    """The member bound to the whole HTTP body, if the shape has one."""
    name = shape.serialization.get("payload")
    return (name, shape.members[name]) if name else (None, None)


def _members(shape, seen=()):
    """Every (path, member) pair below shape, for the coverage check."""
    out = set()
    if shape.name in seen or _is_document(shape):
        return out
    seen = seen + (shape.name,)
    if shape.type_name == "structure":
        for n, m in shape.members.items():
            out.add(f"{shape.name}.{n}")
            out |= _members(m, seen)
    elif shape.type_name == "list":
        out |= _members(shape.member, seen)
    elif shape.type_name == "map":
        out |= _members(shape.value, seen)
    return out


def _covered(value, shape, acc):
    if _is_document(shape):
        return
    if shape.type_name == "structure" and isinstance(value, dict):
        for n, m in shape.members.items():
            if n in value:
                acc.add(f"{shape.name}.{n}")
                _covered(value[n], m, acc)
    elif shape.type_name == "list" and isinstance(value, list):
        for item in value:
            _covered(item, shape.member, acc)
    elif shape.type_name == "map" and isinstance(value, dict):
        for item in value.values():
            _covered(item, shape.value, acc)


def _botocore_request(op_model, params):
    serializer = botocore.serialize.create_serializer("rest-json", include_validation=False)
    return serializer.serialize_to_request(params, op_model)


@pytest.mark.parametrize("op_name", OPERATIONS)
def test_every_input_member_serializes_like_botocore(op_name, recorder):
    op_model = MODEL.operation_model(op_name)
    python_name = botocore.xform_name(op_name)
    client = make_bc_client(recorder.url, config=bc.Config(parameter_validation=False, retries={"max_attempts": 0}))
    covered = set()
    everything = _members(op_model.input_shape)
    for variant in variants(op_model.input_shape):
        if covered == everything and variant >= 4:
            break
        params = sample_input(op_model.input_shape, variant)
        _covered(params, op_model.input_shape, covered)
        recorder.clear()
        getattr(client, python_name)(**params)
        assert len(recorder.requests) == 1
        sent = recorder.requests[0]
        expected = _botocore_request(op_model, params)
        assert sent.method == expected["method"]
        assert sent.decoded_path == urllib.parse.unquote(expected["url_path"])
        expected_query = {
            k: [str(x) for x in v] if isinstance(v, list) else [v if isinstance(v, str) else json.dumps(v)]
            for k, v in expected["query_string"].items()
        }
        assert sent.query == expected_query
        for name, value in expected["headers"].items():  # members bound to headers, content type
            if name.lower() not in ("user-agent",) and (name.lower() != "content-type" or expected["body"]):
                assert sent.headers.get(name.lower()) == value, name
        expected_body = json.loads(expected["body"]) if expected["body"] else None
        assert (sent.json() or None) == (expected_body or None)
    assert covered == everything, "some input members were never sent"


@pytest.mark.parametrize("op_name", OPERATIONS)
def test_every_output_member_parses_like_botocore(op_name, recorder):
    op_model = MODEL.operation_model(op_name)
    python_name = botocore.xform_name(op_name)
    client = make_bc_client(recorder.url, config=bc.Config(parameter_validation=False))
    params = sample_input(op_model.input_shape, 0)
    covered = set()
    if op_model.output_shape is None:
        recorder.always(Reply(status=op_model.http.get("responseCode", 200), body=b"{}"))
        got = getattr(client, python_name)(**params)
        assert set(got) == {"ResponseMetadata"}
        assert got["ResponseMetadata"]["HTTPStatusCode"] == op_model.http.get("responseCode", 200)
        return
    payload_name, payload_shape = _payload(op_model.output_shape)
    everything = _members(op_model.output_shape)
    for variant in variants(op_model.output_shape):
        if covered == everything and variant >= 4:
            break
        if payload_shape is not None:
            body = json.dumps(sample_output(payload_shape, variant)).encode()
        else:
            body = json.dumps(sample_output(op_model.output_shape, variant)).encode()
        recorder.always(Reply(status=op_model.http.get("responseCode", 200), body=body))
        got = getattr(client, python_name)(**params)
        headers = dict(got["ResponseMetadata"]["HTTPHeaders"])
        expected = botocore.parsers.create_parser("rest-json").parse(
            {"status_code": got["ResponseMetadata"]["HTTPStatusCode"], "headers": headers, "body": body},
            op_model.output_shape,
        )
        meta = got.pop("ResponseMetadata")
        expected_meta = expected.pop("ResponseMetadata")
        assert meta["RetryAttempts"] == 0
        assert {k: meta[k] for k in expected_meta} == expected_meta
        assert got == expected
        assert_same_types(expected, got)
        _covered(got, op_model.output_shape, covered)
    assert covered == everything, "some output members were never parsed"


ERROR_CASES = [(op, err.name) for op in OPERATIONS for err in MODEL.operation_model(op).error_shapes]


@pytest.fixture(scope="module")
def error_clients():
    server = RecordingServer()
    config = {"retries": {"max_attempts": 0}, "parameter_validation": False}
    try:
        yield (
            server,
            make_bc_client(server.url, config=bc.Config(**config)),
            make_boto3_client(server.url, config=botocore.config.Config(**config)),
        )
    finally:
        server.close()


def test_every_operation_has_its_modeled_errors():
    assert {op for op, _ in ERROR_CASES} == set(OPERATIONS)


@pytest.mark.parametrize("op_name, error", ERROR_CASES, ids=[f"{op}-{e}" for op, e in ERROR_CASES])
def test_every_modeled_error_raises_what_boto3_raises(op_name, error, error_clients):
    server, client, boto3_client = error_clients
    op_model = MODEL.operation_model(op_name)
    shape = MODEL.shape_for(error)
    python_name = botocore.xform_name(op_name)
    params = sample_input(op_model.input_shape, 0) if op_model.input_shape is not None else {}
    status = shape.metadata.get("error", {}).get("httpStatusCode", 400)
    body = json.dumps(sample_output(shape, 0)).encode()
    server.always(Reply(status=status, body=body, headers={"x-amzn-ErrorType": f"{error}:http://internal"}))
    with pytest.raises(Exception) as theirs:
        getattr(boto3_client, python_name)(**params)
    with pytest.raises(bc.exceptions.ClientError) as ours:
        getattr(client, python_name)(**params)
    err = ours.value
    assert type(err).__name__ == type(theirs.value).__name__ == error
    assert isinstance(err, getattr(bc.exceptions, error))
    assert isinstance(err, getattr(client.exceptions, error))
    response, expected = dict(err.response), dict(theirs.value.response)
    meta, expected_meta = response.pop("ResponseMetadata"), expected.pop("ResponseMetadata")
    assert meta["HTTPStatusCode"] == expected_meta["HTTPStatusCode"] == status
    assert response == expected
    assert_same_types(expected, response)
    for member in shape.members:
        assert member in response


TIMESTAMPS = [
    "2024-01-02T03:04:05Z",
    "2024-01-02T03:04:05.5+00:00",
    "2024-01-02T03:04:05-00:00",
    "2024-01-02T03:04:05+01:30",
    "2024-01-02 03:04:05",
    "2024-01-02T03:04:05 UTC",
    "Tue, 02 Jan 2024 03:04:05 GMT",
    1704164645,
    1704164645.25,
    "1704164645",
]

_TZ_CHECK = """
import json, sys
import botocore.config
import botocore.parsers
import bedrock_customization as bc
from conftest import RecordingServer, Reply, make_bc_client, pinned_service_model
shape = pinned_service_model().operation_model("GetModelCustomizationJob").output_shape
server = RecordingServer()
try:
    for value in json.loads(sys.argv[1]):
        body = json.dumps({"creationTime": value}).encode()
        server.always(Reply(body=body))
        got = make_bc_client(server.url).get_model_customization_job(jobIdentifier="j")["creationTime"]
        want = botocore.parsers.create_parser("rest-json").parse({"status_code": 200, "headers": {}, "body": body}, shape)["creationTime"]
        assert got == want and type(got.tzinfo) is type(want.tzinfo) and got.utcoffset() == want.utcoffset(), (value, got, want)
finally:
    server.close()
print("ok")
"""


@pytest.mark.parametrize("tz", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_timestamps_carry_botocores_tzinfo_in_any_local_zone(tz):
    """dateutil (so boto3) attaches tzlocal() to a zero offset on a machine whose zone is
    named UTC, tzutc() elsewhere; epoch numbers get tzlocal(). Results match in each zone."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, TZ=tz)
    tests = os.path.dirname(os.path.abspath(__file__))
    out = subprocess.run(
        [sys.executable, "-c", _TZ_CHECK, json.dumps(TIMESTAMPS)],
        cwd=tests, env=env, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0 and out.stdout.strip().endswith("ok"), out.stderr
