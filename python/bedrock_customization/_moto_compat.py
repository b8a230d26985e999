"""Makes moto's Bedrock behave like the real service where it matters to callers.

moto names a job ``arn:aws:bedrock:<region>:<account>:model-customization-job/<jobName>``,
an ARN that does not match the model's pattern for job ARNs (the real service adds
the base model and a 12-character id), so validating clients could not pass it back
as ``jobIdentifier``. The local Bedrock runs moto in this process; these patches give
its jobs real-shaped ARNs and let every call find a job by name or by ARN.
Applied once, only by ``bedrock_customization.testing``.
"""

import hashlib
import re
import threading

_APPLIED = False
_LOCK = threading.Lock()
_MODEL_ID = re.compile(r"[a-z0-9-]{1,63}[.][a-z0-9-]{1,63}([a-z0-9-]{1,63}[.]){0,2}[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2}")


def _real_shaped_arn(job) -> str:
    model_id = job.base_model_arn.rsplit("/", 1)[-1].lower()
    if not _MODEL_ID.fullmatch(model_id):
        model_id = "amazon.custom-model"
    digest = hashlib.sha256(f"{job.account_id}/{job.region_name}/{job.job_name}".encode()).hexdigest()[:12]
    prefix = job.job_arn.rsplit("/", 1)[0]
    return f"{prefix}/{model_id}/{digest}"


def _resolve(backend, identifier: str) -> str:
    """A job name for a name, a full ARN, or the ARN's last segment (moto's router
    splits the ARN at '/')."""
    jobs = backend.model_customization_jobs
    if identifier in jobs:
        return identifier
    for name, job in jobs.items():
        if identifier == job.job_arn or job.job_arn.endswith("/" + identifier):
            return name
    return identifier


def apply() -> None:
    global _APPLIED
    with _LOCK:
        if _APPLIED:
            return
        from moto.bedrock import models

        job_cls = models.ModelCustomizationJob
        original_init = job_cls.__init__

        def __init__(self, *args, **kwargs):
            original_init(self, *args, **kwargs)
            self.job_arn = _real_shaped_arn(self)

        job_cls.__init__ = __init__

        backend_cls = models.BedrockBackend
        for method in ("get_model_customization_job", "stop_model_customization_job"):
            original = getattr(backend_cls, method)

            def patched(self, job_identifier, _original=original):
                return _original(self, _resolve(self, job_identifier))

            setattr(backend_cls, method, patched)
        _APPLIED = True
