"""A local Bedrock: the whole service, offline, for examples, notebooks and tests.

::

    import bedrock_customization as bc
    from bedrock_customization.testing import local_bedrock

    with local_bedrock() as bedrock:                 # a str: the endpoint URL
        client = bc.client("bedrock", region_name="us-east-1", endpoint_url=bedrock,
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        job = client.create_model_customization_job(jobName="my-job", ...)
        client.get_waiter("model_customization_job_completed").wait(
            jobIdentifier="my-job", WaiterConfig={"Delay": 0.2})
        model = client.get_custom_model(
            modelIdentifier=client.get_model_customization_job(jobIdentifier="my-job")["outputModelArn"])

It is our own server (standard library only) on a free port of 127.0.0.1. It
serves every operation of the pinned service model with the service's rest-json
protocol: routes, request parsing, validation (worded as the service words it)
and response shapes come from the model. It accepts any credentials, but a
request needs a well-formed SigV4 ``Authorization`` header (as every SDK and
the AWS CLI send) or a bearer token; state is kept in memory per account (the
access key id when it is 12 digits, else 123456789012) and region (from the
signature).

Resources live and change as the service's do: a customization job goes
through validation, data processing and training (``statusDetails``) to
``Completed`` and its custom model appears; provisioned throughput goes
``Creating`` -> ``InService``, deployments ``Creating`` -> ``Active``, and so on
for import, copy, evaluation and batch-inference jobs. The simulated durations
are :data:`DURATIONS` (a few seconds for a whole pipeline), each configurable.
Time is a clock you control: :meth:`LocalBedrock.advance` moves it forward
(``realtime=False`` freezes it otherwise), so a test never sleeps.

Also: :meth:`LocalBedrock.set_status` for any resource, :meth:`LocalBedrock.fail_next`
(fail the next create, or any operation) and :meth:`LocalBedrock.throttle`.
``bedrock-customization local-bedrock --port N`` runs the same server standalone.

For tests written against boto3's test doubles: :class:`Stubber` is botocore's
``Stubber`` for this package's clients (``from bedrock_customization.testing import
Stubber, ANY`` in place of ``from botocore.stub import Stubber, ANY``), and moto's
``mock_aws`` needs no change (see ``bedrock_customization._mocking``).
"""

from __future__ import annotations

import contextlib
import datetime
import math
import os
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Union

from . import _backend
from ._backend import DURATIONS, Clock, Fault, Record, State, camel, snake
from ._server import Server
from ._stub import ANY, Stubber
from ._wire import MODEL

__all__ = [
    "ANY", "Stubber",
    "DURATIONS", "JOB_STATUSES", "JobNotFoundError", "LocalBedrock", "ResourceNotFoundError", "local_bedrock",
]

#: The statuses a model-customization job can have (the model's ModelCustomizationJobStatus).
JOB_STATUSES = tuple(MODEL.shape("ModelCustomizationJobStatus")["enum"])

_UTC = datetime.timezone.utc


class ResourceNotFoundError(KeyError):
    """No resource of that name, id or ARN in the local Bedrock (in the region asked)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


#: The name this error had when the local Bedrock knew only jobs.
JobNotFoundError = ResourceNotFoundError


def _check_value(shape_name: str, value: Any, where: str) -> Any:
    """``value`` checked against the model's shape (TypeError / ValueError naming ``where``)."""
    shape = MODEL.shape(shape_name)
    kind = shape["type"]
    if shape.get("document"):
        return value
    if kind == "structure":
        if not isinstance(value, Mapping):
            raise TypeError(f"{where} must be a dict (the API's {shape_name}), not {type(value).__name__}")
        members = shape.get("members", {})
        out = {}
        for key, item in value.items():
            if key not in members:
                raise ValueError(f"unknown member {key!r} in {where}; valid members: {', '.join(members)}")
            if item is not None:
                out[key] = _check_value(members[key]["shape"], item, f"{where}[{key!r}]")
        return out
    if kind == "list":
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
            raise TypeError(f"{where} must be a list, not {type(value).__name__}")
        return [_check_value(shape["member"]["shape"], item, f"{where}[{i}]") for i, item in enumerate(value)]
    if kind == "map":
        if not isinstance(value, Mapping):
            raise TypeError(f"{where} must be a dict, not {type(value).__name__}")
        return {k: _check_value(shape["value"]["shape"], v, f"{where}[{k!r}]") for k, v in value.items()}
    if kind == "timestamp":
        if not isinstance(value, datetime.datetime):
            raise TypeError(f"{where} must be a datetime.datetime, not {type(value).__name__}")
        return value.replace(tzinfo=_UTC) if value.tzinfo is None else value.astimezone(_UTC)
    if kind in ("float", "double", "integer", "long"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{where} must be a number, not {type(value).__name__}")
        if not math.isfinite(value):
            raise ValueError(f"{where} must be finite, got {value!r}")
        return float(value) if kind in ("float", "double") else int(value)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise TypeError(f"{where} must be a bool, not {type(value).__name__}")
        return value
    if kind == "string":
        if not isinstance(value, str):
            raise TypeError(f"{where} must be a str, not {type(value).__name__}")
        if "enum" in shape and value not in shape["enum"]:
            raise ValueError(f"invalid {where} {value!r}; valid values: {', '.join(shape['enum'])}")
        return value
    return value


class LocalBedrock(str):
    """The endpoint URL of a local Bedrock (``local_bedrock()`` yields one), with its controls.

    Resources are found by name, id or ARN in ``region_name`` (default: the
    region given to ``local_bedrock()``) of any account. Changes are visible at
    once to every client: boto3's, ``bc``'s, the AWS CLI, sync or async.
    """

    region_name: str
    _state: Optional[State]
    _server: Optional[Server]

    def __new__(cls, url: str, region_name: str = "us-east-1", state: Optional[State] = None) -> "LocalBedrock":
        self = super().__new__(cls, url)
        self.region_name = region_name
        self._state = state
        self._server = None
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

    @property
    def state(self) -> State:
        if self._state is None:
            raise RuntimeError("this LocalBedrock was unpickled: its server runs in another process")
        return self._state

    def counts(self) -> Dict[str, int]:
        """``{"connections": ..., "requests": ...}``: the TCP connections this server has
        accepted and the requests it has served so far. A client that reuses its
        connections opens about as many as it has calls in flight."""
        if self._server is None:
            raise RuntimeError("this LocalBedrock was unpickled: its server runs in another process")
        return self._server.counts()

    # -- time ------------------------------------------------------------------

    @property
    def durations(self) -> Dict[str, float]:
        """The simulated seconds of each step (a copy; change them with :meth:`set_durations`)."""
        return dict(self.state.durations)

    def set_durations(self, **durations: float) -> None:
        """E.g. ``set_durations(**{"model_customization_job.training": 30})``; applies to what is scheduled next."""
        with self.state.lock:
            self.state.set_durations(durations)

    def advance(self, seconds: float) -> None:
        """Move the clock forward: every status change due by then happens, in order."""
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds >= 0:
            raise ValueError(f"seconds must be a non-negative number, got {seconds!r}")
        with self.state.lock:
            self.state.clock.advance(float(seconds))
            self.state.tick()

    def now(self) -> datetime.datetime:
        """The local Bedrock's clock (UTC)."""
        return Clock.datetime(self.state.clock.now())

    def settle(self, limit: float = 86400.0) -> float:
        """Advance the clock until nothing more is scheduled (at most ``limit`` seconds); returns the seconds advanced."""
        moved = 0.0
        with self.state.lock:
            while True:
                due = self.state.next_event()
                if due is None:
                    return moved
                step = max(due - self.state.clock.now(), 0.0)
                if moved + step > limit:
                    return moved
                self.state.clock.advance(step)
                moved += step
                self.state.tick()

    # -- faults ------------------------------------------------------------------

    def fail_next(self, operation: Optional[str] = None, error: str = "ServiceQuotaExceededException",
                  message: Optional[str] = None, *, times: int = 1) -> None:
        """The next ``times`` calls of ``operation`` (boto3 or API name; ``"create"``: any
        create; None: any operation) fail with the modeled ``error`` (its HTTP status)."""
        if error not in MODEL.error_status:
            raise ValueError(f"unknown error {error!r}; valid errors: {', '.join(sorted(MODEL.error_status))}")
        if isinstance(times, bool) or not isinstance(times, int) or times < 1:
            raise ValueError(f"times must be a positive int, got {times!r}")
        operations = self._operations(operation)
        with self.state.lock:
            self.state.inject(Fault(error, message or f"Injected {error} by the local Bedrock.", operations, times))

    def fail_next_create(self, error: str = "ServiceQuotaExceededException", message: Optional[str] = None,
                         *, times: int = 1) -> None:
        """``fail_next("create", error, message, times=times)``."""
        self.fail_next("create", error, message, times=times)

    def throttle(self, times: int = 1, operation: Optional[str] = None) -> None:
        """The next ``times`` calls (of ``operation``, or any) get ``ThrottlingException`` (HTTP 429)."""
        self.fail_next(operation, "ThrottlingException", "Rate exceeded", times=times)

    @staticmethod
    def _operations(operation: Optional[str]):
        if operation is None:
            return None
        if operation == "create":
            return tuple(op for op in MODEL.operations if op.startswith("Create"))
        names = {snake(op): op for op in MODEL.operations}
        found = names.get(operation) or (operation if operation in MODEL.operations else None)
        if found is None:
            raise ValueError(f"unknown operation {operation!r} (use a boto3 method name such as 'create_model_customization_job')")
        return (found,)

    # -- resources ---------------------------------------------------------------

    def _region(self, region_name: Optional[str]) -> str:
        region = self.region_name if region_name is None else region_name
        if not isinstance(region, str) or not region:
            raise ValueError("region_name must be a non-empty string such as 'us-east-1'")
        return region

    def _record(self, identifier: str, region_name: Optional[str]) -> Record:
        if not isinstance(identifier, str) or not identifier:
            raise TypeError(f"the resource must be a name, id or ARN (a non-empty str), not {identifier!r}")
        region = self._region(region_name)
        found = list(self.state.find(identifier, region))
        if found:
            return found[0]
        message = f"no resource {identifier!r} in region {region} of the local Bedrock"
        elsewhere = sorted({r.kind.backend.region for r in self.state.find(identifier)})
        if elsewhere:
            message += f"; it is in {', '.join(elsewhere)} (pass region_name=...)"
        raise ResourceNotFoundError(message)

    def jobs(self, region_name: Optional[str] = None) -> List[str]:
        """Names of the model-customization jobs in the region (default: this local Bedrock's), oldest first."""
        region = self._region(region_name)
        with self.state.lock:
            self.state.tick()
            return [r.name for (_, reg), b in self.state.backends.items() if reg == region
                    for r in b.kind("ModelCustomizationJob").records.values() if r.name]

    def resource(self, identifier: str, region_name: Optional[str] = None) -> Dict[str, Any]:
        """The resource's members as its get operation returns them (a copy)."""
        with self.state.lock:
            record = self._record(identifier, region_name)
            import copy

            return copy.deepcopy({k: v for k, v in record.data.items() if not k.startswith("_")})

    def set_status(self, identifier: str, status: str, *, region_name: Optional[str] = None, **fields: Any) -> None:
        """Move any resource (name, id or ARN) to ``status``, with its effects.

        ``status`` is one of the values the model gives the resource's status
        member; what the status brings happens as if the service did it (a
        ``Completed`` customization job gets its custom model, an ``InService``
        throughput its model). Pending scheduled changes of the resource are
        cancelled. ``fields`` set members of the get result (``snake_case`` or
        the API's ``camelCase`` names, Python values such as datetimes; None
        removes a member), checked against the model.
        """
        with self.state.lock:
            record = self._record(identifier, region_name)
            kind = record.kind
            if not kind.status_values:
                raise ValueError(f"a {kind.noun} has no status")
            if status not in kind.status_values:
                raise ValueError(f"invalid {kind.noun} status {status!r}; valid statuses: {', '.join(kind.status_values)}")
            members = kind.get_members()
            updates: Dict[str, Any] = {}
            for key, value in fields.items():
                member = key if key in members else camel(key)
                if member not in members:
                    raise ValueError(
                        f"unknown field {key!r} for a {kind.noun}; valid fields: "
                        + ", ".join(snake(m) for m in members)
                    )
                updates[member] = None if value is None else _check_value(members[member]["shape"], value, key)
            self.state.cancel(record)
            for reset in ("failureMessage", "failureMessages", "message", kind.end_member):
                if reset:
                    record.data.pop(reset, None)
            import copy

            for member, value in updates.items():  # before the status's effects, which read them
                if value is not None and value != {} and value != []:  # (a job's metrics go to its model)
                    record.data[member] = copy.deepcopy(value)
            kind.enter(record, status)
            for member, value in updates.items():
                if value is None or value == {} or value == []:
                    record.data.pop(member, None)
                else:
                    record.data[member] = value

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
        """Move a model-customization job (name or ARN) to ``status`` — one of :data:`JOB_STATUSES`.

        ``failure_message`` and ``end_time`` belong to the status and are reset
        by every call (``end_time`` defaults to now for Completed, Failed and
        Stopped); metrics and status details left None keep their values
        (``{}`` / ``[]`` removes them). :meth:`set_status` with job fields.
        """
        if status not in JOB_STATUSES:
            raise ValueError(f"invalid job status {status!r}; valid statuses: {', '.join(JOB_STATUSES)}")
        fields: Dict[str, Any] = {}
        for name, value in (("failure_message", failure_message), ("end_time", end_time),
                            ("training_metrics", training_metrics), ("validation_metrics", validation_metrics),
                            ("status_details", status_details)):
            if value is not None:
                fields[name] = value
        with self.state.lock:
            record = self._record(job, region_name)
            if record.kind.noun != "ModelCustomizationJob":
                raise ResourceNotFoundError(f"{job!r} is a {record.kind.noun}, not a model-customization job")
            self.set_status(job, status, region_name=region_name, **fields)

    def complete_job(self, job: str, **kwargs: Any) -> None:
        """``set_job_status(job, "Completed", **kwargs)``."""
        self.set_job_status(job, "Completed", **kwargs)

    def fail_job(self, job: str, failure_message: str, **kwargs: Any) -> None:
        """``set_job_status(job, "Failed", failure_message=failure_message, **kwargs)``."""
        self.set_job_status(job, "Failed", failure_message=failure_message, **kwargs)


@contextlib.contextmanager
def local_bedrock(region_name: str = "us-east-1", *, durations: Optional[Mapping[str, float]] = None,
                  realtime: bool = True, port: int = 0,
                  data_dir: Optional[Union[str, "os.PathLike[str]"]] = None) -> Iterator[LocalBedrock]:
    """Run a local Bedrock on 127.0.0.1 and yield its :class:`LocalBedrock` (the endpoint URL).

    ``region_name`` is the default region of the controls and of bearer-token
    requests (a signed request names its own). ``durations`` overrides entries
    of :data:`DURATIONS`; ``realtime=False`` stops the clock except for
    :meth:`LocalBedrock.advance`. ``port=0`` takes a free port. The server stops on exit.

    ``data_dir`` is a folder that stands for S3: ``s3://bucket/key`` is
    ``data_dir/bucket/key``. A customization job then reads its training and
    validation data from there when its validation step ends, and fails there
    (``statusDetails.validationDetails`` ``Failed``, with a ``failureMessage``) when
    a file is missing or breaks a rule of ``bedrock_customization.training_data``;
    a job that completes writes its metrics files (CSV) under its output location.
    Without it, data locations are not read.
    """
    if not isinstance(region_name, str) or not region_name:
        raise ValueError("region_name must be a non-empty string such as 'us-east-1'")
    folder = None
    if data_dir is not None:
        folder = os.path.abspath(os.fspath(data_dir))
        if not os.path.isdir(folder):
            raise ValueError(f"data_dir {os.fspath(data_dir)!r} is not a folder")
    state = State(dict(durations or {}), realtime=realtime, data_dir=folder)
    server = Server(state, region_name, port)
    try:
        endpoint = LocalBedrock(f"http://127.0.0.1:{server.port}", region_name, state)
        endpoint._server = server
        yield endpoint
    finally:
        server.stop()


_ = _backend  # the engine and the resources (for readers: ``testing._backend``, ``_engine``, ``_resources``)
