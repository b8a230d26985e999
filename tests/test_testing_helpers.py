"""bc.testing's LocalBedrock controls for jobs (set_job_status, complete_job, fail_job,
jobs): moving jobs to any status, as seen by boto3 and by bc clients (get, list, waiters).

These tests use a local Bedrock of their own whose simulated steps take an hour, so
that a job stays where a test puts it (the other resources' controls, the clock and
the faults are tested in test_local_bedrock.py)."""

from __future__ import annotations

import asyncio
import datetime
import pickle
import threading
import time

import pytest

import bedrock_customization as bc
from bedrock_customization.testing import DURATIONS, JOB_STATUSES, JobNotFoundError, LocalBedrock
from conftest import REGION, create_job, make_bc_client, make_boto3_client

UTC = datetime.timezone.utc
TERMINAL = ("Completed", "Failed", "Stopped")
FAST = {"Delay": 0.05, "MaxAttempts": 100}


@pytest.fixture(scope="module")
def bedrock():
    """A local Bedrock whose every simulated step takes an hour: jobs stay put."""
    with bc.testing.local_bedrock(durations={key: 3600 for key in DURATIONS}) as server:
        yield server


@pytest.fixture(scope="module")
def clients(bedrock):
    """(name, client) for boto3 and bc, both on this module's local Bedrock."""
    return [("boto3", make_boto3_client(bedrock)), ("bc", make_bc_client(bedrock))]


@pytest.fixture
def job(bedrock, clients):
    """A new InProgress job (created with bc), unique to the test."""
    return create_job(clients[1][1], tag="helpers")


def get(client, job_name):
    response = client.get_model_customization_job(jobIdentifier=job_name)
    response.pop("ResponseMetadata")
    return response


def summary(client, job_name):
    summaries = client.list_model_customization_jobs(nameContains=job_name)["modelCustomizationJobSummaries"]
    assert [s["jobName"] for s in summaries] == [job_name]
    return summaries[0]


def flip_later(action, delay=0.2):
    """Run action() in a background thread after delay seconds; returns the thread
    (joined by the caller) and a list receiving its exception, if any."""
    errors = []

    def run():
        time.sleep(delay)
        try:
            action()
        except BaseException as e:  # noqa: BLE001 - reported by the test
            errors.append(e)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, errors


# ---------------------------------------------------------------------------
# LocalBedrock is the endpoint URL
# ---------------------------------------------------------------------------


def test_local_bedrock_is_the_endpoint_url(local_bedrock, local_bedrock_endpoint):
    assert isinstance(local_bedrock, LocalBedrock)
    assert isinstance(local_bedrock, str)
    assert local_bedrock.startswith("http://127.0.0.1:")
    assert local_bedrock == local_bedrock_endpoint == local_bedrock.url
    assert type(local_bedrock.url) is str
    assert local_bedrock.port == int(local_bedrock.rsplit(":", 1)[1])
    assert local_bedrock.region_name == "us-east-1"
    assert f"{local_bedrock}/x" == local_bedrock.url + "/x"
    copy = pickle.loads(pickle.dumps(local_bedrock))
    assert copy == local_bedrock and copy.region_name == "us-east-1"


def test_context_manager_yields_local_bedrock_with_its_region():
    with bc.testing.local_bedrock(region_name="eu-west-1") as endpoint:
        assert isinstance(endpoint, LocalBedrock)
        assert endpoint.region_name == "eu-west-1"
        client = make_bc_client(endpoint, region_name="eu-west-1")
        created = create_job(client, tag="euwest")
        assert created["jobName"] in endpoint.jobs()
        endpoint.complete_job(created["jobName"])
        assert get(client, created["jobName"])["status"] == "Completed"
        # the helpers' default region is the one given to local_bedrock()
        assert created["jobName"] not in endpoint.jobs(region_name="us-east-1")


# ---------------------------------------------------------------------------
# set_job_status: what get / list return
# ---------------------------------------------------------------------------


def test_new_job_is_in_progress_without_failure_message_or_end_time(job, clients):
    for name, client in clients:
        got = get(client, job["jobName"])
        assert got["status"] == "InProgress", name
        assert "failureMessage" not in got, name
        assert "endTime" not in got, name
        # the first step runs, the others wait
        steps = {step: details["status"] for step, details in got["statusDetails"].items()}
        assert steps == {"validationDetails": "InProgress", "dataProcessingDetails": "NotStarted",
                         "trainingDetails": "NotStarted"}, name
        listed = summary(client, job["jobName"])
        assert listed["status"] == "InProgress", name
        assert "endTime" not in listed, name
        assert None not in listed.values(), name


@pytest.mark.parametrize("status", JOB_STATUSES)
def test_every_status(job, clients, bedrock, status):
    before = datetime.datetime.now(UTC) - datetime.timedelta(milliseconds=1)
    bedrock.set_job_status(job["jobName"], status)
    after = datetime.datetime.now(UTC)
    for name, client in clients:
        got = get(client, job["jobName"])
        assert got["status"] == status, name
        assert "failureMessage" not in got, name
        listed = summary(client, job["jobName"])
        assert listed["status"] == status, name
        if status in TERMINAL:
            # default endTime: now, UTC
            assert got["endTime"].utcoffset() == datetime.timedelta(0), name
            assert before <= got["endTime"] <= after, name
            assert listed["endTime"] == got["endTime"], name
        else:
            assert "endTime" not in got, name
            assert "endTime" not in listed, name
        filtered = client.list_model_customization_jobs(statusEquals=status, nameContains=job["jobName"])
        assert [s["jobName"] for s in filtered["modelCustomizationJobSummaries"]] == [job["jobName"]], name


def test_all_values_returned_exactly(job, clients, bedrock):
    end = datetime.datetime(2024, 5, 1, 12, 30, 15, 250000, tzinfo=UTC)
    details = {
        "validationDetails": {
            "status": "Completed",
            "creationTime": datetime.datetime(2024, 5, 1, 10, 0, tzinfo=UTC),
            "lastModifiedTime": datetime.datetime(2024, 5, 1, 10, 5, 0, 123000, tzinfo=UTC),
        },
        "dataProcessingDetails": {
            "status": "Completed",
            "creationTime": datetime.datetime(2024, 5, 1, 10, 5, tzinfo=UTC),
            "lastModifiedTime": datetime.datetime(2024, 5, 1, 10, 20, 0, 654000, tzinfo=UTC)  # the service sends milliseconds,
        },
        "trainingDetails": {
            "status": "Failed",
            "creationTime": datetime.datetime(2024, 5, 1, 10, 20, tzinfo=UTC),
            "lastModifiedTime": end,
        },
    }
    message = 'Training failed: caf\u00e9 \u2013 "quoted"\nsecond line'
    bedrock.set_job_status(
        job["jobArn"],  # by ARN
        "Failed",
        failure_message=message,
        end_time=end,
        training_metrics={"trainingLoss": 0.1},
        validation_metrics=[{"validationLoss": 0.2}, {"validationLoss": 0.35}],
        status_details=details,
    )
    results = {}
    for name, client in clients:
        got = get(client, job["jobName"])
        assert got["status"] == "Failed"
        assert got["failureMessage"] == message
        assert got["endTime"] == end
        assert got["trainingMetrics"] == {"trainingLoss": 0.1}
        assert got["validationMetrics"] == [{"validationLoss": 0.2}, {"validationLoss": 0.35}]
        assert got["statusDetails"] == details
        for step in details.values():
            assert step["creationTime"].tzinfo is not None
        listed = summary(client, job["jobName"])
        assert listed["status"] == "Failed"
        assert listed["endTime"] == end
        assert listed["statusDetails"] == details
        results[name] = (got, listed)
    # boto3 and bc agree (values and types; aware datetimes with offset 0)
    assert results["bc"][0] == results["boto3"][0]
    assert results["bc"][1] == results["boto3"][1]


def test_end_time_serialized_as_iso8601_z(job, bedrock):
    import json
    import urllib.request

    # the raw JSON body (the local Bedrock takes the region from the Authorization header)
    bedrock.complete_job(
        job["jobName"],
        end_time=datetime.datetime(2024, 5, 1, 14, 0, 0, 5000, tzinfo=datetime.timezone(datetime.timedelta(hours=2))),
        status_details={"trainingDetails": {"status": "Completed", "creationTime": datetime.datetime(2024, 5, 1, 9, 0)}},
    )
    request = urllib.request.Request(
        f"{bedrock}/model-customization-jobs/{job['jobName']}",
        headers={"Authorization": "AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/bedrock/aws4_request, "
                 "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = json.loads(response.read())
    assert body["endTime"] == "2024-05-01T12:00:00.005Z"
    # a naive datetime is taken as UTC
    assert body["statusDetails"] == {"trainingDetails": {"status": "Completed", "creationTime": "2024-05-01T09:00:00.000Z"}}
    assert "failureMessage" not in body


def test_naive_datetimes_are_utc(job, clients, bedrock):
    bedrock.complete_job(job["jobName"], end_time=datetime.datetime(2024, 1, 2, 3, 4, 5))
    for name, client in clients:
        assert get(client, job["jobName"])["endTime"] == datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC), name


def test_back_to_in_progress_drops_failure_message_and_end_time(job, clients, bedrock):
    bedrock.fail_job(job["jobName"], "out of memory", training_metrics={"trainingLoss": 1.5})
    bedrock.set_job_status(job["jobName"], "InProgress")
    for name, client in clients:
        got = get(client, job["jobName"])
        assert got["status"] == "InProgress", name
        assert "failureMessage" not in got and "endTime" not in got, name
        # metrics not given: kept
        assert got["trainingMetrics"] == {"trainingLoss": 1.5}, name


def test_metrics_and_status_details_kept_replaced_or_removed(job, clients, bedrock):
    details = {"trainingDetails": {"status": "InProgress"}}
    bedrock.set_job_status(
        job["jobName"], "InProgress", training_metrics={"trainingLoss": 2}, status_details=details
    )
    bedrock.complete_job(job["jobName"])
    got = get(clients[1][1], job["jobName"])
    assert got["trainingMetrics"] == {"trainingLoss": 2.0}
    # completing the job completes its running steps
    assert list(got["statusDetails"]) == ["trainingDetails"]
    assert got["statusDetails"]["trainingDetails"]["status"] == "Completed"
    bedrock.complete_job(
        job["jobName"], training_metrics={}, validation_metrics=[], status_details={}
    )
    for name, client in clients:
        got = get(client, job["jobName"])
        assert "trainingMetrics" not in got and "validationMetrics" not in got and "statusDetails" not in got, name
        assert "statusDetails" not in summary(client, job["jobName"]), name


def test_complete_job_and_fail_job(bedrock, clients):
    done = create_job(clients[0][1], tag="done")  # created with boto3
    failed = create_job(clients[1][1], tag="failed")
    bedrock.complete_job(done["jobName"], training_metrics={"trainingLoss": 0.05})
    bedrock.fail_job(failed["jobArn"], "ValidationException: bad data")
    for name, client in clients:
        got = get(client, done["jobName"])
        assert (got["status"], got["trainingMetrics"], "failureMessage" in got) == ("Completed", {"trainingLoss": 0.05}, False)
        got = get(client, failed["jobName"])
        assert (got["status"], got["failureMessage"]) == ("Failed", "ValidationException: bad data"), name
        assert "endTime" in got, name


def test_stop_puts_job_to_stopping_then_stopped_with_end_time(job, clients, bedrock):
    client = clients[1][1]
    client.stop_model_customization_job(jobIdentifier=job["jobArn"])
    assert get(client, job["jobName"])["status"] == "Stopping"
    bedrock.advance(3600)
    for name, client in clients:
        got = get(client, job["jobName"])
        assert got["status"] == "Stopped", name
        assert "endTime" in got and "failureMessage" not in got, name


def test_jobs_lists_names_per_region(bedrock, clients):
    created = create_job(clients[1][1], tag="listed")
    assert created["jobName"] in bedrock.jobs()
    assert bedrock.jobs() == bedrock.jobs(region_name=REGION)
    other = make_bc_client(bedrock, region_name="ap-south-1")
    elsewhere = create_job(other, tag="apsouth")
    assert elsewhere["jobName"] in bedrock.jobs(region_name="ap-south-1")
    assert elsewhere["jobName"] not in bedrock.jobs()
    assert all(isinstance(name, str) for name in bedrock.jobs())
    # a job in another region: a clear error, then region_name= works
    with pytest.raises(JobNotFoundError) as info:
        bedrock.complete_job(elsewhere["jobName"])
    assert elsewhere["jobName"] in str(info.value) and "ap-south-1" in str(info.value)
    bedrock.complete_job(elsewhere["jobName"], region_name="ap-south-1")
    assert get(other, elsewhere["jobName"])["status"] == "Completed"


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["Done", "completed", "NotStarted", "", None])
def test_bad_status_is_value_error_listing_valid_ones(job, bedrock, status):
    with pytest.raises(ValueError) as info:
        bedrock.set_job_status(job["jobName"], status)
    for valid in JOB_STATUSES:
        assert valid in str(info.value)
    assert get(make_bc_client(bedrock), job["jobName"])["status"] == "InProgress"


def test_unknown_job_is_a_key_error_naming_it(bedrock):
    with pytest.raises(KeyError) as info:
        bedrock.set_job_status("no-such-job-xyz", "Completed")
    assert isinstance(info.value, JobNotFoundError)
    assert "'no-such-job-xyz'" in str(info.value)
    assert "us-east-1" in str(info.value)
    with pytest.raises(KeyError, match="no-such-job-xyz"):
        bedrock.fail_job("no-such-job-xyz", "boom")
    arn = "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/amazon.titan-text-express-v1/abcdefabcdef"
    with pytest.raises(KeyError, match="abcdefabcdef"):
        bedrock.complete_job(arn)


@pytest.mark.parametrize(
    "kwargs, error, text",
    [
        ({"end_time": "2024-05-01T12:00:00Z"}, TypeError, "end_time"),
        ({"failure_message": 42}, TypeError, "failure_message"),
        ({"training_metrics": {"training_loss": 0.1}}, ValueError, "trainingLoss"),
        ({"training_metrics": {"trainingLoss": "low"}}, TypeError, "trainingLoss"),
        ({"training_metrics": [0.1]}, TypeError, "training_metrics"),
        ({"validation_metrics": {"validationLoss": 0.2}}, TypeError, "validation_metrics"),
        ({"validation_metrics": [{"loss": 0.2}]}, ValueError, "validationLoss"),
        ({"status_details": {"training": {}}}, ValueError, "trainingDetails"),
        ({"status_details": {"trainingDetails": {"status": "Done"}}}, ValueError, "NotStarted"),
        ({"status_details": {"trainingDetails": {"creationTime": "yesterday"}}}, TypeError, "creationTime"),
        ({"region_name": ""}, ValueError, "region_name"),
    ],
)
def test_bad_arguments(job, bedrock, kwargs, error, text):
    with pytest.raises(error, match=text):
        bedrock.set_job_status(job["jobName"], "Completed", **kwargs)
    assert get(make_bc_client(bedrock), job["jobName"])["status"] == "InProgress"


# ---------------------------------------------------------------------------
# Consistency while clients poll
# ---------------------------------------------------------------------------


def test_a_poller_never_sees_half_a_status_change(job, bedrock, clients):
    stop = threading.Event()

    def flip():
        while not stop.is_set():
            bedrock.fail_job(job["jobName"], "boom", training_metrics={"trainingLoss": 9.0})
            bedrock.set_job_status(job["jobName"], "InProgress", training_metrics={"trainingLoss": 1.0})

    thread = threading.Thread(target=flip, daemon=True)
    thread.start()
    try:
        for _ in range(60):
            got = get(clients[1][1], job["jobName"])
            if got["status"] == "Failed":
                assert got["failureMessage"] == "boom" and "endTime" in got
                assert got["trainingMetrics"] == {"trainingLoss": 9.0}
            else:
                assert got["status"] == "InProgress"
                assert "failureMessage" not in got and "endTime" not in got
                assert got["trainingMetrics"] == {"trainingLoss": 1.0}
    finally:
        stop.set()
        thread.join()


# ---------------------------------------------------------------------------
# Waiters see the transition (they poll while the job is InProgress)
# ---------------------------------------------------------------------------


def test_waiter_sees_completion(job, bedrock, clients):
    client = clients[1][1]
    assert hasattr(client, "get_waiter"), "bc clients have no get_waiter yet"
    thread, errors = flip_later(lambda: bedrock.complete_job(job["jobName"], training_metrics={"trainingLoss": 0.01}))
    started = time.monotonic()
    client.get_waiter("model_customization_job_completed").wait(jobIdentifier=job["jobName"], WaiterConfig=FAST)
    elapsed = time.monotonic() - started
    thread.join()
    assert not errors
    assert elapsed >= 0.15, "the waiter returned before the job completed"
    got = get(client, job["jobName"])
    assert got["status"] == "Completed" and got["trainingMetrics"] == {"trainingLoss": 0.01}


def test_waiter_sees_failure_with_its_message(job, bedrock, clients):
    client = clients[1][1]
    assert hasattr(client, "get_waiter"), "bc clients have no get_waiter yet"
    message = "Training data s3://bc-test-bucket/train/data.jsonl is not valid JSONL"
    thread, errors = flip_later(lambda: bedrock.fail_job(job["jobArn"], message))
    started = time.monotonic()
    with pytest.raises(bc.exceptions.WaiterError) as info:
        client.get_waiter("model_customization_job_completed").wait(jobIdentifier=job["jobName"], WaiterConfig=FAST)
    elapsed = time.monotonic() - started
    thread.join()
    assert not errors
    assert elapsed >= 0.15
    assert info.value.last_response["status"] == "Failed"
    assert info.value.last_response["failureMessage"] == message


def test_stopped_waiter_sees_stopping_then_stopped(job, bedrock, clients):
    client = clients[1][1]
    assert hasattr(client, "get_waiter"), "bc clients have no get_waiter yet"
    bedrock.set_job_status(job["jobName"], "Stopping")
    thread, errors = flip_later(lambda: bedrock.set_job_status(job["jobName"], "Stopped"))
    client.get_waiter("model_customization_job_stopped").wait(jobIdentifier=job["jobName"], WaiterConfig=FAST)
    thread.join()
    assert not errors
    assert get(client, job["jobName"])["status"] == "Stopped"


def test_async_waiter_sees_completion(job, bedrock):
    assert hasattr(bc, "async_client"), "bc has no async_client yet"

    async def main():
        client = bc.async_client(
            "bedrock", region_name=REGION, endpoint_url=bedrock,
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )
        asyncio.get_running_loop().call_later(0.2, bedrock.complete_job, job["jobName"])
        started = time.monotonic()
        await client.get_waiter("model_customization_job_completed").wait(jobIdentifier=job["jobName"], WaiterConfig=FAST)
        elapsed = time.monotonic() - started
        return elapsed, await client.get_model_customization_job(jobIdentifier=job["jobName"])

    elapsed, got = asyncio.run(main())
    assert elapsed >= 0.15
    assert got["status"] == "Completed"
