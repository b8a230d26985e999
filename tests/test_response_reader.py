"""The response body's one-pass reader (src/response/fast.rs) against botocore's
rest-json parser: every body, odd or not, must give botocore's result (or, where
botocore's parser itself fails, an error). The reader hands what it does not handle
to the walker over serde_json values; these tables make sure the hand-over is
invisible: the same dict, the same types, the same member order.

`_core._parse_output` runs exactly the code a real call runs on the body it received.
"""

import json

import botocore.parsers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bedrock_customization import _core, _model
from bedrock_customization.exceptions import ResponseParserError
from conftest import assert_same_types, pinned_service_model
from samples import sample_output

MODEL = pinned_service_model()
OPERATIONS = sorted(_model.OPERATIONS.values())
HEADERS = [("x-amzn-requestid", "req-1"), ("content-type", "application/json")]


def botocore_parse(op_name, body):
    shape = MODEL.operation_model(op_name).output_shape
    return botocore.parsers.create_parser("rest-json").parse(
        {"status_code": 200, "headers": dict(HEADERS), "body": body}, shape
    )


def parse(op_name, body, one_pass=True):
    """(result, None) or (None, the exception's type and text)."""
    try:
        return _core._parse_output(op_name, 200, HEADERS, body, one_pass=one_pass), None
    except Exception as e:  # noqa: BLE001 - compared below
        return None, (type(e), str(e))


def assert_same_result(expected, got):
    expected = dict(expected)
    got = dict(got)
    assert got.pop("ResponseMetadata")["HTTPStatusCode"] == 200
    expected.pop("ResponseMetadata")
    assert got == expected or repr(got) == repr(expected)  # repr: NaN != NaN
    assert list(got) == list(expected), "member order differs"
    assert_same_types(expected, got)


def assert_reader_is_the_walker(op_name, body):
    """The one-pass reader gives exactly what the walker alone gives: the same dict
    or the same error."""
    fast, fast_error = parse(op_name, body)
    slow, slow_error = parse(op_name, body, one_pass=False)
    assert fast_error == slow_error
    assert_same_result(slow, fast)
    return fast


def assert_parses_like_botocore(op_name, body):
    """Where botocore's parser accepts the body, the result is botocore's; where it
    refuses it, so do we. A malformed body that botocore's parser takes in its stride
    (invalid JSON read as no members, an object where a list belongs) is a
    ResponseParserError here, raised by the walker, which the reader hands every body
    it does not take: the reader never raises on its own. (The walker alone differs
    from botocore on integers: serde_json reads `-0` and integers beyond 64 bits as
    floats; the reader reads them as Python's json does.)"""
    got, error = parse(op_name, body)
    if error is not None:
        assert parse(op_name, body, one_pass=False)[1] == error, "the reader raised on its own"
    try:
        expected = botocore_parse(op_name, body)
    except Exception:  # noqa: BLE001 - botocore's parser refuses it: so must we
        assert error is not None
        return
    if error is not None:
        assert error[0] is ResponseParserError, error
        return
    assert_same_result(expected, got)


GET = "GetModelCustomizationJob"
JOB = '"jobArn":"arn:aws:bedrock:us-east-1:123456789012:model-customization-job/x"'


def job(extra):
    return ("{" + JOB + "," + extra + "}").encode()


# (what, body of a GetModelCustomizationJob)
CASES = [
    ("plain", job('"jobName":"j","status":"InProgress"')),
    ("whitespace everywhere", b' \n{ \t"jobName" : "j" ,\r\n "status":"Failed" } \n'),
    ("escapes in a string", job(r'"jobName":"a\"b\\c\/d\b\f\n\r\t"')),
    ("unicode escapes and a surrogate pair", job(r'"jobName":"\u00e9\u4e2d\ud83d\ude00"')),
    ("raw UTF-8", job('"jobName":"é中😀"')),
    ("escaped key", job(r'"job\u004eame":"j"')),
    ("duplicate key: the last wins", job('"jobName":"a","status":"x","jobName":"b"')),
    ("duplicate key: a later null unsets", job('"jobName":"a","jobName":null')),
    ("null members are left out", job('"jobName":null,"trainingMetrics":null')),
    ("unknown members are skipped", job('"nope":{"a":[1,2,{"b":null}]},"jobName":"j","zz":-1.5e3')),
    ("member order is the model's", b'{"status":"Completed","jobName":"j",' + JOB.encode() + b"}"),
    ("timestamps", job('"creationTime":"2024-05-06T07:08:09.123456Z","endTime":"2024-05-06T07:08:09Z"')),
    ("timestamp with offset", job('"creationTime":"2024-05-06T07:08:09+02:00"')),
    ("timestamp without zone", job('"creationTime":"2024-05-06T07:08:09"')),
    ("timestamp, lower-case z", job('"creationTime":"2024-05-06T07:08:09z"')),
    ("timestamp as epoch seconds", job('"creationTime":1714979289')),
    ("timestamp as epoch float", job('"creationTime":1714979289.5')),
    ("timestamp, RFC 822", job('"creationTime":"Mon, 06 May 2024 07:08:09 GMT"')),
    ("timestamp, date only", job('"creationTime":"2024-05-06"')),
    ("timestamp, nanoseconds", job('"creationTime":"2024-05-06T07:08:09.123456789Z"')),
    ("float member: fraction", job('"trainingMetrics":{"trainingLoss":0.1}')),
    ("float member: integer literal", job('"trainingMetrics":{"trainingLoss":3}')),
    ("float member: exponent", job('"trainingMetrics":{"trainingLoss":1.5E-7}')),
    ("float member: -0", job('"trainingMetrics":{"trainingLoss":-0}')),
    ("float member: -0.0", job('"trainingMetrics":{"trainingLoss":-0.0}')),
    ("float member: huge integer", job('"trainingMetrics":{"trainingLoss":123456789012345678901234567890}')),
    ("float member: many digits", job('"trainingMetrics":{"trainingLoss":0.30000000000000004441}')),
    ("float member: as a string", job('"trainingMetrics":{"trainingLoss":"0.5"}')),
    ("float member: NaN string", job('"trainingMetrics":{"trainingLoss":"NaN"}')),
    ("list of structures", job('"validationMetrics":[{"validationLoss":1.25},{"validationLoss":2}]')),
    ("list with a null item", job('"validationMetrics":[null,{"validationLoss":1}]')),
    ("empty list and map", job('"validationMetrics":[],"hyperParameters":{}')),
    ("map of strings", job('"hyperParameters":{"epochCount":"2","b":"x","epochCount":"3"}')),
    ("map with a null value", job('"hyperParameters":{"a":null}')),
    (
        "union, one member",
        job('"customizationConfig":{"distillationConfig":{"teacherModelConfig":'
            '{"teacherModelIdentifier":"t","maxResponseLengthForInference":1000}}}'),
    ),
    (
        "nested union and integers",
        job('"customizationConfig":{"rftConfig":{"graderConfig":{"lambdaGrader":{"lambdaArn":"l"}},'
            '"hyperParameters":{"epochCount":2,"batchSize":-3,"learningRate":0.0001,"reasoningEffort":"low"}}}'),
    ),
    ("union with __type", job('"customizationConfig":{"__type":"x","distillationConfig":{}}')),
    ("union member null", job('"customizationConfig":{"distillationConfig":{},"rftConfig":null}')),
    ("union unknown member", job('"customizationConfig":{"newThing":{"a":1}}')),
    ("union unknown member after a null one", job('"customizationConfig":{"0":null,"":false}')),
    ("union unknown member after __type", job('"customizationConfig":{"__type":"t","newThing":{"a":1}}')),
    ("union two members", job('"customizationConfig":{"distillationConfig":{},"rftConfig":{}}')),
    ("union known and unknown", job('"customizationConfig":{"distillationConfig":{},"other":1}')),
    ("union empty", job('"customizationConfig":{}')),
    ("integer member: float literal", job(
        '"customizationConfig":{"distillationConfig":{"teacherModelConfig":{"maxResponseLengthForInference":2.7}}}')),
    ("integer member: string", job(
        '"customizationConfig":{"distillationConfig":{"teacherModelConfig":{"maxResponseLengthForInference":"12"}}}')),
    ("integer member: beyond 64 bits", job(
        '"customizationConfig":{"distillationConfig":{"teacherModelConfig":'
        '{"maxResponseLengthForInference":184467440737095516160}}}')),
    ("integer member: u64", job(
        '"customizationConfig":{"distillationConfig":{"teacherModelConfig":'
        '{"maxResponseLengthForInference":18446744073709551615}}}')),
    ("integer member: i64 min", job(
        '"customizationConfig":{"distillationConfig":{"teacherModelConfig":'
        '{"maxResponseLengthForInference":-9223372036854775808}}}')),
    ("string member given a number", job('"jobName":12')),
    ("string member given an object", job('"jobName":{"a":[true,false,null,1.5,-0,"x"]}')),
    ("structure given a string", job('"trainingMetrics":"oops"')),
    ("list given an object", job('"validationMetrics":{"a":1}')),
    ("map given a list", job('"hyperParameters":["a"]')),
    ("deep unknown nesting", job('"x":' + "[" * 90 + "]" * 90)),
    ("too deep", job('"x":' + "[" * 200 + "]" * 200)),
    ("not JSON", b"{not json"),
    ("trailing garbage", job('"jobName":"j"') + b" x"),
    ("trailing comma", b'{"jobName":"j",}'),
    ("a JSON array", b'["jobName"]'),
    ("a control character in a string", job('"jobName":"a\tb"')),
    ("an invalid escape", job(r'"jobName":"a\qb"')),
    ("a lone surrogate escape", job(r'"jobName":"\ud83d"')),
    ("invalid UTF-8", job('"jobName":"') + b"\xff\xfe" + b'"}'),
    ("leading zero", job('"trainingMetrics":{"trainingLoss":01}')),
    ("number out of range", job('"trainingMetrics":{"trainingLoss":1e400}')),
    ("true as a string member", job('"jobName":true')),
]


@pytest.mark.parametrize("what,body", CASES, ids=[c[0] for c in CASES])
def test_body_parses_like_botocore(what, body):
    assert_parses_like_botocore(GET, body)


@pytest.mark.parametrize("op_name", [op for op in OPERATIONS if MODEL.operation_model(op).output_shape is not None])
@pytest.mark.parametrize("form", ["compact", "indented, ASCII escapes", "shuffled with unknown members"])
def test_every_output_in_every_form(op_name, form):
    shape = MODEL.operation_model(op_name).output_shape
    payload = shape.serialization.get("payload")
    for variant in range(3):
        value = sample_output(shape.members[payload] if payload else shape, variant)
        if form == "compact":
            body = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        elif form == "indented, ASCII escapes":
            body = json.dumps(value, indent=3, ensure_ascii=True)
        else:
            items = list(value.items())[::-1] + [("zzUnknown", {"k": [1, None]})] if isinstance(value, dict) else value
            body = json.dumps(dict(items) if isinstance(value, dict) else value)
        got = assert_reader_is_the_walker(op_name, body.encode())
        assert_same_result(botocore_parse(op_name, body.encode()), got)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
MEMBERS = ["jobName", "creationTime", "hyperParameters", "trainingMetrics", "validationMetrics", "customizationConfig",
           "statusDetails", "vpcConfig"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(MEMBERS), json_values, max_size=5), st.booleans())
def test_arbitrary_json_in_every_member(members, ascii_only):
    body = json.dumps(members, ensure_ascii=ascii_only).encode()
    assert_parses_like_botocore(GET, body)
