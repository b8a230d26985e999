"""The package surface: imports, exceptions (with and without botocore),
client.exceptions, the local Bedrock helper and the pytest plugin."""

from __future__ import annotations

import json
import pickle
import socket
import subprocess
import sys
import textwrap
import urllib.parse

import botocore.exceptions
import pytest

import bedrock_customization as bc
from bedrock_customization import _model
from conftest import make_bc_client


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120
    )


# ---------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------


def test_import_is_light():
    """Importing the package and creating a client imports neither botocore nor moto."""
    result = run_python(
        """
        import sys, json
        import bedrock_customization as bc
        c = bc.client("bedrock", region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
        print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in ("botocore", "boto3", "moto", "pytest"))))
        """
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_lazy_submodules():
    result = run_python(
        """
        import sys
        import bedrock_customization as bc
        assert "bedrock_customization.exceptions" not in sys.modules
        assert bc.exceptions.ClientError.__module__ == "bedrock_customization.exceptions"
        assert "bedrock_customization.testing" not in sys.modules
        assert callable(bc.testing.local_bedrock)
        from bedrock_customization import exceptions, testing
        assert exceptions is bc.exceptions and testing is bc.testing
        assert {"exceptions", "testing", "client", "Session", "Config"} <= set(dir(bc))
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_version_matches_metadata():
    from importlib.metadata import version

    assert bc.__version__ == version("bedrock-customization")


def test_public_names():
    assert bc.Session is bc._client.Session
    assert isinstance(make_bc_client("http://127.0.0.1:1"), bc.Client)
    with pytest.raises(AttributeError):
        bc.no_such_name  # noqa: B018


# ---------------------------------------------------------------------------
# Exceptions
# ---------------------------------------------------------------------------

ERROR_RESPONSE = {
    "Error": {"Code": "ResourceNotFoundException", "Message": "Job x not found"},
    "ResponseMetadata": {"RequestId": "r-1", "HTTPStatusCode": 404, "MaxAttemptsReached": True, "RetryAttempts": 3},
    "message": "Job x not found",
}


def test_one_class_per_modeled_error():
    assert len(_model.ERROR_CODES) >= 5
    for code in _model.ERROR_CODES:
        cls = getattr(bc.exceptions, code)
        assert cls.__name__ == code
        assert issubclass(cls, bc.exceptions.ClientError)
        assert issubclass(cls, botocore.exceptions.ClientError)
        assert getattr(bc.exceptions.client_exceptions, code) is cls
        assert bc.exceptions.client_exceptions.from_code(code) is cls


def test_make_client_error_matches_botocore_formatting():
    exc = bc.exceptions.make_client_error(ERROR_RESPONSE, "GetModelCustomizationJob")
    ref = botocore.exceptions.ClientError(ERROR_RESPONSE, "GetModelCustomizationJob")
    assert type(exc) is bc.exceptions.ResourceNotFoundException
    assert str(exc) == str(ref)
    assert "(reached max retries: 3)" in str(exc)
    assert exc.response is ERROR_RESPONSE and exc.operation_name == "GetModelCustomizationJob"
    unknown = bc.exceptions.make_client_error({"Error": {"Code": "Nope", "Message": "m"}}, "ListModelCustomizationJobs")
    assert type(unknown) is bc.exceptions.ClientError
    empty = bc.exceptions.make_client_error({}, "ListModelCustomizationJobs")
    assert str(empty) == str(botocore.exceptions.ClientError({}, "ListModelCustomizationJobs"))


def test_client_exceptions_object(recorder):
    client = make_bc_client(recorder.url)
    ex = client.exceptions
    assert ex.ClientError is bc.exceptions.ClientError
    assert ex.from_code("SomethingElse") is bc.exceptions.ClientError
    with pytest.raises(AttributeError, match="Valid exceptions are: "):
        ex.NotAnError  # noqa: B018
    assert type(ex).__name__ == "BedrockExceptions"


def test_exceptions_pickle():
    exc = bc.exceptions.make_client_error(ERROR_RESPONSE, "GetModelCustomizationJob")
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is type(exc) and str(back) == str(exc) and back.response == exc.response
    for err in (
        bc.exceptions.EndpointConnectionError(endpoint_url="http://127.0.0.1:1/x", error="refused"),
        bc.exceptions.ParamValidationError(report="Missing required parameter in input: \"x\""),
        bc.exceptions.NoRegionError(),
        bc.exceptions.HTTPClientError(error="boom"),
    ):
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err) and str(back) == str(err)


# Every constructor the Rust core calls, with botocore's class of the same name.
CONSTRUCTORS = [
    ("ParamValidationError", {"report": "line 1\nline 2"}),
    ("EndpointConnectionError", {"endpoint_url": "http://127.0.0.1:1/x", "error": "refused"}),
    ("ConnectTimeoutError", {"endpoint_url": "http://127.0.0.1:1/x", "error": "timeout"}),
    ("ReadTimeoutError", {"endpoint_url": "http://127.0.0.1:1/x", "error": "timeout"}),
    ("SSLError", {"endpoint_url": "https://127.0.0.1:1/x", "error": "bad cert"}),
    ("ConnectionClosedError", {"endpoint_url": "http://127.0.0.1:1/x"}),
    ("NoRegionError", {}),
    ("NoCredentialsError", {}),
    ("HTTPClientError", {"error": "boom"}),
    ("PartialCredentialsError", {"provider": "explicit", "cred_var": "aws_secret_access_key"}),
    ("ProfileNotFound", {"profile": "dev"}),
    ("CredentialRetrievalError", {"provider": "sso", "error_msg": "expired"}),
    ("UnknownServiceError", {"service_name": "s3", "known_service_names": "bedrock"}),
    ("InvalidMaxRetryAttemptsError", {"provided_max_attempts": -1, "min_value": 0}),
]


@pytest.mark.parametrize("name, kwargs", CONSTRUCTORS, ids=[c[0] for c in CONSTRUCTORS])
def test_botocore_style_errors(name, kwargs):
    ours = getattr(bc.exceptions, name)(**kwargs)
    ref = getattr(botocore.exceptions, name)(**kwargs)
    assert isinstance(ours, getattr(botocore.exceptions, name))
    assert isinstance(ours, botocore.exceptions.BotoCoreError)
    assert str(ours) == str(ref)
    assert ours.kwargs == ref.kwargs


def test_hierarchy_within_the_package():
    E = bc.exceptions
    assert issubclass(E.EndpointConnectionError, E.ConnectionError)
    assert issubclass(E.ConnectTimeoutError, E.ConnectionError)
    assert issubclass(E.ReadTimeoutError, E.HTTPClientError)
    assert issubclass(E.NoRegionError, E.BaseEndpointResolverError)
    assert issubclass(E.InvalidRetryModeError, E.InvalidRetryConfigurationError)
    assert issubclass(E.UnknownServiceError, E.DataNotFoundError)


def test_response_parser_error_and_waiter_error():
    from botocore.parsers import ResponseParserError

    err = bc.exceptions.ResponseParserError("bad body")
    assert isinstance(err, ResponseParserError) and str(err) == "bad body"
    waiter = bc.exceptions.WaiterError(name="JobCompleted", reason="Max attempts exceeded", last_response={"a": 1})
    assert isinstance(waiter, botocore.exceptions.WaiterError)
    assert str(waiter) == "Waiter JobCompleted failed: Max attempts exceeded"
    assert waiter.last_response == {"a": 1}


def test_exceptions_without_botocore():
    """With botocore unimportable, standalone classes give botocore's messages."""
    samples = {name: kwargs for name, kwargs in CONSTRUCTORS}
    result = run_python(
        f"""
        import sys, json, pickle
        sys.modules["botocore"] = None  # makes `import botocore...` fail
        import bedrock_customization as bc
        E = bc.exceptions
        assert not E.HAVE_BOTOCORE
        out = {{}}
        for name, kwargs in {samples!r}.items():
            e = getattr(E, name)(**kwargs)
            assert isinstance(e, E.BotoCoreError) and isinstance(e, Exception)
            assert str(pickle.loads(pickle.dumps(e))) == str(e)
            out[name] = str(e)
        resp = {ERROR_RESPONSE!r}
        ce = E.make_client_error(resp, "GetModelCustomizationJob")
        assert type(ce).__name__ == "ResourceNotFoundException" and isinstance(ce, E.ClientError)
        assert ce.response is resp and ce.operation_name == "GetModelCustomizationJob"
        out["ClientError"] = str(ce)
        out["WaiterError"] = str(E.WaiterError(name="n", reason="r", last_response=None))
        out["ResponseParserError"] = str(E.ResponseParserError("bad"))
        out["issubclass"] = [issubclass(E.EndpointConnectionError, E.ConnectionError),
                             issubclass(E.ReadTimeoutError, E.HTTPClientError)]
        try:
            bc.Config(retries={{"mode": "turbo"}})
        except E.InvalidRetryModeError as err:
            out["InvalidRetryModeError"] = str(err)
        print(json.dumps(out))
        """
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    for name, kwargs in CONSTRUCTORS:
        assert out[name] == str(getattr(botocore.exceptions, name)(**kwargs)), name
    assert out["ClientError"] == str(botocore.exceptions.ClientError(ERROR_RESPONSE, "GetModelCustomizationJob"))
    assert out["WaiterError"] == "Waiter n failed: r"
    assert out["ResponseParserError"] == "bad"
    assert out["issubclass"] == [True, True]
    assert out["InvalidRetryModeError"] == str(
        botocore.exceptions.InvalidRetryModeError(provided_retry_mode="turbo", valid_modes=("legacy", "standard", "adaptive"))
    )


# ---------------------------------------------------------------------------
# Local Bedrock helper and pytest plugin
# ---------------------------------------------------------------------------


def test_local_bedrock_lifecycle():
    from bedrock_customization.testing import local_bedrock

    with local_bedrock() as url:
        parts = urllib.parse.urlsplit(url)
        assert parts.scheme == "http" and parts.hostname == "127.0.0.1" and parts.port
        client = make_bc_client(url)
        assert "modelCustomizationJobSummaries" in client.list_model_customization_jobs()
    # Stopped on exit: nothing listens there any more.
    with socket.socket() as s:
        s.settimeout(2)
        assert s.connect_ex(("127.0.0.1", parts.port)) != 0


def test_local_bedrock_does_not_touch_environment():
    import os

    before = dict(os.environ)
    with bc.testing.local_bedrock():
        assert dict(os.environ) == before
    assert dict(os.environ) == before


def test_local_bedrock_needs_no_moto():
    """The local Bedrock is our own server: it runs with moto made unimportable."""
    result = run_python(
        """
        import sys
        sys.modules["moto"] = None
        import bedrock_customization as bc
        from bedrock_customization.testing import local_bedrock
        with local_bedrock() as endpoint:
            client = bc.client("bedrock", region_name="us-east-1", endpoint_url=endpoint,
                               aws_access_key_id="testing", aws_secret_access_key="testing")
            print(len(client.list_foundation_models()["modelSummaries"]) > 10)
        print(any(name == "moto" or name.startswith("moto.") for name in sys.modules if sys.modules[name] is not None))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]


def test_pytest_plugin_fixture(local_bedrock_endpoint):
    assert local_bedrock_endpoint.startswith("http://127.0.0.1:")
    client = make_bc_client(local_bedrock_endpoint)
    assert isinstance(client.list_model_customization_jobs()["modelCustomizationJobSummaries"], list)
