"""moto's ``mock_aws`` with this package's clients: inside the mock, boto3 and bc see the
same moto state, whichever of them made it, sync and async, and nothing reaches a real
endpoint (this machine has no route to one: a call that tried would fail).

The operations are the ones moto implements (conftest's list, taken from moto, as in
test_moto_parity), driven by the scenarios test_moto_parity runs (conftest's): each runs
once with boto3 alone and then with boto3 and bc taking turns step by step (boto3 first,
and bc first); the outcomes must be the same, so every read sees what the other client
wrote."""

import asyncio
import re
import threading
import time
import uuid
from typing import Any, Callable, Dict, List

import boto3
import botocore.exceptions
import moto.core.models
import pytest
from moto import mock_aws, settings
from moto.server import ThreadedMotoServer

import bedrock_customization as bc
from bedrock_customization import _mocking, _model
from bedrock_customization.exceptions import MockAwsUnavailableError
from bedrock_customization.testing import Stubber
from conftest import (
    CREDENTIALS,
    REGION,
    SCENARIOS,
    Recording,
    assert_parity,
    blank_datetimes,
    blank_uuids,
    job_request,
    make_boto3_client,
    moto_operations,
    outcome,
)

MOTO_OPERATIONS = moto_operations()

# Every scenario, the tagging one included: moto's job ARNs do not match the model's
# pattern for taggable ARNs, but a default client checks what boto3 checks and sends
# them as boto3 does; a strict one refuses them (test_a_strict_client_refuses_...).
TAGGING = {"tag_resource", "untag_resource", "list_tags_for_resource"}


def boto3_client() -> Any:
    """A boto3 client at AWS's own endpoint, which mock_aws intercepts."""
    return boto3.session.Session().client("bedrock", region_name=REGION, **CREDENTIALS)


def bc_client() -> Any:
    return bc.client("bedrock", region_name=REGION, **CREDENTIALS)


class AsyncDriven:
    """The async client driven step by step from synchronous test code: each operation
    call runs to completion on one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, called: set) -> None:
        self._loop, self._called = loop, called
        self._client = bc.async_client("bedrock", region_name=REGION, **CREDENTIALS)

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        if name not in _model.OPERATIONS:
            return method
        self._called.add(name)
        return lambda *args, **kwargs: self._loop.run_until_complete(method(*args, **kwargs))


def run(steps: List[Callable[[Any, str], Any]], clients: List[Any]) -> List[Any]:
    """The scenario's outcomes inside a fresh mock_aws, step i made by clients[i % len]."""
    name = f"mock-{uuid.uuid4().hex[:10]}"
    with mock_aws():
        return [blank_datetimes(blank_uuids(outcome(lambda c: step(c, name), clients[i % len(clients)])))
                for i, step in enumerate(steps)]


@pytest.fixture
def loop():
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


def _bc(kind: str, loop: asyncio.AbstractEventLoop, called: set) -> Any:
    return Recording(bc_client(), called) if kind == "sync" else AsyncDriven(loop, called)


@pytest.mark.parametrize("kind", ["sync", "async"])
@pytest.mark.parametrize("first", ["boto3", "bc"])
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_boto3_and_bc_share_the_mock_state(scenario, first, kind, loop):
    steps = SCENARIOS[scenario]
    alone = run(steps, [boto3_client()])
    ours = _bc(kind, loop, set())
    mixed = run(steps, [boto3_client(), ours] if first == "boto3" else [ours, boto3_client()])
    # the names differ from run to run (and so do the ARNs made of them)
    names = lambda outcomes: str(outcomes).count("mock-")  # noqa: E731
    assert names(alone) == names(mixed)
    assert [o[0] for o in alone].count("result") >= 2  # reads that found what was written
    assert_parity(_renamed(alone), _renamed(mixed))


_NAME = re.compile(r"mock-[0-9a-f]{10}")


def _renamed(value: Any) -> Any:
    """Names blanked, and the HTTP headers: moto answers boto3 in process (one header,
    ``server``) and bc through its server (werkzeug's headers too)."""
    if isinstance(value, str):
        return _NAME.sub("mock-NAME", value)
    if isinstance(value, dict):
        return {k: _renamed(v) for k, v in value.items() if k != "HTTPHeaders"}
    if isinstance(value, list):
        return [_renamed(v) for v in value]
    return value


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_every_operation_moto_implements_is_driven(kind, loop):
    called: set = set()
    for steps in SCENARIOS.values():
        for result in run(steps, [_bc(kind, loop, called)]):
            # an answer, or one of the service's modelled errors from moto (not a
            # connection error, nor one of this package's own)
            assert result[0] == "result" or result[1]["error"]["Code"] in _model.ERROR_CODES, result
    assert called == set(MOTO_OPERATIONS)
    assert TAGGING <= called


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_strict_client_refuses_moto_arns_for_tagging_before_sending(kind, loop):
    """moto's job ARN breaks the model's pattern for taggable ARNs: inside the mock a
    strict client (sync or async) refuses it before sending, a default one sends it."""
    strict_config = bc.Config(parameter_validation="strict")
    if kind == "sync":
        strict = bc.client("bedrock", region_name=REGION, **CREDENTIALS, config=strict_config)
        call = lambda method, **kwargs: getattr(strict, method)(**kwargs)  # noqa: E731
    else:
        strict_async = bc.async_client("bedrock", region_name=REGION, **CREDENTIALS, config=strict_config)
        call = lambda method, **kwargs: loop.run_until_complete(getattr(strict_async, method)(**kwargs))  # noqa: E731
    with mock_aws():
        name = f"mock-{uuid.uuid4().hex[:10]}"
        bc_client().create_model_customization_job(**job_request(name, f"{name}-model"))
        arn = boto3_client().get_model_customization_job(jobIdentifier=name)["jobArn"]
        boto3_client().tag_resource(resourceARN=arn, tags=[{"key": "team", "value": "ml"}])
        for method, kwargs in (("untag_resource", {"tagKeys": ["team"]}),
                               ("tag_resource", {"tags": [{"key": "a", "value": "b"}]}),
                               ("list_tags_for_resource", {})):
            with pytest.raises(bc.exceptions.ParamValidationError,
                               match=r"Invalid value for parameter resourceARN, value: .*, valid pattern: "):
                call(method, resourceARN=arn, **kwargs)
        assert boto3_client().list_tags_for_resource(resourceARN=arn)["tags"] == [{"key": "team", "value": "ml"}]
        # the same calls from a default client reach moto
        bc_client().untag_resource(resourceARN=arn, tagKeys=["team"])
        assert boto3_client().list_tags_for_resource(resourceARN=arn)["tags"] == []


# -- the three ways of starting the mock, and clients made before it ----------------------


def _create_with_boto3_read_with_bc(client: Any) -> Dict[str, Any]:
    name = f"mock-{uuid.uuid4().hex[:10]}"
    made = boto3_client().create_model_customization_job(**job_request(name, f"{name}-model"))
    got = client.get_model_customization_job(jobIdentifier=name)
    assert got["jobArn"] == made["jobArn"] and got["status"] == "InProgress"
    return got


def test_decorator():
    @mock_aws
    def body() -> Dict[str, Any]:
        return _create_with_boto3_read_with_bc(bc_client())

    assert body()["jobName"].startswith("mock-")


def test_context_manager_and_a_client_made_before_it():
    before = bc_client()
    with mock_aws():
        _create_with_boto3_read_with_bc(before)
        _create_with_boto3_read_with_bc(bc_client())
    # once the mock has stopped, the client goes to its own endpoint again
    assert _mocking.target(before) is before and _mocking.moto_endpoint(before) is None
    with mock_aws():  # a new mock starts from empty state, and the client follows it
        assert before.list_model_customization_jobs()["modelCustomizationJobSummaries"] == []
        with pytest.raises(bc.exceptions.ClientError) as e:
            before.get_model_customization_job(jobIdentifier="mock-0000000000")
        assert e.value.response["Error"]["Code"] == "ResourceNotFoundException"


MADE_BEFORE_THE_CLASS = bc_client()


@mock_aws
class TestClassDecorator:
    def test_a_client_made_in_the_test(self):
        _create_with_boto3_read_with_bc(bc_client())

    def test_a_client_made_at_import(self):
        _create_with_boto3_read_with_bc(MADE_BEFORE_THE_CLASS)
        # each test method has a mock of its own: one job, not the other test's
        assert len(MADE_BEFORE_THE_CLASS.list_model_customization_jobs()["modelCustomizationJobSummaries"]) == 1


def test_bc_writes_boto3_reads_async(loop):
    async def create(name: str) -> Dict[str, Any]:
        async with bc.async_client("bedrock", region_name=REGION, **CREDENTIALS) as client:
            return await client.create_model_customization_job(**job_request(name, f"{name}-model"))

    with mock_aws():
        name = f"mock-{uuid.uuid4().hex[:10]}"
        made = loop.run_until_complete(create(name))
        assert boto3_client().get_model_customization_job(jobIdentifier=name)["jobArn"] == made["jobArn"]


# -- paginators, waiters and the Stubber inside the mock ----------------------------------


def test_paginator_and_waiter_follow_the_mock():
    with mock_aws():
        client = bc_client()
        names = [f"mock-{i}-{uuid.uuid4().hex[:8]}" for i in range(3)]
        for name in names:
            boto3_client().create_model_customization_job(**job_request(name, f"{name}-model"))
        pages = list(client.get_paginator("list_model_customization_jobs").paginate(PaginationConfig={"PageSize": 2}))
        assert sorted(s["jobName"] for p in pages for s in p["modelCustomizationJobSummaries"]) == sorted(names)

        # boto3 stops the job a moment after the waiter has started polling it
        stopper = threading.Timer(0.3, lambda: boto3_client().stop_model_customization_job(jobIdentifier=names[0]))
        stopper.start()
        started = time.monotonic()
        client.get_waiter("model_customization_job_stopped").wait(
            jobIdentifier=names[0], WaiterConfig={"Delay": 0.1, "MaxAttempts": 100})
        stopper.join()
        assert time.monotonic() - started >= 0.3
        with pytest.raises(bc.exceptions.WaiterError, match="terminal failure state") as e:
            client.get_waiter("model_customization_job_completed").wait(
                jobIdentifier=names[0], WaiterConfig={"Delay": 0})
        assert e.value.last_response["status"] == "Stopped"


def test_async_waiter_follows_the_mock(loop):
    async def wait(name: str) -> None:
        client = bc.async_client("bedrock", region_name=REGION, **CREDENTIALS)
        await client.get_waiter("model_customization_job_stopped").wait(jobIdentifier=name, WaiterConfig={"Delay": 0})

    with mock_aws():
        name = f"mock-{uuid.uuid4().hex[:10]}"
        boto3_client().create_model_customization_job(**job_request(name, f"{name}-model"))
        boto3_client().stop_model_customization_job(jobIdentifier=name)
        loop.run_until_complete(wait(name))


def test_a_stubber_answers_before_the_mock():
    with mock_aws():
        client = bc_client()
        with Stubber(client) as stubber:
            stubber.add_client_error("get_model_customization_job", "ValidationException", "from the stub")
            with pytest.raises(bc.exceptions.ClientError, match="from the stub"):
                client.get_model_customization_job(jobIdentifier="mock-0000000000")
        with pytest.raises(bc.exceptions.ClientError, match="ResourceNotFoundException"):  # moto again
            client.get_model_customization_job(jobIdentifier="mock-0000000000")


def test_a_client_pointed_elsewhere_keeps_going_there(local_url):
    name = f"mock-{uuid.uuid4().hex[:10]}"
    local = bc.client("bedrock", region_name=REGION, endpoint_url=local_url, **CREDENTIALS)
    with mock_aws():
        local.create_model_customization_job(**job_request(name, f"{name}-model"))
        with pytest.raises(botocore.exceptions.ClientError, match="ResourceNotFoundException"):
            boto3_client().get_model_customization_job(jobIdentifier=name)  # not in moto
    assert make_boto3_client(local_url).get_model_customization_job(jobIdentifier=name)["jobName"] == name


# -- where the mock cannot serve the call: a clear error, nothing sent --------------------


def test_a_moto_this_package_cannot_follow(monkeypatch):
    with mock_aws():
        client = bc_client()
        with monkeypatch.context() as m:
            m.delattr(moto.core.models, "botocore_stubber")
            with pytest.raises(MockAwsUnavailableError, match=r"moto 5\.\d+\.\d+ is not a version") as e:
                client.list_custom_models()
        assert isinstance(e.value, botocore.exceptions.BotoCoreError)
        client.list_custom_models()  # the moto it can follow again
    assert "mock_aws is active, but this call cannot be served" in str(e.value)


def test_proxy_mode_is_refused(monkeypatch):
    monkeypatch.setenv("TEST_PROXY_MODE", "true")
    monkeypatch.setenv("MOTO_CALL_RESET_API", "false")  # no proxy here to reset
    mock = mock_aws()
    assert type(mock).__name__ == "ProxyModeMockAWS"
    with mock:
        with pytest.raises(MockAwsUnavailableError, match="proxy mode"):
            bc_client().list_custom_models()


def test_moto_without_its_server(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_server(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("moto.moto_server"):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(_mocking, "_server_url", None)
    monkeypatch.setattr(builtins, "__import__", no_server)
    with mock_aws():
        with pytest.raises(MockAwsUnavailableError, match=r"install moto\[server\]"):
            bc_client().list_custom_models()


def test_server_mode(monkeypatch):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        url = f"http://127.0.0.1:{server.get_host_and_port()[1]}"
        monkeypatch.setenv("TEST_SERVER_MODE_ENDPOINT", url)
        monkeypatch.setattr(settings, "TEST_SERVER_MODE", True)
        with mock_aws():
            client = bc_client()
            assert _mocking.moto_endpoint(client) == url
            name = f"mock-{uuid.uuid4().hex[:10]}"
            boto3.client("bedrock", region_name=REGION, **CREDENTIALS).create_model_customization_job(
                **job_request(name, f"{name}-model"))
            assert client.get_model_customization_job(jobIdentifier=name)["jobName"] == name
            # the job is on that server (the mock resets it when it stops)
            assert make_boto3_client(url).get_model_customization_job(jobIdentifier=name)["jobName"] == name
    finally:
        server.stop()


def test_the_mock_server_does_not_log_each_request(caplog, capfd):
    with mock_aws():
        client = bc_client()
        with caplog.at_level("DEBUG"):
            client.list_custom_models()
            with pytest.raises(bc.exceptions.ClientError):
                client.get_custom_model(modelIdentifier="mock-0000000000")
    assert [r for r in caplog.records if r.name == "werkzeug"] == []
    assert "/custom-models" not in capfd.readouterr().err


@pytest.mark.parametrize(
    "endpoint",
    ["https://bedrock-fips.us-east-1.amazonaws.com",
     "https://vpce-0123456789abcdef0-abcdefgh.bedrock.us-east-1.vpce.amazonaws.com",
     "https://bedrock-fips.cn-north-1.amazonaws.com.cn"],
)
def test_an_aws_host_moto_does_not_serve_is_not_called(endpoint, monkeypatch):
    explicit = bc.client("bedrock", region_name=REGION, endpoint_url=endpoint, **CREDENTIALS)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", endpoint)
    from_environment = bc_client()
    assert from_environment.endpoint_url == endpoint
    with mock_aws():
        for client in (explicit, from_environment):
            with pytest.raises(MockAwsUnavailableError, match="would reach AWS"):
                client.list_custom_models()
        # boto3 there gets moto's answer, an error, never AWS's
        with pytest.raises(botocore.exceptions.ClientError):
            boto3_client().list_custom_models()  # (its endpoint from the same variable)


def test_the_twin_needs_no_credentials_from_outside_the_test(tmp_path, monkeypatch):
    """A profile's credential process (or SSO, or a role) is not run for moto: the twin
    signs with the environment's (moto's) keys."""
    marker = tmp_path / "ran"
    script = tmp_path / "creds.py"
    script.write_text(f"open({str(marker)!r}, 'w').close()\n"
                      "print('{\"Version\": 1, \"AccessKeyId\": \"AKIDPROCESS\", \"SecretAccessKey\": \"s\"}')\n")
    config = tmp_path / "config"
    import sys

    config.write_text(f"[profile process]\ncredential_process = {sys.executable} {script}\nregion = {REGION}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with mock_aws():
        client = bc.Session(profile_name="process").client("bedrock")
        assert client.list_custom_models()["modelSummaries"] == []
        assert _mocking.target(client)._init_arguments["aws_access_key_id"] == "FOOBARKEY"
    assert not marker.exists()


def test_the_twin_of_an_async_or_unsigned_client(loop):
    with mock_aws():
        async_client = bc.async_client("bedrock", region_name=REGION, **CREDENTIALS)
        twin = _mocking.target(async_client)
        assert type(twin) is bc.AsyncClient and twin is not async_client
        assert type(_mocking.target(bc_client())) is bc.Client
        unsigned = bc.client("bedrock", region_name=REGION, config=bc.Config(signature_version=bc.UNSIGNED))
        name = f"mock-{uuid.uuid4().hex[:10]}"
        unsigned.create_model_customization_job(**job_request(name, f"{name}-model"))
        assert boto3_client().get_model_customization_job(jobIdentifier=name)["jobName"] == name
        assert unsigned._init_arguments["config"].signature_version is bc.UNSIGNED  # the user's is untouched
