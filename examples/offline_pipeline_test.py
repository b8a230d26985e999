"""Testing a fine-tuning pipeline offline: pytest + the local Bedrock.

``fine_tune_and_deploy`` below stands for your own code: it trains a custom
model, waits for the job, buys provisioned throughput for the model and waits
until it is in service. The ``local_bedrock`` fixture (it comes with the
package, as a pytest plugin) is a local Bedrock on 127.0.0.1 where the job goes
through its steps and the throughput comes into service by themselves in about
two seconds, and where a test can make anything fail:

    python -m pip install bedrock-customization pytest
    python -m pytest -q examples/offline_pipeline_test.py

No AWS account, no network. One local Bedrock serves the whole test session, so
every test uses names of its own.
"""

from __future__ import annotations

import threading
import uuid

import pytest

import bedrock_customization as bc

# ---------------------------------------------------------------------------
# The code under test (normally in your own package)
# ---------------------------------------------------------------------------


class TrainingFailed(Exception):
    """The fine-tuning job did not complete."""

    def __init__(self, job_name: str, reason: str) -> None:
        super().__init__(f"training job {job_name} failed: {reason}")
        self.job_name = job_name
        self.reason = reason


def fine_tune_and_deploy(client, *, name: str, training_data: str, output_location: str, role_arn: str,
                         base_model: str = "amazon.titan-text-express-v1", poll_seconds: float = 60) -> str:
    """Fine-tune ``base_model``, then serve the custom model with provisioned
    throughput; returns the provisioned model's ARN once it is InService.
    Raises TrainingFailed with the service's failure message if training fails."""
    job = client.create_model_customization_job(
        jobName=name,
        customModelName=f"{name}-model",
        roleArn=role_arn,
        baseModelIdentifier=base_model,
        customizationType="FINE_TUNING",
        trainingDataConfig={"s3Uri": training_data},
        outputDataConfig={"s3Uri": output_location},
        hyperParameters={"epochCount": "1", "batchSize": "1", "learningRate": "0.00001"},
    )
    try:
        client.get_waiter("model_customization_job_completed").wait(
            jobIdentifier=job["jobArn"], WaiterConfig={"Delay": poll_seconds})
    except bc.exceptions.WaiterError as e:
        last = e.last_response or {}
        raise TrainingFailed(name, last.get("failureMessage") or f"status {last.get('status')}") from e
    model_arn = client.get_model_customization_job(jobIdentifier=job["jobArn"])["outputModelArn"]
    throughput = client.create_provisioned_model_throughput(
        provisionedModelName=f"{name}-pt", modelId=model_arn, modelUnits=1)
    client.get_waiter("provisioned_model_throughput_in_service").wait(
        provisionedModelId=throughput["provisionedModelArn"], WaiterConfig={"Delay": poll_seconds})
    return throughput["provisionedModelArn"]


# ---------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------

ROLE_ARN = "arn:aws:iam::123456789012:role/BedrockCustomizationRole"
DATA = {"training_data": "s3://my-training-bucket/train.jsonl", "output_location": "s3://my-training-bucket/output/",
        "role_arn": ROLE_ARN, "poll_seconds": 0.1}  # the real default polls once a minute


@pytest.fixture
def client(local_bedrock):
    return bc.client(
        "bedrock",
        region_name="us-east-1",
        endpoint_url=local_bedrock,  # the local Bedrock's URL
        aws_access_key_id="testing",  # any credentials will do
        aws_secret_access_key="testing",
    )


@pytest.fixture
def name() -> str:
    return f"train-{uuid.uuid4().hex[:8]}"  # one local Bedrock per session: unique names


def test_the_trained_model_is_deployed(client, name):
    throughput_arn = fine_tune_and_deploy(client, name=name, **DATA)

    throughput = client.get_provisioned_model_throughput(provisionedModelId=throughput_arn)
    assert throughput["status"] == "InService"
    model = client.get_custom_model(modelIdentifier=throughput["modelArn"])
    assert model["modelName"] == f"{name}-model" and model["jobName"] == name
    assert "trainingLoss" in model["trainingMetrics"]
    # the model serves the throughput, so it cannot be deleted yet
    with pytest.raises(client.exceptions.ConflictException):
        client.delete_custom_model(modelIdentifier=model["modelArn"])


def test_a_training_failure_is_reported_with_its_message(local_bedrock, client, name):
    message = "Training data s3://my-training-bucket/train.jsonl: line 3 is not valid JSON"
    # Fail the job as soon as it exists (while the pipeline's waiter polls it).
    failer = threading.Thread(target=lambda: _fail_when_created(local_bedrock, name, message), daemon=True)
    failer.start()
    with pytest.raises(TrainingFailed) as info:
        fine_tune_and_deploy(client, name=name, **DATA)
    failer.join()
    assert info.value.reason == message
    assert client.list_provisioned_model_throughputs(nameContains=name)["provisionedModelSummaries"] == []


def test_a_quota_error_reaches_the_caller(local_bedrock, client, name):
    local_bedrock.fail_next("create_provisioned_model_throughput", "ServiceQuotaExceededException",
                            "You have reached the maximum number of provisioned model throughputs")
    with pytest.raises(client.exceptions.ServiceQuotaExceededException) as info:
        fine_tune_and_deploy(client, name=name, **DATA)
    assert "maximum number of provisioned" in info.value.response["Error"]["Message"]


def _fail_when_created(local_bedrock, job_name: str, message: str) -> None:
    import time

    deadline = time.monotonic() + 10
    while job_name not in local_bedrock.jobs():
        if time.monotonic() > deadline:
            return
        time.sleep(0.005)
    local_bedrock.fail_job(job_name, message)
