"""A local, in-process Bedrock endpoint for examples and tests.

::

    import bedrock_customization as bc
    from bedrock_customization.testing import local_bedrock

    with local_bedrock() as endpoint_url:
        client = bc.client(
            "bedrock",
            region_name="us-east-1",
            endpoint_url=endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        client.create_model_customization_job(jobName="my-job", ...)
        endpoint_url.complete_job("my-job", training_metrics={"trainingLoss": 0.12})
        client.get_model_customization_job(jobIdentifier="my-job")["status"]  # 'Completed'

The endpoint is moto's server (``pip install 'bedrock-customization[local]'``)
listening on a free port of 127.0.0.1.  No environment variables are set and
no other client is redirected.  ``local_bedrock()`` yields a
:class:`LocalBedrock`: the endpoint URL (a ``str``) with methods that move a
job to any status (``set_job_status``, ``complete_job``, ``fail_job``), since
moto's jobs otherwise stay ``InProgress`` forever.

moto keeps its state per Python process, so jobs created through one
``local_bedrock()`` are visible through another one running in the same
process; and its jobs are given ARNs shaped like the real service's
(``.../model-customization-job/<base model>/<12-char id>``) so that an ARN can
be passed back as ``jobIdentifier`` (see ``_moto_compat``, applied to moto
once per process).
"""

from __future__ import annotations

import contextlib
import datetime
import math
import threading
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence

__all__ = ["JOB_STATUSES", "JobNotFoundError", "LocalBedrock", "local_bedrock"]

_INSTALL_HINT = (
    "bedrock_customization.testing.local_bedrock() needs moto's server; "
    "install it with: pip install 'bedrock-customization[local]'"
)


class _Server:
    """moto's WSGI app served on 127.0.0.1 by werkzeug, in a daemon thread.

    This is what moto's ThreadedMotoServer does, minus its per-request log
    lines on stderr; ThreadedMotoServer is used if moto's layout changes.
    """

    def __init__(self) -> None:
        try:
            import moto  # noqa: F401
        except ImportError as e:
            raise ImportError(_INSTALL_HINT, name="moto") from e
        from . import _moto_compat

        _moto_compat.apply()
        try:
            from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
            from werkzeug.serving import WSGIRequestHandler, make_server
        except ImportError:
            self._fallback()
            return

        class QuietHandler(WSGIRequestHandler):
            def log_request(self, *args, **kwargs) -> None:
                pass

        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="local-bedrock", daemon=True
        )
        self._thread.start()
        self.port = self._server.server_address[1]
        self._stop = self._stop_werkzeug

    def _fallback(self) -> None:
        try:
            from moto.moto_server.threaded_moto_server import ThreadedMotoServer
        except ImportError as e:
            raise ImportError(_INSTALL_HINT, name=getattr(e, "name", None)) from e
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        self.port = server.get_host_and_port()[1]
        self._stop = server.stop

    def _stop_werkzeug(self) -> None:
        self._server.shutdown()
        self._thread.join()
        self._server.server_close()

    def stop(self) -> None:
        self._stop()


#: The statuses a model-customization job can have (the model's ModelCustomizationJobStatus).
JOB_STATUSES = ("InProgress", "Completed", "Failed", "Stopping", "Stopped")
_TERMINAL_STATUSES = frozenset({"Completed", "Failed", "Stopped"})
# StatusDetails: each step's status is a JobStatusDetails.
_STEP_STATUSES = ("InProgress", "Completed", "Stopping", "Stopped", "Failed", "NotStarted")
_STEPS = ("validationDetails", "dataProcessingDetails", "trainingDetails")
_STEP_MEMBERS = ("status", "creationTime", "lastModifiedTime")
_TRAINING_METRICS = ("trainingLoss",)
_VALIDATION_METRICS = ("validationLoss",)


class JobNotFoundError(KeyError):
    """No job of that name or ARN in the local Bedrock (in the region asked)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def _number(where: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{where} must be a number, not {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{where} must be finite, got {value!r}")
    return value


def _metrics(where: str, value: Any, names: Sequence[str]) -> Dict[str, float]:
    if not isinstance(value, Mapping):
        raise TypeError(f"{where} must be a dict such as {{{names[0]!r}: 0.1}}, not {type(value).__name__}")
    out = {}
    for key, number in value.items():
        if key not in names:
            raise ValueError(f"unknown member {key!r} in {where}; valid members: {', '.join(names)}")
        out[key] = _number(f"{where}[{key!r}]", number)
    return out


def _timestamp(where: str, value: Any) -> str:
    from ._moto_compat import iso8601

    if not isinstance(value, datetime.datetime):
        raise TypeError(f"{where} must be a datetime.datetime, not {type(value).__name__}")
    return iso8601(value)


def _status_details(value: Any) -> Dict[str, Dict[str, str]]:
    if not isinstance(value, Mapping):
        raise TypeError(f"status_details must be a dict (the API's statusDetails shape), not {type(value).__name__}")
    out: Dict[str, Dict[str, str]] = {}
    for step, details in value.items():
        if step not in _STEPS:
            raise ValueError(f"unknown member {step!r} in status_details; valid members: {', '.join(_STEPS)}")
        if details is None:
            continue
        if not isinstance(details, Mapping):
            raise TypeError(f"status_details[{step!r}] must be a dict, not {type(details).__name__}")
        wire: Dict[str, str] = {}
        for member, item in details.items():
            where = f"status_details[{step!r}][{member!r}]"
            if member not in _STEP_MEMBERS:
                raise ValueError(f"unknown member {member!r} in status_details[{step!r}]; valid members: {', '.join(_STEP_MEMBERS)}")
            if item is None:
                continue
            if member == "status":
                if item not in _STEP_STATUSES:
                    raise ValueError(f"invalid {where} {item!r}; valid values: {', '.join(_STEP_STATUSES)}")
                wire[member] = item
            else:
                wire[member] = _timestamp(where, item)
        out[step] = wire
    return out


class LocalBedrock(str):
    """The endpoint URL of a local Bedrock (``local_bedrock()`` yields one).

    It is a ``str`` — pass it as ``endpoint_url`` — with helpers to drive the
    jobs moto holds, which otherwise stay ``InProgress`` forever. Jobs are found
    by name or ARN in ``region_name`` (default: the region given to
    ``local_bedrock()``) of moto's default account, 123456789012, the account
    of every client using the local Bedrock with made-up credentials.

    Changes are visible at once to every client (boto3's, ``bc``'s, sync or
    async, waiters included); moto's state is per process and shared by every
    ``local_bedrock()`` in it.
    """

    region_name: str

    def __new__(cls, url: str, region_name: str = "us-east-1") -> "LocalBedrock":
        self = super().__new__(cls, url)
        self.region_name = region_name
        return self

    def __reduce__(self):
        return (type(self), (str(self), self.region_name))

    @property
    def url(self) -> str:
        """The endpoint URL as a plain ``str``."""
        return str(self)

    @property
    def port(self) -> int:
        return int(self.rsplit(":", 1)[1])

    # -- moto's state ------------------------------------------------------

    def _backend(self, region_name: Optional[str]):
        from moto.bedrock.models import bedrock_backends
        from moto.core import DEFAULT_ACCOUNT_ID

        region = region_name if region_name is not None else self.region_name
        if not isinstance(region, str) or not region:
            raise ValueError("region_name must be a non-empty string such as 'us-east-1'")
        try:
            return bedrock_backends[DEFAULT_ACCOUNT_ID][region]
        except KeyError:
            raise ValueError(f"unknown region {region!r} for the local Bedrock") from None

    def _job(self, job: str, region_name: Optional[str]):
        from . import _moto_compat

        if not isinstance(job, str) or not job:
            raise TypeError(f"job must be a job name or ARN (a non-empty str), not {job!r}")
        backend = self._backend(region_name)
        found = _moto_compat.find_job(backend, job)
        if found is not None:
            return backend, found
        message = f"no model-customization job {job!r} in region {backend.region_name} of the local Bedrock"
        elsewhere = self._regions_with_job(job, backend.region_name)
        if elsewhere:
            message += f"; it is in {', '.join(elsewhere)} (pass region_name=...)"
        names = list(backend.model_customization_jobs)
        if names:
            shown = ", ".join(names[-10:])
            message += f"; jobs there: {'..., ' if len(names) > 10 else ''}{shown}"
        else:
            message += "; there are no jobs there (create the job first, with a client in that region)"
        raise JobNotFoundError(message)

    @staticmethod
    def _regions_with_job(job: str, skip: str) -> List[str]:
        from moto.bedrock.models import bedrock_backends
        from moto.core import DEFAULT_ACCOUNT_ID

        from . import _moto_compat

        regions = []
        backends = bedrock_backends[DEFAULT_ACCOUNT_ID]
        for region in list(dict.keys(backends)):
            if region != skip and _moto_compat.find_job(dict.__getitem__(backends, region), job) is not None:
                regions.append(region)
        return regions

    # -- public helpers ----------------------------------------------------

    def jobs(self, region_name: Optional[str] = None) -> List[str]:
        """Names of the jobs in the region (default: this local Bedrock's), oldest first."""
        return list(self._backend(region_name).model_customization_jobs)

    def set_job_status(
        self,
        job: str,
        status: str,
        *,
        failure_message: Optional[str] = None,
        end_time: Optional[datetime.datetime] = None,
        training_metrics: Optional[Mapping[str, float]] = None,
        validation_metrics: Optional[Sequence[Mapping[str, float]]] = None,
        status_details: Optional[Mapping[str, Mapping[str, Any]]] = None,
        region_name: Optional[str] = None,
    ) -> None:
        """Move a job (name or ARN) to ``status`` — one of :data:`JOB_STATUSES`.

        Afterwards ``get_model_customization_job`` returns exactly these values:

        * ``failure_message`` — ``failureMessage``; absent when None.
        * ``end_time`` — ``endTime`` (a ``datetime``; naive means UTC); when None,
          now (UTC) for Completed, Failed and Stopped, absent otherwise.
        * ``training_metrics`` — ``trainingMetrics``, e.g. ``{"trainingLoss": 0.1}``.
        * ``validation_metrics`` — ``validationMetrics``, e.g. ``[{"validationLoss": 0.2}]``.
        * ``status_details`` — ``statusDetails``, e.g. ``{"trainingDetails":
          {"status": "Completed", "creationTime": datetime(...), "lastModifiedTime":
          datetime(...)}}`` (also ``validationDetails``, ``dataProcessingDetails``);
          datetimes are sent as the service does (ISO-8601 UTC, ``Z``).

        ``failure_message`` and ``end_time`` belong to the status and are reset
        by every call; metrics and status details left None keep their
        previous values (``{}`` / ``[]`` removes them). ``lastModifiedTime``
        becomes now. ``ListModelCustomizationJobs`` (its ``statusEquals``
        filter too) sees the change as well.

        Raises ValueError for an unknown status (listing the valid ones) and
        :class:`JobNotFoundError` (a ``KeyError``) naming the job when there is
        no such job in the region.
        """
        from . import _moto_compat

        if status not in JOB_STATUSES:
            raise ValueError(f"invalid job status {status!r}; valid statuses: {', '.join(JOB_STATUSES)}")
        if failure_message is not None and not isinstance(failure_message, str):
            raise TypeError(f"failure_message must be a str, not {type(failure_message).__name__}")
        if end_time is not None:
            wire_end_time: Optional[str] = _timestamp("end_time", end_time)
        elif status in _TERMINAL_STATUSES:
            wire_end_time = _moto_compat.iso8601(_moto_compat.utc_now_ms())
        else:
            wire_end_time = None
        changes: Dict[str, Any] = {}
        if training_metrics is not None:
            changes["training_metrics"] = _metrics("training_metrics", training_metrics, _TRAINING_METRICS)
        if validation_metrics is not None:
            if isinstance(validation_metrics, (str, bytes, Mapping)) or not isinstance(validation_metrics, Sequence):
                raise TypeError(
                    "validation_metrics must be a list such as [{'validationLoss': 0.2}], "
                    f"not {type(validation_metrics).__name__}"
                )
            changes["validation_metrics"] = [
                _metrics(f"validation_metrics[{i}]", item, _VALIDATION_METRICS) for i, item in enumerate(validation_metrics)
            ]
        if status_details is not None:
            changes["status_details"] = _status_details(status_details)
        backend, moto_job = self._job(job, region_name)
        _moto_compat.set_job_state(
            backend, moto_job, status=status, failure_message=failure_message, end_time=wire_end_time, **changes
        )

    def complete_job(self, job: str, **kwargs: Any) -> None:
        """``set_job_status(job, "Completed", **kwargs)``."""
        self.set_job_status(job, "Completed", **kwargs)

    def fail_job(self, job: str, failure_message: str, **kwargs: Any) -> None:
        """``set_job_status(job, "Failed", failure_message=failure_message, **kwargs)``."""
        self.set_job_status(job, "Failed", failure_message=failure_message, **kwargs)


@contextlib.contextmanager
def local_bedrock(region_name: str = "us-east-1") -> Iterator[LocalBedrock]:
    """Run a local Bedrock (moto's server) and yield its endpoint URL, a
    :class:`LocalBedrock` (a ``str`` with helpers such as ``set_job_status``).

    ``region_name`` is the region clients are expected to use and the default
    region of the helpers; moto keeps one set of jobs per region (taken from
    each request's signature), so clients in other regions see other, empty,
    sets.  The server stops on exit.
    """
    if not isinstance(region_name, str) or not region_name:
        raise ValueError("region_name must be a non-empty string such as 'us-east-1'")
    server = _Server()
    try:
        yield LocalBedrock(f"http://127.0.0.1:{server.port}", region_name)
    finally:
        server.stop()
