"""bc.testing.Stubber side by side with botocore.stub.Stubber: each scenario is one test
body run against boto3 with botocore's Stubber and against this package with ours and
with botocore's own Stubber (unchanged, on the client's ``meta.events``), and what each
step returns or raises must be the same. Both clients point at a
closed port of 127.0.0.1, so anything that reached the network would fail loudly.

The operation lists come from the model (every operation, with the smallest valid
request and response the model allows)."""

import asyncio
import copy
import functools
import re
from typing import Any, Callable, Dict, List

import botocore.stub
import botocore.waiter
import pytest
from botocore import xform_name

import bedrock_customization as bc
from bedrock_customization import _model
from bedrock_customization.testing import ANY, Stubber
from conftest import boto3_service_model, error_view, make_bc_client, make_boto3_client, minimal_request, pinned_json
from samples import any_string, minimal

OPERATIONS = sorted(_model.OPERATIONS.values())
JOB = "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/abc/def123456789"
SERVICE_MODEL = boto3_service_model()  # botocore's installed model, which botocore's Stubber validates with


def response_value(shape: Any) -> Any:
    """The smallest value a response validation accepts (botocore checks types, required
    members and min lengths/values of responses, not patterns)."""
    return minimal(shape, string=any_string)


@functools.lru_cache(maxsize=None)
def _minimal_response(operation: str) -> Dict[str, Any]:
    return response_value(SERVICE_MODEL.operation_model(operation).output_shape)


def minimal_response(operation: str) -> Dict[str, Any]:
    """The smallest valid response (the same one for both clients: a fresh copy of it)."""
    return copy.deepcopy(_minimal_response(operation))


@functools.lru_cache(maxsize=None)
def _summary(shape_name: str) -> Dict[str, Any]:
    return response_value(SERVICE_MODEL.shape_for(shape_name))


_OUR_EXTRA = re.compile(r"\n\((missing|unexpected|different): [^\n]*\)$")


def view(step: Callable[[], Any]) -> List[Any]:
    """What a step returns, or what it raises (our StubAssertionError's extra line,
    naming the parameters that differ, is checked on its own and set aside here)."""
    try:
        return ["result", step()]
    except Exception as e:  # noqa: BLE001 - the exception is the outcome
        seen = error_view(e)
        seen["str"] = _OUR_EXTRA.sub("", seen["str"])
        seen["AssertionError"] = isinstance(e, AssertionError)
        return ["error", seen]


@pytest.fixture(params=["bc.testing.Stubber", "botocore.stub.Stubber"])
def pair(request, closed_port):
    """boto3 with botocore's Stubber, and this package's client with ours and with
    botocore's own (which works on it through ``client.meta.events``)."""
    url = f"http://127.0.0.1:{closed_port}"
    ours = Stubber if request.param == "bc.testing.Stubber" else botocore.stub.Stubber
    return [
        (make_boto3_client(url), botocore.stub.Stubber),
        (make_bc_client(url), ours),
    ]


def side_by_side(pair, scenario: Callable[[Any, Any], List[Any]]) -> List[Any]:
    (b3, b3_stubber), (ours, our_stubber) = pair
    expected = scenario(b3, b3_stubber(b3))
    got = scenario(ours, our_stubber(ours))
    assert got == expected
    return got


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_operation_answers_from_the_queue(pair, operation):
    method = xform_name(operation)
    response = minimal_response(operation)
    request = minimal_request(operation)

    def scenario(client, stubber):
        steps = [view(lambda: stubber.add_response(method, response, expected_params=dict(request)))]
        with stubber:
            result = view(lambda: getattr(client, method)(**request))
            steps += [result, result[1] is response if result[0] == "result" else None]
            steps.append(view(stubber.assert_no_pending_responses))
            steps.append(view(lambda: getattr(client, method)(**request)))  # nothing left
        return steps

    steps = side_by_side(pair, scenario)
    assert steps[1][0] == "result" and steps[2] is True, steps


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize(
    "response",
    [{}, {"notAMember": 1}, {"ResponseMetadata": {"HTTPStatusCode": 200}}, "first-member-wrong-type"],
    ids=["empty", "unknown-key", "metadata-only", "wrong-type"],
)
def test_stubbed_responses_are_validated_against_the_output_shape(pair, operation, response):
    method = xform_name(operation)
    if response == "first-member-wrong-type":
        shape = SERVICE_MODEL.operation_model(operation).output_shape
        response = dict(minimal_response(operation))
        first = next(iter(shape.members), "notAMember")
        response[first] = 7 if first in shape.members and shape.members[first].type_name == "structure" else object()

    def scenario(client, stubber):
        steps = [view(lambda: stubber.add_response(method, response))]
        steps.append(len(stubber._queue))
        return steps

    steps = side_by_side(pair, scenario)
    if response.get("notAMember") or any(not isinstance(v, (dict, str)) for v in response.values()):
        assert steps[0][0] == "error" and steps[0][1]["class"] == "ParamValidationError", steps


def test_calls_are_matched_in_order(pair):
    def scenario(client, stubber):
        stubber.add_response("get_model_customization_job", minimal_response("GetModelCustomizationJob"))
        stubber.add_response("list_custom_models", {"modelSummaries": []})
        with stubber:
            return [
                view(lambda: client.list_custom_models()),  # the queue's head is another operation
                view(lambda: client.get_model_customization_job(jobIdentifier=JOB)),
                view(lambda: client.list_custom_models()),
                view(lambda: client.list_custom_models()),  # nothing queued
                view(stubber.assert_no_pending_responses),
            ]

    steps = side_by_side(pair, scenario)
    assert steps[0][1]["class"] == "StubResponseError"
    assert steps[0][1]["str"].endswith("Operation mismatch: found response for GetModelCustomizationJob.")
    assert steps[3][1]["class"] == "UnStubbedResponseError" and not steps[3][1]["AssertionError"]  # as botocore


def test_expected_params_any_and_idempotency_tokens(pair):
    create = minimal_request("CreateModelCustomizationJob")
    create.pop("clientRequestToken", None)

    def scenario(client, stubber):
        ok = {"jobArn": JOB}
        stubber.add_response("create_model_customization_job", ok, expected_params=dict(create, jobName=ANY))
        stubber.add_response("get_model_customization_job", minimal_response("GetModelCustomizationJob"),
                             expected_params={"jobIdentifier": JOB})
        with stubber:
            return [
                # The token is filled in after the comparison (botocore's order), so it is not "unexpected".
                view(lambda: client.create_model_customization_job(**create)),
                view(lambda: client.get_model_customization_job(jobIdentifier="other")),
                view(lambda: client.get_model_customization_job(jobIdentifier=JOB, extra=1)),
                view(lambda: client.get_model_customization_job()),
                view(lambda: client.get_model_customization_job(jobIdentifier=JOB)),
            ]

    steps = side_by_side(pair, scenario)
    assert steps[0] == ["result", {"jobArn": JOB}]
    assert [s[1]["class"] for s in steps[1:4]] == ["StubAssertionError"] * 3


@pytest.mark.parametrize(
    "call, named",
    [
        (lambda c: c.get_model_customization_job(jobIdentifier="other"), "(different: jobIdentifier)"),
        (lambda c: c.get_model_customization_job(jobIdentifier=JOB, extra=1), "(unexpected: extra)"),
        (lambda c: c.get_model_customization_job(), "(missing: jobIdentifier)"),
    ],
)
def test_our_stub_assertion_names_the_parameters(call, named):
    client = make_bc_client(None)
    with Stubber(client) as stubber:
        stubber.add_response("get_model_customization_job", minimal_response("GetModelCustomizationJob"),
                             expected_params={"jobIdentifier": JOB})
        with pytest.raises(bc.exceptions.StubAssertionError) as e:
            call(client)
    assert str(e.value).endswith(named)
    assert isinstance(e.value, botocore.exceptions.StubAssertionError)  # botocore's except clauses catch it


def test_bad_parameters_raise_before_the_response_is_used(pair):
    def scenario(client, stubber):
        stubber.add_response("get_model_customization_job", minimal_response("GetModelCustomizationJob"))
        with stubber:
            return [
                view(lambda: client.get_model_customization_job(jobIdentifier=5)),
                view(lambda: client.get_model_customization_job(jobIdentifier=JOB)),
            ]

    steps = side_by_side(pair, scenario)
    assert steps[0][1]["class"] == "ParamValidationError" and steps[1][0] == "result"


def test_parameters_are_checked_as_a_real_call_checks_them(pair, closed_port):
    """A Stubber checks the parameters as its client's real call checks them, before the
    queue is touched. By default that is botocore's check: a value breaking the model's
    pattern is answered from the queue by both. The one difference is an empty URI label,
    which the SDK cannot send: ours refuses it (in botocore's min-length words), botocore's
    answers it. A strict client's Stubber refuses the pattern-breaking value too."""
    response = minimal_response("GetModelCustomizationJob")

    def scenario(job_identifier: str) -> Callable[[Any, Any], List[Any]]:
        def run(client, stubber):
            stubber.add_response("get_model_customization_job", response)
            with stubber:
                return [
                    view(lambda: client.get_model_customization_job(jobIdentifier=job_identifier)),
                    view(stubber.assert_no_pending_responses),
                ]
        return run

    # (a) a pattern the model gives and botocore does not check: the same on both
    steps = side_by_side(pair, scenario("not an arn!"))
    assert steps == [["result", response], ["result", None]]

    # (b) an empty URI label: botocore's Stubber answers it, ours refuses it and keeps the response
    (b3, b3_stubber), (ours, our_stubber) = pair
    assert scenario("")(b3, b3_stubber(b3)) == [["result", response], ["result", None]]
    refused, pending = scenario("")(ours, our_stubber(ours))
    assert refused[0] == "error" and refused[1]["class"] == "ParamValidationError", refused
    assert refused[1]["str"] == (
        "Parameter validation failed:\nInvalid length for parameter jobIdentifier, value: 0, valid min length: 1")
    assert pending[0] == "error" and pending[1]["AssertionError"], pending  # the response is still queued

    # (c) a strict client: its Stubber refuses the pattern-breaking value, as its real call would
    strict = make_bc_client(f"http://127.0.0.1:{closed_port}", config=bc.Config(parameter_validation="strict"))
    refused, pending = scenario("not an arn!")(strict, Stubber(strict))
    assert refused[0] == "error" and refused[1]["class"] == "ParamValidationError", refused
    assert "Invalid value for parameter jobIdentifier, value: not an arn!, valid pattern: " in refused[1]["str"]
    assert pending[0] == "error" and pending[1]["AssertionError"], pending  # the response is still queued


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"service_error_code": "ValidationException", "service_message": "bad", "http_status_code": 400},
        {"service_error_code": "ResourceNotFoundException", "http_status_code": 404,
         "service_error_meta": {"Extra": "x"}, "response_meta": {"RequestId": "r-1"}},
        {"service_error_code": "ThrottlingException", "modeled_fields": {"message": "slow down"}},
        {"service_error_code": "ThrottlingException", "modeled_fields": {"bogus": "x"}},
        {"service_error_code": "NotAModeledError", "modeled_fields": {"message": "x"}},
        {"service_error_code": "NotAModeledError", "http_status_code": 500},
        {"service_error_code": "AccessDeniedException", "http_status_code": 200},
    ],
)
def test_client_errors(pair, kwargs):
    def scenario(client, stubber):
        steps = [view(lambda: stubber.add_client_error("get_model_customization_job", **kwargs))]
        with stubber:
            steps.append(view(lambda: client.get_model_customization_job(jobIdentifier=JOB)))
        code = kwargs.get("service_error_code")
        if code in _model.ERROR_CODES and steps[0][0] == "result" and steps[-1][0] == "error":
            try:
                stubber.add_client_error("get_model_customization_job", **kwargs)
                with stubber:
                    client.get_model_customization_job(jobIdentifier=JOB)
            except getattr(client.exceptions, code) as e:
                steps.append(["caught as client.exceptions." + code, e.response["Error"]["Code"]])
        return steps

    side_by_side(pair, scenario)


def test_add_response_checks_the_method_and_deactivate_restores_the_client(pair):
    def scenario(client, stubber):
        steps = [view(lambda: stubber.add_response("no_such_method", {}))]
        stubber.add_response("list_custom_models", {"modelSummaries": []})
        stubber.activate()
        stubber.deactivate()
        # Deactivated: the call goes to the (closed) endpoint again.
        steps.append(view(lambda: client.list_custom_models())[1]["class"])
        steps.append(view(stubber.assert_no_pending_responses))
        return steps

    steps = side_by_side(pair, scenario)
    assert steps[0][1]["str"] == "Client bedrock does not have method: no_such_method"
    assert steps[1] == "EndpointConnectionError"
    assert steps[2][1]["str"] == "1 responses remaining in queue."


def test_paginators_consume_stubbed_pages(pair):
    summary = _summary("ModelCustomizationJobSummary")

    def scenario(client, stubber):
        stubber.add_response("list_model_customization_jobs", {"modelCustomizationJobSummaries": [summary], "nextToken": "t1"},
                             expected_params={"maxResults": 1})
        stubber.add_response("list_model_customization_jobs", {"modelCustomizationJobSummaries": [summary]},
                             expected_params={"maxResults": 1, "nextToken": "t1"})
        with stubber:
            pages = client.get_paginator("list_model_customization_jobs").paginate(PaginationConfig={"PageSize": 1})
            return [view(lambda: pages.build_full_result()), view(stubber.assert_no_pending_responses)]

    steps = side_by_side(pair, scenario)
    assert len(steps[0][1]["modelCustomizationJobSummaries"]) == 2


def get_waiter(client: Any, name: str) -> Any:
    """``client.get_waiter(name)``; for boto3 (botocore has no Bedrock waiters) botocore's
    Waiter built from the pinned waiter definitions, the ones this package's come from."""
    if isinstance(client, bc.Client):
        return client.get_waiter(name)
    model = botocore.waiter.WaiterModel(pinned_json("waiters-2.json"))
    return botocore.waiter.create_waiter_with_client(_model_waiter_name(model, name), model, client)


def _model_waiter_name(model: Any, name: str) -> str:
    return next(n for n in model.waiter_names if xform_name(n) == name)


@pytest.mark.parametrize(
    "statuses, error",
    [
        (["InProgress", "InProgress", "Completed"], None),
        (["InProgress", "Failed"], None),
        (["InProgress"], "ResourceNotFoundException"),
        (["InProgress"], "ThrottlingException"),
        (["InProgress", "InProgress", "InProgress"], None),
    ],
)
def test_waiters_consume_stubbed_responses(pair, statuses, error):
    base = minimal_response("GetModelCustomizationJob")

    def scenario(client, stubber):
        for status in statuses:
            stubber.add_response("get_model_customization_job", dict(base, status=status),
                                 expected_params={"jobIdentifier": JOB})
        if error:
            stubber.add_client_error("get_model_customization_job", error, "gone", 400)
            stubber.add_response("get_model_customization_job", dict(base, status="Completed"))
        with stubber:
            waiter = get_waiter(client, "model_customization_job_completed")
            outcome = view(lambda: waiter.wait(jobIdentifier=JOB, WaiterConfig={"Delay": 0, "MaxAttempts": 3}))
        if outcome[0] == "error":
            outcome[1]["last_response"] = outcome[1].pop("response", None) or None
        return [outcome, len(stubber._queue)]

    side_by_side(pair, scenario)


# -- the async client: the same answers as the sync client's ---------------------------


@pytest.mark.parametrize("operation", OPERATIONS)
def test_async_client_answers_from_the_queue(operation):
    method = xform_name(operation)
    request = minimal_request(operation)
    response = minimal_response(operation)

    async def scenario():
        client = bc.async_client("bedrock", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                                 aws_access_key_id="testing", aws_secret_access_key="testing")
        with Stubber(client) as stubber:
            stubber.add_response(method, response, expected_params=request)
            got = await getattr(client, method)(**request)
            stubber.assert_no_pending_responses()
            with pytest.raises(bc.exceptions.UnStubbedResponseError):
                await getattr(client, method)(**request)
        return got

    assert asyncio.run(scenario()) is response


def test_async_paginator_and_waiter():
    summary = _summary("ModelCustomizationJobSummary")
    base = minimal_response("GetModelCustomizationJob")

    async def scenario():
        client = bc.async_client("bedrock", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                                 aws_access_key_id="testing", aws_secret_access_key="testing")
        with Stubber(client) as stubber:
            stubber.add_response("list_model_customization_jobs", {"modelCustomizationJobSummaries": [summary], "nextToken": "t"})
            stubber.add_response("list_model_customization_jobs", {"modelCustomizationJobSummaries": [summary]},
                                 expected_params={"nextToken": "t"})
            pages = [p async for p in client.get_paginator("list_model_customization_jobs").paginate()]
            stubber.add_response("get_model_customization_job", dict(base, status="InProgress"))
            stubber.add_client_error("get_model_customization_job", "ThrottlingException")
            stubber.add_response("get_model_customization_job", dict(base, status="Completed"))
            await client.get_waiter("model_customization_job_completed").wait(
                jobIdentifier=JOB, WaiterConfig={"Delay": 0})
            stubber.assert_no_pending_responses()
            stubber.add_response("get_model_customization_job", dict(base, status="Failed"))
            with pytest.raises(bc.exceptions.WaiterError) as e:
                await client.get_waiter("model_customization_job_completed").wait(
                    jobIdentifier=JOB, WaiterConfig={"Delay": 0})
        return pages, e.value

    pages, error = asyncio.run(scenario())
    assert [len(p["modelCustomizationJobSummaries"]) for p in pages] == [1, 1]
    assert "terminal failure state" in str(error) and error.last_response["status"] == "Failed"


def test_the_stubber_without_botocore():
    """With botocore unimportable: ANY of our own, the standalone exception classes,
    the same behaviour."""
    import json
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(
        """
        import json, sys
        sys.modules["botocore"] = None
        import bedrock_customization as bc
        from bedrock_customization.testing import ANY, Stubber
        client = bc.client("bedrock", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        out = {"ANY": repr(ANY)}
        with Stubber(client) as stubber:
            stubber.add_response("list_custom_models", {"modelSummaries": []}, expected_params={"maxResults": ANY})
            out["answer"] = client.list_custom_models(maxResults=3)
            stubber.add_response("list_custom_models", {"modelSummaries": []}, expected_params={"maxResults": 1})
            try:
                client.list_custom_models(maxResults=2)
            except AssertionError as e:
                out["assertion"] = [type(e).__name__, str(e).splitlines()[-1]]
            client.list_custom_models(maxResults=1)  # the response stays queued, as botocore's
            try:
                client.list_custom_models()
            except bc.exceptions.StubResponseError as e:
                out["unstubbed"] = [type(e).__name__, isinstance(e, AssertionError)]
        out["botocore"] = sorted(m for m in sys.modules if m.startswith("botocore") and sys.modules[m] is not None)
        print(json.dumps(out))
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out == {
        "ANY": "<ANY>",
        "answer": {"modelSummaries": []},
        "assertion": ["StubAssertionError", "(different: maxResults)"],
        "unstubbed": ["UnStubbedResponseError", False],
        "botocore": [],
    }
