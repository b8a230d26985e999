"""The local Bedrock's S3: a folder (``local_bedrock(data_dir=PATH)``).

``s3://bucket/key`` is ``PATH/bucket/key``. A customization job's training and
validation data are read from there and checked with the package's training-data
checks (``bedrock_customization.training_data``) when its validation step ends: a
job whose data is missing or has an error fails there, as AWS's does. A job that
completes writes its metrics files under its output location, where AWS writes them.
"""

from __future__ import annotations

import csv
import math
import os
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..training_data import Finding, check
from ..training_data._rules import data as rules_data


class DataError(Exception):
    """A job's data cannot be used: the message is the job's ``failureMessage``."""


def bucket_key(uri: str) -> Tuple[str, str]:
    """``s3://bucket/key`` -> ``(bucket, key)`` (a prefix's trailing ``/`` dropped)."""
    bucket, _, key = uri[len("s3://"):].rstrip("/").partition("/")
    return bucket, key


def local_path(data_dir: str, uri: str) -> str:
    """The file of ``uri`` (``s3://bucket/key``) under ``data_dir``; a ``DataError`` for a
    location that is not an S3 URI or would leave the folder."""
    if not isinstance(uri, str) or not uri.startswith("s3://") or len(uri) <= 5:
        raise DataError(f"{uri!r} is not an S3 location (s3://bucket/key).")
    parts = uri[5:].split("/")
    if any(p in ("..", ".") for p in parts) or not parts[0]:
        raise DataError(f"{uri!r} is not an S3 location the local Bedrock can map to its data folder.")
    return os.path.join(data_dir, *[p for p in parts if p])


def _aws(which: str, **values: str) -> str:
    """A ``failureMessage`` in AWS's words (rules.json ``failure_messages``, from AWS's
    troubleshooting page or a user quoting the console; each entry names its source)."""
    text = rules_data()["failure_messages"][which]
    text = text["text"] if isinstance(text, dict) else text
    for name, value in values.items():  # (not str.format: AWS's words hold JSON braces)
        text = text.replace("{" + name + "}", value)
    return text


#: The rules whose failure AWS words itself (rules.json ``failure_messages``); any other
#: error of the checks fails the job in our words, naming the line and the rule.
_AWS_WORDS = {"utf8": "invalid_jsonl", "jsonl-json": "invalid_jsonl", "jsonl-object": "invalid_jsonl",
              "pc-fields": "prompt_completion_format"}


def _failure(kind: str, uri: str, first: Finding) -> str:
    bucket, key = bucket_key(uri)
    words = _AWS_WORDS.get(first.rule)
    if words is not None:
        return _aws(words, fileName=key, key=key)
    return f"Validation of the {kind} data {uri} failed: {first}"


def data_failure(data_dir: str, job: Dict[str, Any], base_model: str, customization: str) -> Tuple[Optional[str], int]:
    """The ``failureMessage`` of the job's validation step (None when its data is good)
    and the number of training records read.

    As AWS does, the step reads each data file (a missing or unreadable one fails the job
    in the words AWS uses for an object it cannot get), checks it, and checks that it can
    write under the output location (AWS writes ``.write_access_check_file.tmp`` there)."""
    uris: List[Tuple[str, str]] = []
    training = (job.get("trainingDataConfig") or {}).get("s3Uri")
    if training:
        uris.append(("training", training))
    for validator in (job.get("validationDataConfig") or {}).get("validators") or []:
        uris.append(("validation", validator.get("s3Uri")))
    records = 0
    for kind, uri in uris:
        try:
            path = local_path(data_dir, uri)
        except DataError as e:
            return str(e), records
        bucket, key = bucket_key(uri)
        if not os.path.isfile(path):
            return _aws("s3_read", bucket=bucket, key=key), records
        try:
            findings = check(path, base_model, customization, validation=kind == "validation")
        except (LookupError, ValueError):
            return None, records  # no rules for this model: nothing to check against
        except OSError:
            return _aws("s3_read", bucket=bucket, key=key), records
        if kind == "training":
            records = findings.records
        if not findings.ok:
            return _failure(kind, uri, findings.errors[0]), records
    output = (job.get("outputDataConfig") or {}).get("s3Uri")
    if output:
        try:
            folder = local_path(data_dir, output)
        except DataError as e:
            return str(e), records
        probe = os.path.join(folder, ".write_access_check_file.tmp")
        try:
            os.makedirs(folder, exist_ok=True)
            with open(probe, "wb"):
                pass
            os.remove(probe)
        except OSError:
            bucket, prefix = bucket_key(output)
            return _aws("s3_write", bucket=bucket, prefix=prefix), records
    return None, records


def write_metrics(data_dir: str, output_uri: str, job_id: str, epochs: int, steps: int, training_loss: float,
                  validation_losses: Sequence[float]) -> List[str]:
    """Write the job's metrics files where AWS writes them (rules.json ``output_artifacts``:
    the keys and columns of AWS's page on analyzing a customization job's results) and
    return their paths. The values are plainly synthetic: a loss falling to the job's
    ``trainingMetrics``/``validationMetrics``, its perplexity ``exp(loss)``."""
    layout = rules_data()["output_artifacts"]
    base = local_path(data_dir, output_uri)
    total = max(1, epochs * steps)

    def falling(final: float, i: int) -> float:
        return round(final * (1 + 2.0 * (total - 1 - i) / total), 6)

    written = []
    rows: List[List[Any]] = []
    for i in range(total):  # step_number starts from 0
        loss = falling(training_loss, i)
        rows.append([i, i // max(1, steps), loss, round(math.exp(loss), 6)])
    key = layout["training_metrics_key"].format(job_id=job_id)
    written.append(_write(os.path.join(base, *key.split("/")), layout["training_columns"], rows))
    if validation_losses:
        rows = []
        for epoch in range(epochs):
            loss = falling(validation_losses[0], (epoch + 1) * steps - 1)
            rows.append([(epoch + 1) * steps - 1, epoch, loss, round(math.exp(loss), 6)])
        key = layout["validation_metrics_key"].format(job_id=job_id)
        written.append(_write(os.path.join(base, *key.split("/")), layout["validation_columns"], rows))
    return written


def _write(path: str, columns: Sequence[str], rows: List[List[Any]]) -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(rows)
    return path
