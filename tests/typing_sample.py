"""Typed usage of bedrock_customization, checked by mypy (never run: nothing calls the
functions below; importing this file is harmless).

`python -m mypy` (configured in pyproject.toml; run by .ci/run and tests/test_typing.py)
checks it together with the package. Each `assert_type` fails mypy when a type is
wrong, and each `# type: ignore[code]` fails it (as an unused ignore, with
`warn_unused_ignores`) when a call that should be refused is accepted.
"""

# ruff: noqa: TC004  (the functions are only type-checked, never run)
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Optional, Union

from typing_extensions import assert_type

import bedrock_customization as bc
from bedrock_customization.exceptions import ClientError
from bedrock_customization.type_defs import (
    CreateModelCustomizationJobRequestTypeDef,
    CustomModelSummaryTypeDef,
    GetModelCustomizationJobResponseTypeDef,
    ListCustomModelsResponseTypeDef,
    ListModelCustomizationJobsResponseTypeDef,
    ModelCustomizationJobStatusType,
    ModelCustomizationJobSummaryTypeDef,
    RetrievalFilterTypeDef,
    TrainingDataConfigOutputTypeDef,
    TrainingDataConfigTypeDef,
)

if TYPE_CHECKING:  # stub-only names: the typed paginator and waiter classes
    from bedrock_customization.paginate import (
        AsyncPageIterator,
        ListCustomModelsPaginator,
        ListModelCustomizationJobsAsyncPaginator,
        ListModelCustomizationJobsPaginator,
        PageIterator,
    )
    from bedrock_customization.waiter import (
        CustomModelDeploymentDeletedAsyncWaiter,
        ModelCustomizationJobCompletedWaiter,
        ModelCustomizationJobStoppedAsyncWaiter,
        ProvisionedModelThroughputInServiceWaiter,
    )


def operations(client: bc.Client) -> None:
    job = client.get_model_customization_job(jobIdentifier="job")
    assert_type(job, GetModelCustomizationJobResponseTypeDef)
    assert_type(job["creationTime"], datetime)
    assert_type(job["status"], ModelCustomizationJobStatusType)
    assert_type(job["trainingDataConfig"], TrainingDataConfigOutputTypeDef)
    assert_type(job["ResponseMetadata"]["HTTPStatusCode"], int)

    created = client.create_model_customization_job(
        jobName="job",
        customModelName="model",
        roleArn="arn:aws:iam::123456789012:role/r",
        baseModelIdentifier="amazon.titan-text-express-v1",
        trainingDataConfig={"s3Uri": "s3://bucket/train.jsonl"},
        outputDataConfig={"s3Uri": "s3://bucket/out/"},
        hyperParameters={"epochCount": "1"},
    )
    assert_type(created["jobArn"], str)

    # An operation whose response has no members: a plain dict, as in mypy-boto3.
    assert_type(client.stop_model_customization_job(jobIdentifier="job"), dict[str, Any])
    # An operation without parameters.
    client.get_model_invocation_logging_configuration()

    listed = client.list_model_customization_jobs(statusEquals="InProgress", creationTimeAfter="2024-01-01")
    assert_type(listed["modelCustomizationJobSummaries"], list[ModelCustomizationJobSummaryTypeDef])

    client.get_model_customization_job()  # type: ignore[call-arg]
    client.get_model_customization_job("job")  # type: ignore[call-arg]
    client.get_model_customization_job(jobIdentifier=1)  # type: ignore[arg-type]
    client.get_model_customization_job(jobIdentifier="job", bogus=1)  # type: ignore[call-arg]
    client.list_model_customization_jobs(statusEquals="Running")  # type: ignore[arg-type]

    # The request as a TypedDict, splatted: what mypy-boto3 users write.
    request: CreateModelCustomizationJobRequestTypeDef = {
        "jobName": "job",
        "customModelName": "model",
        "roleArn": "arn:aws:iam::123456789012:role/r",
        "baseModelIdentifier": "amazon.titan-text-express-v1",
        "trainingDataConfig": {"s3Uri": "s3://bucket/train.jsonl"},
        "outputDataConfig": {"s3Uri": "s3://bucket/out/"},
    }
    client.create_model_customization_job(**request)
    bad: TrainingDataConfigTypeDef = {"s3uri": "s3://bucket/"}  # type: ignore[typeddict-unknown-key]
    # A member named by a Python keyword (functional TypedDict syntax) and a recursive one.
    where: RetrievalFilterTypeDef = {"in": {"key": "genre", "value": ["a"]}, "andAll": [{"equals": {"key": "k", "value": 1}}]}
    del bad, where


def paginators(client: bc.Client) -> None:
    paginator = client.get_paginator("list_custom_models")
    assert_type(paginator, ListCustomModelsPaginator)
    pages = paginator.paginate(sortBy="CreationTime", PaginationConfig={"MaxItems": 10, "PageSize": 5})
    assert_type(pages, PageIterator[ListCustomModelsResponseTypeDef])
    for page in pages:
        assert_type(page["modelSummaries"], list[CustomModelSummaryTypeDef])
    assert_type(pages.build_full_result(), dict[str, Any])
    assert_type(pages.resume_token, Optional[str])
    paginator.paginate(nextToken="token")  # type: ignore[call-arg]
    paginator.paginate(PaginationConfig={"MaxItem": 1})  # type: ignore[typeddict-unknown-key]
    client.get_paginator("get_custom_model")  # type: ignore[call-overload]

    jobs = client.get_paginator("list_model_customization_jobs")
    assert_type(jobs, ListModelCustomizationJobsPaginator)
    assert_type(client.can_paginate("list_model_customization_jobs"), bool)


def waiters(client: bc.Client) -> None:
    waiter = client.get_waiter("model_customization_job_completed")
    assert_type(waiter, ModelCustomizationJobCompletedWaiter)
    waiter.wait(jobIdentifier="job", WaiterConfig={"Delay": 5, "MaxAttempts": 3}, max_wait=60.0, progress=True)
    waiter.wait()  # type: ignore[call-arg]
    client.get_waiter("job_exists")  # type: ignore[call-overload]
    assert_type(client.waiter_names, list[str])
    # every waiter of codegen/model/waiters-2.json is typed with its operation's parameters
    throughput = client.get_waiter("provisioned_model_throughput_in_service")
    assert_type(throughput, ProvisionedModelThroughputInServiceWaiter)
    throughput.wait(provisionedModelId="pt", on_poll=lambda response: None)
    throughput.wait(jobIdentifier="job")  # type: ignore[call-arg]


def client_surface(client: bc.Client) -> None:
    assert_type(client.exceptions.ResourceNotFoundException, type[ClientError])
    assert_type(client.exceptions.from_code("ValidationException"), type[ClientError])
    assert_type(client.meta.region_name, Optional[str])
    assert_type(client.meta.method_to_api_mapping, dict[str, str])
    assert_type(client.region_name, str)
    # The core's generic entry point (what every operation method calls).
    assert_type(client._make_api_call("GetModelCustomizationJob", {"jobIdentifier": "job"}), dict[str, Any])
    try:
        client.get_model_customization_job(jobIdentifier="job")
    except client.exceptions.ResourceNotFoundException as e:
        assert_type(e, ClientError)
    # The validation level: True (botocore's checks, the default), False or "strict".
    strict = bc.Config(parameter_validation="strict")
    assert_type(strict.parameter_validation, Union[bool, str])
    session = bc.Session(region_name="us-east-1")
    assert_type(session.client("bedrock", config=strict), bc.Client)
    assert_type(session.client("bedrock"), bc.Client)
    assert_type(bc.client("bedrock", region_name="us-east-1"), bc.Client)


async def asynchronous(client: bc.AsyncClient) -> None:
    job = await client.get_model_customization_job(jobIdentifier="job")
    assert_type(job, GetModelCustomizationJobResponseTypeDef)
    assert_type(await client.stop_model_customization_job(jobIdentifier="job"), dict[str, Any])

    paginator = client.get_paginator("list_model_customization_jobs")
    assert_type(paginator, ListModelCustomizationJobsAsyncPaginator)
    pages = paginator.paginate(statusEquals="InProgress")
    assert_type(pages, AsyncPageIterator[ListModelCustomizationJobsResponseTypeDef])
    async for page in pages:
        assert_type(page, ListModelCustomizationJobsResponseTypeDef)
    assert_type(await pages.build_full_result(), dict[str, Any])

    waiter = client.get_waiter("model_customization_job_stopped")
    assert_type(waiter, ModelCustomizationJobStoppedAsyncWaiter)
    await waiter.wait(jobIdentifier="job", max_wait=60.0)
    deleted = client.get_waiter("custom_model_deployment_deleted")
    assert_type(deleted, CustomModelDeploymentDeletedAsyncWaiter)
    await deleted.wait(customModelDeploymentIdentifier="d", WaiterConfig={"Delay": 15})

    async with bc.async_client("bedrock", region_name="us-east-1") as other:
        assert_type(other, bc.AsyncClient)
