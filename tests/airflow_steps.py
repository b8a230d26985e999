"""apache-airflow-providers-amazon's Bedrock operators, sensors and hook waiters, step by step,
against a local Bedrock, with the hook's client being boto3's or this package's.

Run by tests/test_airflow.py with the Python of the Airflow venv (``<repo>/.venv-airflow``),
which has Airflow, the Amazon provider and boto3 at the versions of constraints.txt and
sees this package through PYTHONPATH::

    .venv-airflow/bin/python tests/airflow_steps.py --client bc --endpoint-url http://127.0.0.1:PORT

Every step calls what an Airflow worker calls (an operator's ``execute(context)``, a
sensor's ``poke(context)``, ``BedrockHook.get_waiter(...).wait(...)``) directly: no
scheduler, no metadata database. The hook has ``aws_conn_id=None``, so the credentials, the
region and the endpoint (``AWS_ENDPOINT_URL_BEDROCK``) come from the environment, which
this script sets. Each step prints one JSON line on stdout::

    {"step": "customize_model_operator_wait", "ok": false, "error": "AttributeError: ...",
     "where": "airflow/providers/amazon/aws/hooks/base_aws.py:828", "seconds": 0.1}

Everything else (Airflow's and botocore's logs) goes to stderr. Steps are independent:
a step that needs a finished job or an active custom model makes it with the hook's
client (plain calls, polled), so one failing step does not fail the others.

The provider (9.39.0) has no model-import, model-copy or custom-model-deployment operator,
sensor or waiter for the ``bedrock`` service; its deferrable mode (triggers) needs
aiobotocore, which the pinned install does not have, so it is not run here.

This file is importable without Airflow: ``STEPS`` lists the steps' names.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
import uuid
from typing import Any, Callable, Dict, List, Optional, Tuple

REGION = "us-east-1"
ROLE_ARN = "arn:aws:iam::123456789012:role/bedrock-customization-airflow-test"
BASE_MODEL = "amazon.titan-text-express-v1"
BUCKET = "s3://bc-test-bucket"
#: The account of each client's resources (the local Bedrock takes a 12-digit access key id
#: as the account), so the two runs can share one local Bedrock at the same time.
ACCOUNTS = {"boto3": "111111111111", "bc": "222222222222"}
#: Seconds between a waiter's or a poll's checks, and its longest wait.
DELAY = 0.2
MAX_WAIT = 60.0
MAX_ATTEMPTS = int(MAX_WAIT / DELAY)

#: The provider's waiters for the bedrock service (airflow/providers/amazon/aws/waiters/bedrock.json).
PROVIDER_WAITERS = ("model_customization_job_complete", "provisioned_model_throughput_complete",
                    "batch_inference_complete", "batch_inference_scheduled")


# ---------------------------------------------------------------------------
# The swap: the only place that decides which client the provider's hook gets.
# ---------------------------------------------------------------------------


def provider_classes() -> Dict[str, Any]:
    """The provider's Bedrock classes the steps use, by name."""
    from airflow.providers.amazon.aws.hooks import bedrock as hooks
    from airflow.providers.amazon.aws.operators import bedrock as operators
    from airflow.providers.amazon.aws.sensors import bedrock as sensors

    names = {
        hooks: ["BedrockHook"],
        operators: ["BedrockCustomizeModelOperator", "BedrockCreateProvisionedModelThroughputOperator",
                    "BedrockBatchInferenceOperator", "BedrockCreateGuardrailOperator",
                    "BedrockUpdateGuardrailOperator", "BedrockCreateGuardrailVersionOperator",
                    "BedrockDeleteGuardrailOperator", "BedrockCreateEvaluationJobOperator"],
        sensors: ["BedrockCustomizeModelCompletedSensor", "BedrockProvisionModelThroughputCompletedSensor",
                  "BedrockBatchInferenceSensor"],
    }
    return {name: getattr(module, name) for module, found in names.items() for name in found}


README_SECTION = "## Code that takes a boto3 client (Airflow)"


def readme_block() -> str:
    """The README's Airflow code block, as written: the first ``python`` block of its
    section."""
    text = open(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md"),
                encoding="utf-8").read()
    section = text.split(README_SECTION, 1)[1].split("\n## ", 1)[0]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def use_bc() -> Dict[str, Any]:
    """The README's way of handing Airflow this package's client, run as written: its
    ``BcBedrockHook`` (a ``BedrockHook`` whose ``get_client_type`` makes a ``bc`` client
    from the hook's boto3 session) and its ``CustomizeModel`` operator; the other
    operators and sensors are subclassed the same way ("likewise" in the README).
    Returns the classes the steps use, under the provider's names."""
    namespace: Dict[str, Any] = {"__name__": "readme_airflow"}
    exec(compile(readme_block(), "README.md (Airflow block)", "exec"), namespace)
    hook = namespace["BcBedrockHook"]
    classes = provider_classes()
    out: Dict[str, Any] = {"BedrockHook": hook}
    for name, cls in classes.items():
        if name != "BedrockHook":
            out[name] = type(name, (cls,), {"aws_hook_class": hook})
    out["BedrockCustomizeModelOperator"] = namespace["CustomizeModel"]
    assert namespace["CustomizeModel"].aws_hook_class is hook
    return out


# ---------------------------------------------------------------------------
# What the steps share
# ---------------------------------------------------------------------------


class Run:
    """One run of the steps: the classes under test, unique names, and prerequisites made once."""

    def __init__(self, client: str, classes: Dict[str, Any]) -> None:
        self.client = client
        self.classes = classes
        self.tag = uuid.uuid4().hex[:8]
        self._count = 0
        self._made: Dict[str, Any] = {}
        self._hook: Any = None

    def name(self, what: str) -> str:
        self._count += 1
        return f"af-{what}-{self.tag}-{self._count}"

    def kwargs(self) -> Dict[str, Any]:
        """What every hook, operator and sensor here gets: no Airflow connection, the region."""
        return {"aws_conn_id": None, "region_name": REGION}

    def task(self, cls: str, **kwargs: Any) -> Any:
        return self.classes[cls](task_id=self.name("task"), **self.kwargs(), **kwargs)

    def hook(self) -> Any:
        return self.classes["BedrockHook"](**self.kwargs())

    @property
    def conn(self) -> Any:
        """The client of a BedrockHook (the client under test), for prerequisites and checks."""
        if self._hook is None:
            self._hook = self.hook()
        return self._hook.conn

    def once(self, key: str, make: Callable[[], Any]) -> Any:
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    # -- prerequisites: plain calls on the hook's client, polled -------------------

    def customization_request(self, job_name: str, model_name: str) -> Dict[str, Any]:
        return dict(job_name=job_name, custom_model_name=model_name, role_arn=ROLE_ARN, base_model_id=BASE_MODEL,
                    training_data_uri=f"{BUCKET}/train/data.jsonl", output_data_uri=f"{BUCKET}/output/",
                    hyperparameters={"epochCount": "1", "batchSize": "1", "learningRate": "0.00001"})

    def start_job(self, name: Optional[str] = None) -> Tuple[str, str]:
        """A new model-customization job: (its name, its ARN)."""
        request = self.customization_request(name or self.name("job"), self.name("model"))
        arn = self.conn.create_model_customization_job(
            jobName=request["job_name"], customModelName=request["custom_model_name"], roleArn=ROLE_ARN,
            baseModelIdentifier=BASE_MODEL, trainingDataConfig={"s3Uri": request["training_data_uri"]},
            outputDataConfig={"s3Uri": request["output_data_uri"]}, hyperParameters=request["hyperparameters"],
        )["jobArn"]
        return request["job_name"], arn

    def completed_job(self) -> Dict[str, Any]:
        def make() -> Dict[str, Any]:
            name, _ = self.start_job()
            return poll(lambda: self.conn.get_model_customization_job(jobIdentifier=name), "status", "Completed")
        return self.once("completed_job", make)

    def active_custom_model(self) -> str:
        def make() -> str:
            arn = self.completed_job()["outputModelArn"]
            poll(lambda: self.conn.get_custom_model(modelIdentifier=arn), "modelStatus", "Active")
            return arn
        return self.once("active_custom_model", make)

    def start_batch_job(self) -> str:
        return self.conn.create_model_invocation_job(
            jobName=self.name("batch"), roleArn=ROLE_ARN, modelId=BASE_MODEL,
            inputDataConfig={"s3InputDataConfig": {"s3Uri": f"{BUCKET}/batch/in/"}},
            outputDataConfig={"s3OutputDataConfig": {"s3Uri": f"{BUCKET}/batch/out/"}},
        )["jobArn"]

    def guardrail(self) -> Tuple[str, str]:
        """A guardrail made by the provider's operator: (its name, its id)."""
        def make() -> Tuple[str, str]:
            name = self.name("guardrail")
            op = self.task("BedrockCreateGuardrailOperator", guardrail_name=name,
                           blocked_input_messaging="Blocked input.", blocked_outputs_messaging="Blocked output.")
            return name, op.execute({})
        return self.once("guardrail", make)


def poll(get: Callable[[], Dict[str, Any]], member: str, wanted: str) -> Dict[str, Any]:
    deadline = time.monotonic() + MAX_WAIT
    while True:
        found = get()
        if found.get(member) == wanted:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError(f"{member} is {found.get(member)!r}, not {wanted!r}, after {MAX_WAIT} s")
        time.sleep(DELAY)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def waiter_config() -> Dict[str, Any]:
    return {"Delay": DELAY, "MaxAttempts": MAX_ATTEMPTS}


def wait_kwargs() -> Dict[str, Any]:
    """An operator's wait_for_completion arguments (the provider passes them to its waiter as is)."""
    return {"wait_for_completion": True, "waiter_delay": DELAY, "waiter_max_attempts": MAX_ATTEMPTS, "deferrable": False}


# ---------------------------------------------------------------------------
# The steps, in order
# ---------------------------------------------------------------------------

_STEPS: List[Tuple[str, Callable[[Run], None]]] = []


def step(fn: Callable[[Run], None]) -> Callable[[Run], None]:
    _STEPS.append((fn.__name__, fn))
    return fn


@step
def hook_conn(run: Run) -> None:
    """BedrockHook(...).conn, and the hook of every operator and sensor used here, is a
    working client of the kind under test (this package's for --client bc)."""
    conn = run.hook().conn
    check("modelCustomizationJobSummaries" in conn.list_model_customization_jobs(), "no job list")
    want = "bedrock_customization" if run.client == "bc" else "botocore"
    for name, cls in run.classes.items():
        hook = (cls if name == "BedrockHook" else cls.aws_hook_class)(**run.kwargs())  # what `.hook` makes
        module = type(hook.conn).__module__
        check(module.split(".")[0] == want, f"{name}'s client is a {module} client, not a {want} one")


@step
def hook_conn_region_and_partition(run: Run) -> None:
    """AwsGenericHook.conn_region_name / conn_partition: the hook's client's meta."""
    hook = run.hook()
    check((hook.conn_region_name, hook.conn_partition) == (REGION, "aws"),
          f"{hook.conn_region_name!r}, {hook.conn_partition!r}")


@step
def hook_list_waiters(run: Run) -> None:
    """BedrockHook.list_waiters(): the client's waiter names plus the provider's own."""
    waiters = run.hook().list_waiters()
    check(set(PROVIDER_WAITERS) <= set(waiters), f"{waiters}")


@step
def customize_model_operator_wait(run: Run) -> None:
    """BedrockCustomizeModelOperator(wait_for_completion=True).execute: creates the job and waits."""
    request = run.customization_request(run.name("job"), run.name("model"))
    arn = run.task("BedrockCustomizeModelOperator", **request, **wait_kwargs()).execute({})
    job = run.conn.get_model_customization_job(jobIdentifier=arn)
    check(job["jobName"] == request["job_name"] and job["status"] == "Completed", f"{job['jobName']}: {job['status']}")


@step
def customize_model_operator_same_name_renamed(run: Run) -> None:
    """The name of a job that exists, ensure_unique_job_name=True: AWS's "The provided job name
    is currently in use." makes the operator add a timestamp to the name and create again."""
    name, first = run.start_job()
    request = run.customization_request(name, run.name("model"))
    op = run.task("BedrockCustomizeModelOperator", **request, ensure_unique_job_name=True, wait_for_completion=False)
    arn = op.execute({})
    check(arn != first and op.job_name.startswith(f"{name}-"), f"{arn} named {op.job_name!r} (first: {first})")
    check(run.conn.get_model_customization_job(jobIdentifier=arn)["jobName"] == op.job_name, "not the renamed job")


@step
def customize_model_operator_same_name_refused(run: Run) -> None:
    """The same with ensure_unique_job_name=False: the operator re-raises the service's ClientError."""
    from botocore.exceptions import ClientError

    name, _ = run.start_job()
    request = run.customization_request(name, run.name("model"))
    op = run.task("BedrockCustomizeModelOperator", **request, ensure_unique_job_name=False, wait_for_completion=False)
    try:
        op.execute({})
    except ClientError as error:
        check(error.response["Error"]["Message"] == "The provided job name is currently in use.", str(error))
    else:
        raise AssertionError("a second job with the same name was created")


@step
def customize_model_completed_sensor_poke(run: Run) -> None:
    """BedrockCustomizeModelCompletedSensor.poke: True once Completed, False while InProgress,
    AirflowException once Stopping."""
    from airflow.providers.common.compat.sdk import AirflowException

    def sensor(job: str) -> Any:
        made = run.task("BedrockCustomizeModelCompletedSensor", job_name=job)
        made.hook.conn  # the client is made before the job, so the poke comes right after it
        return made

    completed = sensor(run.completed_job()["jobName"])
    check(completed.poke({}) is True, "not done on a Completed job")
    name = run.name("job")
    running = sensor(name)
    run.start_job(name)
    check(running.poke({}) is False, "done on an InProgress job")
    run.conn.stop_model_customization_job(jobIdentifier=running.job_name)
    try:
        running.poke({})
    except AirflowException:
        pass
    else:
        raise AssertionError("no AirflowException on a Stopping job")


@step
def hook_waiter_model_customization_job_complete(run: Run) -> None:
    """hook.get_waiter("model_customization_job_complete").wait(...), the provider's waiter."""
    name, _ = run.start_job()
    run.hook().get_waiter("model_customization_job_complete").wait(jobIdentifier=name, WaiterConfig=waiter_config())
    status = run.conn.get_model_customization_job(jobIdentifier=name)["status"]
    check(status == "Completed", status)


@step
def provisioned_throughput_operator_wait(run: Run) -> None:
    """BedrockCreateProvisionedModelThroughputOperator(wait_for_completion=True).execute."""
    arn = run.task("BedrockCreateProvisionedModelThroughputOperator", model_units=1,
                   provisioned_model_name=run.name("pt"), model_id=run.active_custom_model(), **wait_kwargs()).execute({})
    status = run.conn.get_provisioned_model_throughput(provisionedModelId=arn)["status"]
    check(status == "InService", status)


@step
def provisioned_throughput_sensor_poke(run: Run) -> None:
    """BedrockProvisionModelThroughputCompletedSensor.poke: True once InService."""
    arn = run.conn.create_provisioned_model_throughput(
        modelUnits=1, provisionedModelName=run.name("pt"), modelId=run.active_custom_model())["provisionedModelArn"]
    poll(lambda: run.conn.get_provisioned_model_throughput(provisionedModelId=arn), "status", "InService")
    check(run.task("BedrockProvisionModelThroughputCompletedSensor", model_id=arn).poke({}) is True, "not done")


@step
def hook_waiter_provisioned_model_throughput_complete(run: Run) -> None:
    """hook.get_waiter("provisioned_model_throughput_complete").wait(...)."""
    arn = run.conn.create_provisioned_model_throughput(
        modelUnits=1, provisionedModelName=run.name("pt"), modelId=run.active_custom_model())["provisionedModelArn"]
    run.hook().get_waiter("provisioned_model_throughput_complete").wait(
        provisionedModelId=arn, WaiterConfig=waiter_config())
    status = run.conn.get_provisioned_model_throughput(provisionedModelId=arn)["status"]
    check(status == "InService", status)


@step
def batch_inference_operator_wait(run: Run) -> None:
    """BedrockBatchInferenceOperator(wait_for_completion=True).execute."""
    arn = run.task("BedrockBatchInferenceOperator", job_name=run.name("batch"), role_arn=ROLE_ARN, model_id=BASE_MODEL,
                   input_uri=f"{BUCKET}/batch/in/", output_uri=f"{BUCKET}/batch/out/", **wait_kwargs()).execute({})
    status = run.conn.get_model_invocation_job(jobIdentifier=arn)["status"]
    check(status == "Completed", status)


@step
def batch_inference_sensor_poke(run: Run) -> None:
    """BedrockBatchInferenceSensor.poke, both success states: True on a Completed job."""
    from airflow.providers.amazon.aws.sensors.bedrock import BedrockBatchInferenceSensor

    arn = run.start_batch_job()
    poll(lambda: run.conn.get_model_invocation_job(jobIdentifier=arn), "status", "Completed")
    for state in (BedrockBatchInferenceSensor.SuccessState.SCHEDULED, BedrockBatchInferenceSensor.SuccessState.COMPLETED):
        # (the sensor's __init__ sets its success states on the class: made right before its poke)
        check(run.task("BedrockBatchInferenceSensor", job_arn=arn, success_state=state).poke({}) is True,
              f"not done ({state})")


@step
def hook_waiter_batch_inference_scheduled(run: Run) -> None:
    """hook.get_waiter("batch_inference_scheduled").wait(...)."""
    arn = run.start_batch_job()
    run.hook().get_waiter("batch_inference_scheduled").wait(jobIdentifier=arn, WaiterConfig=waiter_config())
    status = run.conn.get_model_invocation_job(jobIdentifier=arn)["status"]
    check(status in ("Scheduled", "InProgress", "Completed"), status)


@step
def hook_waiter_batch_inference_complete(run: Run) -> None:
    """hook.get_waiter("batch_inference_complete").wait(...)."""
    arn = run.start_batch_job()
    run.hook().get_waiter("batch_inference_complete").wait(jobIdentifier=arn, WaiterConfig=waiter_config())
    status = run.conn.get_model_invocation_job(jobIdentifier=arn)["status"]
    check(status == "Completed", status)


@step
def create_guardrail_operator(run: Run) -> None:
    """BedrockCreateGuardrailOperator.execute returns the new guardrail's id."""
    name, guardrail_id = run.guardrail()
    check(run.conn.get_guardrail(guardrailIdentifier=guardrail_id)["name"] == name, "not the guardrail made")


@step
def create_guardrail_operator_if_exists_skip(run: Run) -> None:
    """The same name again, if_exists="skip": ConflictException, then BedrockHook.get_guardrail_id_by_name
    (the list_guardrails paginator) finds the existing one."""
    name, guardrail_id = run.guardrail()
    again = run.task("BedrockCreateGuardrailOperator", guardrail_name=name, if_exists="skip",
                     blocked_input_messaging="Blocked input.", blocked_outputs_messaging="Blocked output.").execute({})
    check(again == guardrail_id, f"{again} is not {guardrail_id}")


@step
def update_guardrail_operator(run: Run) -> None:
    """BedrockUpdateGuardrailOperator.execute."""
    name, guardrail_id = run.guardrail()
    updated = run.task("BedrockUpdateGuardrailOperator", guardrail_identifier=guardrail_id, guardrail_name=name,
                       blocked_input_messaging="Still blocked.", blocked_outputs_messaging="Still blocked.").execute({})
    check(updated == guardrail_id, f"{updated} is not {guardrail_id}")


@step
def create_guardrail_version_operator(run: Run) -> None:
    """BedrockCreateGuardrailVersionOperator.execute returns the response's version."""
    _, guardrail_id = run.guardrail()
    version = run.task("BedrockCreateGuardrailVersionOperator", guardrail_identifier=guardrail_id,
                       description="published by Airflow").execute({})
    check(isinstance(version, str), repr(version))


@step
def delete_guardrail_operator(run: Run) -> None:
    """BedrockDeleteGuardrailOperator.execute (a guardrail of its own)."""
    guardrail_id = run.conn.create_guardrail(name=run.name("guardrail"), blockedInputMessaging="Blocked input.",
                                             blockedOutputsMessaging="Blocked output.")["guardrailId"]
    run.task("BedrockDeleteGuardrailOperator", guardrail_identifier=guardrail_id).execute({})
    left = [g["id"] for g in run.conn.list_guardrails()["guardrails"]]
    check(guardrail_id not in left, "not deleted")


@step
def create_evaluation_job_operator(run: Run) -> None:
    """BedrockCreateEvaluationJobOperator.execute returns the job's ARN."""
    arn = run.task(
        "BedrockCreateEvaluationJobOperator", job_name=run.name("eval"), role_arn=ROLE_ARN,
        evaluation_config={"automated": {"datasetMetricConfigs": [{
            "taskType": "Summarization", "dataset": {"name": "Builtin.Gigaword"}, "metricNames": ["Builtin.Accuracy"]}]}},
        inference_config={"models": [{"bedrockModel": {"modelIdentifier": BASE_MODEL, "inferenceParams": "{}"}}]},
        output_data_config={"s3Uri": f"{BUCKET}/eval/"},
    ).execute({})
    check(run.conn.get_evaluation_job(jobIdentifier=arn)["jobArn"] == arn, "not the job made")


#: The steps' names, in the order they run.
STEPS: Tuple[str, ...] = tuple(name for name, _ in _STEPS)


# ---------------------------------------------------------------------------
# Running them
# ---------------------------------------------------------------------------


def where(error: BaseException) -> str:
    """The innermost frame of the traceback, as a path from site-packages (or this file's name)."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return ""
    frame = frames[-1]
    path = frame.filename
    for marker in ("site-packages/", "tests/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{frame.lineno}"


def run_steps(client: str, only: Optional[List[str]], out: Any) -> int:
    classes = use_bc() if client == "bc" else provider_classes()
    run = Run(client, classes)
    failed = 0
    for name, fn in _STEPS:
        if only and name not in only:
            continue
        started = time.monotonic()
        result: Dict[str, Any] = {"step": name, "ok": True, "error": ""}
        try:
            fn(run)
        except Exception as error:  # every failure is the step's result
            failed += 1
            result.update(ok=False, error=f"{type(error).__name__}: {error}", where=where(error))
            traceback.print_exc(file=sys.stderr)
        result["seconds"] = round(time.monotonic() - started, 3)
        out.write(json.dumps(result) + "\n")
        out.flush()
    return failed


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--client", choices=("boto3", "bc"), required=True)
    parser.add_argument("--endpoint-url", required=True, help="the local Bedrock, http://127.0.0.1:PORT")
    parser.add_argument("--step", action="append", help="run only this step (repeatable)")
    args = parser.parse_args(argv)
    unknown = set(args.step or ()) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps {sorted(unknown)}; steps: {', '.join(STEPS)}")

    # The results on stdout, alone: whatever else writes to fd 1 (logs) goes to stderr.
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    sys.stdout = sys.stderr

    home = tempfile.mkdtemp(prefix="bc-airflow-home-")
    empty = os.path.join(home, "no-aws-files")
    os.environ.update({
        "AIRFLOW_HOME": home,
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AWS_ACCESS_KEY_ID": ACCOUNTS[args.client],
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ENDPOINT_URL_BEDROCK": args.endpoint_url,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.path.join(empty, "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(empty, "credentials"),
    })
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_REGION"):
        os.environ.pop(name, None)
    try:
        run_steps(args.client, args.step, out)
    finally:
        import shutil

        shutil.rmtree(home, ignore_errors=True)
    return 0  # failed steps are results, not errors of the script


if __name__ == "__main__":
    sys.exit(main())
