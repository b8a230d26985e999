"""Side by side with boto3 on moto's server, for every operation moto implements, and
the same scenarios on the package's own local Bedrock.

The list comes from moto itself (conftest.moto_operations: the handlers of its Bedrock
responses class that are operations of the pinned model), so a moto upgrade that implements more of the service
fails `test_every_operation_moto_implements_is_compared` until a scenario drives it.
moto is the unpatched pinned release: a compatibility target, not the service (its
job and model ARNs are not shaped as the service's). A default client checks what
boto3 checks, so it sends moto's ARNs as boto3 does; a strict one refuses them, see
`test_moto_arns_for_tags_default_and_strict`.
Each scenario (conftest.SCENARIOS, which test_mock_aws runs too) runs the same steps with boto3 and with this package, each on resources
of its own, and compares what each step returns (values and types) or raises."""

import uuid
from typing import Any, Callable, Dict, List

import pytest

import bedrock_customization as bc
from bedrock_customization import _core
from conftest import (
    SCENARIOS,
    Recording,
    assert_parity,
    blank_datetimes,
    blank_uuids,
    make_bc_client,
    make_boto3_client,
    moto_operations,
    outcome,
    pinned_json,
    replace_strings,
    scenario_job,
    scenario_job_arn,
)

MOTO_OPERATIONS = moto_operations()


def side_by_side(steps: List[Callable[[Any, str], Any]], moto_url: str, called: set) -> None:
    """Run each step with boto3, then with bc (names differing only by the tag), and
    compare the outcomes with the tags (and datetimes, taken a moment apart) blanked."""
    suffix = uuid.uuid4().hex[:10]
    clients = {"pb3": Recording(make_boto3_client(moto_url), set()), "pbc": Recording(make_bc_client(moto_url), called)}
    for step in steps:
        seen: Dict[str, Any] = {}
        for tag, client in clients.items():
            seen[tag] = outcome(lambda c: step(c, f"{tag}-{suffix}"), client)
        expected, got = (blank_datetimes(blank_uuids(replace_strings(seen[t], SAME_TAG))) for t in seen)
        assert_parity(expected, got)


SAME_TAG = {"pb3-": "pXX-", "pbc-": "pXX-"}


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
    scenario_job(boto3_client, name)
    arn = scenario_job_arn(boto3_client, name)
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
