"""The local Bedrock's engine: accounts and regions, time, scheduled events, tags, faults.

One :class:`Backend` per account and region holds the resources (``_resources``) and
serves each operation as the dispatch table (``_dispatch``, generated from the model)
says: the action of a resource (create, get, list, update, delete, stop, put,
batch_delete), the account's tags, or the generic handler. The engine does not import
the resources: the :class:`State` is given the function that makes them
(``_backend.State`` gives it ``_resources.make``), and knows them as
:class:`ResourceLike`.

Time is a :class:`Clock`: real time plus whatever ``advance()`` added (or only
what ``advance()`` added, when frozen). A status change is an event scheduled
at a clock time; every request first applies the events that are due, in time
order, so what a client sees depends only on the clock.
"""

from __future__ import annotations

import base64
import copy
import datetime
import heapq
import itertools
import json
import os
import re
import secrets
import string
import threading
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Protocol, Tuple

from ._dispatch import OPERATIONS
from ._wire import MODEL, ServiceError

_UTC = datetime.timezone.utc
DEFAULT_ACCOUNT = "123456789012"
MAX_TAGS = 200  # the model's TagList max

#: Simulated seconds of each step (``local_bedrock(durations={...})`` overrides any).
DURATIONS: Dict[str, float] = {
    "model_customization_job.validation": 0.3,
    "model_customization_job.data_processing": 0.3,
    "model_customization_job.training": 0.9,
    "model_customization_job.stopping": 0.3,
    "custom_model.creating": 0.5,
    "custom_model_deployment.creating": 0.5,
    "custom_model_deployment.updating": 0.5,
    "provisioned_model_throughput.creating": 0.5,
    "provisioned_model_throughput.updating": 0.5,
    "model_import_job.importing": 0.8,
    "model_copy_job.copying": 0.8,
    "evaluation_job.evaluating": 1.0,
    "evaluation_job.stopping": 0.3,
    "evaluation_job.deleting": 0.3,
    "model_invocation_job.submitted": 0.2,
    "model_invocation_job.validating": 0.2,
    "model_invocation_job.scheduled": 0.2,
    "model_invocation_job.in_progress": 0.8,
    "model_invocation_job.stopping": 0.3,
}


def snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class Clock:
    """Seconds since the epoch: real time plus the offset ``advance()`` adds."""

    def __init__(self, realtime: bool = True) -> None:
        self._frozen: Optional[float] = None if realtime else time.time()
        self._offset = 0.0

    def now(self) -> float:
        base = time.time() if self._frozen is None else self._frozen
        return base + self._offset

    def advance(self, seconds: float) -> None:
        self._offset += seconds

    @staticmethod
    def datetime(at: float) -> datetime.datetime:
        moment = datetime.datetime.fromtimestamp(at, _UTC)
        return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def new_id(length: int = 12) -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


class Record:
    """One resource: its members as the get operation returns them, plus bookkeeping."""

    def __init__(self, kind: "ResourceLike", arn: str, ident: str, name: Optional[str], data: Dict[str, Any],
                 at: float) -> None:
        self.kind = kind
        self.arn = arn
        self.id = ident
        self.name = name
        self.data = data
        self.created = at
        self.generation = 0  # bumped by every status change: stale events are skipped
        self.request: Optional[Dict[str, Any]] = None
        self.response: Optional[Dict[str, Any]] = None

    def __repr__(self) -> str:
        return f"<{self.kind.noun} {self.name or self.id}>"


class ResourceLike(Protocol):
    """What the engine (and ``LocalBedrock``) use of a resource: ``_resources.Resource``."""

    noun: str
    backend: "Backend"
    records: Dict[str, Record]  # by ARN, oldest first
    status_member: Optional[str]
    status_values: Tuple[str, ...]
    end_member: Optional[str]
    findable: bool  # found by name, id or ARN (State.find)

    def lookup(self, identifier: str) -> Optional[Record]: ...
    def find(self, identifier: str, *, what: Optional[str] = None) -> Record: ...
    def name_in_use(self, name: str) -> bool: ...
    def get_members(self) -> Dict[str, Any]: ...
    def enter(self, record: Record, status: str, *, at: Optional[float] = None, **fields: Any) -> None: ...

    # the actions of the dispatch table
    def create(self, op: str, params: Dict[str, Any]) -> Dict[str, Any]: ...
    def get(self, op: str, params: Dict[str, Any], identifier: str) -> Dict[str, Any]: ...
    def list(self, op: str, params: Dict[str, Any], parent: Dict[str, str]) -> Dict[str, Any]: ...
    def update(self, op: str, params: Dict[str, Any], identifier: str) -> Dict[str, Any]: ...
    def delete(self, op: str, params: Dict[str, Any], identifier: str) -> Dict[str, Any]: ...
    def stop(self, op: str, params: Dict[str, Any], identifier: str) -> Dict[str, Any]: ...
    def put(self, op: str, params: Dict[str, Any]) -> Dict[str, Any]: ...
    def batch_delete(self, op: str, params: Dict[str, Any]) -> Dict[str, Any]: ...


# ------------------------------------------------------------------------------------------
# One account in one region
# ------------------------------------------------------------------------------------------


class Backend:
    def __init__(self, state: "State", account: str, region: str) -> None:
        self.state = state
        self.account = account
        self.region = region
        self.arn_prefix = f"arn:aws:bedrock:{region}:{account}"
        self.kinds: Dict[str, ResourceLike] = {}
        self.tags: Dict[str, List[Dict[str, str]]] = {}
        self.logging_config: Optional[Dict[str, Any]] = None
        self.data_retention: Optional[Dict[str, Any]] = None

    @property
    def clock(self) -> Clock:
        return self.state.clock

    @property
    def durations(self) -> Dict[str, float]:
        return self.state.durations

    def kind(self, noun: str) -> ResourceLike:
        """The resource ``noun`` (a resource of the dispatch table) of this account and region."""
        found = self.kinds.get(noun)
        if found is None:
            found = self.kinds[noun] = self.state.make_resource(self, noun)
        return found

    def tick(self) -> None:
        self.state.tick()

    def schedule(self, record: Record, delay: float, action: Callable[[float], None], keep: bool = False) -> None:
        self.state.schedule(record, record.created if False else self.clock.now(), delay, action, keep)

    # -- operations ------------------------------------------------------------

    def call(self, operation: str, params: Dict[str, Any], labels: Dict[str, str]) -> Dict[str, Any]:
        """Serve ``operation`` as the dispatch table (``_dispatch.OPERATIONS``) says."""
        self.tick()
        entry = OPERATIONS.get(operation)
        if entry is None:
            raise LookupError(f"the local Bedrock's dispatch table has no operation {operation!r} "
                              "(run `python codegen/generate.py`)")
        action = entry.action
        if action == "tag":
            return self.tag(params["resourceARN"], params["tags"])
        if action == "untag":
            return self.untag(params["resourceARN"], params["tagKeys"])
        if action == "list_tags":
            return {"tags": copy.deepcopy(self.tags_of(params["resourceARN"]))}
        if action == "generic":  # the output shape's required members, from the request
            return self.complete(MODEL.operations[operation].get("output", {}).get("shape"), dict(params), None)
        if entry.resource is None:
            raise LookupError(f"the dispatch table names no resource for {operation} ({action})")
        resource = self.kind(entry.resource)
        identifier = labels.get(entry.identifier, "") if entry.identifier else ""
        if action == "create":
            return resource.create(operation, params)
        if action == "get":
            return resource.get(operation, params, identifier)
        if action == "list":
            return resource.list(operation, params, {m: labels[m] for m in entry.parents if m in labels})
        if action == "update":
            return resource.update(operation, params, identifier)
        if action == "delete":
            return resource.delete(operation, params, identifier)
        if action == "stop":
            return resource.stop(operation, params, identifier)
        if action == "put":
            return resource.put(operation, params)
        if action == "batch_delete":
            return resource.batch_delete(operation, params)
        raise LookupError(f"the dispatch table gives {operation} the action {action!r}, which the local Bedrock lacks")

    # -- tags --------------------------------------------------------------------

    def check_tag_count(self, tags: List[Any]) -> None:
        if len(tags) > MAX_TAGS:
            raise ServiceError("TooManyTagsException", f"The number of tags ({len(tags)}) exceeds the limit of {MAX_TAGS} tags per resource.")

    def tags_of(self, arn: str) -> List[Dict[str, str]]:
        if arn not in self.tags:
            raise ServiceError("ResourceNotFoundException", f"Could not find a resource with ARN '{arn}'.")
        return self.tags[arn]

    def tag(self, arn: str, tags: List[Dict[str, str]]) -> Dict[str, Any]:
        current = {t["key"]: t["value"] for t in self.tags_of(arn)}
        for t in tags:
            current[t["key"]] = t["value"]
        if len(current) > MAX_TAGS:
            raise ServiceError("TooManyTagsException", f"The resource would have {len(current)} tags; the limit is {MAX_TAGS}.")
        self.tags[arn] = [{"key": k, "value": v} for k, v in current.items()]
        return {}

    def untag(self, arn: str, keys: List[str]) -> Dict[str, Any]:
        self.tags[arn] = [t for t in self.tags_of(arn) if t["key"] not in keys]
        return {}

    # -- models --------------------------------------------------------------

    def catalog(self) -> List[Dict[str, Any]]:
        return self.state.catalog()

    def catalog_name(self, model_id: str) -> str:
        return next((m.get("modelName", model_id) for m in self.catalog() if m["modelId"] == model_id), model_id)

    def base_model(self, identifier: str, customization: str) -> Dict[str, Any]:
        found = self.kind("FoundationModel").lookup(identifier)
        if found is None:
            custom = self.kind("CustomModel").lookup(identifier)
            if custom is not None:
                foundation = self.foundation_of(custom.arn) or custom.data["baseModelArn"]
                return {"modelId": foundation.rsplit("/", 1)[-1], "modelArn": custom.arn}
            raise ServiceError("ValidationException", f"The provided base model identifier '{identifier}' is not valid.")
        supported = found.data.get("customizationsSupported", [])
        if customization not in supported:
            # A plain id (amazon.titan-text-express-v1) names the customizable version
            # (amazon.titan-text-express-v1:0:8k), as the service resolves it.
            plain = found.data["modelId"]
            for model in self.catalog():
                if model["modelId"].startswith(plain + ":") and customization in model.get("customizationsSupported", []):
                    return self.kind("FoundationModel").lookup(model["modelId"]).data  # type: ignore[union-attr]
        if customization not in supported:
            raise ServiceError(
                "ValidationException",
                f"The base model '{found.data['modelId']}' does not support {customization} customization"
                + (f" (it supports: {', '.join(supported)})." if supported else "."),
            )
        return found.data

    def active_custom_model(self, identifier: str, op: str) -> Record:
        model = self.kind("CustomModel").find(identifier, what="custom model")
        if model.data.get("modelStatus") != "Active":
            raise ServiceError("ValidationException", f"The custom model '{model.name}' is {model.data.get('modelStatus')}; it must be Active.")
        return model

    def custom_model_anywhere(self, arn: str) -> Record:
        for backend in self.state.backends.values():
            if backend.account == self.account:
                found = backend.kind("CustomModel").lookup(arn)
                if found is not None and found.data.get("modelStatus") == "Active":
                    return found
        raise ServiceError("ResourceNotFoundException", f"Could not find custom model with identifier '{arn}'.")

    def deployable_model(self, identifier: str, op: str) -> Tuple[str, str]:
        """``(model ARN, foundation-model ARN)`` for provisioned throughput."""
        for noun in ("CustomModel", "ImportedModel"):
            record = self.kind(noun).lookup(identifier)
            if record is not None:
                if record.data.get("modelStatus", "Active") != "Active":
                    raise ServiceError("ValidationException", f"The model '{record.name}' is {record.data['modelStatus']}; it must be Active.")
                return record.arn, self.foundation_of(record.arn) or record.arn
        found = self.kind("FoundationModel").lookup(identifier)
        if found is not None:
            if "PROVISIONED" not in found.data.get("inferenceTypesSupported", []):
                raise ServiceError("ValidationException", f"The model '{found.data['modelId']}' does not support provisioned throughput.")
            return found.arn, found.arn
        raise ServiceError("ResourceNotFoundException", f"Could not find model with identifier '{identifier}'.")

    def invocable_model(self, identifier: str, op: str) -> None:
        for noun in ("FoundationModel", "CustomModel", "ImportedModel", "ProvisionedModelThroughput"):
            if self.kind(noun).lookup(identifier) is not None:
                return
        if ":inference-profile/" in identifier or re.match(r"^(us|eu|apac|global)\.", identifier):
            return
        raise ServiceError("ResourceNotFoundException", f"Could not find model with identifier '{identifier}'.")

    def foundation_of(self, arn: str) -> Optional[str]:
        record = self.kind("CustomModel").lookup(arn)
        seen = 0
        while record is not None and seen < 10:
            base = record.data.get("baseModelArn", "")
            if ":foundation-model/" in base:
                return base
            record = self.kind("CustomModel").lookup(base) if base != record.arn else None
            seen += 1
        return None

    def users_of(self, model_arn: str) -> List[str]:
        users = []
        for record in self.kind("ProvisionedModelThroughput").records.values():
            if model_arn in (record.data.get("modelArn"), record.data.get("desiredModelArn")):
                users.append(f"provisioned throughput '{record.name}'")
        for record in self.kind("CustomModelDeployment").records.values():
            if model_arn == record.data.get("modelArn"):
                users.append(f"custom model deployment '{record.name}'")
        return users

    # -- results ---------------------------------------------------------------

    def page(self, records: List[Record], params: Dict[str, Any]) -> Tuple[List[Record], Optional[str]]:
        start = 0
        token = params.get("nextToken")
        if token is not None:
            try:
                start = int(base64.urlsafe_b64decode(token.encode("ascii")).decode("ascii").split(":")[1])
            except (ValueError, IndexError, UnicodeError):
                raise ServiceError("ValidationException", f"The nextToken '{token}' is not valid.") from None
        size = params.get("maxResults") or 1000
        page = records[start:start + size]
        more = start + size < len(records)
        next_token = base64.urlsafe_b64encode(f"offset:{start + size}".encode()).decode("ascii") if more else None
        return page, next_token

    def complete(self, shape_name: Optional[str], data: Dict[str, Any], record: Optional[Record],
                 aliases: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
        """``data`` projected on the shape, every required member present (defaults from the model)."""
        if not shape_name:
            return {}
        out = MODEL.project(shape_name, data, aliases)
        shape = MODEL.shape(shape_name)
        for member in shape.get("required", []):
            if member not in out:
                out[member] = self.default(shape["members"][member]["shape"], member, record)
        return copy.deepcopy(out)

    def default(self, shape_name: str, member: str, record: Optional[Record]) -> Any:
        shape = MODEL.shape(shape_name)
        kind = shape["type"]
        if kind == "string":
            if "enum" in shape:
                return shape["enum"][0]
            if member.lower().endswith("arn") and record is not None:
                return record.arn
            if member.lower().endswith("name") and record is not None and record.name:
                return record.name
            if member.lower().endswith("id") and record is not None:
                return record.id
            return ""
        if kind == "timestamp":
            return Clock.datetime(record.created if record is not None else self.clock.now())
        if kind in ("integer", "long"):
            return int(shape.get("min", 0))
        if kind in ("float", "double"):
            return float(shape.get("min", 0))
        if kind == "boolean":
            return False
        if kind == "list":
            return []
        if kind == "map":
            return {}
        if kind == "blob":
            return b""
        if shape.get("document"):
            return {}
        if shape.get("union"):
            first, ref = next(iter(shape["members"].items()))
            return {first: self.default(ref["shape"], first, record)}
        return {m: self.default(shape["members"][m]["shape"], m, record) for m in shape.get("required", [])}


# ------------------------------------------------------------------------------------------
# The whole local Bedrock
# ------------------------------------------------------------------------------------------


class Fault:
    def __init__(self, code: str, message: str, operations: Optional[Tuple[str, ...]], times: int) -> None:
        self.code = code
        self.message = message
        self.operations = operations
        self.times = times

    def applies(self, operation: str) -> bool:
        return self.operations is None or operation in self.operations


class State:
    """Every account and region of one local Bedrock, its clock and its scheduled events.

    ``make_resource(backend, noun)`` makes the resource ``noun`` of a backend (``_resources.make``)."""

    def __init__(self, durations: Optional[Dict[str, float]] = None, realtime: bool = True, *,
                 make_resource: Callable[[Backend, str], ResourceLike], data_dir: Optional[str] = None) -> None:
        self.make_resource = make_resource
        #: the folder that stands for S3 (``s3://bucket/key`` is ``data_dir/bucket/key``), or None
        self.data_dir = data_dir
        self.lock = threading.RLock()
        self.clock = Clock(realtime)
        self.durations = dict(DURATIONS)
        if durations:
            self.set_durations(durations)
        self.backends: Dict[Tuple[str, str], Backend] = {}
        self._events: List[Tuple[float, int, Record, int, Callable[[float], None]]] = []
        self._seq = itertools.count()
        self.faults: List[Fault] = []
        self._catalog: Optional[List[Dict[str, Any]]] = None

    def set_durations(self, durations: Dict[str, float]) -> None:
        for key, value in durations.items():
            if key not in DURATIONS:
                raise ValueError(f"unknown duration {key!r}; valid keys: {', '.join(sorted(DURATIONS))}")
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"duration {key!r} must be a non-negative number of seconds, got {value!r}")
            self.durations[key] = float(value)

    def backend(self, account: str, region: str) -> Backend:
        found = self.backends.get((account, region))
        if found is None:
            found = self.backends[(account, region)] = Backend(self, account, region)
        return found

    def catalog(self) -> List[Dict[str, Any]]:
        if self._catalog is None:
            path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "foundation_models.json")
            with open(path, encoding="utf-8") as f:
                self._catalog = json.load(f)["models"]
        return self._catalog

    def schedule(self, record: Record, now: float, delay: float, action: Callable[[float], None], keep: bool) -> None:
        generation = -1 if keep else record.generation
        heapq.heappush(self._events, (now + delay, next(self._seq), record, generation, action))

    def cancel(self, record: Record) -> None:
        record.generation += 1

    def tick(self) -> None:
        now = self.clock.now()
        while self._events and self._events[0][0] <= now:
            at, _, record, generation, action = heapq.heappop(self._events)
            if generation in (-1, record.generation) and record.arn in record.kind.records:
                action(at)

    def next_event(self) -> Optional[float]:
        while self._events:  # cancelled events (stop, set_status, deletion) are not due: drop them
            _, _, record, generation, _ = self._events[0]
            if generation in (-1, record.generation) and record.arn in record.kind.records:
                return self._events[0][0]
            heapq.heappop(self._events)
        return None

    def inject(self, fault: Fault) -> None:
        self.faults.append(fault)

    def take_fault(self, operation: str) -> Optional[Fault]:
        for fault in self.faults:
            if fault.applies(operation):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    def find(self, identifier: str, region: Optional[str] = None, account: Optional[str] = None) -> Iterator[Record]:
        self.tick()
        for (acct, reg), backend in self.backends.items():
            if (region is None or reg == region) and (account is None or acct == account):
                for kind in backend.kinds.values():
                    if not kind.findable:
                        continue
                    record = kind.lookup(identifier)
                    if record is not None:
                        yield record
