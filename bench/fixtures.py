"""Realistic Bedrock response bodies for the benchmarks, built from the pinned
service model so that every member of an output shape is filled in.

The shapes are read from ``codegen/model/service-2.json`` (botocore's model,
pinned in the repository) and walked by the tests' ``samples.Walker``. Each string gets a value that looks like what the
service sends (ARNs, S3 URIs, subnet ids ...), keyed by shape name; anything
not listed falls back to a plain value of the right type. A union (only one
member may be set) gets the member named in ``UNIONS`` (or its first); every
other structure gets all of its members, lists two entries and maps one to four.

    python bench/fixtures.py            # print the GetModelCustomizationJob body
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, Dict, List, Optional

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
from samples import WALK, At, Walker  # noqa: E402  (tests/samples.py: the one walk over the model's shapes)

REGION = "us-east-1"
ACCOUNT = "123456789012"
BASE_MODEL = "amazon.titan-text-express-v1:0:8k"
JOB_ID = "bench-job"

# Which member each union carries in the main body ("rft"); the "distillation"
# variant takes the other branch of every union that has one.
UNIONS = {
    "rft": {"CustomizationConfig": "rftConfig", "RequestMetadataFilters": "andAll", "GraderConfig": "lambdaGrader"},
    "distillation": {"CustomizationConfig": "distillationConfig", "RequestMetadataFilters": "equals"},
}


def service_model() -> Dict[str, Any]:
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "codegen", "model", "service-2.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _job_suffix(i: int) -> str:
    return f"{i:012x}"[-12:].replace("0", "a")  # [a-z0-9]{12}


def _strings(i: int) -> Dict[str, Any]:
    sfx = _job_suffix(i)
    day, hour = 2 + i % 27, 3 + i % 17
    return {
        "ModelCustomizationJobArn": f"arn:aws:bedrock:{REGION}:{ACCOUNT}:model-customization-job/{BASE_MODEL}/{sfx}",
        "JobName": f"bench-job-{i:04d}",
        "CustomModelName": f"bench-model-{i:04d}",
        "CustomModelArn": f"arn:aws:bedrock:{REGION}:{ACCOUNT}:custom-model/{BASE_MODEL}/{sfx}",
        "IdempotencyToken": f"5f0c8a3e-2b1d-4c7e-9a6f-{i:012d}",
        "RoleArn": f"arn:aws:iam::{ACCOUNT}:role/service-role/BedrockModelCustomizationRole",
        "ErrorMessage": "Training stopped early: the validation loss did not improve for 3 evaluations.",
        "FoundationModelArn": f"arn:aws:bedrock:{REGION}::foundation-model/{BASE_MODEL}",
        "ModelArn": f"arn:aws:bedrock:{REGION}::foundation-model/{BASE_MODEL}",
        "S3Uri": "s3://bench-training-bucket/datasets/customer-support/train.jsonl",
        "KmsKeyArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "SubnetId": "subnet-0a1b2c3d4e5f67890",
        "SecurityGroupId": "sg-0123456789abcdef0",
        "TeacherModelIdentifier": f"arn:aws:bedrock:{REGION}::foundation-model/amazon.nova-pro-v1:0",
        "LambdaArn": f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:bench-reward-grader",
        "PaginationToken": "eyJsYXN0RXZhbHVhdGVkS2V5IjogImJlbmNoLWpvYi0wMDk5In0=",
        "RequestMetadataMapKeyString": "project",
        "RequestMetadataMapValueString": "customer-support",
        # by member name, so that creation < last modification < end
        "_timestamps": {
            "creationTime": f"2026-01-{day:02d}T{hour:02d}:04:05.123Z",
            "lastModifiedTime": f"2026-01-{day:02d}T{hour + 2:02d}:47:12.789Z",
            "endTime": f"2026-01-{day:02d}T{hour + 2:02d}:58:01Z",
        },
        # by the member that holds the S3 location
        "_s3": {
            "trainingDataConfig": "s3://bench-training-bucket/datasets/customer-support/train.jsonl",
            "invocationLogSource": "s3://bench-invocation-logs/AWSLogs/123456789012/BedrockModelInvocationLogs/",
            "validators": "s3://bench-training-bucket/datasets/customer-support/validation-{n}.jsonl",
            "outputDataConfig": f"s3://bench-training-bucket/output/bench-job-{i:04d}/",
        },
    }


HYPER_PARAMETERS = {"epochCount": "2", "batchSize": "1", "learningRate": "0.00001", "learningRateWarmupSteps": "5"}
NUMBERS = {
    "MetricFloat": [0.8734, 0.9121, 1.0457],
    "RFTLearningRate": [0.00001],
    "EpochCount": [3], "RFTBatchSize": [128], "RFTMaxPromptLength": [4096], "RFTTrainingSamplePerPrompt": [4],
    "RFTInferenceMaxTokens": [2048], "RFTEvalInterval": [10], "Integer": [1024],
}
ENUMS = {"ModelCustomizationJobStatus": "Completed", "JobStatusDetails": "Completed", "CustomizationType": None,
         "ReasoningEffort": "medium"}


class _Filler(Walker):
    """samples.Walker making a realistic body: header-bound members left out, a union's
    member from UNIONS (or its first), lists of two items (at most their max), maps of one
    entry, strings, numbers and timestamps from the tables above."""

    def __init__(self, i: int, variant: str):
        self.strings = _strings(i)
        self.unions = UNIONS[variant]
        self.variant = variant
        self.counter = 0

    def counter_next(self) -> int:
        self.counter += 1
        return self.counter

    def _next(self, values):
        self.counter += 1
        return values[self.counter % len(values)]

    def members(self, shape, at: At) -> List[str]:
        names = list(shape.members)
        if shape.is_tagged_union:
            names = [self.unions.get(shape.name, names[0])]
        return [m for m in names if shape.members[m].serialization.get("location") not in ("header", "headers", "statusCode")]

    def items(self, shape, at: At) -> List[At]:
        return [at.below(member=f"{at.member}{n}") for n in range(min(2, shape.metadata.get("max", 2)))]

    def entries(self, shape, at: At) -> List[At]:
        return [at.below() for _ in range(min(1, shape.metadata.get("max", 1)))]

    def instead(self, shape, at: At) -> Any:
        return dict(HYPER_PARAMETERS) if shape.name == "ModelCustomizationHyperParameters" else WALK

    def document(self, shape, at: At) -> Any:
        return {}

    def string(self, shape, at: At) -> str:
        name = shape.name
        if shape.enum:
            if name == "CustomizationType":
                return "REINFORCEMENT_FINE_TUNING" if self.variant == "rft" else "DISTILLATION"
            return ENUMS.get(name) or shape.enum[0]
        if name == "S3Uri":
            holder = next(p for p in reversed(at.path) if p in self.strings["_s3"])
            return self.strings["_s3"][holder].format(n=len(at.path) and self.counter_next())
        if name in ("SubnetId", "SecurityGroupId"):
            return self.strings[name][:-1] + str(self.counter_next() % 10)
        return self.strings.get(name, f"{at.member or name}-value")

    def timestamp(self, shape, at: At) -> str:
        return self.strings["_timestamps"][at.member]

    def integer(self, shape, at: At) -> Any:
        return self._next(NUMBERS.get(shape.name, [1]))

    float = integer

    def boolean(self, shape, at: At) -> bool:
        return True


def _shapes(model: Dict[str, Any]):
    """botocore's ServiceModel of the model (its shapes are what samples.Walker walks)."""
    import botocore.model

    return botocore.model.ServiceModel(model, service_name="bedrock")


def output_body(operation: str, i: int = 0, variant: str = "rft", model: Optional[Dict[str, Any]] = None) -> Any:
    model = model or service_model()
    return _Filler(i, variant).walk(_shapes(model).operation_model(operation).output_shape)


def get_job(variant: str = "rft", model=None) -> Dict[str, Any]:
    """GetModelCustomizationJob: every member of the output shape."""
    return output_body("GetModelCustomizationJob", 0, variant, model)


def list_page(n: int = 100, model=None) -> Dict[str, Any]:
    """ListModelCustomizationJobs: one page of n full summaries and a nextToken."""
    model = model or service_model()
    page = output_body("ListModelCustomizationJobs", 0, "rft", model)
    summary_shape = _shapes(model).shape_for(model["shapes"]["ModelCustomizationJobSummaries"]["member"]["shape"])
    statuses = model["shapes"]["ModelCustomizationJobStatus"]["enum"]
    types = model["shapes"]["CustomizationType"]["enum"]
    summaries = []
    for i in range(n):
        s = _Filler(i, "rft").walk(summary_shape)
        s["status"] = statuses[i % len(statuses)]
        s["customizationType"] = types[i % len(types)]
        summaries.append(s)
    page["modelCustomizationJobSummaries"] = summaries
    return page


def create_job(model=None) -> Dict[str, Any]:
    return output_body("CreateModelCustomizationJob", 0, "rft", model)


def all_members_present(body: Any, shape_name: str, model: Dict[str, Any]) -> list:
    """Paths of members of shape_name missing from body (unions: one member)."""
    shapes = model["shapes"]
    missing = []

    def walk(value, name, path):
        shape = shapes[name]
        if shape["type"] == "structure":
            members = shape["members"]
            if shape.get("union"):
                if len([m for m in members if m in value]) != 1:
                    missing.append(f"{path} (union: exactly one member)")
                members = {m: s for m, s in members.items() if m in value}
            for m, spec in members.items():
                if spec.get("location") in ("header", "headers", "statusCode"):
                    continue
                if m not in value:
                    missing.append(f"{path}.{m}")
                else:
                    walk(value[m], spec["shape"], f"{path}.{m}")
        elif shape["type"] == "list":
            for k, v in enumerate(value):
                walk(v, shape["member"]["shape"], f"{path}[{k}]")
        elif shape["type"] == "map":
            for k, v in value.items():
                walk(v, shape["value"]["shape"], f"{path}[{k!r}]")

    walk(body, shape_name, "")
    return missing


if __name__ == "__main__":
    print(json.dumps(get_job(), indent=2))
