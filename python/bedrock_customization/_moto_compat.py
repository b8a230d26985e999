"""Makes moto's Bedrock behave like the real service where it matters to callers.

moto names a job ``arn:aws:bedrock:<region>:<account>:model-customization-job/<jobName>``,
an ARN that does not match the model's pattern for job ARNs (the real service adds
the base model and a 12-character id), so validating clients could not pass it back
as ``jobIdentifier``. moto also reports every job as ``InProgress`` forever, with a
constant ``failureMessage`` ("Failure Message") and an ``endTime`` equal to its
creation time, and never a ``statusDetails``.

The local Bedrock runs moto in this process; these patches

* give its jobs real-shaped ARNs and let every call find a job by name or by ARN;
* drop moto's constant ``failureMessage`` / ``endTime``: a job has them only once
  they are set (:func:`set_job_state`, used by ``LocalBedrock.set_job_status``),
  and ``StopModelCustomizationJob`` records an ``endTime`` like the service;
* add ``statusDetails`` to GetModelCustomizationJob and to the job summaries of
  ListModelCustomizationJobs, and leave ``null`` members out of those summaries.

Job state lives on moto's job objects (``status``, ``failure_message``,
``end_time``, ``training_metrics``, ``validation_metrics`` and the added
``_bc_status_details``); reads and writes of it hold one lock, so a poller never
sees half of a status change. Applied once, only by ``bedrock_customization.testing``.
"""

import copy
import datetime
import hashlib
import json
import re
import threading
import urllib.parse
from typing import Any, Dict, Optional

_APPLIED = False
_LOCK = threading.Lock()
# Guards every read and write of a job's status fields (server threads read,
# the test's thread writes).
STATE_LOCK = threading.RLock()
_MODEL_ID = re.compile(r"[a-z0-9-]{1,63}[.][a-z0-9-]{1,63}([a-z0-9-]{1,63}[.]){0,2}[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2}")
_MOTO_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # moto's creationTime / lastModifiedTime


def _real_shaped_arn(job) -> str:
    model_id = job.base_model_arn.rsplit("/", 1)[-1].lower()
    if not _MODEL_ID.fullmatch(model_id):
        model_id = "amazon.custom-model"
    digest = hashlib.sha256(f"{job.account_id}/{job.region_name}/{job.job_name}".encode()).hexdigest()[:12]
    prefix = job.job_arn.rsplit("/", 1)[0]
    return f"{prefix}/{model_id}/{digest}"


def _resolve(backend, identifier: str) -> str:
    """A job name for a name, a full ARN, or the ARN's last segment (moto's router
    splits the ARN at '/'; from moto 5.2.5 on it passes the path segment still
    percent-encoded)."""
    identifier = urllib.parse.unquote(identifier)
    jobs = backend.model_customization_jobs
    if identifier in jobs:
        return identifier
    for name, job in list(jobs.items()):
        if identifier == job.job_arn or job.job_arn.endswith("/" + identifier):
            return name
    return identifier


def iso8601(value: datetime.datetime) -> str:
    """A timestamp as the service writes it: UTC, ISO-8601, ``Z``; milliseconds
    (or microseconds) only when non-zero. A naive datetime is taken as UTC, as
    botocore does for timestamps it sends."""
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    value = value.astimezone(datetime.timezone.utc)
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond % 1000:
        text += f".{value.microsecond:06d}"
    elif value.microsecond:
        text += f".{value.microsecond // 1000:03d}"
    return text + "Z"


def utc_now_ms() -> datetime.datetime:
    """Now, in UTC, to the millisecond (the service's resolution)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def _moto_now() -> str:
    return datetime.datetime.now().strftime(_MOTO_TIME_FORMAT)


def find_job(backend, identifier: str):
    """moto's job object for a job name or ARN, or None."""
    with STATE_LOCK:
        return backend.model_customization_jobs.get(_resolve(backend, identifier))


_UNSET: Any = object()


def set_job_state(
    backend,
    job,
    *,
    status: str,
    failure_message: Optional[str],
    end_time: Optional[str],
    training_metrics: Any = _UNSET,
    validation_metrics: Any = _UNSET,
    status_details: Any = _UNSET,
) -> None:
    """Set a job's status fields at once. ``failure_message`` / ``end_time``
    None: absent from responses. Metrics and status details left _UNSET keep
    their current values. Values must already be in the wire format."""
    with STATE_LOCK:
        job.failure_message = failure_message
        job.end_time = end_time
        if training_metrics is not _UNSET:
            job.training_metrics = training_metrics
        if validation_metrics is not _UNSET:
            job.validation_metrics = validation_metrics
        if status_details is not _UNSET:
            job._bc_status_details = status_details
        # The custom model moto created with the job reports the job's metrics.
        model = getattr(backend, "custom_models", {}).get(getattr(job, "custom_model_name", None))
        if model is not None and getattr(model, "job_name", None) == job.job_name:
            model.training_metrics = job.training_metrics
            model.validation_metrics = job.validation_metrics
        job.last_modified_time = _moto_now()
        job.status = status


def _summary_fixups(backend, body: Any) -> Any:
    """Leave null members out of ListModelCustomizationJobs summaries and add
    each job's statusDetails."""
    if not isinstance(body, (str, bytes)):
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body
    summaries = data.get("modelCustomizationJobSummaries") if isinstance(data, dict) else None
    if not isinstance(summaries, list):
        return body
    with STATE_LOCK:
        jobs = {job.job_arn: job for job in list(backend.model_customization_jobs.values())}
        for summary in summaries:
            if not isinstance(summary, dict):
                continue
            for key in [k for k, v in summary.items() if v is None]:
                del summary[key]
            job = jobs.get(summary.get("jobArn"))
            details = getattr(job, "_bc_status_details", None)
            if details:
                summary["statusDetails"] = copy.deepcopy(details)
    return json.dumps(data)


def apply() -> None:
    global _APPLIED
    with _LOCK:
        if _APPLIED:
            return
        from moto.bedrock import models, responses

        job_cls = models.ModelCustomizationJob
        original_init = job_cls.__init__
        original_to_dict = job_cls.to_dict

        def __init__(self, *args, **kwargs):
            original_init(self, *args, **kwargs)
            self.job_arn = _real_shaped_arn(self)
            # moto fills these with constants; the service has none while a job runs.
            self.failure_message = None
            self.end_time = None
            self._bc_status_details = None

        def to_dict(self) -> Dict[str, Any]:
            with STATE_LOCK:
                result = original_to_dict(self)  # leaves out falsy members (None)
                details = getattr(self, "_bc_status_details", None)
                if details:
                    result["statusDetails"] = details
                return copy.deepcopy(result)

        job_cls.__init__ = __init__
        job_cls.to_dict = to_dict

        backend_cls = models.BedrockBackend
        original_get = backend_cls.get_model_customization_job
        original_stop = backend_cls.stop_model_customization_job

        def get_model_customization_job(self, job_identifier):
            return original_get(self, _resolve(self, job_identifier))

        def stop_model_customization_job(self, job_identifier):
            name = _resolve(self, job_identifier)
            with STATE_LOCK:
                original_stop(self, name)  # moto: status = "Stopped"
                job = self.model_customization_jobs[name]
                if job.end_time is None:
                    job.end_time = iso8601(utc_now_ms())
                job.last_modified_time = _moto_now()

        backend_cls.get_model_customization_job = get_model_customization_job
        backend_cls.stop_model_customization_job = stop_model_customization_job

        response_cls = responses.BedrockResponse
        original_list = response_cls.list_model_customization_jobs

        def list_model_customization_jobs(self):
            with STATE_LOCK:
                return _summary_fixups(self.bedrock_backend, original_list(self))

        response_cls.list_model_customization_jobs = list_model_customization_jobs
        _APPLIED = True
