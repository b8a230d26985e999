"""A complete model-customization job lifecycle: create -> list -> get -> stop.

Runs against the embedded local Bedrock (moto's server on 127.0.0.1, started by
``bedrock_customization.testing.local_bedrock``), so no AWS account is needed:

    pip install 'bedrock-customization[local]'
    python examples/lifecycle.py

To run it against real Bedrock, create the client without ``endpoint_url`` and
the dummy credentials, and use your own role, S3 locations and base model.
"""

from __future__ import annotations

import sys

import bedrock_customization as bc
from bedrock_customization.testing import local_bedrock

REGION = "us-east-1"
JOB_NAME = "lifecycle-demo-job"


def run(endpoint_url: str) -> None:
    client = bc.client(
        "bedrock",
        region_name=REGION,
        endpoint_url=endpoint_url,
        aws_access_key_id="testing",  # the local Bedrock accepts any credentials
        aws_secret_access_key="testing",
    )

    # 1. Create
    created = client.create_model_customization_job(
        jobName=JOB_NAME,
        customModelName="lifecycle-demo-model",
        roleArn="arn:aws:iam::123456789012:role/BedrockCustomizationRole",
        baseModelIdentifier="amazon.titan-text-express-v1",
        customizationType="FINE_TUNING",
        trainingDataConfig={"s3Uri": "s3://my-training-bucket/train.jsonl"},
        validationDataConfig={"validators": [{"s3Uri": "s3://my-training-bucket/validation.jsonl"}]},
        outputDataConfig={"s3Uri": "s3://my-training-bucket/output/"},
        hyperParameters={"epochCount": "2", "batchSize": "1", "learningRate": "0.00001"},
        jobTags=[{"key": "project", "value": "lifecycle-demo"}],
    )
    print(f"1. created   {created['jobArn']}")

    # 2. List
    listed = client.list_model_customization_jobs(nameContains="lifecycle", sortBy="CreationTime", sortOrder="Descending")
    summaries = listed["modelCustomizationJobSummaries"]
    print(f"2. listed    {len(summaries)} job(s): " + ", ".join(f"{s['jobName']} ({s['status']})" for s in summaries))

    # 3. Get (by the ARN create returned; the job's name works too)
    job = client.get_model_customization_job(jobIdentifier=created["jobArn"])
    print(
        f"3. got       {job['jobName']}: status={job['status']}, "
        f"baseModel={job['baseModelArn']}, created={job['creationTime']:%Y-%m-%d %H:%M:%S}, "
        f"hyperParameters={job['hyperParameters']}"
    )

    # 4. Stop
    client.stop_model_customization_job(jobIdentifier=JOB_NAME)
    status = client.get_model_customization_job(jobIdentifier=JOB_NAME)["status"]
    print(f"4. stopped   {JOB_NAME}: status={status}")
    if status != "Stopped":
        raise SystemExit(f"expected status Stopped, got {status}")

    # Errors are boto3's: modeled exception classes, same messages.
    try:
        client.get_model_customization_job(jobIdentifier="no-such-job")
    except client.exceptions.ResourceNotFoundException as e:
        print(f"   missing job -> {type(e).__name__}: {e.response['Error']['Message']}")

    # Invalid input is rejected before anything is sent.
    try:
        client.list_model_customization_jobs(maxResults=0, sortOrder="Sideways")
    except bc.exceptions.ParamValidationError as e:
        print("   invalid input -> " + str(e).replace("\n", "\n      "))


def main() -> int:
    with local_bedrock(region_name=REGION) as endpoint_url:
        print(f"local Bedrock listening on {endpoint_url}")
        run(endpoint_url)
    print("done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
