"""Waiters: every acceptor, botocore's messages, the extras (max_wait, on_poll,
progress), Ctrl-C and cancellation — against a scripted server on loopback."""

import asyncio
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass

import botocore
import botocore.exceptions
import pytest

import bedrock_customization as bc
from conftest import Reply, make_boto3_client, make_bc_client, pinned_json, strip_volatile

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
    assert client.waiter_names == sorted(snake(name) for name in DEFINITIONS)
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


def _stderr_is_a_terminal(monkeypatch, tty=True):
    """capsys's stderr (no terminal) says it is one when ``tty``."""
    if tty:
        monkeypatch.setattr(sys.stderr, "isatty", lambda: True)


def _shown(err, tty):
    """What progress showed: each rewrite of the live line on a terminal (one line,
    ended when the wait ends), each line of a log (never a \\r)."""
    if tty:
        assert err.startswith("\r") and err.endswith("\n") and "\n" not in err[:-1], repr(err)
        return [text.rstrip() for text in err.split("\r")[1:]]
    assert "\r" not in err and err.endswith("\n"), repr(err)
    return err.split("\n")[:-1]


def _details(validation, data_processing="NotStarted", training="NotStarted"):
    return {
        "statusDetails": {
            "validationDetails": {"status": validation},
            "dataProcessingDetails": {"status": data_processing},
            "trainingDetails": {"status": training},
        }
    }


# a customization job's polls: (status, validation, data processing, training), and
# the minutes:seconds waited at each (on_poll moves the clock 45 s on after each poll)
_POLLS = [
    ("InProgress", "InProgress", "NotStarted", "NotStarted", "0:00:00"),
    ("InProgress", "InProgress", "NotStarted", "NotStarted", "0:00:45"),
    ("InProgress", "InProgress", "NotStarted", "NotStarted", "0:01:30"),
    ("InProgress", "Completed", "InProgress", "NotStarted", "0:02:15"),
    ("InProgress", "Completed", "Completed", "InProgress", "0:03:00"),
    ("InProgress", "Completed", "Completed", "InProgress", "0:03:45"),
    ("Completed", "Completed", "Completed", "Completed", "0:04:30"),
]


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "log"])
def test_progress_rewrites_a_line_on_a_terminal_and_writes_a_line_per_change_elsewhere(
    recorder, capsys, monkeypatch, tty
):
    """On a terminal every poll rewrites the line; where stderr is not a terminal (a
    pipe, a file, a CI or Airflow log) a change of status or of a sub-step writes one
    line, ending in the time waited when it was seen, and a poll that changes nothing
    writes nothing."""
    import types

    _stderr_is_a_terminal(monkeypatch, tty)
    clock = [1000.0]
    monkeypatch.setattr(bc.waiter, "time", types.SimpleNamespace(monotonic=lambda: clock[0]))
    recorder.script(*[job(status, **_details(*steps)) for status, *steps, _ in _POLLS])

    def tick(response):
        clock[0] += 45

    client_for(recorder).get_waiter("model_customization_job_completed").wait(
        jobIdentifier=JOB, WaiterConfig=FAST, progress=True, on_poll=tick
    )
    texts = [
        f"{JOB}: {status} | validation {v} | data processing {d} | training {t} | {elapsed}"
        for status, v, d, t, elapsed in _POLLS
    ]
    expected = texts if tty else [texts[0], texts[3], texts[4], texts[6]]
    assert _shown(capsys.readouterr().err, tty) == expected
    assert len(recorder.requests) == len(_POLLS)


@pytest.mark.parametrize(
    "ending,replies,config,states",
    [
        ("success", [job("InProgress"), job("InProgress"), job("Completed")], FAST, ["InProgress", "Completed"]),
        (
            "failure",
            [job("InProgress"), job("InProgress"), job("Failed", failureMessage="oom")],
            FAST,
            ["InProgress", "Failed"],
        ),
        (
            "not found",
            [job("InProgress"), error(404, "ResourceNotFoundException")],
            FAST,
            ["InProgress", "error ResourceNotFoundException"],
        ),
        ("max attempts", None, {"Delay": 0, "MaxAttempts": 4}, ["InProgress"]),
    ],
)
def test_progress_in_a_log_ends_on_the_last_state_written_once(recorder, capsys, ending, replies, config, states):
    """However the wait ends, a log's last line is the last state seen, written once."""
    if replies is None:
        recorder.always(job("InProgress"))
    else:
        recorder.script(*replies)
    waiter = client_for(recorder).get_waiter("model_customization_job_completed")
    if ending == "success":
        waiter.wait(jobIdentifier=JOB, WaiterConfig=config, progress=True)
    else:
        with pytest.raises(bc.exceptions.WaiterError):
            waiter.wait(jobIdentifier=JOB, WaiterConfig=config, progress=True)
    lines = _shown(capsys.readouterr().err, False)
    assert [line.rsplit(" | ", 1)[0] for line in lines] == [f"{JOB}: {state}" for state in states], lines
    assert all(re.fullmatch(r".* \| \d+:\d\d:\d\d", line) for line in lines), lines


class _NoIsatty:
    def __init__(self):
        self.written = []

    def write(self, text):
        self.written.append(text)

    def flush(self):
        pass


def _closed():
    import io

    stream = io.StringIO()
    stream.close()
    return stream


@pytest.mark.parametrize("make", [_NoIsatty, _closed, lambda: None], ids=["no isatty", "closed", "None"])
def test_progress_on_a_stderr_that_cannot_say_or_cannot_write(recorder, monkeypatch, make):
    """No isatty(), or a closed stderr, or none: a log; a stderr that cannot be written
    leaves the wait alone."""
    stream = make()
    monkeypatch.setattr(sys, "stderr", stream)
    recorder.script(job("InProgress"), job("InProgress"), job("Completed"))
    client_for(recorder).get_waiter("model_customization_job_completed").wait(
        jobIdentifier=JOB, WaiterConfig=FAST, progress=True
    )
    assert len(recorder.requests) == 3
    if isinstance(stream, _NoIsatty):
        assert [text.split(" | ")[0] for text in stream.written] == [f"{JOB}: InProgress", f"{JOB}: Completed"]


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


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "log"])
def test_progress_uses_tqdm_when_installed(recorder, monkeypatch, capsys, tty):
    """With tqdm importable the live line of a terminal goes through it (a stand-in
    module here records what the waiter asked it to show); a log never uses it."""
    import types

    _stderr_is_a_terminal(monkeypatch, tty)
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
    err = capsys.readouterr().err
    if not tty:
        assert shown == []
        assert [line.rsplit(" | ", 1)[0] for line in _shown(err, tty)] == [f"{JOB}: InProgress", f"{JOB}: Completed"]
        return
    assert shown[0] == ("open", JOB)
    assert [t for kind, t in shown if kind == "show"][0].startswith(f"{JOB}: InProgress")
    assert [t for kind, t in shown if kind == "show"][-1].startswith(f"{JOB}: Completed")
    assert shown[-1] == ("close", None)
    assert err == ""


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


# ---------------------------------------------------------------------------
# Every waiter of codegen/model/waiters-2.json, sync and async, side by side with
# botocore's own Waiter built from the same file (botocore.waiter.WaiterModel and
# create_waiter_with_client over a boto3 client on the same scripted server).
# The cases are made from the definitions and the service model, never listed by hand.
# ---------------------------------------------------------------------------

DEFINITIONS = pinned_json("waiters-2.json")["waiters"]
SERVICE = pinned_json("service-2.json")
TRANSIENT_STATUS_BODY = b"<html>busy</html>"
ZERO = {"Delay": 0, "MaxAttempts": 50}


def snake(name):
    return botocore.xform_name(name)


def _operation(name):
    return SERVICE["operations"][DEFINITIONS[name]["operation"]]


def identifiers(name):
    """Values for the polled operation's required members that its patterns accept:
    a short name, or an ARN of the kind the pattern names."""
    shapes = SERVICE["shapes"]
    request = shapes[_operation(name)["input"]["shape"]]
    out = {}
    for member in request["required"]:
        target = shapes[request["members"][member]["shape"]]
        pattern = target.get("pattern", "")
        kinds = re.findall(r"\[0-9\]\{12\}:([a-z-]+)/", pattern)
        candidates = ["abc123def456"] + [f"arn:aws:bedrock:us-east-1:123456789012:{k}/abc123def456" for k in kinds]
        out[member] = next(c for c in candidates if re.fullmatch(f"(?:{pattern})", c) or re.search(pattern, c)
                           and len(c) <= target.get("max", 10**6))
    return out


def path_body(argument, value):
    body = {}
    node = body
    parts = argument.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return body


def error_reply(code, message="scripted"):
    status = SERVICE["shapes"].get(code, {}).get("error", {}).get("httpStatusCode", 400)
    return Reply(status=status, body={"message": message}, headers={"x-amzn-ErrorType": code})


def reply_for(acceptor):
    """A response the acceptor matches (and no acceptor before it, for these definitions)."""
    if acceptor["matcher"] == "path":
        return Reply(body=path_body(acceptor["argument"], acceptor["expected"]))
    if acceptor["matcher"] == "error":
        return error_reply(acceptor["expected"])
    # a bare HTTP status: a body without an error code, as a proxy would send
    return Reply(status=acceptor["expected"], body=TRANSIENT_STATUS_BODY, content_type="text/html")


def explanation(acceptor):
    """botocore's wording (botocore.waiter.AcceptorConfig.explanation)."""
    if acceptor["matcher"] == "path":
        return f'For expression "{acceptor["argument"]}" we matched expected path: "{acceptor["expected"]}"'
    if acceptor["matcher"] == "error":
        return f"Matched expected service error code: {acceptor['expected']}"
    return f"Matched expected HTTP status code: {acceptor['expected']}"


def pending(name):
    """(reply, the acceptor it matches or None): a response that keeps the waiter
    waiting: its first path-matcher retry, else a successful get no acceptor matches."""
    for acceptor in DEFINITIONS[name]["acceptors"]:
        if acceptor["state"] == "retry" and acceptor["matcher"] == "path":
            return reply_for(acceptor), acceptor
    return Reply(body={}), None


@dataclass
class Case:
    waiter: str
    kind: str
    script: list
    default: Reply
    config: dict
    reason: object  # None: success; else the WaiterError reason
    polls: int
    max_wait: object = None
    botocore: bool = True  # botocore has no max_wait

    @property
    def id(self):
        return f"{snake(self.waiter)}-{self.kind}"


UNEXPECTED = error_reply("ValidationException", "bad identifier")


def cases():
    out = []
    for name, definition in DEFINITIONS.items():
        acceptors = definition["acceptors"]
        wait_reply, wait_acceptor = pending(name)
        for i, acceptor in enumerate(acceptors):
            tag = f"{acceptor['state']}-{acceptor['matcher']}-{acceptor['expected']}"
            if acceptor["state"] == "success":
                out.append(Case(name, tag, [wait_reply, reply_for(acceptor)], UNEXPECTED, ZERO, None, 2))
            elif acceptor["state"] == "failure":
                reason = f"Waiter encountered a terminal failure state: {explanation(acceptor)}"
                out.append(Case(name, tag, [wait_reply, reply_for(acceptor)], UNEXPECTED, ZERO, reason, 2))
            else:  # retried, then a success
                success = next(a for a in acceptors if a["state"] == "success")
                out.append(Case(name, tag, [reply_for(acceptor), reply_for(success)], UNEXPECTED, ZERO, None, 2))
        # MaxAttempts exceeded while waiting
        reason = "Max attempts exceeded" + (
            f". Previously accepted state: {explanation(wait_acceptor)}" if wait_acceptor else "")
        out.append(Case(name, "max-attempts", [], wait_reply, {"Delay": 0, "MaxAttempts": 3}, reason, 3))
        # ... after a retried error: botocore then names the acceptor of the last poll, or,
        # when that poll matched none, the last acceptor of the list (where its loop ended)
        throttled = error_reply("ThrottlingException")
        last = wait_acceptor or acceptors[-1]
        out.append(Case(name, "max-attempts-after-throttling", [throttled], wait_reply,
                        {"Delay": 0, "MaxAttempts": 3},
                        f"Max attempts exceeded. Previously accepted state: {explanation(last)}", 3))
        # an error no acceptor names ends the wait at once
        out.append(Case(name, "unexpected-error", [], UNEXPECTED, ZERO,
                        "An error occurred (ValidationException): bad identifier", 1))
        # max_wait (this package's): bounded in time whatever MaxAttempts says
        out.append(Case(name, "max-wait", [], wait_reply, {"Delay": 0.05, "MaxAttempts": 1000},
                        "Max wait time exceeded (0.2 seconds)", None, max_wait=0.2, botocore=False))
    return out


CASES = cases()


def test_every_waiter_has_each_kind_of_case():
    kinds = {}
    for case in CASES:
        kinds.setdefault(case.waiter, set()).add(case.kind.split("-")[0])
    assert set(kinds) == set(DEFINITIONS)
    for name, found in kinds.items():
        assert {"success", "retry", "max", "unexpected"} <= found, name
        has_failure = any(a["state"] == "failure" for a in DEFINITIONS[name]["acceptors"])
        assert ("failure" in found) == has_failure, name


@pytest.fixture(scope="module")
def boto3_bedrock(server):
    import botocore.config

    return make_boto3_client(server.url, config=botocore.config.Config(retries={"max_attempts": 0}))


@pytest.fixture(scope="module")
def sync_client(server):
    return make_bc_client(server.url, config=NO_SDK_RETRY)


def play(server, case):
    server.always(case.default)
    server.script(*case.script)
    server.clear()


def outcome(call):
    """(None, None) on success; else (reason, last_response) of the WaiterError."""
    try:
        call()
    except botocore.exceptions.WaiterError as e:
        return e.kwargs["reason"], e.last_response  # (botocore keeps the reason in kwargs only)
    return None, None


def comparable(response):
    """What both tools agree on in a last response: the modeled members, the error,
    the HTTP status (not headers and request ids)."""
    if response is None:
        return None
    out = strip_volatile(response)
    meta = out.pop("ResponseMetadata", {})
    out["status"] = meta.get("HTTPStatusCode")
    return out


def botocore_waiter(name, client):
    from botocore.waiter import WaiterModel, create_waiter_with_client

    return create_waiter_with_client(name, WaiterModel(pinned_json("waiters-2.json")), client)


@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_every_waiter_like_botocore(server, sync_client, boto3_bedrock, case, mode):
    params = identifiers(case.waiter)
    seen = []
    extra = {"max_wait": case.max_wait} if case.max_wait is not None else {}

    def ours():
        if mode == "sync":
            sync_client.get_waiter(snake(case.waiter)).wait(
                **params, WaiterConfig=dict(case.config), on_poll=seen.append, **extra)
            return

        async def main():
            async with bc.async_client("bedrock", region_name="us-east-1", endpoint_url=server.url,
                                       aws_access_key_id="testing", aws_secret_access_key="testing",
                                       config=NO_SDK_RETRY) as client:
                waiter = client.get_waiter(snake(case.waiter))
                assert isinstance(waiter, bc.waiter.AsyncWaiter)
                return await waiter.wait(**params, WaiterConfig=dict(case.config), on_poll=seen.append, **extra)

        assert asyncio.run(main()) is None

    play(server, case)
    reason, last = outcome(ours)
    requests = list(server.requests)
    assert reason == case.reason
    if case.polls is not None:
        assert len(requests) == case.polls
    else:  # max_wait 0.2 s with 0.05 s between polls
        assert 2 <= len(requests) <= 6
    assert len(seen) == len(requests)
    assert all(r.method == "GET" and all(v in r.decoded_path for v in params.values()) for r in requests)
    if reason is not None:
        assert last == seen[-1]
    if not case.botocore:
        return
    play(server, case)
    theirs = outcome(lambda: botocore_waiter(case.waiter, boto3_bedrock).wait(**params, WaiterConfig=dict(case.config)))
    assert theirs[0] == reason
    assert [(r.method, r.path) for r in server.requests] == [(r.method, r.path) for r in requests]
    assert comparable(theirs[1]) == comparable(last)
    if mode == "sync":
        # botocore's own waiter machinery (create_waiter_with_client, as Airflow's
        # provider uses it) on this package's client: the same polls and outcome
        play(server, case)
        on_ours = outcome(lambda: botocore_waiter(case.waiter, sync_client).wait(**params, WaiterConfig=dict(case.config)))
        assert on_ours[0] == reason
        assert [(r.method, r.path) for r in server.requests] == [(r.method, r.path) for r in requests]
        assert comparable(on_ours[1]) == comparable(last)


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_botocore_reads_the_definitions_as_written(name):
    """waiters-2.json is botocore's format: its WaiterModel takes it, with the same
    operation, defaults, description and acceptors as the client's waiter."""
    from botocore.waiter import WaiterModel

    config = WaiterModel(pinned_json("waiters-2.json")).get_waiter(name)
    ours = bc.client("bedrock", region_name="us-east-1").get_waiter(snake(name))
    assert ours.name == name and ours.config == DEFINITIONS[name]
    assert (config.operation, config.delay, config.max_attempts, config.description) == (
        ours.config["operation"], ours.config["delay"], ours.config["maxAttempts"], ours.config["description"])
    assert [(a.state, a.matcher, a.argument, a.expected) for a in config.acceptors] == [
        (a["state"], a["matcher"], a.get("argument"), a["expected"]) for a in ours.config["acceptors"]]


def test_the_definitions_cover_every_status_of_the_model():
    """Each waiter's path matchers name every value of the member's enum (a status
    the waiter does not know would wait silently); the error acceptors follow the
    policy: not found fails (or succeeds, for the *Deleted waiters), throttling and
    5xx are retried."""
    shapes = SERVICE["shapes"]
    for name, definition in DEFINITIONS.items():
        output = shapes[SERVICE["operations"][definition["operation"]]["output"]["shape"]]
        paths = {a["argument"] for a in definition["acceptors"] if a["matcher"] == "path"}
        for argument in paths:
            enum = shapes[output["members"][argument]["shape"]]["enum"]
            named = [a["expected"] for a in definition["acceptors"] if a["matcher"] == "path" and a["argument"] == argument]
            assert sorted(named) == sorted(enum), name
        states = {(a["matcher"], a["expected"]): a["state"] for a in definition["acceptors"] if a["matcher"] != "path"}
        deleted = name.endswith("Deleted")
        assert states[("error", "ResourceNotFoundException")] == ("success" if deleted else "failure"), name
        for code in ("ThrottlingException", "InternalServerException", "ServiceUnavailableException"):
            assert states[("error", code)] == "retry", name
        for status in (429, 500, 502, 503, 504):
            assert states[("status", status)] == "retry", name
        if deleted:
            assert {a["state"] for a in definition["acceptors"] if a["matcher"] == "path"} <= {"retry"}, name


def test_the_docstring_and_descriptions_state_the_defaults():
    doc = bc.waiter.__doc__
    for name, definition in DEFINITIONS.items():
        assert f"every {definition['delay']} s, at most {definition['maxAttempts']} polls" in definition["description"]
        row = next(line for line in doc.splitlines() if line.startswith(snake(name) + " "))
        assert f"{definition['delay']} s x {definition['maxAttempts']} " in row, row


def _progress_body(name):
    """A response with the waiter's status and every sub-step the model gives its
    output (structures whose members have a status, or a ...Status of their own)."""
    shapes = SERVICE["shapes"]
    output = shapes[_operation(name)["output"]["shape"]]
    body, expected = {}, []
    retry = next((a for a in DEFINITIONS[name]["acceptors"] if a["matcher"] == "path" and a["state"] == "retry"), None)
    if retry is not None:
        body[retry["argument"]] = retry["expected"]
    for member, ref in output["members"].items():
        shape = shapes[ref["shape"]]
        if shape["type"] != "structure" or shape.get("document"):
            continue
        for sub, sub_ref in shape.get("members", {}).items():
            sub_shape = shapes[sub_ref["shape"]]
            if sub_shape["type"] == "structure" and "status" in sub_shape.get("members", {}):
                value = shapes[sub_shape["members"]["status"]["shape"]]["enum"][-1]
                body.setdefault(member, {})[sub] = {"status": value}
                expected.append(value)
            elif (sub == "status" or sub.endswith("Status")) and "enum" in sub_shape:
                body.setdefault(member, {})[sub] = sub_shape["enum"][-1]
                expected.append(sub_shape["enum"][-1])
    return body, (retry["expected"] if retry else "exists"), expected


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "log"])
@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_progress_shows_each_resources_status_and_steps(server, sync_client, capsys, monkeypatch, name, tty):
    _stderr_is_a_terminal(monkeypatch, tty)
    params = identifiers(name)
    body, status, steps = _progress_body(name)
    success = next(a for a in DEFINITIONS[name]["acceptors"] if a["state"] == "success")
    server.always(reply_for(success))
    server.script(Reply(body=body))
    server.clear()
    sync_client.get_waiter(snake(name)).wait(**params, WaiterConfig=ZERO, progress=True)
    shown = _shown(capsys.readouterr().err, tty)
    label = " ".join(params.values())
    assert len(shown) == 2, shown
    first = shown[0]
    assert first.startswith(f"{label}: {status}"), first
    for value in steps:
        assert f" {value} | " in first, (first, value)
    final = "error ResourceNotFoundException" if success["matcher"] == "error" else success["expected"]
    assert shown[1].startswith(f"{label}: {final}"), shown


def test_progress_sub_steps_are_named_from_the_model(server, sync_client, capsys):
    """The customization job's statusDetails and a deployment's updateDetails."""
    details = {"dataProcessingDetails": {"status": "Completed"}, "trainingDetails": {"status": "InProgress"}}
    server.always(Reply(body={"status": "Completed"}))
    server.script(Reply(body={"status": "InProgress", "statusDetails": details}))
    sync_client.get_waiter("model_customization_job_completed").wait(jobIdentifier="j", WaiterConfig=ZERO, progress=True)
    line = _shown(capsys.readouterr().err, False)[0]
    assert line.startswith("j: InProgress | data processing Completed | training InProgress | 0:00:0")
    assert "validation" not in line  # absent from the response: not shown
    server.always(Reply(body={"status": "Active"}))
    server.script(Reply(body={"status": "Active", "updateDetails": {"updateStatus": "Updating"}}))
    sync_client.get_waiter("custom_model_deployment_active").wait(
        customModelDeploymentIdentifier="d", WaiterConfig=ZERO, progress=True)
    assert _shown(capsys.readouterr().err, False)[0].startswith("d: Active | update Updating | ")


@pytest.mark.parametrize("name", sorted(DEFINITIONS))
def test_every_waiter_is_a_typed_stub_class(name):
    """(the classes exist only in the stub, for type checkers)"""
    stub = os.path.join(os.path.dirname(bc.__file__), "waiter.pyi")
    with open(stub, encoding="utf-8") as f:
        text = f.read()
    assert f"class {name}Waiter(Waiter):" in text and f"class {name}AsyncWaiter(AsyncWaiter):" in text
    for member in identifiers(name):
        assert f"        {member}: str,\n" in text.split(f"class {name}Waiter(Waiter):")[1].split("class ")[0]
