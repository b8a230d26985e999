"""Testing a training pipeline offline: pytest + the local Bedrock.

``train_model`` below stands for your own code: it starts a model-customization
job and waits for it to finish. On the local Bedrock (moto's server, in this
process) jobs stay ``InProgress`` until the test moves them on with the
``local_bedrock`` fixture's ``complete_job`` / ``fail_job`` /
``set_job_status``, so both outcomes can be tested in a fraction of a second,
with no AWS account and no network:

    pip install 'bedrock-customization[local]' pytest
    python -m pytest -q examples/offline_pipeline_test.py

The ``local_bedrock`` fixture comes with the package (a pytest plugin): one
local Bedrock for the whole test session, so every test uses its own job names.
"""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
from typing import Callable, Iterator

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


def train_model(
    client,
    *,
    job_name: str,
    model_name: str,
    training_data: str,
    output_location: str,
    role_arn: str,
    base_model: str = "amazon.titan-text-express-v1",
    poll_seconds: float = 60,
    max_attempts: int = 24 * 60,
) -> str:
    """Fine-tune ``base_model`` on ``training_data``; wait for the job; return the
    new custom model's ARN. Raises TrainingFailed with the service's failure
    message when the job fails (or is stopped)."""
    client.create_model_customization_job(
        jobName=job_name,
        customModelName=model_name,
        roleArn=role_arn,
        baseModelIdentifier=base_model,
        customizationType="FINE_TUNING",
        trainingDataConfig={"s3Uri": training_data},
        outputDataConfig={"s3Uri": output_location},
        hyperParameters={"epochCount": "1", "batchSize": "1", "learningRate": "0.00001"},
    )
    waiter = client.get_waiter("model_customization_job_completed")
    try:
        waiter.wait(jobIdentifier=job_name, WaiterConfig={"Delay": poll_seconds, "MaxAttempts": max_attempts})
    except bc.exceptions.WaiterError as e:
        job = e.last_response or {}
        reason = job.get("failureMessage") or f"status {job.get('status', 'unknown')} ({e})"
        raise TrainingFailed(job_name, reason) from e
    return client.get_model_customization_job(jobIdentifier=job_name)["outputModelArn"]


# ---------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------

ROLE_ARN = "arn:aws:iam::123456789012:role/BedrockCustomizationRole"


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
def job_name() -> str:
    # The local Bedrock lives for the whole session: unique names per test.
    return f"train-{uuid.uuid4().hex[:8]}"


@contextlib.contextmanager
def job_finishes(local_bedrock, job_name: str, finish: Callable[[str], None], after: float = 0.2) -> Iterator[None]:
    """While the body runs (the pipeline creates the job and waits for it), a
    background thread waits for the job to exist, lets it "train" for ``after``
    seconds, then calls ``finish(job_name)``."""
    errors = []

    def run() -> None:
        try:
            deadline = time.monotonic() + 10
            while job_name not in local_bedrock.jobs():
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the pipeline never created {job_name}")
                time.sleep(0.01)
            time.sleep(after)
            finish(job_name)
        except Exception as e:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(e)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield
    finally:
        thread.join(timeout=15)
    if errors:
        raise errors[0]


def test_train_model_returns_the_custom_model(local_bedrock, client, job_name):
    def complete(name: str) -> None:
        local_bedrock.complete_job(name, training_metrics={"trainingLoss": 0.042})

    with job_finishes(local_bedrock, job_name, complete):
        model_arn = train_model(
            client,
            job_name=job_name,
            model_name=f"{job_name}-model",
            training_data="s3://my-training-bucket/train.jsonl",
            output_location="s3://my-training-bucket/output/",
            role_arn=ROLE_ARN,
            poll_seconds=0.05,  # the real default polls once a minute
        )

    assert model_arn.startswith("arn:aws:bedrock:us-east-1:123456789012:custom-model/")
    job = client.get_model_customization_job(jobIdentifier=job_name)
    assert job["status"] == "Completed"
    assert job["trainingMetrics"] == {"trainingLoss": 0.042}


def test_train_model_reports_the_failure_message(local_bedrock, client, job_name):
    message = "Training data s3://my-training-bucket/train.jsonl: line 3 is not valid JSON"

    def fail(name: str) -> None:
        local_bedrock.fail_job(name, message)

    with job_finishes(local_bedrock, job_name, fail):
        with pytest.raises(TrainingFailed) as info:
            train_model(
                client,
                job_name=job_name,
                model_name=f"{job_name}-model",
                training_data="s3://my-training-bucket/train.jsonl",
                output_location="s3://my-training-bucket/output/",
                role_arn=ROLE_ARN,
                poll_seconds=0.05,
            )

    assert info.value.reason == message
    assert message in str(info.value)
