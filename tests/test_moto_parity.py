"""Side by side with boto3 on moto's server, for every operation moto implements, and
the same scenarios on the package's own local Bedrock.

The list comes from moto itself (the handlers of its Bedrock responses class that are
operations of the pinned model), so a moto upgrade that implements more of the service
fails `test_every_operation_moto_implements_is_compared` until a scenario drives it.
moto is the unpatched pinned release: a compatibility target, not the service (its
job and model ARNs are not shaped as the service's). A default client checks what
boto3 checks, so it sends moto's ARNs as boto3 does; a strict one refuses them, see
`test_moto_arns_for_tags_default_and_strict`.
Each scenario runs the same steps with boto3 and with this package, each on resources
of its own, and compares what each step returns (values and types) or raises."""

import datetime
import re
import uuid
from typing import Any, Callable, Dict, List

import pytest
from moto.bedrock.responses import BedrockResponse

import bedrock_customization as bc
from bedrock_customization import _core, _model
from conftest import (
    assert_parity,
    blank_datetimes,
    error_view,
    job_request,
    make_bc_client,
    make_boto3_client,
    pinned_json,
    replace_strings,
    strip_volatile,
)

MOTO_OPERATIONS = sorted(name for name in vars(BedrockResponse) if name in _model.OPERATIONS)


class Recording:
    """A client that remembers which operations were called on it."""

    def __init__(self, client: Any, called: set) -> None:
        self._client, self._called = client, called

    def __getattr__(self, name: str) -> Any:
        if name in _model.OPERATIONS:
            self._called.add(name)
        return getattr(self._client, name)


def outcome(step: Callable[[Any], Any], client: Any) -> Any:
    try:
        value = step(client)
        return ["result", strip_volatile(value) if isinstance(value, dict) else value]
    except Exception as e:  # noqa: BLE001 - the exception is the outcome
        return ["error", error_view(e)]


def side_by_side(steps: List[Callable[[Any, str], Any]], moto_url: str, called: set) -> None:
    """Run each step with boto3, then with bc (names differing only by the tag), and
    compare the outcomes with the tags (and datetimes, taken a moment apart) blanked."""
    suffix = uuid.uuid4().hex[:10]
    clients = {"pb3": Recording(make_boto3_client(moto_url), set()), "pbc": Recording(make_bc_client(moto_url), called)}
    for step in steps:
        seen: Dict[str, Any] = {}
        for tag, client in clients.items():
            seen[tag] = outcome(lambda c: step(c, f"{tag}-{suffix}"), client)
        expected, got = (blank_datetimes(_blank_uuids(replace_strings(seen[t], SAME_TAG))) for t in seen)
        assert_parity(expected, got)


SAME_TAG = {"pb3-": "pXX-", "pbc-": "pXX-"}
_UUID = re.compile(r"\A[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\Z")


def _blank_uuids(value: Any) -> Any:
    """Idempotency tokens: each client makes its own (a version-4 UUID, as botocore)."""
    if isinstance(value, str):
        return "<uuid4>" if _UUID.match(value) else value
    if isinstance(value, dict):
        return {k: _blank_uuids(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blank_uuids(v) for v in value]
    return value


def _job(client: Any, name: str) -> Dict[str, Any]:
    return client.create_model_customization_job(**job_request(name, f"{name}-model"))


def _job_arn(client: Any, name: str) -> str:
    return client.get_model_customization_job(jobIdentifier=name)["jobArn"]


def _model_arn(client: Any, name: str) -> str:
    return client.get_custom_model(modelIdentifier=f"{name}-model")["modelArn"]


JOBS = [
    _job,
    lambda c, n: c.get_model_customization_job(jobIdentifier=n),
    lambda c, n: c.get_model_customization_job(jobIdentifier=_job_arn(c, n)),
    lambda c, n: c.list_model_customization_jobs(nameContains=n, sortBy="CreationTime", sortOrder="Descending"),
    lambda c, n: c.list_model_customization_jobs(nameContains=n, statusEquals="Completed"),
    lambda c, n: c.stop_model_customization_job(jobIdentifier=n),
    lambda c, n: c.get_model_customization_job(jobIdentifier=n)["status"],
    lambda c, n: c.stop_model_customization_job(jobIdentifier=f"{n}-missing"),
    _job,  # the same name again
]

CUSTOM_MODELS = [
    _job,
    lambda c, n: c.get_custom_model(modelIdentifier=f"{n}-model"),
    lambda c, n: c.get_custom_model(modelIdentifier=_model_arn(c, n)),
    lambda c, n: c.list_custom_models(nameContains=n),
    lambda c, n: c.list_custom_models(nameContains=n, sortBy="CreationTime", sortOrder="Ascending", maxResults=1),
    lambda c, n: c.list_custom_models(creationTimeBefore=datetime.datetime(2000, 1, 1, tzinfo=datetime.timezone.utc)),
    lambda c, n: c.delete_custom_model(modelIdentifier=f"{n}-model"),
    lambda c, n: c.get_custom_model(modelIdentifier=f"{n}-model"),
    lambda c, n: c.delete_custom_model(modelIdentifier=f"{n}-model"),
]

# Job ARNs only, as the service tags jobs; the resource ARN is whatever the server made
# (on moto model-customization-job/<name>, which the model's pattern for taggable ARNs
# does not match: a default client sends it as boto3 does, a strict one refuses it).
TAGS = [
    _job,
    lambda c, n: c.tag_resource(resourceARN=_job_arn(c, n), tags=[{"key": "team", "value": "ml"}, {"key": "n", "value": "1"}]),
    lambda c, n: c.list_tags_for_resource(resourceARN=_job_arn(c, n)),
    lambda c, n: c.untag_resource(resourceARN=_job_arn(c, n), tagKeys=["team"]),
    lambda c, n: c.list_tags_for_resource(resourceARN=_job_arn(c, n)),
    lambda c, n: c.tag_resource(resourceARN=_job_arn(c, n), tags=[{"key": f"k{i}", "value": "v"} for i in range(60)]),
    lambda c, n: c.list_tags_for_resource(resourceARN=_job_arn(c, n)[:-12] + "000000000000"),
]

LOGGING = {
    "cloudWatchConfig": {"logGroupName": "bedrock-logs", "roleArn": "arn:aws:iam::123456789012:role/logs"},
    "s3Config": {"bucketName": "bc-logs", "keyPrefix": "invocations/"},
    "textDataDeliveryEnabled": True,
    "imageDataDeliveryEnabled": False,
    "embeddingDataDeliveryEnabled": True,
}

INVOCATION_LOGGING = [
    lambda c, n: c.put_model_invocation_logging_configuration(loggingConfig=LOGGING),
    lambda c, n: c.get_model_invocation_logging_configuration(),
    lambda c, n: c.delete_model_invocation_logging_configuration(),
    lambda c, n: c.get_model_invocation_logging_configuration(),
]

SCENARIOS = {"jobs": JOBS, "custom-models": CUSTOM_MODELS, "tags": TAGS, "invocation-logging": INVOCATION_LOGGING}


SERVERS = {"moto": "moto_url", "local": "local_url"}


@pytest.mark.parametrize("server", SERVERS)
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_scenario_side_by_side(scenario, server, request):
    side_by_side(SCENARIOS[scenario], request.getfixturevalue(SERVERS[server]), set())


def test_moto_arns_for_tags_default_and_strict(moto_url):
    """moto's job ARN does not match the model's pattern for taggable ARNs: a strict
    client refuses it before sending, naming the pattern; a default one sends it, as
    boto3 does, and gets what boto3 gets."""
    from bedrock_customization.exceptions import ParamValidationError

    pattern = _model_pattern("TaggableResourcesArn")
    name = f"ptg-{uuid.uuid4().hex[:10]}"
    boto3_client, bc_client = make_boto3_client(moto_url), make_bc_client(moto_url)
    strict = make_bc_client(moto_url, config=bc.Config(parameter_validation="strict"))
    _job(boto3_client, name)
    arn = _job_arn(boto3_client, name)
    assert arn.endswith(f":model-customization-job/{name}")  # moto's shape, not the service's
    assert not _core._match_pattern("TaggableResourcesArn", arn)
    boto3_client.tag_resource(resourceARN=arn, tags=[{"key": "team", "value": "ml"}])
    tags = lambda: boto3_client.list_tags_for_resource(resourceARN=arn)["tags"]  # noqa: E731
    assert tags() == [{"key": "team", "value": "ml"}]

    for call in (lambda: strict.list_tags_for_resource(resourceARN=arn),
                 lambda: strict.tag_resource(resourceARN=arn, tags=[{"key": "a", "value": "b"}]),
                 lambda: strict.untag_resource(resourceARN=arn, tagKeys=["team"])):
        with pytest.raises(ParamValidationError) as e:
            call()
        assert f"Invalid value for parameter resourceARN, value: {arn}, valid pattern: {pattern}" in str(e.value)
    assert tags() == [{"key": "team", "value": "ml"}]  # neither the tag nor the untag reached moto

    def same(b3: Callable[[Any], Any], ours: Callable[[Any], Any]) -> None:
        expected, got = outcome(b3, boto3_client), outcome(ours, bc_client)
        assert expected[0] == "result", expected
        assert_parity(blank_datetimes(expected), blank_datetimes(got))

    same(lambda c: c.list_tags_for_resource(resourceARN=arn), lambda c: c.list_tags_for_resource(resourceARN=arn))
    same(lambda c: c.tag_resource(resourceARN=arn, tags=[{"key": "a", "value": "b"}]),
         lambda c: c.tag_resource(resourceARN=arn, tags=[{"key": "c", "value": "d"}]))
    assert sorted(t["key"] for t in tags()) == ["a", "c", "team"]
    same(lambda c: c.untag_resource(resourceARN=arn, tagKeys=["a"]),
         lambda c: c.untag_resource(resourceARN=arn, tagKeys=["team"]))
    same(lambda c: c.list_tags_for_resource(resourceARN=arn), lambda c: c.list_tags_for_resource(resourceARN=arn))
    assert tags() == [{"key": "c", "value": "d"}]


def _model_pattern(shape_name: str) -> str:
    return pinned_json("service-2.json")["shapes"][shape_name]["pattern"]


@pytest.mark.parametrize("server", SERVERS)
def test_every_operation_moto_implements_is_compared(server, request):
    assert {"create_model_customization_job", "get_custom_model", "tag_resource",
            "put_model_invocation_logging_configuration"} <= set(MOTO_OPERATIONS)
    url = request.getfixturevalue(SERVERS[server])
    called: set = set()
    for steps in SCENARIOS.values():
        side_by_side(steps, url, called)
    assert called == set(MOTO_OPERATIONS)
