"""A whole fine-tuning pipeline, offline: check the data -> train -> wait -> read the metrics
-> custom model -> deploy -> wait -> clean up.

Runs against the local Bedrock that comes with the package (our own server on
127.0.0.1, started by ``bedrock_customization.testing.local_bedrock``), so it
needs no AWS account and nothing installed beyond the package:

    python -m pip install .
    python examples/pipeline.py

The local Bedrock simulates each step in a fraction of a second (training goes
through validation, data processing and training, as ``statusDetails`` shows).
Its S3 is a temporary folder (``data_dir``): the job reads its training data from
there, checks it as AWS does (a job with a malformed record fails at validation),
and writes its metrics files there when it completes. The data is checked first
with ``bc.training_data.check``, as you would before paying for a real job.
To run the same code against real Bedrock, create the client without
``endpoint_url`` and the dummy credentials, use your own role, S3 locations and
base model, and drop the short ``WaiterConfig`` delays (each waiter's defaults
suit the real resource: a minute between polls for training, and so on).
"""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
import time

import bedrock_customization as bc
from bedrock_customization.testing import local_bedrock

REGION = "us-east-1"
ROLE = "arn:aws:iam::123456789012:role/BedrockCustomizationRole"
BASE_MODEL = "amazon.titan-text-express-v1"
FAST = {"Delay": 0.2, "MaxAttempts": 100}  # the local Bedrock is quick; real Bedrock is not


def write_data(bucket: str) -> None:
    """The training and validation sets: prompt/completion records, one JSON object a line."""
    os.makedirs(bucket, exist_ok=True)
    for name, count in (("train.jsonl", 200), ("validation.jsonl", 20)):
        with open(os.path.join(bucket, name), "w", encoding="utf-8") as f:
            for i in range(count):
                record = {"prompt": f"Summarize ticket #{i}: the printer on floor {i % 7} is jammed.",
                          "completion": f"Printer jam, floor {i % 7}."}
                f.write(json.dumps(record) + "\n")


def run(client, data_dir: str) -> None:
    started = time.monotonic()

    def step(text: str) -> None:
        print(f"[{time.monotonic() - started:5.1f} s] {text}", flush=True)

    # 0. Check the data before paying for the job: one streaming pass, the base model's rules.
    bucket = os.path.join(data_dir, "my-training-bucket")  # s3://my-training-bucket/ on the local Bedrock
    write_data(bucket)
    findings = bc.training_data.check(os.path.join(bucket, "train.jsonl"), base_model=BASE_MODEL)
    step(f"0. training data checked: {findings.records} records, {len(findings.errors)} errors")
    if not findings.ok:  # stop here rather than pay for a job AWS would fail
        raise SystemExit("\n".join(str(f) for f in findings.errors))
    with open(os.path.join(bucket, "broken.jsonl"), "w", encoding="utf-8") as f:
        f.write('{"prompt": "What is 2 + 2?", "completion": "4"}\n{"prompt": "What is 3 + 3?"}\n')
    for finding in bc.training_data.check(os.path.join(bucket, "broken.jsonl"), base_model=BASE_MODEL):
        print(f"   a broken file -> {finding}")

    # 1. Fine-tune a base model.
    job = client.create_model_customization_job(
        jobName="pipeline-demo-job",
        customModelName="pipeline-demo-model",
        roleArn=ROLE,
        baseModelIdentifier=BASE_MODEL,
        customizationType="FINE_TUNING",
        trainingDataConfig={"s3Uri": "s3://my-training-bucket/train.jsonl"},
        validationDataConfig={"validators": [{"s3Uri": "s3://my-training-bucket/validation.jsonl"}]},
        outputDataConfig={"s3Uri": "s3://my-training-bucket/output/"},
        hyperParameters={"epochCount": "2", "batchSize": "8", "learningRate": "0.00001"},
        jobTags=[{"key": "project", "value": "pipeline-demo"}],
    )
    step(f"1. training job created: {job['jobArn']}")

    # 2. Wait for it, showing its status and sub-steps (validation, data processing, training).
    client.get_waiter("model_customization_job_completed").wait(
        jobIdentifier="pipeline-demo-job", WaiterConfig=FAST, progress=True
    )
    finished = client.get_model_customization_job(jobIdentifier=job["jobArn"])
    step(f"2. training {finished['status']}: trainingLoss={finished['trainingMetrics']['trainingLoss']}")

    # 2b. Read the loss curve from the metrics file the job wrote under its output location.
    job_id = job["jobArn"].rsplit("/", 1)[-1]
    metrics = os.path.join(bucket, "output", f"model-customization-job-{job_id}", "training_artifacts",
                           "step_wise_training_metrics.csv")
    with open(metrics, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    step(f"   metrics: {len(rows)} steps, training_loss {rows[0]['training_loss']} -> {rows[-1]['training_loss']}")

    # 3. The custom model it made.
    model = client.get_custom_model(modelIdentifier=finished["outputModelArn"])
    step(f"3. custom model {model['modelName']} ({model['modelStatus']}): {model['modelArn']}")

    # 4a. Deploy it for on-demand inference...
    deployment = client.create_custom_model_deployment(
        modelDeploymentName="pipeline-demo-deployment", modelArn=model["modelArn"]
    )
    arn = deployment["customModelDeploymentArn"]
    client.get_waiter("custom_model_deployment_active").wait(customModelDeploymentIdentifier=arn, WaiterConfig=FAST)
    status = client.get_custom_model_deployment(customModelDeploymentIdentifier=arn)["status"]
    step(f"4. custom model deployment {status}: {arn}")

    # 4b. ...and buy provisioned throughput for it.
    throughput = client.create_provisioned_model_throughput(
        provisionedModelName="pipeline-demo-throughput", modelId=model["modelArn"], modelUnits=1
    )
    pt_arn = throughput["provisionedModelArn"]
    client.get_waiter("provisioned_model_throughput_in_service").wait(provisionedModelId=pt_arn, WaiterConfig=FAST)
    status = client.get_provisioned_model_throughput(provisionedModelId=pt_arn)["status"]
    step(f"5. provisioned throughput {status}: {pt_arn}")

    # A model in use cannot be deleted: the service's ConflictException, caught as boto3's would be.
    try:
        client.delete_custom_model(modelIdentifier=model["modelArn"])
    except client.exceptions.ConflictException as e:
        step(f"   delete while in use -> ConflictException: {e.response['Error']['Message']}")

    # 6. Clean up: what serves the model first, then the model.
    client.delete_provisioned_model_throughput(provisionedModelId=pt_arn)
    client.get_waiter("provisioned_model_throughput_deleted").wait(provisionedModelId=pt_arn, WaiterConfig=FAST)
    client.delete_custom_model_deployment(customModelDeploymentIdentifier=arn)
    client.get_waiter("custom_model_deployment_deleted").wait(customModelDeploymentIdentifier=arn, WaiterConfig=FAST)
    client.delete_custom_model(modelIdentifier=model["modelArn"])
    client.get_waiter("custom_model_deleted").wait(modelIdentifier=model["modelArn"], WaiterConfig=FAST)
    left = client.list_custom_models(nameContains="pipeline-demo")["modelSummaries"]
    step(f"6. cleaned up: {len(left)} custom model(s) left")

    # Invalid input is refused before anything is sent.
    try:
        client.list_model_customization_jobs(maxResults=0, sortOrder="Sideways")
    except bc.exceptions.ParamValidationError as e:
        print("   invalid input -> " + str(e).replace("\n", "\n      "))


def main() -> int:
    with tempfile.TemporaryDirectory() as data_dir, local_bedrock(region_name=REGION, data_dir=data_dir) as endpoint_url:
        print(f"local Bedrock listening on {endpoint_url}")
        client = bc.client(
            "bedrock",
            region_name=REGION,
            endpoint_url=endpoint_url,
            aws_access_key_id="testing",  # the local Bedrock accepts any credentials
            aws_secret_access_key="testing",
        )
        run(client, data_dir)
    print("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
