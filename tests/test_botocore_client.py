"""The client as botocore sees it: ``isinstance(client, BaseClient)``, ``client.meta``
(``service_model``, ``events`` and the rest) and botocore's events on the call path,
side by side with boto3. (botocore's Stubber on this client: test_stubber.py; botocore's
waiter machinery on it: test_waiters.py; Airflow's provider: test_airflow.py.)

The event handlers here record what each event carries; both clients make the same
calls and must record the same things."""

import asyncio
import copy
import json
import subprocess
import sys
import textwrap
from typing import Any, Dict, List

import botocore.awsrequest
import botocore.client
import botocore.config
import pytest

import bedrock_customization as bc
from bedrock_customization import _model
from conftest import (
    CREDENTIALS, REGION, error_view, make_bc_client, make_boto3_client, pinned_json, pinned_service_model, strip_volatile,
)

EVENTS = ["provide-client-params", "before-parameter-build", "before-call", "after-call", "after-call-error"]
ONE_ATTEMPT = {"retries": {"max_attempts": 1, "mode": "standard"}}


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120)


# ---------------------------------------------------------------------------
# isinstance and nothing imported until used
# ---------------------------------------------------------------------------


def test_botocore_is_imported_only_when_used():
    """Making a client and reading its plain ``meta`` imports nothing of botocore's
    client machinery; ``isinstance`` against BaseClient is true once the asker has
    imported it; ``meta.service_model`` / ``meta.events`` import what they need."""
    result = run_python("""
        import sys
        import bedrock_customization as bc
        heavy = ("botocore.client", "botocore.hooks", "botocore.model", "botocore.waiter")
        client = bc.client("bedrock", region_name="eu-west-1", endpoint_url="http://127.0.0.1:9",
                           aws_access_key_id="k", aws_secret_access_key="s")
        aclient = bc.async_client("bedrock", region_name="eu-west-1")
        client.meta.region_name, client.meta.endpoint_url, client.meta.partition, client.meta.config
        assert isinstance(client, bc.Client) and type(client) is bc.Client
        assert client.__class__ is bc.Client
        print("before", sorted(m for m in heavy if m in sys.modules))
        import botocore.client
        print("isinstance", isinstance(client, botocore.client.BaseClient),
              isinstance(aclient, botocore.client.BaseClient), type(client) is bc.Client,
              isinstance(client, bc.Client), isinstance(aclient, bc.AsyncClient),
              issubclass(client.__class__, bc.Client), client.__class__.__name__)
        client.meta.events
        client.meta.service_model
        print("after", sorted(m for m in heavy if m in sys.modules))
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "before []",
        "isinstance True True True True True True Client",
        "after ['botocore.client', 'botocore.hooks', 'botocore.model', 'botocore.waiter']",
    ]


def test_without_botocore_the_client_is_as_before():
    """With botocore hidden, a client works and ``meta`` has everything that needs no
    botocore; ``meta.events`` says what is missing."""
    result = run_python("""
        import builtins, sys
        real_import = builtins.__import__
        def no_botocore(name, *args, **kwargs):
            if name == "botocore" or name.startswith("botocore.") or name == "boto3":
                raise ImportError("No module named " + repr(name))
            return real_import(name, *args, **kwargs)
        builtins.__import__ = no_botocore
        import bedrock_customization as bc
        client = bc.client("bedrock", region_name="us-east-1")
        print(client.__class__ is bc.Client, client.meta.partition, len(client.meta.method_to_api_mapping))
        client.close()
        try:
            client.meta.events
        except ImportError as e:
            print("ImportError", e)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"True aws {len(_model.OPERATIONS)}",
        "ImportError No module named 'botocore.hooks'",
    ]


# ---------------------------------------------------------------------------
# client.meta, side by side with boto3's
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["us-east-1", "cn-north-1", "us-gov-west-1"])
def test_meta_matches_boto3(closed_port, region):
    url = f"http://127.0.0.1:{closed_port}"
    theirs, ours = make_boto3_client(url, region_name=region), make_bc_client(url, region_name=region)
    for name in ("region_name", "endpoint_url", "partition", "method_to_api_mapping"):
        assert getattr(ours.meta, name) == getattr(theirs.meta, name), name
    assert ours.meta.config.region_name == theirs.meta.config.region_name == region
    assert isinstance(ours.meta.events, type(theirs.meta.events._emitter))  # boto3's is an EventAliaser around one
    ours.close()


def _shape_view(shape: Any, seen: set) -> Any:
    """What botocore reads of a shape (not its documentation), recursively."""
    if shape.name in seen:
        return shape.name
    seen = seen | {shape.name}
    view: Dict[str, Any] = {"name": shape.name, "type": shape.type_name, "metadata": shape.metadata,
                            "serialization": shape.serialization}
    if shape.type_name == "structure":
        view["members"] = [(k, _shape_view(v, seen)) for k, v in shape.members.items()]
        view["required"] = shape.required_members
    elif shape.type_name == "list":
        view["member"] = _shape_view(shape.member, seen)
    elif shape.type_name == "map":
        view["key"], view["value"] = _shape_view(shape.key, seen), _shape_view(shape.value, seen)
    elif shape.type_name == "string":
        view["enum"] = shape.enum
    return view


def test_service_model_is_botocores_for_the_pinned_model(closed_port):
    """``meta.service_model`` is botocore's ServiceModel and reads as boto3's own copy
    of the same model: metadata, every operation's HTTP binding and traits, every
    input, output and error shape, member for member, in the model's order (botocore's
    messages list members in that order)."""
    import botocore.model

    url = f"http://127.0.0.1:{closed_port}"
    theirs = make_boto3_client(url).meta.service_model
    ours = make_bc_client(url).meta.service_model
    assert isinstance(ours, botocore.model.ServiceModel)
    assert ours is make_bc_client(url).meta.service_model  # built once
    for name in ("service_name", "service_id", "api_version", "protocol", "signing_name", "endpoint_prefix",
                 "operation_names"):
        assert getattr(ours, name) == getattr(theirs, name), name
    assert [e.name for e in ours.error_shapes] == [e.name for e in theirs.error_shapes]
    assert sorted(ours.operation_names) == sorted(_model.OPERATIONS.values())
    for operation in ours.operation_names:
        a, b = ours.operation_model(operation), theirs.operation_model(operation)
        assert (a.http, a.deprecated, a.resolved_auth_type, a.has_streaming_input, a.has_streaming_output) == (
            b.http, b.deprecated, b.resolved_auth_type, b.has_streaming_input, b.has_streaming_output), operation
        for side in ("input_shape", "output_shape"):
            x, y = getattr(a, side), getattr(b, side)
            assert (x is None) == (y is None)
            if x is not None:
                assert _shape_view(x, set()) == _shape_view(y, set()), (operation, side)
            assert [_shape_view(e, set()) for e in a.error_shapes] == [_shape_view(e, set()) for e in b.error_shapes]


# ---------------------------------------------------------------------------
# Events on the call path, side by side with boto3
# ---------------------------------------------------------------------------


class Recorder:
    """Handlers for the five call events that record what each carries."""

    def __init__(self) -> None:
        self.seen: List[Any] = []

    def attach(self, client: Any) -> "Recorder":
        for event in EVENTS:
            client.meta.events.register(f"{event}.bedrock", self.handler(event))
        return self

    def handler(self, event: str):
        def record(event_name: str, **kwargs: Any) -> None:
            entry: Dict[str, Any] = {"event": event_name}
            if "model" in kwargs:
                entry["model"] = kwargs["model"].name
            if event in ("provide-client-params", "before-parameter-build"):
                entry["params"] = copy.deepcopy(kwargs["params"])
            if event == "before-call":
                request = kwargs["params"]
                entry["request"] = {k: request[k] for k in ("url_path", "query_string", "method", "body", "url")}
            if event == "after-call":
                entry["status"] = kwargs["http_response"].status_code
                entry["parsed"] = strip_volatile(kwargs["parsed"])
            if event == "after-call-error":
                entry["exception"] = type(kwargs["exception"]).__name__
            entry["context"] = isinstance(kwargs.get("context"), dict)  # given (its keys differ: botocore adds its own)
            self.seen.append(entry)
        return record


def outcome(call) -> List[Any]:
    try:
        result = call()
        return ["result", strip_volatile(result) if isinstance(result, dict) else result]
    except Exception as e:  # noqa: BLE001 - the exception is the outcome
        return ["error", error_view(e)]


def both(url: str, scenario, **client_kwargs: Any):
    """Runs ``scenario(client, recorder)`` on boto3 and on this package, each with a
    Recorder attached; returns (boto3's, ours) as (outcome, events)."""
    results = []
    config = client_kwargs.pop("config", None)
    for make, cfg in ((make_boto3_client, botocore.config.Config), (make_bc_client, bc.Config)):
        client = make(url, config=cfg(**config) if config else None, **client_kwargs)
        recorder = Recorder().attach(client)
        results.append((scenario(client, recorder), recorder.seen))
    return results


def test_events_of_a_successful_and_a_failed_call(local_url):
    def scenario(client, recorder):
        return [outcome(lambda: client.list_foundation_models(byProvider="Amazon")),
                outcome(lambda: client.get_custom_model(modelIdentifier="no-such-model"))]

    theirs, ours = both(local_url, scenario)
    assert ours == theirs
    events = [e["event"] for e in ours[1]]
    assert events == [f"{event}.bedrock.{op}" for op in ("ListFoundationModels", "GetCustomModel")
                      for event in EVENTS[:4]]
    assert ours[0][1][0] == "error" and ours[0][1][1]["class"] == "ResourceNotFoundException"
    assert ours[1][7]["status"] == 404 and ours[1][7]["parsed"]["Error"]["Code"] == "ResourceNotFoundException"


def test_provide_client_params_replaces_the_parameters(local_url):
    def scenario(client, recorder):
        client.meta.events.register(
            "provide-client-params.bedrock.GetCustomModel", lambda params, **kw: {"modelIdentifier": "replaced"})
        return outcome(lambda: client.get_custom_model(modelIdentifier="original"))

    theirs, ours = both(local_url, scenario)
    assert ours == theirs
    assert ours[1][1]["params"] == {"modelIdentifier": "replaced"}  # before-parameter-build sees the new ones
    assert ours[1][2]["request"]["url_path"] == "/custom-models/replaced"


def test_a_before_call_answer_is_the_result_and_nothing_is_sent(closed_port):
    answer = {"modelSummaries": [], "NextToken": "x"}

    def scenario(client, recorder):
        def short_circuit(**kwargs):
            return botocore.awsrequest.AWSResponse(None, 200, {}, None), answer

        client.meta.events.register("before-call.bedrock.ListCustomModels", short_circuit)
        return outcome(lambda: client.list_custom_models(maxResults=5))

    theirs, ours = both(f"http://127.0.0.1:{closed_port}", scenario)
    assert ours == theirs
    assert ours[0] == ["result", answer]
    assert [e["event"].split(".")[0] for e in ours[1]] == EVENTS[:2] + ["after-call"]  # the answering
    assert ours[1][2]["parsed"] == answer  # handler is more specific: it runs before the recorder's


def test_an_error_answer_and_error_code_override(closed_port):
    def scenario(client, recorder):
        def short_circuit(**kwargs):
            return (botocore.awsrequest.AWSResponse(None, 400, {}, None),
                    {"Error": {"Code": "ValidationException", "Message": "no"}, "ResponseMetadata": {}})

        def override(context, **kwargs):
            context["error_code_override"] = "ThrottlingException"

        client.meta.events.register("before-call.bedrock.GetCustomModel", short_circuit)
        first = outcome(lambda: client.get_custom_model(modelIdentifier="m"))
        client.meta.events.register("after-call.bedrock.GetCustomModel", override)
        return [first, outcome(lambda: client.get_custom_model(modelIdentifier="m"))]

    theirs, ours = both(f"http://127.0.0.1:{closed_port}", scenario)
    assert ours == theirs
    assert [o[1]["class"] for o in ours[0]] == ["ValidationException", "ThrottlingException"]


def test_after_call_error_when_no_response_comes(closed_port):
    def scenario(client, recorder):
        return outcome(lambda: client.get_custom_model(modelIdentifier="m"))

    theirs, ours = both(f"http://127.0.0.1:{closed_port}", scenario, config=ONE_ATTEMPT)
    assert ours == theirs
    assert ours[0][1]["class"] == "EndpointConnectionError"
    assert [e["event"].split(".")[0] for e in ours[1]] == EVENTS[:3] + ["after-call-error"]
    assert ours[1][3]["exception"] == "EndpointConnectionError"


def test_invalid_parameters_stop_before_before_call(closed_port):
    def scenario(client, recorder):
        return outcome(lambda: client.get_custom_model(modelIdentifier=5))

    theirs, ours = both(f"http://127.0.0.1:{closed_port}", scenario)
    assert ours == theirs
    assert ours[0][1]["class"] == "ParamValidationError"
    assert [e["event"].split(".")[0] for e in ours[1]] == EVENTS[:2]


def test_paginators_and_waiters_run_the_events(local_url):
    """A paginator's pages and a waiter's polls are calls like any other: botocore's
    waiter (this package's waiter definitions in botocore's WaiterModel) on both
    clients, then this package's own waiter, which runs the same events."""
    from botocore.waiter import WaiterModel, create_waiter_with_client

    model = WaiterModel(pinned_json("waiters-2.json"))
    gone = {"modelIdentifier": "never-existed", "WaiterConfig": {"Delay": 0, "MaxAttempts": 2}}

    def scenario(client, recorder):
        pages = list(client.get_paginator("list_custom_models").paginate(PaginationConfig={"PageSize": 1}))
        waiter = create_waiter_with_client("CustomModelDeleted", model, client)
        return [len(pages), outcome(lambda: waiter.wait(**gone))]

    theirs, ours = both(local_url, scenario)
    assert ours == theirs
    assert ours[0][1] == ["result", None]
    assert ours[1][-1]["event"] == "after-call.bedrock.GetCustomModel"
    client = make_bc_client(local_url)
    recorder = Recorder().attach(client)
    client.get_waiter("custom_model_deleted").wait(**gone)
    assert recorder.seen == [e for e in ours[1] if e.get("model") == "GetCustomModel"]


def test_unregistering_every_handler_restores_the_direct_path(local_url):
    client = make_bc_client(local_url)
    assert "_make_api_call" not in vars(client)
    client.meta.events  # an emitter without handlers: nothing changes
    assert "_make_api_call" not in vars(client)
    seen: List[str] = []

    def handler(event_name, **kwargs):
        seen.append(event_name)

    client.meta.events.register("before-call.bedrock", handler, unique_id="mine")
    assert "_make_api_call" in vars(client)
    client.list_custom_models()
    client.meta.events.unregister("before-call.bedrock", unique_id="mine")
    assert "_make_api_call" not in vars(client)
    client.list_custom_models()
    assert seen == ["before-call.bedrock.ListCustomModels"]


def test_the_async_client_runs_the_events(local_url):
    async def main():
        async with bc.async_client("bedrock", region_name=REGION, endpoint_url=local_url, **CREDENTIALS) as client:
            recorder = Recorder().attach(client)
            result = await client.list_foundation_models(byProvider="Amazon")
            try:
                await client.get_custom_model(modelIdentifier="no-such-model")
            except client.exceptions.ResourceNotFoundException:
                pass
            # the async waiter's polls run the events too (and do not block the loop for good)
            await asyncio.wait_for(client.get_waiter("custom_model_deleted").wait(
                modelIdentifier="no-such-model", WaiterConfig={"Delay": 0, "MaxAttempts": 2}), 30)
            return result, recorder.seen

    result, seen = asyncio.run(main())
    sync = make_bc_client(local_url)
    recorder = Recorder().attach(sync)
    assert strip_volatile(result) == strip_volatile(sync.list_foundation_models(byProvider="Amazon"))
    outcome(lambda: sync.get_custom_model(modelIdentifier="no-such-model"))
    outcome(lambda: sync.get_custom_model(modelIdentifier="no-such-model"))  # the waiter's one poll
    assert seen == recorder.seen


def test_our_stubber_answers_inside_the_events(closed_port):
    """bc.testing.Stubber (for the async client too) with handlers registered: the
    events run around the Stubber's answer, as around a real call."""
    from bedrock_customization.testing import Stubber

    client = make_bc_client(f"http://127.0.0.1:{closed_port}")
    recorder = Recorder().attach(client)
    stubber = Stubber(client)
    stubber.add_response("list_custom_models", {"modelSummaries": []})
    stubber.add_client_error("get_custom_model", "ResourceNotFoundException", "gone", 404)
    with stubber:
        assert client.list_custom_models() == {"modelSummaries": []}
        with pytest.raises(client.exceptions.ResourceNotFoundException):
            client.get_custom_model(modelIdentifier="m")
    assert [e["event"].split(".")[0] for e in recorder.seen] == EVENTS[:4] * 2
    assert recorder.seen[7]["status"] == 404
    assert "_make_api_call" in vars(client)  # the handlers are still registered


def test_request_dict_matches_botocores(local_url):
    """``before-call``'s ``params`` is the request botocore builds, for every operation
    whose smallest request has no idempotency token (a fresh value per call)."""
    service = pinned_service_model()
    requests: Dict[str, List[Any]] = {}

    def capture(params, model, **kwargs):
        requests.setdefault(model.name, []).append(
            {k: params[k] for k in ("url_path", "query_string", "method", "headers", "body")})
        return botocore.awsrequest.AWSResponse(None, 200, {}, None), {}

    clients = [make_boto3_client(local_url), make_bc_client(local_url)]
    for client in clients:
        client.meta.events.register("before-call.bedrock", capture)
    checked = 0
    for operation in service.operation_names:
        model = service.operation_model(operation)
        shape = model.input_shape
        if shape is None or any(m.metadata.get("idempotencyToken") for m in shape.members.values()):
            continue
        params = {name: "a" * max(3, shape.members[name].metadata.get("min", 0)) for name in shape.required_members
                  if shape.members[name].type_name == "string" and not shape.members[name].enum}
        if len(params) != len(shape.required_members):
            continue
        method = botocore.xform_name(operation)
        for client in clients:
            getattr(client, method)(**params)
        theirs, ours = requests[operation]
        theirs["headers"] = {k: v for k, v in theirs["headers"].items() if k != "User-Agent"}
        assert ours == theirs, operation
        checked += 1
    assert checked > 40


def test_events_follow_the_client_into_moto(monkeypatch):
    """Under moto's mock_aws the events still run on the client, and the call itself
    goes to moto's state (the same job that boto3 sees)."""
    from moto import mock_aws

    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        import boto3

        theirs = boto3.client("bedrock", region_name=REGION)
        ours = bc.client("bedrock", region_name=REGION)
        seen: List[str] = []
        ours.meta.events.register("after-call.bedrock", lambda event_name, **kw: seen.append(event_name))
        theirs.create_model_customization_job(
            jobName="moto-events", customModelName="m", roleArn="arn:aws:iam::123456789012:role/r",
            baseModelIdentifier="amazon.titan-text-express-v1", trainingDataConfig={"s3Uri": "s3://b/t.jsonl"},
            outputDataConfig={"s3Uri": "s3://b/o/"}, hyperParameters={})
        job = ours.get_model_customization_job(jobIdentifier="moto-events")
        assert job["jobName"] == "moto-events"
        assert seen == ["after-call.bedrock.GetModelCustomizationJob"]


def test_session_clients_are_base_clients():
    session = bc.Session(region_name=REGION, **CREDENTIALS)
    assert isinstance(session.client("bedrock"), botocore.client.BaseClient)
    assert isinstance(session.async_client("bedrock"), botocore.client.BaseClient)
    assert json.dumps(sorted(session.client("bedrock").meta.method_to_api_mapping)) == json.dumps(
        sorted(_model.OPERATIONS))


@pytest.mark.parametrize("kind", ["boto3", "botocore"])
def test_session_from_boto3_keeps_credentials_and_region(recorder, kind):
    """``bc.Session.from_boto3``: what an Airflow hook hands over (its boto3 session)
    signs this package's requests as it would sign boto3's."""
    import boto3.session
    import botocore.session

    if kind == "boto3":
        source = boto3.session.Session(aws_access_key_id="AKIDFROMBOTO3", aws_secret_access_key="s",
                                       aws_session_token="TOKEN-FROM-BOTO3", region_name="eu-central-1")
    else:
        source = botocore.session.Session()
        source.set_credentials("AKIDFROMBOTO3", "s", "TOKEN-FROM-BOTO3")
        source.set_config_variable("region", "eu-central-1")
    client = bc.Session.from_boto3(source).client("bedrock", endpoint_url=recorder.url)
    assert client.meta.region_name == "eu-central-1"
    client.list_custom_models()
    headers = recorder.requests[-1].headers
    assert "Credential=AKIDFROMBOTO3/" in headers["authorization"]
    assert "/eu-central-1/bedrock/aws4_request" in headers["authorization"]
    assert headers["x-amz-security-token"] == "TOKEN-FROM-BOTO3"


def test_a_client_with_an_emitter_is_freed_when_dropped(closed_port):
    """The emitter does not keep its client alive (no cycle through it): a client
    whose ``meta.events`` was used, with no handler left, goes when its last
    reference does."""
    import gc
    import weakref

    gc.disable()
    try:
        client = make_bc_client(f"http://127.0.0.1:{closed_port}")
        client.meta.events.register("after-call.bedrock", lambda **kwargs: None, unique_id="h")
        assert "_make_api_call" in vars(client)
        client.meta.events.unregister("after-call.bedrock", unique_id="h")
        ref = weakref.ref(client)
        del client
        assert ref() is None
    finally:
        gc.enable()


@pytest.mark.parametrize("config", [["a"], "retries", 5])
def test_a_config_that_cannot_be_one_is_refused(config):
    """``meta.config`` is the client's own copy with its region; what cannot carry one
    is refused with a clear TypeError (boto3 fails on it too, with an AttributeError)."""
    with pytest.raises(TypeError, match=f"config must be a bedrock_customization.Config or a botocore.config.Config, "
                                         f"not {type(config).__name__}"):
        bc.client("bedrock", region_name=REGION, config=config)


def test_botocores_stubber_on_the_async_client(closed_port):
    """botocore's Stubber needs only ``meta.events``, so it answers the async client's
    calls too (its handlers run around the awaited call)."""
    import botocore.stub

    async def main():
        client = bc.async_client("bedrock", region_name=REGION, endpoint_url=f"http://127.0.0.1:{closed_port}",
                                 **CREDENTIALS)
        stubber = botocore.stub.Stubber(client)
        stubber.add_response("list_custom_models", {"modelSummaries": []}, {"maxResults": 5})
        stubber.add_client_error("get_custom_model", "ResourceNotFoundException", "gone", 404)
        with stubber:
            listed = await client.list_custom_models(maxResults=5)
            with pytest.raises(client.exceptions.ResourceNotFoundException, match="gone"):
                await client.get_custom_model(modelIdentifier="m")
            with pytest.raises(botocore.stub.StubAssertionError):
                stubber.add_response("list_custom_models", {"modelSummaries": []}, {"maxResults": 5})
                await client.list_custom_models(maxResults=6)
        return listed

    assert asyncio.run(main()) == {"modelSummaries": []}
