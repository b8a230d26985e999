"""The local Bedrock's resources: the generic :class:`Resource` and the resources that live.

Every resource of the model (a noun of the dispatch table, ``_dispatch.RESOURCES``) is
served by the generic handlers of :class:`Resource` (create, get, list, update,
delete, stop), reading and writing the members the model gives the operations' input
and output shapes; which operation is which action of which resource is the table's
word. The resources a customization pipeline waits on (jobs, custom models,
deployments, provisioned throughput, import and copy jobs, evaluation and
batch-inference jobs) are subclasses that add their status sequences and their effects
on each other; the account's settings add ``put``; every other resource of the model
is created, read, listed and deleted by the generic :class:`Resource` alone.

A resource's status member and terminal statuses are the table's (from the model and
``waiters-2.json``). The engine (``_engine``) gets these classes through :func:`make`.
"""

from __future__ import annotations

import copy
import functools
import logging
from typing import Any, Dict, List, Optional, Tuple

from ..training_data import check_request
from . import _data
from ._dispatch import RESOURCES
from ._engine import Backend, Clock, Record, new_id, snake
from ._wire import MODEL, ServiceError

# ------------------------------------------------------------------------------------------
# The generic resource
# ------------------------------------------------------------------------------------------


class Resource:
    """A resource of the model, served generically from the operations' shapes.

    Subclasses name the members the generic code cannot guess and add status
    sequences (``on_create``/``enter``) and effects on other resources."""

    noun = ""
    prefix = ""  # ARN resource type, e.g. "evaluation-job"
    findable = True  # found by name, id or ARN (LocalBedrock.resource, set_status): not the shared catalog
    time_member = "creationTime"
    modified_member: Optional[str] = "lastModifiedTime"
    end_member: Optional[str] = None
    name_member: Optional[str] = None
    unique_name = True
    #: summary member -> record member, for list results whose names differ from get's
    aliases: Dict[str, str] = {}
    #: create-input members that are not members of the resource itself
    tag_member: Optional[str] = None
    #: statuses the local Bedrock itself moves the resource on from (``stop``: Stopping -> Stopped),
    #: though a waiter may stop on them: not terminal
    passing: Tuple[str, ...] = ("Stopping",)
    #: ``(error code, message)`` the service answers a create whose name is taken with, for the
    #: kinds where a public source gives its words (each subclass cites its source); None: our own
    #: wording ("A <kind> named '<name>' already exists."), as the operation's modeled conflict.
    duplicate_name: Optional[Tuple[str, str]] = None

    def __init__(self, backend: Backend, noun: str = "") -> None:
        self.backend = backend
        if noun:
            self.noun = noun
        if self.noun not in RESOURCES:
            raise LookupError(f"{self.noun!r} is not a resource of the local Bedrock's dispatch table")
        self.key = snake(self.noun)
        self.records: Dict[str, Record] = {}  # by ARN, oldest first
        self.tokens: Dict[str, Record] = {}
        if not self.prefix:
            self.prefix = snake(self.noun).replace("_", "-")
        self._infer()

    # -- what the model says about this resource ------------------------------

    def _infer(self) -> None:
        spec = RESOURCES[self.noun]
        self.create_op: Optional[str] = spec.operations.get("create")
        self.get_op: Optional[str] = spec.operations.get("get")
        self.status_member: Optional[str] = spec.status
        self.terminal: Tuple[str, ...] = tuple(s for s in spec.terminal if s not in self.passing)
        out = MODEL.output_shape(self.get_op) if self.get_op else {"members": {}}
        members = out.get("members", {})
        if self.time_member not in members:
            for candidate in ("creationTime", "createdAt", "submitTime"):
                if candidate in members:
                    self.time_member = candidate
                    break
        if self.modified_member is not None and self.modified_member not in members:
            self.modified_member = next((m for m in ("lastModifiedTime", "lastUpdatedAt", "updatedAt") if m in members), None)
        if self.create_op is not None:
            inp = MODEL.input_shape(self.create_op)
            names = [m for m in inp.get("required", []) if m.endswith("Name") or m == "name"]
            if self.name_member is None and names:
                self.name_member = names[0]
            if self.tag_member is None:
                self.tag_member = next(
                    (m for m, ref in inp.get("members", {}).items() if ref["shape"] == "TagList" and m in ("tags", "jobTags")),
                    None,
                )
            self.token_member = next((m for m, ref in inp.get("members", {}).items() if ref.get("idempotencyToken")), None)
        else:
            self.token_member = None
        self.status_values: Tuple[str, ...] = ()
        if self.status_member and self.status_member in members:
            self.status_values = tuple(MODEL.shape(members[self.status_member]["shape"]).get("enum", ()))

    @property
    def arn_member(self) -> str:
        out = MODEL.output_shape(self.create_op) if self.create_op else {"members": {}}
        given = MODEL.input_shape(self.create_op).get("members", {}) if self.create_op else {}
        # not an ARN the request gave (the parent's: a test case's policyArn)
        arns = [m for m in out.get("members", {}) if m.endswith("Arn") and m not in given]
        return arns[0] if arns else "arn"

    def duration(self, step: str) -> float:
        return self.backend.durations.get(f"{self.key}.{step}", 0.5)

    def make_arn(self, ident: str, params: Dict[str, Any]) -> str:
        return f"{self.backend.arn_prefix}:{self.prefix}/{ident}"

    def label(self, record: Record) -> str:
        return record.name or record.arn

    # -- finding ---------------------------------------------------------------

    def find(self, identifier: str, *, what: Optional[str] = None) -> Record:
        self.backend.tick()
        record = self.lookup(identifier)
        if record is None:
            raise ServiceError("ResourceNotFoundException", self.not_found_message(identifier, what))
        return record

    def lookup(self, identifier: str) -> Optional[Record]:
        if identifier in self.records:
            return self.records[identifier]
        for record in self.records.values():
            if identifier in (record.name, record.id):
                return record
        return None

    def not_found_message(self, identifier: str, what: Optional[str] = None) -> str:
        what = what or snake(self.noun).replace("_", " ")
        return f"Could not find {what} with identifier '{identifier}'."

    # -- the generic operations ----------------------------------------------

    def create(self, op: str, params: Dict[str, Any]) -> Dict[str, Any]:
        token = params.get(self.token_member) if self.token_member else None
        request = {k: v for k, v in params.items() if k != self.token_member}
        if token is not None and token in self.tokens:
            previous = self.tokens[token]
            if previous.request == request and previous.response is not None:
                return copy.deepcopy(previous.response)
            raise ServiceError(
                "ConflictException" if "ConflictException" in MODEL.errors(op) else "ValidationException",
                f"The request token '{token}' was already used with a different request.",
            )
        name = params.get(self.name_member) if self.name_member else None
        if name is not None and self.unique_name and self.name_in_use(name):
            self.name_taken(op, name)
        tags = list(params.get(self.tag_member) or []) if self.tag_member else []
        self.backend.check_tag_count(tags)
        at = self.backend.clock.now()
        ident = new_id()
        data = {k: copy.deepcopy(v) for k, v in request.items() if k != self.tag_member}
        if self.token_member and token is not None and self.token_member in self.get_members():
            data[self.token_member] = token
        record = Record(self, "", ident, name, data, at)
        record.arn = self.make_arn(ident, params)
        data[self.arn_member] = record.arn
        data[self.time_member] = Clock.datetime(at)
        if self.modified_member:
            data[self.modified_member] = Clock.datetime(at)
        self.on_create(record, params, op)
        self.records[record.arn] = record
        self.backend.tags[record.arn] = tags
        record.request = request
        record.response = self.created_response(op, record)
        if token is not None:
            self.tokens[token] = record
        return copy.deepcopy(record.response)

    def created_response(self, op: str, record: Record) -> Dict[str, Any]:
        return self.backend.complete(MODEL.operations[op].get("output", {}).get("shape"), record.data, record)

    def name_in_use(self, name: str) -> bool:
        return any(r.name == name for r in self.records.values())

    def name_taken(self, op: str, name: str) -> None:
        """Refuse a create whose name is taken: in the service's words where they are known."""
        if self.duplicate_name is not None:
            raise ServiceError(*self.duplicate_name)
        # No public source gives the service's words for this kind: ours, as its modeled conflict.
        self.conflict(op, f"A {snake(self.noun).replace('_', ' ')} named '{name}' already exists.")

    def conflict(self, op: str, message: str) -> None:
        code = "ConflictException" if "ConflictException" in MODEL.errors(op) else "ValidationException"
        raise ServiceError(code, message)

    def get(self, op: str, params: Dict[str, Any], identifier: str) -> Dict[str, Any]:
        record = self.find(identifier)
        return self.backend.complete(MODEL.operations[op].get("output", {}).get("shape"), self.view(record), record)

    def view(self, record: Record) -> Dict[str, Any]:
        """The record's members as the get operation returns them."""
        return record.data

    def get_members(self) -> Dict[str, Any]:
        return MODEL.output_shape(self.get_op).get("members", {}) if self.get_op else {}

    def list(self, op: str, params: Dict[str, Any], parent: Dict[str, str]) -> Dict[str, Any]:
        self.backend.tick()
        out_shape = MODEL.output_shape(op)
        list_member, summary_shape = _summary_of(out_shape)
        records = [r for r in self.records.values() if self.in_parent(r, parent)]
        records = [r for r in records if self.matches(r, op, params)]
        records = self.sort(records, params)
        page, token = self.backend.page(records, params)
        result: Dict[str, Any] = {}
        if list_member is not None:
            result[list_member] = [
                self.backend.complete(summary_shape, self.summary(r), r, aliases=self.aliases) for r in page
            ]
        if token is not None:
            result["nextToken"] = token
        for member in out_shape.get("required", []):  # e.g. the modelId a list of offers is for
            if member not in result:
                ref = out_shape["members"][member]
                result[member] = params.get(member, self.backend.default(ref["shape"], member, None))
        return result

    def in_parent(self, record: Record, parent: Dict[str, str]) -> bool:
        return all(record.data.get(k) in (None, v) for k, v in parent.items())

    def summary(self, record: Record) -> Dict[str, Any]:
        return self.view(record)

    def matches(self, record: Record, op: str, params: Dict[str, Any]) -> bool:
        data = self.summary(record)
        shape = MODEL.input_shape(op)
        for member, value in params.items():
            if member in ("maxResults", "nextToken", "sortBy", "sortOrder") or value is None:
                continue
            if shape["members"].get(member, {}).get("location") == "uri":
                continue
            if not self.filter(record, data, member, value):
                return False
        return True

    def field(self, data: Dict[str, Any], stem: str) -> Any:
        if stem == "name":
            return data.get(self.name_member) if self.name_member else None
        for candidate in (stem, stem + "Id", stem + "At", stem + "Arn"):
            if candidate in data:
                return data[candidate]
        if stem in ("creationTime", "created", "submitTime"):
            return data.get(self.time_member)
        return None

    def filter(self, record: Record, data: Dict[str, Any], member: str, value: Any) -> bool:
        for suffix, test in (
            ("Contains", lambda have: isinstance(have, str) and value in have),
            ("Equals", lambda have: have == value or (isinstance(have, str) and isinstance(value, str) and have.endswith("/" + value))),
            ("After", lambda have: have is not None and have > value),
            ("Before", lambda have: have is not None and have < value),
        ):
            if member.endswith(suffix):
                return test(self.field(data, member[: -len(suffix)]))
        if member == "type" or member in data:
            return data.get(member) == value
        return True

    def sort(self, records: List[Record], params: Dict[str, Any]) -> List[Record]:
        descending = params.get("sortOrder", "Descending") == "Descending"
        records = sorted(records, key=lambda r: (r.created, r.arn), reverse=descending)
        return records

    def update(self, op: str, params: Dict[str, Any], identifier: str) -> Dict[str, Any]:
        record = self.find(identifier)
        self.on_update(record, params, op)
        if self.modified_member:
            record.data[self.modified_member] = Clock.datetime(self.backend.clock.now())
        return self.backend.complete(MODEL.operations[op].get("output", {}).get("shape"), record.data, record)

    def on_update(self, record: Record, params: Dict[str, Any], op: str) -> None:
        inp = MODEL.input_shape(op)
        for member, value in params.items():
            if inp["members"][member].get("location") == "uri":
                continue
            if member.startswith("desired") and member[7:8].isupper():
                continue
            record.data[member] = copy.deepcopy(value)

    def delete(self, op: str, params: Dict[str, Any], identifier: str) -> Dict[str, Any]:
        record = self.find(identifier)
        self.before_delete(record, op)
        self.remove(record)
        return {}

    def before_delete(self, record: Record, op: str) -> None:
        pass

    def remove(self, record: Record) -> None:
        self.records.pop(record.arn, None)
        self.backend.tags.pop(record.arn, None)
        record.generation += 1

    def stop(self, op: str, params: Dict[str, Any], identifier: str) -> Dict[str, Any]:
        record = self.find(identifier)
        status = record.data.get(self.status_member) if self.status_member else None
        if status in self.terminal or status == "Stopping":
            self.conflict(op, f"The {snake(self.noun).replace('_', ' ')} '{self.label(record)}' cannot be stopped: its status is {status}.")
        self.backend.state.cancel(record)  # what was to come (the next steps, completion) will not
        self.enter(record, "Stopping")
        self.schedule(record, self.duration("stopping"), "Stopped")
        return {}

    # -- status ----------------------------------------------------------------

    def on_create(self, record: Record, params: Dict[str, Any], op: str) -> None:
        """Set the computed members and schedule the status sequence."""
        if self.status_values and self.status_member:
            record.data[self.status_member] = self.status_values[0]

    def schedule(self, record: Record, delay: float, status: str, **fields: Any) -> None:
        self.backend.schedule(record, delay, lambda at: self.enter(record, status, at=at, **fields))

    def enter(self, record: Record, status: str, *, at: Optional[float] = None, **fields: Any) -> None:
        """Move ``record`` to ``status`` at clock time ``at`` (now): its members and its effects."""
        at = self.backend.clock.now() if at is None else at
        if self.status_member:
            record.data[self.status_member] = status
        if self.modified_member:
            record.data[self.modified_member] = Clock.datetime(at)
        if self.end_member and status in self.terminal:
            record.data.setdefault(self.end_member, Clock.datetime(at))
        self.on_enter(record, status, at)
        record.data.update(fields)

    def on_enter(self, record: Record, status: str, at: float) -> None:
        pass

    # -- what only some resources do (the dispatch table names them) ----------------

    def put(self, op: str, params: Dict[str, Any]) -> Dict[str, Any]:
        raise LookupError(f"the local Bedrock does not put a {self.noun} ({op})")

    def batch_delete(self, op: str, params: Dict[str, Any]) -> Dict[str, Any]:
        raise LookupError(f"the local Bedrock does not batch-delete {self.noun}s ({op})")


def _summary_of(out_shape: Dict[str, Any]) -> Tuple[Optional[str], Optional[str]]:
    for member, ref in out_shape.get("members", {}).items():
        target = MODEL.shape(ref["shape"])
        if target["type"] == "list" and MODEL.shape(target["member"]["shape"])["type"] == "structure":
            return member, target["member"]["shape"]
    return None, None


# ------------------------------------------------------------------------------------------
# The resources a customization pipeline waits on
# ------------------------------------------------------------------------------------------

#: The service's answer to a job whose name is taken (by any job of the kind, finished ones included).
JOB_NAME_IN_USE = "The provided job name is currently in use."


class CustomizationJob(Resource):
    noun = "ModelCustomizationJob"
    end_member = "endTime"
    # A ValidationException, in these words: apache-airflow-providers-amazon's
    # BedrockCustomizeModelOperator.execute retries on exactly this message
    # (apache/airflow providers/amazon/src/airflow/providers/amazon/aws/operators/bedrock.py) and its
    # tests raise it as a ValidationException (providers/amazon/tests/unit/amazon/aws/operators/
    # test_bedrock.py, conflict_exception).
    duplicate_name = ("ValidationException", JOB_NAME_IN_USE)
    aliases = {"customModelArn": "outputModelArn", "customModelName": "outputModelName"}
    STEPS = (("validationDetails", "validation"), ("dataProcessingDetails", "data_processing"),
             ("trainingDetails", "training"))

    def make_arn(self, ident: str, params: Dict[str, Any]) -> str:
        base = self.backend.base_model(params["baseModelIdentifier"], params.get("customizationType", "FINE_TUNING"))
        return f"{self.backend.arn_prefix}:{self.prefix}/{base['modelId']}/{ident}"

    def on_create(self, record: Record, params: Dict[str, Any], op: str) -> None:
        customization = params.get("customizationType", "FINE_TUNING")
        base = self.backend.base_model(params["baseModelIdentifier"], customization)
        # The base model's rules (training_data/rules.json: hyperparameters, validation data,
        # teacher, grader; each rule names the AWS page it comes from). No public source gives
        # the service's words for these refusals (the SDKs' docs say only "Input validation
        # failed. Check your request parameters and retry the request."): the finding's, ours.
        foundation = self.backend.foundation_of(base["modelArn"]) or base["modelArn"]  # (a custom model's, however deep)
        errors = check_request(params, base_model=foundation).errors
        if errors:
            raise ServiceError("ValidationException", errors[0].message)
        models = self.backend.kind("CustomModel")
        model_name = params["customModelName"]
        if models.name_in_use(model_name) or any(
            r.data.get("outputModelName") == model_name and r.data.get("status") in ("InProgress", "Stopping")
            for r in self.records.values()
        ):
            # No public source gives the service's words for a custom model name in use: ours.
            self.conflict(op, f"A custom model named '{model_name}' already exists or is being created.")
        data = record.data
        for member in ("baseModelIdentifier", "customModelName", "customModelKmsKeyId", "customModelTags"):
            data.pop(member, None)
        data.update(
            baseModelArn=base["modelArn"], outputModelName=model_name, customizationType=customization,
            status="InProgress", validationDataConfig=params.get("validationDataConfig", {"validators": []}),
        )
        if "customModelKmsKeyId" in params:
            data["outputModelKmsKeyArn"] = params["customModelKmsKeyId"]
        record.model_tags = list(params.get("customModelTags") or [])  # type: ignore[attr-defined]
        self.backend.check_tag_count(record.model_tags)  # type: ignore[attr-defined]
        created = Clock.datetime(record.created)
        data["statusDetails"] = {
            step: {"status": "InProgress" if i == 0 else "NotStarted", "creationTime": created, "lastModifiedTime": created}
            for i, (step, _) in enumerate(self.STEPS)
        }
        delay = 0.0
        for i, (step, key) in enumerate(self.STEPS):
            delay += self.duration(key)
            if i + 1 < len(self.STEPS):
                self.backend.schedule(record, delay, functools.partial(self._step_done, record, i))
        self.schedule(record, delay, "Completed")

    def _step_done(self, record: Record, index: int, at: float) -> None:  # scheduled
        moment = Clock.datetime(at)
        data_dir = self.backend.state.data_dir
        if index == 0 and data_dir is not None:
            # The validation step reads the data (from the folder standing for S3) and
            # fails the job on a missing file or an error of the training-data checks.
            base = record.data["baseModelArn"]
            failure, records = _data.data_failure(data_dir, record.data, self.backend.foundation_of(base) or base,
                                                  record.data.get("customizationType", "FINE_TUNING"))
            record.records = records  # type: ignore[attr-defined]
            if failure is not None:
                self.backend.state.cancel(record)
                self.enter(record, "Failed", at=at, failureMessage=failure)
                return
        details = record.data["statusDetails"]
        details[self.STEPS[index][0]].update(status="Completed", lastModifiedTime=moment)
        details[self.STEPS[index + 1][0]].update(status="InProgress", lastModifiedTime=moment)
        record.data["lastModifiedTime"] = moment

    def on_enter(self, record: Record, status: str, at: float) -> None:
        moment = Clock.datetime(at)
        details = record.data.get("statusDetails") or {}
        step_status = {"Completed": "Completed", "Failed": "Failed", "Stopping": "Stopping", "Stopped": "Stopped"}.get(status)
        if step_status is not None:
            for step, _ in self.STEPS:
                item = details.get(step)
                if item is None:
                    continue
                if status == "Completed" or item["status"] in ("InProgress", "Stopping"):
                    item.update(status=step_status, lastModifiedTime=moment)
        if status == "Completed" and not record.data.get("outputModelArn"):
            seed = sum(map(ord, record.id))
            record.data.setdefault("trainingMetrics", {"trainingLoss": round(0.05 + seed % 50 / 100, 4)})
            validators = record.data.get("validationDataConfig", {}).get("validators", [])
            record.data.setdefault(
                "validationMetrics", [{"validationLoss": round(0.06 + (seed + i) % 50 / 100, 4)} for i in range(len(validators))]
            )
            models = self.backend.kind("CustomModel")
            assert isinstance(models, CustomModel)
            model = models.from_job(record, at)
            record.data["outputModelArn"] = model.arn
            self._write_metrics(record)

    def _write_metrics(self, record: Record) -> None:
        data_dir = self.backend.state.data_dir
        output = (record.data.get("outputDataConfig") or {}).get("s3Uri")
        if data_dir is None or not output:
            return
        hyper = record.data.get("hyperParameters") or {}
        try:
            epochs = max(1, min(int(hyper.get("epochCount", 1)), 100))
            batch = max(1, int(hyper.get("batchSize", 1)))
        except ValueError:
            epochs, batch = 1, 1
        steps = max(1, min(-(-getattr(record, "records", 1) // batch), 200))
        try:
            _data.write_metrics(data_dir, output, record.id, epochs, steps,
                                record.data["trainingMetrics"]["trainingLoss"],
                                [m["validationLoss"] for m in record.data.get("validationMetrics", [])])
        except (OSError, _data.DataError) as e:  # (the validation step wrote there: the folder changed since)
            logging.getLogger(__name__).warning("job %s: its metrics files could not be written: %s", record.name, e)


class CustomModel(Resource):
    noun = "CustomModel"
    prefix = "custom-model"
    modified_member = None
    aliases = {"baseModelName": "_baseModelName", "ownerAccountId": "_owner"}

    def make_arn(self, ident: str, params: Dict[str, Any]) -> str:
        return f"{self.backend.arn_prefix}:custom-model/imported/{ident}"

    def on_create(self, record: Record, params: Dict[str, Any], op: str) -> None:
        record.data.pop("modelTags", None)
        record.data.pop("modelSourceConfig", None)
        record.data.pop("customModelDataSource", None)
        record.data["modelStatus"] = "Creating"
        record.data["_owner"] = self.backend.account
        record.data["_baseModelName"] = ""
        record.data["baseModelArn"] = record.arn
        self.backend.tags[record.arn] = list(params.get("modelTags") or [])
        self.schedule(record, self.duration("creating"), "Active")

    def create(self, op: str, params: Dict[str, Any]) -> Dict[str, Any]:
        if "modelSourceConfig" in params and "customModelDataSource" in params:
            # the model: "You can specify either customModelDataSource or modelSourceConfig,
            # but not both" (no public source gives the service's words: ours)
            raise ServiceError("ValidationException", "Specify either customModelDataSource or modelSourceConfig, not both.")
        self.backend.check_tag_count(params.get("modelTags") or [])
        response = super().create(op, params)
        self.backend.tags[response["modelArn"]] = list(params.get("modelTags") or [])
        return response

    def from_job(self, job: Record, at: float) -> Record:
        base_arn = job.data["baseModelArn"]
        # custom-model/<the foundation model's id>/<id>, however deep the chain (the ARN's pattern)
        base_id = (self.backend.foundation_of(base_arn) or base_arn).rsplit("/", 1)[-1]
        ident = new_id()
        arn = f"{self.backend.arn_prefix}:custom-model/{base_id}/{ident}"
        data = {
            "modelArn": arn, "modelName": job.data["outputModelName"], "jobName": job.data["jobName"],
            "jobArn": job.arn, "baseModelArn": base_arn, "customizationType": job.data.get("customizationType"),
            "creationTime": Clock.datetime(at), "modelStatus": "Active", "_owner": self.backend.account,
            "_baseModelName": self.backend.catalog_name(base_id),
        }
        for member in ("hyperParameters", "trainingDataConfig", "validationDataConfig", "outputDataConfig",
                       "trainingMetrics", "validationMetrics", "customizationConfig"):
            if member in job.data:
                data[member] = copy.deepcopy(job.data[member])
        if "outputModelKmsKeyArn" in job.data:
            data["modelKmsKeyArn"] = job.data["outputModelKmsKeyArn"]
        record = Record(self, arn, ident, data["modelName"], data, at)
        self.records[arn] = record
        self.backend.tags[arn] = list(getattr(job, "model_tags", []))
        return record

    def filter(self, record: Record, data: Dict[str, Any], member: str, value: Any) -> bool:
        if member == "isOwned":
            return value == (data.get("_owner") == self.backend.account)
        if member == "foundationModelArnEquals":
            return self.backend.foundation_of(record.arn) == value
        return super().filter(record, data, member, value)

    def before_delete(self, record: Record, op: str) -> None:
        users = self.backend.users_of(record.arn)
        if users:
            raise ServiceError(
                "ConflictException",
                f"The custom model '{record.name}' is in use by {', '.join(users)}; delete them first.",
            )


class Deployment(Resource):
    noun = "CustomModelDeployment"
    aliases = {"customModelDeploymentName": "modelDeploymentName"}

    def on_create(self, record: Record, params: Dict[str, Any], op: str) -> None:
        self.backend.active_custom_model(params["modelArn"], op)
        record.data["status"] = "Creating"
        self.schedule(record, self.duration("creating"), "Active")

    def on_update(self, record: Record, params: Dict[str, Any], op: str) -> None:
        if record.data.get("status") != "Active" or record.data.get("updateDetails", {}).get("updateStatus") == "Updating":
            raise ServiceError("ValidationException", f"The deployment '{record.name}' can be updated only when it is Active and not already updating.")
        model = self.backend.active_custom_model(params["modelArn"], op)
        record.data["updateDetails"] = {"modelArn": model.arn, "updateStatus": "Updating"}

        def done(at: float) -> None:
            record.data["modelArn"] = model.arn
            record.data["updateDetails"] = {"modelArn": model.arn, "updateStatus": "UpdateCompleted"}
            record.data["lastUpdatedAt"] = Clock.datetime(at)

        self.backend.schedule(record, self.duration("updating"), done, keep=True)


class ProvisionedThroughput(Resource):
    noun = "ProvisionedModelThroughput"
    prefix = "provisioned-model"
    COMMITMENT_DAYS = {"OneMonth": 30, "SixMonths": 182}

    def on_create(self, record: Record, params: Dict[str, Any], op: str) -> None:
        model_arn, foundation_arn = self.backend.deployable_model(params["modelId"], op)
        data = record.data
        data.pop("modelId", None)
        data.update(modelArn=model_arn, desiredModelArn=model_arn, foundationModelArn=foundation_arn,
                    desiredModelUnits=params["modelUnits"], status="Creating")
        if "commitmentDuration" in params:
            days = self.COMMITMENT_DAYS.get(params["commitmentDuration"], 30)
            data["commitmentExpirationTime"] = Clock.datetime(record.created + days * 86400)
        self.schedule(record, self.duration("creating"), "InService")

    def on_update(self, record: Record, params: Dict[str, Any], op: str) -> None:
        if record.data.get("status") != "InService":
            raise ServiceError("ValidationException", f"The provisioned throughput '{record.name}' can be updated only when it is InService; it is {record.data.get('status')}.")
        if "desiredProvisionedModelName" in params:
            new_name = params["desiredProvisionedModelName"]
            if new_name != record.name and self.name_in_use(new_name):
                # No public source gives the service's words: ours (the operation models no conflict).
                raise ServiceError("ValidationException", f"A provisioned model throughput named '{new_name}' already exists.")
            record.name = new_name
            record.data["provisionedModelName"] = new_name
        if "desiredModelId" in params:
            model_arn, _ = self.backend.deployable_model(params["desiredModelId"], op)
            record.data["desiredModelArn"] = model_arn
            self.enter(record, "Updating")
            self.backend.schedule(record, self.duration("updating"),
                                  lambda at: self.enter(record, "InService", at=at, modelArn=model_arn))


class ImportJob(Resource):
    noun = "ModelImportJob"
    end_member = "endTime"
    # A ValidationException, in these words, also for the name of a finished job (import jobs
    # cannot be deleted): aws/sagemaker-python-sdk#6076 quotes "ValidationException ...
    # CreateModelImportJob: The provided job name is currently in use."
    # (https://github.com/aws/sagemaker-python-sdk/pull/6076)
    duplicate_name = ("ValidationException", JOB_NAME_IN_USE)

    def on_create(self, record: Record, params: Dict[str, Any], op: str) -> None:
        name = params["importedModelName"]
        if self.backend.kind("ImportedModel").name_in_use(name):
            # No public source gives the service's words for an imported model name in use: ours.
            self.conflict(op, f"An imported model named '{name}' already exists.")
        for member in ("importedModelTags", "jobTags"):
            record.data.pop(member, None)
        record.model_tags = list(params.get("importedModelTags") or [])  # type: ignore[attr-defined]
        self.backend.check_tag_count(record.model_tags)  # type: ignore[attr-defined]
        record.data["status"] = "InProgress"
        self.schedule(record, self.duration("importing"), "Completed")

    def on_enter(self, record: Record, status: str, at: float) -> None:
        if status == "Completed" and not record.data.get("importedModelArn"):
            models = self.backend.kind("ImportedModel")
            ident = new_id()
            arn = f"{self.backend.arn_prefix}:imported-model/{ident}"
            data = {
                "modelArn": arn, "modelName": record.data["importedModelName"], "jobName": record.data["jobName"],
                "jobArn": record.arn, "modelDataSource": copy.deepcopy(record.data.get("modelDataSource")),
                "creationTime": Clock.datetime(at), "modelArchitecture": "llama3", "instructSupported": True,
                "customModelUnits": {"customModelUnitsPerModelCopy": 1, "customModelUnitsVersion": "1.0"},
            }
            if "importedModelKmsKeyId" in record.data:
                data["modelKmsKeyArn"] = record.data["importedModelKmsKeyId"]
            models.records[arn] = Record(models, arn, ident, data["modelName"], data, at)
            self.backend.tags[arn] = list(getattr(record, "model_tags", []))
            record.data["importedModelArn"] = arn


class ImportedModel(Resource):
    noun = "ImportedModel"
    modified_member = None
    name_member = "modelName"  # no create operation to infer it from (nameContains filters on it)

    def before_delete(self, record: Record, op: str) -> None:
        users = self.backend.users_of(record.arn)
        if users:
            raise ServiceError("ConflictException", f"The imported model '{record.name}' is in use by {', '.join(users)}.")


class CopyJob(Resource):
    noun = "ModelCopyJob"
    modified_member = None
    name_member = "targetModelName"

    def name_in_use(self, name: str) -> bool:
        return self.backend.kind("CustomModel").name_in_use(name)

    def on_create(self, record: Record, params: Dict[str, Any], op: str) -> None:
        source = self.backend.custom_model_anywhere(params["sourceModelArn"])
        data = record.data
        data.pop("modelKmsKeyId", None)
        models = self.backend.kind("CustomModel")
        ident = new_id()
        base_id = source.data["baseModelArn"].rsplit("/", 1)[-1] if ":custom-model/imported/" not in source.arn else "imported"
        target_arn = f"{self.backend.arn_prefix}:custom-model/{base_id}/{ident}"
        target_data = {k: copy.deepcopy(v) for k, v in source.data.items()}
        target_data.update(modelArn=target_arn, modelName=params["targetModelName"], modelStatus="Creating",
                           creationTime=Clock.datetime(record.created), _owner=self.backend.account)
        target = Record(models, target_arn, ident, params["targetModelName"], target_data, record.created)
        models.records[target_arn] = target
        self.backend.tags[target_arn] = list(params.get("targetModelTags") or [])
        data.update(status="InProgress", targetModelArn=target_arn, sourceAccountId=source.kind.backend.account,
                    sourceModelName=source.name)
        if "modelKmsKeyId" in params:
            data["targetModelKmsKeyArn"] = params["modelKmsKeyId"]
        record.target = target  # type: ignore[attr-defined]
        self.schedule(record, self.duration("copying"), "Completed")

    def on_enter(self, record: Record, status: str, at: float) -> None:
        target = getattr(record, "target", None)
        if target is not None and status in ("Completed", "Failed"):
            target.data["modelStatus"] = "Active" if status == "Completed" else "Failed"


class EvaluationJob(Resource):
    noun = "EvaluationJob"
    passing = ("Stopping", "Deleting")  # batch_delete: Deleting -> removed
    # (a job name in use: no public source gives the service's words, so Resource.name_taken's are kept)

    def on_create(self, record: Record, params: Dict[str, Any], op: str) -> None:
        config = params.get("evaluationConfig", {})
        record.data.pop("jobTags", None)
        record.data["jobType"] = "Human" if "human" in config else "Automated"
        record.data["status"] = "InProgress"
        tasks = [d.get("taskType") for d in config.get("automated", config.get("human", {})).get("datasetMetricConfigs", [])]
        record.data["evaluationTaskTypes"] = [t for t in tasks if t] or ["General"]
        models = params.get("inferenceConfig", {}).get("models", [])
        record.data["modelIdentifiers"] = [
            m.get("bedrockModel", {}).get("modelIdentifier") for m in models if m.get("bedrockModel")
        ]
        self.schedule(record, self.duration("evaluating"), "Completed")

    def batch_delete(self, op: str, params: Dict[str, Any]) -> Dict[str, Any]:
        self.backend.tick()
        deleted, errors = [], []
        for identifier in params["jobIdentifiers"]:
            record = self.lookup(identifier)
            if record is None:
                errors.append({"jobIdentifier": identifier, "code": "ResourceNotFound",
                               "message": self.not_found_message(identifier)})
                continue
            self.enter(record, "Deleting")
            self.backend.schedule(record, self.duration("deleting"), functools.partial(self._removed, record))
            deleted.append({"jobIdentifier": identifier, "jobStatus": "Deleting"})
        return {"errors": errors, "evaluationJobs": deleted}

    def _removed(self, record: Record, at: float) -> None:
        self.remove(record)


class InvocationJob(Resource):
    noun = "ModelInvocationJob"
    # The same words; the error code stays the operation's modeled ConflictException, the one
    # Element84/e84-geoai-common catches for it (src/e84_geoai_common/llm/models/batch/batch_llm.py,
    # invoke_model_with_request: ConflictException -> "The provided job name is currently in use.").
    duplicate_name = ("ConflictException", JOB_NAME_IN_USE)
    time_member = "submitTime"
    end_member = "endTime"
    SEQUENCE = (("Validating", "submitted"), ("Scheduled", "validating"), ("InProgress", "scheduled"),
                ("Completed", "in_progress"))

    def on_create(self, record: Record, params: Dict[str, Any], op: str) -> None:
        self.backend.invocable_model(params["modelId"], op)
        record.data.pop("tags", None)
        record.data["status"] = "Submitted"
        hours = params.get("timeoutDurationInHours", 24)
        record.data["timeoutDurationInHours"] = hours
        record.data["jobExpirationTime"] = Clock.datetime(record.created + hours * 3600)
        delay = 0.0
        for status, step in self.SEQUENCE:
            delay += self.duration(step)
            self.schedule(record, delay, status)

    def on_enter(self, record: Record, status: str, at: float) -> None:
        if status == "InProgress":
            record.data.setdefault("totalRecordCount", 100)
            record.data.setdefault("processedRecordCount", 0)
        if status == "Completed":
            total = record.data.setdefault("totalRecordCount", 100)
            record.data.update(processedRecordCount=total, successRecordCount=total, errorRecordCount=0)


class FoundationModel(Resource):
    """The committed catalog (``foundation_models.json``), the same in every region."""

    noun = "FoundationModel"
    findable = False

    def lookup(self, identifier: str) -> Optional[Record]:
        self._load()
        return super().lookup(identifier) or next(
            (r for r in self.records.values() if r.data["modelId"] == identifier), None)

    def _load(self) -> None:
        if self.records:
            return
        for model in self.backend.catalog():
            arn = f"arn:aws:bedrock:{self.backend.region}::foundation-model/{model['modelId']}"
            data = dict(copy.deepcopy(model), modelArn=arn)
            self.records[arn] = Record(self, arn, model["modelId"], model["modelId"], data, 0.0)

    def not_found_message(self, identifier: str, what: Optional[str] = None) -> str:
        return f"The model identifier '{identifier}' is not a foundation model in {self.backend.region}."

    def get(self, op: str, params: Dict[str, Any], identifier: str) -> Dict[str, Any]:
        record = self.find(identifier)
        return {"modelDetails": copy.deepcopy(record.data)}

    def list(self, op: str, params: Dict[str, Any], parent: Dict[str, str]) -> Dict[str, Any]:
        self._load()
        out = []
        for record in self.records.values():
            data = record.data
            if "byProvider" in params and data.get("providerName", "").lower() != params["byProvider"].lower():
                continue
            if "byCustomizationType" in params and params["byCustomizationType"] not in data.get("customizationsSupported", []):
                continue
            if "byOutputModality" in params and params["byOutputModality"] not in data.get("outputModalities", []):
                continue
            if "byInferenceType" in params and params["byInferenceType"] not in data.get("inferenceTypesSupported", []):
                continue
            out.append(MODEL.project("FoundationModelSummary", data))
        return {"modelSummaries": out}


class Setting(Resource):
    """A setting of the account, one per account and region (no ARN, no name): ``Put``
    replaces it, ``Get`` reads it (and ``Delete``, where the model has one, clears it)."""


class LoggingConfiguration(Setting):
    """``ModelInvocationLoggingConfiguration``: one per account and region."""

    noun = "ModelInvocationLoggingConfiguration"

    def get(self, op: str, params: Dict[str, Any], identifier: str) -> Dict[str, Any]:
        config = self.backend.logging_config
        return {} if config is None else {"loggingConfig": copy.deepcopy(config)}

    def put(self, op: str, params: Dict[str, Any]) -> Dict[str, Any]:
        self.backend.logging_config = copy.deepcopy(params["loggingConfig"])
        return {}

    def delete(self, op: str, params: Dict[str, Any], identifier: str) -> Dict[str, Any]:
        self.backend.logging_config = None
        return {}


class AccountDataRetention(Setting):
    """``AccountDataRetention``: the account's data retention mode, one per account and region.

    Never put, it is ``inherit`` without ``updatedAt``: "inherit: No opinion at this scope,
    defer to a broader scope. This is the default for new accounts and projects" (the
    Bedrock user guide, Data retention, https://docs.aws.amazon.com/bedrock/latest/userguide/data-retention.html).
    A put answers what it set with the time it was set, as the get then does."""

    noun = "AccountDataRetention"
    UNSET = "inherit"

    def get(self, op: str, params: Dict[str, Any], identifier: str) -> Dict[str, Any]:
        setting = self.backend.data_retention
        return {"mode": self.UNSET} if setting is None else copy.deepcopy(setting)

    def put(self, op: str, params: Dict[str, Any]) -> Dict[str, Any]:
        self.backend.data_retention = {"mode": params["mode"], "updatedAt": Clock.datetime(self.backend.clock.now())}
        return copy.deepcopy(self.backend.data_retention)


#: The resources that are more than the generic :class:`Resource`, by noun.
CLASSES = {k.noun: k for k in (CustomizationJob, CustomModel, Deployment, ProvisionedThroughput, ImportJob,
                                ImportedModel, CopyJob, EvaluationJob, InvocationJob, FoundationModel,
                                LoggingConfiguration, AccountDataRetention)}


def make(backend: Backend, noun: str) -> Resource:
    """The resource ``noun`` of ``backend``: its class, else the generic :class:`Resource`."""
    return CLASSES.get(noun, Resource)(backend, noun)
