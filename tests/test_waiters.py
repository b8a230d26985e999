"""Waiters: every acceptor, botocore's messages, the extras (max_wait, on_poll,
progress), Ctrl-C and cancellation — against a scripted server on loopback."""

import asyncio
import signal
import subprocess
import sys
import textwrap
import time

import botocore.exceptions
import pytest

import bedrock_customization as bc
from conftest import Reply, make_bc_client

JOB = "waiting-job"
FAST = {"Delay": 0.01, "MaxAttempts": 50}
NO_SDK_RETRY = bc.Config(retries={"max_attempts": 0})


def job(status, **extra):
    body = {
        "jobArn": "arn:aws:bedrock:us-east-1:123456789012:model-customization-job/amazon.titan-text-express-v1/abcdef123456",
        "jobName": JOB,
        "outputModelName": "out",
        "roleArn": "arn:aws:iam::123456789012:role/r",
        "creationTime": "2026-01-02T03:04:05Z",
        "baseModelArn": "arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1",
        "trainingDataConfig": {"s3Uri": "s3://b/t.jsonl"},
        "validationDataConfig": {"validators": []},
        "outputDataConfig": {"s3Uri": "s3://b/out/"},
        "status": status,
    }
    body.update(extra)
    return Reply(body=body)


def error(status, code, message="msg"):
    return Reply(status=status, body={"message": message}, headers={"x-amzn-ErrorType": code})


def client_for(recorder):
    return make_bc_client(recorder.url, config=NO_SDK_RETRY)


def test_waiter_names_and_unknown_waiter(recorder):
    client = client_for(recorder)
    assert client.waiter_names == ["model_customization_job_completed", "model_customization_job_stopped"]
    with pytest.raises(ValueError, match="Waiter does not exist: nope"):
        client.get_waiter("nope")


@pytest.mark.parametrize(
    "waiter,final",
    [("model_customization_job_completed", "Completed"), ("model_customization_job_stopped", "Stopped")],
)
def test_success_after_retries(recorder, waiter, final):
    retry = "InProgress" if final == "Completed" else "Stopping"
    recorder.script(job("InProgress"), job(retry), job(final))
    polls = []
    result = client_for(recorder).get_waiter(waiter).wait(
        jobIdentifier=JOB, WaiterConfig=FAST, on_poll=lambda r: polls.append(r["status"])
    )
    assert result is None  # as in boto3
    assert polls == ["InProgress", retry, final]
    assert len(recorder.requests) == 3
    assert all(r.decoded_path == f"/model-customization-jobs/{JOB}" for r in recorder.requests)


@pytest.mark.parametrize(
    "waiter,status",
    [
        ("model_customization_job_completed", "Failed"),
        ("model_customization_job_completed", "Stopping"),
        ("model_customization_job_completed", "Stopped"),
        ("model_customization_job_stopped", "Completed"),
        ("model_customization_job_stopped", "Failed"),
    ],
)
def test_terminal_failure_states(recorder, waiter, status):
    recorder.script(job("InProgress"), job(status, failureMessage="bad data"))
    with pytest.raises(bc.exceptions.WaiterError) as info:
        client_for(recorder).get_waiter(waiter).wait(jobIdentifier=JOB, WaiterConfig=FAST)
    err = info.value
    assert isinstance(err, botocore.exceptions.WaiterError)
    pascal = "".join(p.capitalize() for p in waiter.split("_")).replace("Customization", "Customization")
    assert err.name == pascal
    assert err.reason == f'Waiter encountered a terminal failure state: For expression "status" we matched expected path: "{status}"'
    assert str(err) == f"Waiter {pascal} failed: {err.reason}"
    assert err.last_response["status"] == status
    assert err.last_response["failureMessage"] == "bad data"
    assert len(recorder.requests) == 2


@pytest.mark.parametrize("waiter", ["model_customization_job_completed", "model_customization_job_stopped"])
def test_missing_job_fails_at_once(recorder, waiter):
    recorder.always(error(404, "ResourceNotFoundException", "Model customization job x not found"))
    with pytest.raises(bc.exceptions.WaiterError) as info:
        client_for(recorder).get_waiter(waiter).wait(jobIdentifier="x", WaiterConfig=FAST)
    assert info.value.reason == "Waiter encountered a terminal failure state: Matched expected service error code: ResourceNotFoundException"
    assert info.value.last_response["Error"]["Code"] == "ResourceNotFoundException"
    assert len(recorder.requests) == 1


@pytest.mark.parametrize(
    "reply",
    [
        error(429, "ThrottlingException"),
        error(500, "InternalServerException"),
        error(503, "ServiceUnavailableException"),
        Reply(status=502, body=b"<html>bad gateway</html>", content_type="text/html"),
    ],
    ids=["throttling", "internal", "unavailable", "html-502"],
)
def test_throttling_and_5xx_are_retried(recorder, reply):
    recorder.script(reply, reply, job("Completed"))
    seen = []
    client_for(recorder).get_waiter("model_customization_job_completed").wait(
        jobIdentifier=JOB, WaiterConfig=FAST, on_poll=seen.append
    )
    assert len(recorder.requests) == 3
    assert "Error" in seen[0] and seen[-1]["status"] == "Completed"


def test_an_unexpected_error_fails_like_botocore(recorder):
    recorder.always(error(400, "ValidationException", "bad identifier"))
    with pytest.raises(bc.exceptions.WaiterError) as info:
        client_for(recorder).get_waiter("model_customization_job_completed").wait(jobIdentifier=JOB, WaiterConfig=FAST)
    assert info.value.reason == "An error occurred (ValidationException): bad identifier"


def test_max_attempts(recorder):
    recorder.always(job("InProgress"))
    with pytest.raises(bc.exceptions.WaiterError) as info:
        client_for(recorder).get_waiter("model_customization_job_completed").wait(
            jobIdentifier=JOB, WaiterConfig={"Delay": 0.01, "MaxAttempts": 3}
        )
    assert info.value.reason == (
        'Max attempts exceeded. Previously accepted state: For expression "status" we matched expected path: "InProgress"'
    )
    assert len(recorder.requests) == 3


def test_float_delay_spaces_the_polls(recorder):
    recorder.script(job("InProgress"), job("InProgress"), job("Completed"))
    started = time.monotonic()
    client_for(recorder).get_waiter("model_customization_job_completed").wait(
        jobIdentifier=JOB, WaiterConfig={"Delay": 0.25, "MaxAttempts": 5}
    )
    assert time.monotonic() - started >= 0.5  # two sleeps between three polls


def test_max_wait_bounds_the_wait(recorder):
    recorder.always(job("InProgress"))
    with pytest.raises(bc.exceptions.WaiterError) as info:
        client_for(recorder).get_waiter("model_customization_job_completed").wait(
            jobIdentifier=JOB, WaiterConfig={"Delay": 0.2, "MaxAttempts": 1000}, max_wait=0.5
        )
    assert info.value.reason == "Max wait time exceeded (0.5 seconds)"
    assert 2 <= len(recorder.requests) <= 4


@pytest.mark.parametrize(
    "config,message",
    [({"Delay": -1}, "Delay"), ({"MaxAttempts": 0}, "MaxAttempts"), ({"Bogus": 1}, "Unknown WaiterConfig keys: Bogus")],
)
def test_bad_waiter_config(recorder, config, message):
    with pytest.raises(ValueError, match=message):
        client_for(recorder).get_waiter("model_customization_job_completed").wait(jobIdentifier=JOB, WaiterConfig=config)
    assert recorder.requests == []


def test_bad_parameters_are_validated_before_sending(recorder):
    with pytest.raises(bc.exceptions.ParamValidationError, match='Missing required parameter in input: "jobIdentifier"'):
        client_for(recorder).get_waiter("model_customization_job_completed").wait(WaiterConfig=FAST)
    assert recorder.requests == []


def test_on_poll_exception_stops_the_wait(recorder):
    recorder.always(job("InProgress"))

    def boom(response):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        client_for(recorder).get_waiter("model_customization_job_completed").wait(
            jobIdentifier=JOB, WaiterConfig=FAST, on_poll=boom
        )
    assert len(recorder.requests) == 1


def test_progress_line_shows_status_details(recorder, capsys):
    details = {
        "dataProcessingDetails": {"status": "Completed"},
        "validationDetails": {"status": "Completed"},
        "trainingDetails": {"status": "InProgress"},
    }
    recorder.script(job("InProgress", statusDetails=details), job("Completed"))
    client_for(recorder).get_waiter("model_customization_job_completed").wait(
        jobIdentifier=JOB, WaiterConfig=FAST, progress=True
    )
    err = capsys.readouterr().err
    assert f"{JOB}: InProgress" in err
    assert "data processing Completed" in err and "validation Completed" in err and "training InProgress" in err
    assert f"{JOB}: Completed" in err


def test_no_output_without_progress(recorder, capsys):
    recorder.script(job("InProgress"), job("Completed"))
    client_for(recorder).get_waiter("model_customization_job_completed").wait(jobIdentifier=JOB, WaiterConfig=FAST)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_async_waiter(recorder):
    recorder.script(job("InProgress"), job("Completed"))

    async def main():
        async with bc.async_client(
            "bedrock", region_name="us-east-1", endpoint_url=recorder.url,
            aws_access_key_id="testing", aws_secret_access_key="testing", config=NO_SDK_RETRY,
        ) as client:
            return await client.get_waiter("model_customization_job_completed").wait(jobIdentifier=JOB, WaiterConfig=FAST)

    assert asyncio.run(main()) is None
    assert len(recorder.requests) == 2


def test_async_waiter_failure_and_many_at_once(recorder):
    recorder.always(job("Failed", failureMessage="oom"))

    async def main():
        client = bc.async_client(
            "bedrock", region_name="us-east-1", endpoint_url=recorder.url,
            aws_access_key_id="testing", aws_secret_access_key="testing", config=NO_SDK_RETRY,
        )
        waiter = client.get_waiter("model_customization_job_completed")
        return await asyncio.gather(
            *[waiter.wait(jobIdentifier=f"j{i}", WaiterConfig=FAST) for i in range(20)], return_exceptions=True
        )

    results = asyncio.run(main())
    assert all(isinstance(r, bc.exceptions.WaiterError) for r in results)
    assert {r.last_response["failureMessage"] for r in results} == {"oom"}
    assert len(recorder.requests) == 20


def test_async_wait_is_cancellable(recorder):
    recorder.always(job("InProgress"))

    async def main():
        client = bc.async_client(
            "bedrock", region_name="us-east-1", endpoint_url=recorder.url,
            aws_access_key_id="testing", aws_secret_access_key="testing",
        )
        waiter = client.get_waiter("model_customization_job_completed")
        started = time.monotonic()
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(waiter.wait(jobIdentifier=JOB, WaiterConfig={"Delay": 0.1, "MaxAttempts": 10_000}), 0.35)
        return time.monotonic() - started

    elapsed = asyncio.run(main())
    assert elapsed < 2
    polls = len(recorder.requests)
    time.sleep(0.5)
    assert len(recorder.requests) == polls, "the cancelled waiter kept polling"


_WAIT_FOREVER = textwrap.dedent(
    """
    import sys
    import bedrock_customization as bc

    client = bc.client(
        "bedrock", region_name="us-east-1", endpoint_url=sys.argv[1],
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )
    print("waiting", flush=True)
    client.get_waiter("model_customization_job_completed").wait(
        jobIdentifier="waiting-job", WaiterConfig={"Delay": 30, "MaxAttempts": 100})
    sys.exit(1)
    """
)


def test_ctrl_c_stops_a_sync_wait(recorder):
    recorder.always(job("InProgress"))
    proc = subprocess.Popen([sys.executable, "-c", _WAIT_FOREVER, recorder.url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert recorder.wait_for_requests(1, timeout=30), "the child never polled"
        time.sleep(0.2)  # now sleeping between polls
        assert proc.poll() is None
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=10)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert elapsed < 1.5, f"took {elapsed:.2f}s to react to SIGINT"
    assert "KeyboardInterrupt" in stderr


def test_progress_uses_tqdm_when_installed(recorder, monkeypatch, capsys):
    """With tqdm importable the live line goes through it (a stand-in module here
    records what the waiter asked it to show)."""
    import types

    shown = []

    class FakeBar:
        def __init__(self, **kwargs):
            shown.append(("open", kwargs.get("desc")))

        def set_postfix_str(self, text, refresh=True):
            shown.append(("show", text))

        def close(self):
            shown.append(("close", None))

    auto = types.ModuleType("tqdm.auto")
    auto.tqdm = FakeBar
    package = types.ModuleType("tqdm")
    package.auto = auto
    monkeypatch.setitem(sys.modules, "tqdm", package)
    monkeypatch.setitem(sys.modules, "tqdm.auto", auto)
    recorder.script(job("InProgress"), job("Completed"))
    client_for(recorder).get_waiter("model_customization_job_completed").wait(
        jobIdentifier=JOB, WaiterConfig=FAST, progress=True
    )
    assert shown[0] == ("open", JOB)
    assert [t for kind, t in shown if kind == "show"][0].startswith(f"{JOB}: InProgress")
    assert [t for kind, t in shown if kind == "show"][-1].startswith(f"{JOB}: Completed")
    assert shown[-1] == ("close", None)
    assert capsys.readouterr().err == ""


_CALL_FROM_ON_POLL = textwrap.dedent(
    """
    import asyncio, sys
    import bedrock_customization as bc

    client = bc.client("bedrock", region_name="us-east-1", endpoint_url=sys.argv[1],
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    seen = []

    def on_poll(response):  # a sync call from inside the waiter's poll
        seen.append(client.get_model_customization_job(jobIdentifier="other")["status"])

    client.get_waiter("model_customization_job_completed").wait(
        jobIdentifier="waiting-job", WaiterConfig={"Delay": 0.01, "MaxAttempts": 5}, on_poll=on_poll)

    async def main():
        async with bc.async_client("bedrock", region_name="us-east-1", endpoint_url=sys.argv[1],
                                   aws_access_key_id="testing", aws_secret_access_key="testing") as aclient:
            await aclient.get_waiter("model_customization_job_completed").wait(
                jobIdentifier="waiting-job", WaiterConfig={"Delay": 0.01, "MaxAttempts": 5}, on_poll=on_poll)

    asyncio.run(main())
    print(seen)
    """
)


def test_sync_call_inside_on_poll_does_not_deadlock(recorder):
    """on_poll runs on the runtime's thread; a sync call made there must not wait
    for a worker it is itself holding (it hung with one runtime worker)."""
    recorder.always(job("Completed"))
    proc = subprocess.run([sys.executable, "-c", _CALL_FROM_ON_POLL, recorder.url],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "['Completed', 'Completed']"
    assert len(recorder.requests) == 4
