"""Client construction and configuration: service names, precedence of explicit
arguments / Session defaults / environment / profiles, regions, retries,
timeouts and connection errors.  Compared with boto3 where boto3 defines the
behaviour."""

from __future__ import annotations

import re
import time

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config as BotocoreConfig

import bedrock_customization as bc
from conftest import REGION, Reply, capture, error_view, make_bc_client, make_boto3_client


def scope(request) -> tuple:
    """(access key, region) from a recorded request's SigV4 Authorization header."""
    match = re.search(r"Credential=([^/]+)/\d{8}/([^/]+)/bedrock/aws4_request", request.headers["authorization"])
    assert match, request.headers.get("authorization")
    return match.group(1), match.group(2)


def call(client):
    return client.list_model_customization_jobs()


@pytest.fixture
def listing(recorder):
    recorder.always(Reply(body={"modelCustomizationJobSummaries": []}))
    return recorder


# ---------------------------------------------------------------------------
# Service names and API versions
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["s3", "bedrock-runtime", "Bedrock", ""])
def test_unknown_service(name):
    got = capture(lambda: bc.client(name, region_name=REGION))
    assert isinstance(got, botocore.exceptions.UnknownServiceError)
    assert isinstance(got, bc.exceptions.UnknownServiceError)
    assert str(got) == f"Unknown service: '{name}'. Valid service names are: bedrock"
    got = capture(lambda: bc.Session(region_name=REGION).client(name))
    assert str(got) == f"Unknown service: '{name}'. Valid service names are: bedrock"


def test_session_services():
    assert bc.Session().get_available_services() == ["bedrock"]


def test_api_version(listing):
    client = bc.client("bedrock", region_name=REGION, api_version="2023-04-20", endpoint_url=listing.url)
    assert call(client)["modelCustomizationJobSummaries"] == []
    expected = capture(lambda: boto3.client("bedrock", region_name=REGION, api_version="2001-01-01"))
    got = capture(lambda: bc.client("bedrock", region_name=REGION, api_version="2001-01-01"))
    assert isinstance(got, botocore.exceptions.DataNotFoundError)
    assert str(got) == str(expected)


# ---------------------------------------------------------------------------
# Precedence: explicit > Session > environment > profile
# ---------------------------------------------------------------------------


def test_explicit_arguments_beat_environment(monkeypatch, listing, recorder_factory):
    other = recorder_factory()
    other.always(Reply(body={"modelCustomizationJobSummaries": []}))
    monkeypatch.setenv("AWS_ENDPOINT_URL", other.url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", other.url)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
    client = bc.client(
        "bedrock",
        region_name="us-west-2",
        endpoint_url=listing.url,
        aws_access_key_id="EXPLICITKEY",
        aws_secret_access_key="explicitsecret",
    )
    call(client)
    assert len(listing.requests) == 1 and other.requests == []
    assert scope(listing.requests[0]) == ("EXPLICITKEY", "us-west-2")
    assert client.meta.region_name == "us-west-2"
    assert client.meta.endpoint_url == listing.url


def test_environment_used_when_nothing_explicit(monkeypatch, listing):
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
    client = bc.client("bedrock", endpoint_url=listing.url)
    call(client)
    assert scope(listing.requests[0]) == ("ENVKEY", "eu-west-1")
    assert client.meta.region_name == "eu-west-1"


def test_session_defaults_overridden_by_client_arguments(listing):
    session = bc.Session(
        aws_access_key_id="SESSIONKEY", aws_secret_access_key="sessionsecret", region_name="eu-north-1"
    )
    assert session.region_name == "eu-north-1"
    call(session.client("bedrock", endpoint_url=listing.url))
    call(session.client("bedrock", endpoint_url=listing.url, region_name="ap-south-1"))
    call(session.client("bedrock", endpoint_url=listing.url, aws_access_key_id="CLIENTKEY",
                        aws_secret_access_key="clientsecret"))
    assert [scope(r) for r in listing.requests] == [
        ("SESSIONKEY", "eu-north-1"),
        ("SESSIONKEY", "ap-south-1"),
        ("CLIENTKEY", "eu-north-1"),
    ]


def test_config_region_between_explicit_and_session(listing):
    session = bc.Session(region_name="eu-north-1")
    call(session.client("bedrock", endpoint_url=listing.url, config=bc.Config(region_name="ca-central-1")))
    call(session.client("bedrock", endpoint_url=listing.url, region_name="sa-east-1",
                        config=bc.Config(region_name="ca-central-1")))
    call(bc.client("bedrock", endpoint_url=listing.url, config=BotocoreConfig(region_name="me-south-1")))
    assert [scope(r)[1] for r in listing.requests] == ["ca-central-1", "sa-east-1", "me-south-1"]


@pytest.mark.parametrize("variables", [("AWS_ENDPOINT_URL",), ("AWS_ENDPOINT_URL_BEDROCK",), ("both",)])
def test_endpoint_url_environment(monkeypatch, listing, recorder_factory, variables):
    decoy = recorder_factory()
    if variables == ("both",):
        monkeypatch.setenv("AWS_ENDPOINT_URL", decoy.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", listing.url)  # the service-specific one wins
    else:
        monkeypatch.setenv(variables[0], listing.url)
    client = make_bc_client(None)
    assert call(client)["modelCustomizationJobSummaries"] == []
    assert len(listing.requests) == 1 and decoy.requests == []
    assert client.meta.endpoint_url.rstrip("/") == listing.url
    # boto3 agrees.
    call(make_boto3_client(None))
    assert len(listing.requests) == 2 and decoy.requests == []


# ---------------------------------------------------------------------------
# Profiles
# ---------------------------------------------------------------------------


@pytest.fixture
def aws_files(tmp_path, monkeypatch):
    config = tmp_path / "config"
    credentials = tmp_path / "credentials"
    config.write_text(
        "[default]\nregion = us-east-2\n\n"
        "[profile analytics]\nregion = eu-central-1\n\n"
        "[profile noregion]\noutput = json\n"
    )
    credentials.write_text(
        "[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = defaultsecret\n\n"
        "[analytics]\naws_access_key_id = ANALYTICSKEY\naws_secret_access_key = analyticssecret\n\n"
        "[noregion]\naws_access_key_id = NOREGIONKEY\naws_secret_access_key = noregionsecret\n"
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    return config, credentials


def test_profile_from_files(aws_files, monkeypatch, listing):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    session = bc.Session(profile_name="analytics")
    assert session.profile_name == "analytics"
    assert session.region_name == "eu-central-1"
    assert set(session.available_profiles) == {"default", "analytics", "noregion"}
    client = session.client("bedrock", endpoint_url=listing.url)
    call(client)
    assert scope(listing.requests[-1]) == ("ANALYTICSKEY", "eu-central-1")
    assert client.meta.region_name == "eu-central-1"

    # The default profile when none is named.
    default = bc.Session()
    assert default.profile_name == "default"
    call(default.client("bedrock", endpoint_url=listing.url))
    assert scope(listing.requests[-1]) == ("DEFAULTKEY", "us-east-2")


def test_profile_from_environment(aws_files, monkeypatch, listing):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_PROFILE", "analytics")
    call(bc.client("bedrock", endpoint_url=listing.url))
    call(boto3.Session().client("bedrock", endpoint_url=listing.url))
    assert scope(listing.requests[0]) == scope(listing.requests[1]) == ("ANALYTICSKEY", "eu-central-1")


def test_explicit_profile_like_boto3_with_env_credentials(aws_files, listing):
    """Env credentials are set (conftest); a named profile's credentials are used
    by both clients alike."""
    call(boto3.Session(profile_name="analytics").client("bedrock", endpoint_url=listing.url))
    call(bc.Session(profile_name="analytics").client("bedrock", endpoint_url=listing.url))
    assert scope(listing.requests[1]) == scope(listing.requests[0])


def test_profile_from_environment_with_env_credentials(aws_files, monkeypatch, listing):
    """AWS_PROFILE does not outrank credentials in the environment (unlike an
    explicit profile_name), in boto3 and here alike."""
    monkeypatch.setenv("AWS_PROFILE", "analytics")
    call(boto3.Session().client("bedrock", endpoint_url=listing.url))
    call(bc.Session().client("bedrock", endpoint_url=listing.url))
    assert scope(listing.requests[1]) == scope(listing.requests[0]) == ("testing", "eu-central-1")


def test_region_argument_beats_profile_region(aws_files, listing):
    call(bc.Session(profile_name="analytics", region_name="ap-northeast-1").client("bedrock", endpoint_url=listing.url))
    assert scope(listing.requests[0])[1] == "ap-northeast-1"


def test_profile_not_found(aws_files, monkeypatch):
    monkeypatch.delenv("AWS_DATA_PATH", raising=False)  # with it set, boto3 reads no config file here
    expected = capture(lambda: boto3.Session(profile_name="missing"))
    got = capture(lambda: bc.Session(profile_name="missing"))
    assert isinstance(got, botocore.exceptions.ProfileNotFound)
    assert str(got) == str(expected) == "The config profile (missing) could not be found"


def test_no_region_anywhere(aws_files, monkeypatch, listing):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    expected = capture(lambda: boto3.Session(profile_name="noregion").client("bedrock", endpoint_url=listing.url))
    got = capture(lambda: bc.Session(profile_name="noregion").client("bedrock", endpoint_url=listing.url))
    assert isinstance(got, botocore.exceptions.NoRegionError)
    assert isinstance(got, bc.exceptions.NoRegionError)
    assert str(got) == str(expected) == "You must specify a region."
    assert listing.requests == []


def test_no_region_without_any_files(monkeypatch, listing):
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.delenv("AWS_REGION", raising=False)
    with pytest.raises(bc.exceptions.NoRegionError, match="You must specify a region."):
        bc.client("bedrock", endpoint_url=listing.url)


def test_partial_credentials(listing):
    expected = capture(lambda: boto3.client("bedrock", region_name=REGION, aws_access_key_id="ONLYKEY"))
    got = capture(lambda: bc.client("bedrock", region_name=REGION, aws_access_key_id="ONLYKEY"))
    assert isinstance(got, botocore.exceptions.PartialCredentialsError)
    assert str(got) == str(expected)


def test_session_token_is_sent(listing):
    call(bc.client("bedrock", region_name=REGION, endpoint_url=listing.url, aws_access_key_id="TMPKEY",
                   aws_secret_access_key="tmpsecret", aws_session_token="TOKEN-123"))
    assert listing.requests[0].headers["x-amz-security-token"] == "TOKEN-123"
    assert scope(listing.requests[0]) == ("TMPKEY", REGION)


# ---------------------------------------------------------------------------
# Config objects, retries, timeouts
# ---------------------------------------------------------------------------


def test_botocore_config_accepted(recorder):
    recorder.always(Reply(status=500, body={"message": "boom"}))
    client = make_bc_client(
        recorder.url,
        config=BotocoreConfig(retries={"max_attempts": 2, "mode": "standard"}, user_agent_extra="my-app/1.2"),
    )
    assert isinstance(client.meta.config, BotocoreConfig)
    with pytest.raises(bc.exceptions.ClientError) as info:
        call(client)
    assert len(recorder.requests) == 3
    assert "(reached max retries: 2)" in str(info.value)
    assert all("my-app/1.2" in r.headers.get("user-agent", "") for r in recorder.requests)


@pytest.mark.parametrize(
    "retries, attempts",
    [
        ({}, 3),  # botocore's default since 1.44: standard mode, 3 attempts (legacy's 5 before)
        ({"max_attempts": 0}, 1),
        ({"max_attempts": 1, "mode": "standard"}, 2),
        ({"max_attempts": 2, "mode": "legacy"}, 3),
        ({"total_max_attempts": 2, "mode": "adaptive"}, 2),
    ],
)
def test_retries_config_like_boto3(recorder, retries, attempts):
    recorder.always(Reply(status=500, body={"message": "always failing"}))
    expected = capture(lambda: call(make_boto3_client(recorder.url, config=BotocoreConfig(retries=retries))))
    boto3_count = len(recorder.requests)
    recorder.clear()
    got = capture(lambda: call(make_bc_client(recorder.url, config=bc.Config(retries=retries))))
    assert boto3_count == attempts
    assert len(recorder.requests) == attempts
    assert error_view(got) == error_view(expected)


@pytest.mark.parametrize("retries", [{"max_attempts": 0}, {"max_attempts": 0, "mode": "legacy"}, {"max_attempts": 1}],
                         ids=["standard-1", "legacy-1", "standard-2"])
@pytest.mark.parametrize("reply", [
    Reply(body={"modelCustomizationJobSummaries": []}),
    Reply(status=404, body={"message": "gone"}, headers={"x-amzn-ErrorType": "ResourceNotFoundException"}),
], ids=["success", "not-found"])
def test_max_attempts_reached_like_boto3(recorder, retries, reply):
    """Standard retries (botocore's default since 1.44) mark the response of the last
    attempt allowed, a success or an error not retried, with MaxAttemptsReached (and the
    error's message with "(reached max retries: 0)"); legacy marks only an error retried
    until the attempts ran out."""
    recorder.always(reply)

    def view(client):
        try:
            metadata, text = call(client)["ResponseMetadata"], None
        except Exception as e:  # noqa: BLE001 - the exception is the result
            metadata, text = e.response["ResponseMetadata"], str(e)
        return text, metadata.get("MaxAttemptsReached")

    expected = view(make_boto3_client(recorder.url, config=BotocoreConfig(retries=dict(retries))))
    got = view(make_bc_client(recorder.url, config=bc.Config(retries=dict(retries))))
    assert got == expected
    assert (expected[1] is True) == (retries == {"max_attempts": 0})


def test_aws_max_attempts_environment(monkeypatch, recorder):
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "2")
    recorder.always(Reply(status=503, body={"message": "busy"}))
    expected = capture(lambda: call(make_boto3_client(recorder.url)))
    boto3_count = len(recorder.requests)
    recorder.clear()
    got = capture(lambda: call(make_bc_client(recorder.url)))
    assert boto3_count == 2
    assert len(recorder.requests) == 2
    assert error_view(got) == error_view(expected)


def test_no_retry_on_client_errors(recorder):
    recorder.always(Reply(status=404, body={"message": "nope"}, headers={"x-amzn-ErrorType": "ResourceNotFoundException"}))
    with pytest.raises(bc.exceptions.ResourceNotFoundException):
        call(make_bc_client(recorder.url))
    assert len(recorder.requests) == 1


def test_read_timeout(recorder):
    recorder.always(Reply(body={}, delay=5.0))
    config = {"read_timeout": 0.5, "retries": {"max_attempts": 0}}
    start = time.monotonic()
    got = capture(lambda: call(make_bc_client(recorder.url, config=bc.Config(**config))))
    elapsed = time.monotonic() - start
    assert isinstance(got, botocore.exceptions.ReadTimeoutError)
    assert isinstance(got, bc.exceptions.ReadTimeoutError)
    assert elapsed < 3.0
    expected = capture(lambda: call(make_boto3_client(recorder.url, config=BotocoreConfig(**config))))
    assert type(got).__name__ == type(expected).__name__
    assert str(got) == str(expected)


@pytest.mark.parametrize("seconds", [2**63, 1.8e19])
def test_an_enormous_connect_timeout_is_no_timeout(recorder, seconds):
    """A connect timeout too long to ever matter is accepted and the calls answer, sync and
    async (the SDK's credential cache summed it in f64 seconds and panicked past Duration's
    range: in an async call, a hang)."""
    import asyncio

    recorder.always(Reply(body={}))
    config = bc.Config(connect_timeout=seconds, retries={"max_attempts": 0})
    assert call(make_bc_client(recorder.url, config=config))["ResponseMetadata"]["HTTPStatusCode"] == 200

    async def call_async():
        client = bc.async_client("bedrock", region_name=REGION, endpoint_url=recorder.url, config=config,
                                 aws_access_key_id="testing", aws_secret_access_key="testing")
        return await asyncio.wait_for(client.list_model_customization_jobs(), 30)

    assert asyncio.run(call_async())["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_closed_port_is_endpoint_connection_error(closed_port):
    url = f"http://127.0.0.1:{closed_port}"
    config = {"retries": {"max_attempts": 0}}
    got = capture(lambda: call(make_bc_client(url, config=bc.Config(**config))))
    expected = capture(lambda: call(make_boto3_client(url, config=BotocoreConfig(**config))))
    assert isinstance(got, botocore.exceptions.EndpointConnectionError)
    assert isinstance(got, bc.exceptions.EndpointConnectionError)
    assert isinstance(got, bc.exceptions.ConnectionError)
    assert str(got) == str(expected)


# ---------------------------------------------------------------------------
# bc.Config itself
# ---------------------------------------------------------------------------


def test_config_defaults_and_merge():
    config = bc.Config()
    assert (config.region_name, config.connect_timeout, config.read_timeout, config.retries,
            config.max_pool_connections, config.user_agent_extra, config.parameter_validation) == (
        None, 60, 60, None, 10, None, True)
    a = bc.Config(read_timeout=5, retries={"max_attempts": 1})
    b = bc.Config(read_timeout=7, user_agent_extra="x")
    merged = a.merge(b)
    assert (merged.read_timeout, merged.retries, merged.user_agent_extra, merged.connect_timeout) == (
        7, {"max_attempts": 1}, "x", 60)
    assert (a.read_timeout, b.retries) == (5, None)  # inputs untouched
    # Same semantics as botocore's merge.
    ref = BotocoreConfig(read_timeout=5, retries={"max_attempts": 1}).merge(BotocoreConfig(read_timeout=7, user_agent_extra="x"))
    assert (ref.read_timeout, ref.retries, ref.user_agent_extra) == (7, {"max_attempts": 1}, "x")
    # Merging a botocore Config into ours.
    assert a.merge(BotocoreConfig(connect_timeout=3)).connect_timeout == 3
    # Positional arguments in botocore's order of our options.
    assert bc.Config("eu-west-1").region_name == "eu-west-1"


@pytest.mark.parametrize(
    "retries",
    [{"max_attempts": -1}, {"total_max_attempts": 0}, {"mode": "turbo"}, {"attempts": 3}],
)
def test_invalid_retries_like_botocore(retries):
    expected = capture(lambda: BotocoreConfig(retries=retries))
    got = capture(lambda: bc.Config(retries=retries))
    assert type(got).__name__ == type(expected).__name__
    assert isinstance(got, type(expected))
    assert str(got) == str(expected)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"retries": {"max_attempts": "3"}}, botocore.exceptions.InvalidMaxRetryAttemptsError),
        ({"retries": {"max_attempts": 2.5}}, botocore.exceptions.InvalidMaxRetryAttemptsError),
        ({"retries": [3]}, TypeError),
        ({"read_timeout": -1}, ValueError),
        ({"connect_timeout": "slow"}, ValueError),
        ({"max_pool_connections": 0}, ValueError),
        ({"parameter_validation": "no"}, TypeError),
        ({"user_agent_extra": 5}, TypeError),
        ({"signature_version": "v4"}, TypeError),
    ],
)
def test_invalid_config_values(kwargs, error):
    with pytest.raises(error) as info:
        bc.Config(**kwargs)
    assert list(kwargs)[0] in str(info.value) or "max_attempts" in str(info.value)


# ---------------------------------------------------------------------------
# meta and repr
# ---------------------------------------------------------------------------


def test_meta_and_repr_hide_secrets(listing):
    config = bc.Config(read_timeout=10)
    client = bc.client("bedrock", region_name="eu-west-3", endpoint_url=listing.url,
                       aws_access_key_id="AKIDPUBLIC", aws_secret_access_key="VERY-SECRET-VALUE",
                       aws_session_token="SECRET-TOKEN-VALUE", config=config)
    assert client.meta.service_name == "bedrock"
    assert client.meta.region_name == "eu-west-3"
    assert client.meta.endpoint_url == listing.url
    # as boto3's: the client's own copy, with the region it resolved to
    assert client.meta.config is not config and config.region_name is None
    assert (client.meta.config.read_timeout, client.meta.config.region_name) == (10, "eu-west-3")
    assert client.meta.method_to_api_mapping["get_model_customization_job"] == "GetModelCustomizationJob"
    session = bc.Session(aws_access_key_id="AKIDPUBLIC", aws_secret_access_key="VERY-SECRET-VALUE",
                         aws_session_token="SECRET-TOKEN-VALUE", region_name="eu-west-3")
    for text in (repr(client), str(client), repr(client.meta), repr(session), repr(session.client("bedrock"))):
        assert "VERY-SECRET-VALUE" not in text and "SECRET-TOKEN-VALUE" not in text
    assert "eu-west-3" in repr(client)


def test_default_endpoint_in_meta():
    client = bc.client("bedrock", region_name="eu-west-1")
    b3 = boto3.client("bedrock", region_name="eu-west-1")
    assert client.meta.endpoint_url == b3.meta.endpoint_url
    assert client.meta.region_name == b3.meta.region_name
    assert client.meta.partition == b3.meta.partition


# ---------------------------------------------------------------------------
# Unsigned requests
# ---------------------------------------------------------------------------

UNSIGNED_JOB = b'{"jobArn": "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/abc", "status": "InProgress"}'


@pytest.mark.parametrize("sentinel", ["bc", "botocore"])
def test_unsigned_requests_carry_no_signature_and_need_no_credentials(recorder, monkeypatch, tmp_path, sentinel):
    """Config(signature_version=UNSIGNED), with this package's or botocore's
    sentinel: no credentials are looked up (none exist here), no Authorization,
    X-Amz-Date or X-Amz-Security-Token header is sent, and the result equals
    boto3's with the same config."""
    import botocore

    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    unsigned = bc.UNSIGNED if sentinel == "bc" else botocore.UNSIGNED
    recorder.default = Reply(body=UNSIGNED_JOB)
    ours = bc.client("bedrock", region_name=REGION, endpoint_url=recorder.url,
                     config=bc.Config(signature_version=unsigned))
    got = ours.get_model_customization_job(jobIdentifier="abc")
    theirs = boto3.client("bedrock", region_name=REGION, endpoint_url=recorder.url,
                          config=BotocoreConfig(signature_version=botocore.UNSIGNED))
    expected = theirs.get_model_customization_job(jobIdentifier="abc")
    assert len(recorder.requests) == 2
    for request in recorder.requests:
        assert not {"authorization", "x-amz-date", "x-amz-security-token"} & set(request.headers), request.headers
    strip = lambda r: {k: v for k, v in r.items() if k != "ResponseMetadata"}  # noqa: E731
    assert strip(got) == strip(expected) and got["status"] == "InProgress"
    # Signed, the same setup has no credentials to sign with: like boto3.
    signed = bc.client("bedrock", region_name=REGION, endpoint_url=recorder.url)
    with pytest.raises(bc.exceptions.NoCredentialsError):
        signed.get_model_customization_job(jobIdentifier="abc")
    assert len(recorder.requests) == 2


def test_botocore_config_naming_sigv4_is_signed(recorder):
    recorder.default = Reply(body=UNSIGNED_JOB)
    client = make_bc_client(recorder.url, config=BotocoreConfig(signature_version="v4"))
    client.get_model_customization_job(jobIdentifier="abc")
    assert recorder.requests[-1].headers["authorization"].startswith("AWS4-HMAC-SHA256 ")
