"""Walks botocore's service model and proves that every input and output member of
the four operations round-trips: requests serialize to what botocore sends, and
responses parse to what botocore returns, against a real HTTP server on loopback."""

import datetime
import json
import urllib.parse

import botocore.parsers
import botocore.serialize
import botocore.session
import pytest

import bedrock_customization as bc
from conftest import Reply, assert_same_types, make_bc_client, pinned_service_model

MODEL = pinned_service_model()
OPERATIONS = [
    "CreateModelCustomizationJob",
    "GetModelCustomizationJob",
    "ListModelCustomizationJobs",
    "StopModelCustomizationJob",
]


def _union_width(shape, seen=()):
    """The largest union reachable from shape: that many variants cover every member."""
    if shape.name in seen:
        return 1
    seen = seen + (shape.name,)
    widths = [1]
    if shape.type_name == "structure":
        if shape.is_tagged_union:
            widths.append(len(shape.members))
        widths += [_union_width(m, seen) for m in shape.members.values()]
    elif shape.type_name == "list":
        widths.append(_union_width(shape.member, seen))
    elif shape.type_name == "map":
        widths.append(_union_width(shape.value, seen))
    return max(widths)


def sample_input(shape, variant, path="in"):
    """A value for every member of shape; unions pick member `variant % n`."""
    t = shape.type_name
    if t == "structure":
        names = list(shape.members)
        if shape.is_tagged_union:
            names = [names[variant % len(names)]]
        return {n: sample_input(shape.members[n], variant, f"{path}.{n}") for n in names}
    if t == "list":
        return [sample_input(shape.member, variant, f"{path}[0]"), sample_input(shape.member, variant + 1, f"{path}[1]")]
    if t == "map":
        return {f"key{variant}": sample_input(shape.value, variant, f"{path}.key")}
    if t == "string":
        if shape.enum:
            return shape.enum[variant % len(shape.enum)]
        return f"v-{path.rsplit('.', 1)[-1]}-{variant}".replace("[", "").replace("]", "")
    if t in ("integer", "long"):
        return 16 + variant
    if t in ("float", "double"):
        return 0.0001 * (variant + 1)
    if t == "boolean":
        return variant % 2 == 0
    if t == "timestamp":
        return datetime.datetime(2024, 1, 2, 3, 4, 5 + variant, tzinfo=datetime.timezone.utc)
    raise AssertionError(f"no sample for {t} at {path}")


def sample_output(shape, variant, path="out"):
    """A JSON-ready response value filling every member."""
    t = shape.type_name
    if t == "structure":
        names = list(shape.members)
        if shape.is_tagged_union:
            names = [names[variant % len(names)]]
        return {shape.members[n].serialization.get("name", n): sample_output(shape.members[n], variant, f"{path}.{n}") for n in names}
    if t == "list":
        return [sample_output(shape.member, variant, path), sample_output(shape.member, variant + 1, path)]
    if t == "map":
        return {"k": sample_output(shape.value, variant, path), "a": sample_output(shape.value, variant + 1, path)}
    if t == "string":
        if shape.enum:
            return shape.enum[variant % len(shape.enum)]
        return f"{path.rsplit('.', 1)[-1]}-{variant}"
    if t in ("integer", "long"):
        return 3 + variant
    if t in ("float", "double"):
        return [0.1, 1e-07, 2.5, 1.0][variant % 4]
    if t == "boolean":
        return variant % 2 == 1
    if t == "timestamp":
        return ["2024-01-02T03:04:05.123Z", "2024-01-02 03:04:05", "2024-01-02T03:04:05+01:00", 1700000000.25][variant % 4]
    raise AssertionError(f"no sample for {t} at {path}")


def _members(shape, seen=()):
    """Every (path, member) pair below shape, for the coverage check."""
    out = set()
    if shape.name in seen:
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
    for variant in range(_union_width(op_model.input_shape)):
        params = sample_input(op_model.input_shape, variant)
        _covered(params, op_model.input_shape, covered)
        recorder.clear()
        getattr(client, python_name)(**params)
        assert len(recorder.requests) == 1
        sent = recorder.requests[0]
        expected = _botocore_request(op_model, params)
        assert sent.method == expected["method"]
        assert sent.decoded_path == urllib.parse.unquote(expected["url_path"])
        expected_query = {k: [v if isinstance(v, str) else json.dumps(v)] for k, v in expected["query_string"].items()}
        assert sent.query == expected_query
        expected_body = json.loads(expected["body"]) if expected["body"] else None
        assert (sent.json() or None) == expected_body
    assert covered == _members(op_model.input_shape), "some input members were never sent"


@pytest.mark.parametrize("op_name", OPERATIONS)
def test_every_output_member_parses_like_botocore(op_name, recorder):
    op_model = MODEL.operation_model(op_name)
    python_name = botocore.xform_name(op_name)
    client = make_bc_client(recorder.url, config=bc.Config(parameter_validation=False))
    params = sample_input(op_model.input_shape, 0)
    covered = set()
    for variant in range(max(_union_width(op_model.output_shape), 4)):
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
    assert covered == _members(op_model.output_shape), "some output members were never parsed"


def _error_shapes():
    return [MODEL.shape_for(name) for name in MODEL.shape_names if MODEL.shape_for(name).metadata.get("exception")]


@pytest.mark.parametrize("shape", _error_shapes(), ids=lambda s: s.name)
def test_every_error_shape_parses_like_botocore(shape, recorder):
    client = make_bc_client(recorder.url, config=bc.Config(retries={"max_attempts": 0}))
    status = shape.metadata.get("error", {}).get("httpStatusCode", 400)
    body = json.dumps(sample_output(shape, 0)).encode()
    recorder.always(Reply(status=status, body=body, headers={"x-amzn-ErrorType": f"{shape.name}:http://internal"}))
    with pytest.raises(bc.exceptions.ClientError) as info:
        client.get_model_customization_job(jobIdentifier="job")
    err = info.value
    assert type(err).__name__ == shape.name
    assert isinstance(err, getattr(bc.exceptions, shape.name))
    response = dict(err.response)
    meta = response.pop("ResponseMetadata")
    parser = botocore.parsers.create_parser("rest-json")
    raw = {"status_code": status, "headers": meta["HTTPHeaders"], "body": body}
    expected = parser.parse(raw, None)
    expected.pop("ResponseMetadata")
    expected.update(parser.parse(raw, shape))
    assert response == expected
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
