"""Runtime behaviour: threads, fork, Ctrl-C and the GIL."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from conftest import Reply, create_job, make_bc_client, run_in_fork

# ---------------------------------------------------------------------------
# Threads
# ---------------------------------------------------------------------------


def test_eight_threads_share_one_client(bc_client):
    barrier = threading.Barrier(8)
    results: dict = {}
    errors: list = []

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            job = create_job(bc_client, tag=f"thr{i}")
            got = bc_client.get_model_customization_job(jobIdentifier=job["jobName"])
            listed = bc_client.list_model_customization_jobs(nameContains=job["jobName"])
            bc_client.stop_model_customization_job(jobIdentifier=job["jobName"])
            stopped = bc_client.get_model_customization_job(jobIdentifier=job["jobName"])
            results[i] = (job, got, listed, stopped)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append((i, repr(e)))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    assert errors == []
    assert sorted(results) == list(range(8))
    for i, (job, got, listed, stopped) in results.items():
        assert got["jobName"] == job["jobName"] and got["jobArn"] == job["jobArn"]
        assert got["status"] == "InProgress"
        assert [s["jobName"] for s in listed["modelCustomizationJobSummaries"]] == [job["jobName"]]
        assert stopped["status"] in ("Stopping", "Stopped")  # the local Bedrock stops a job in 0.3 s


def test_calls_from_threads_overlap(recorder):
    """Four 1-second calls from four threads take about one second, not four."""
    recorder.always(Reply(body={"jobName": "slow"}, delay=1.0))
    client = make_bc_client(recorder.url)
    out: list = []
    threads = [
        threading.Thread(target=lambda: out.append(client.get_model_customization_job(jobIdentifier="slow")))
        for _ in range(4)
    ]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    elapsed = time.monotonic() - start
    assert [r["jobName"] for r in out] == ["slow"] * 4
    assert elapsed < 2.5, f"calls did not overlap: {elapsed:.2f}s"


# ---------------------------------------------------------------------------
# GIL
# ---------------------------------------------------------------------------


def test_gil_released_during_a_call(recorder):
    recorder.always(Reply(body={"jobName": "slow"}, delay=1.0))
    client = make_bc_client(recorder.url)
    client.list_model_customization_jobs()  # connection set up, runtime started
    stop = threading.Event()
    counter = [0]

    def spin() -> None:
        while not stop.is_set():
            counter[0] += 1

    spinner = threading.Thread(target=spin)
    spinner.start()
    try:
        # Baseline: how fast the spinner counts while this thread sleeps.
        before = counter[0]
        time.sleep(0.3)
        baseline_rate = (counter[0] - before) / 0.3

        before = counter[0]
        start = time.monotonic()
        result = client.get_model_customization_job(jobIdentifier="slow")
        elapsed = time.monotonic() - start
        during_rate = (counter[0] - before) / elapsed
    finally:
        stop.set()
        spinner.join()
    assert result["jobName"] == "slow"
    assert elapsed >= 0.9
    assert during_rate > 0.25 * baseline_rate, (during_rate, baseline_rate)


# ---------------------------------------------------------------------------
# fork
# ---------------------------------------------------------------------------


def test_fork_child_uses_inherited_and_new_client(bc_client, local_url):
    job = create_job(bc_client, tag="fork")  # the parent has used the client (runtime started)

    def child():
        inherited = bc_client.get_model_customization_job(jobIdentifier=job["jobName"])
        fresh_client = make_bc_client(local_url)
        listed = fresh_client.list_model_customization_jobs(nameContains=job["jobName"])
        child_job = create_job(fresh_client, tag="forkchild")
        return {
            "inherited": inherited["jobName"],
            "listed": [s["jobName"] for s in listed["modelCustomizationJobSummaries"]],
            "child_job": child_job["jobName"],
        }

    code, payload = run_in_fork(child)
    assert code == 0, payload
    assert payload["inherited"] == job["jobName"]
    assert payload["listed"] == [job["jobName"]]
    # The parent's client still works after the fork and sees the child's job.
    seen = bc_client.get_model_customization_job(jobIdentifier=payload["child_job"])
    assert seen["jobName"] == payload["child_job"]


# ---------------------------------------------------------------------------
# Ctrl-C
# ---------------------------------------------------------------------------

_SLOW_CALL = textwrap.dedent(
    """
    import sys
    import bedrock_customization as bc

    client = bc.client(
        "bedrock", region_name="us-east-1", endpoint_url=sys.argv[1],
        aws_access_key_id="testing", aws_secret_access_key="testing",
        config=bc.Config(retries={"max_attempts": 0}, read_timeout=120),
    )
    catch = sys.argv[2] == "catch"
    print("calling", flush=True)
    if catch:
        try:
            client.get_model_customization_job(jobIdentifier="slow-job")
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            # The client is still usable afterwards.
            again = client.get_model_customization_job(jobIdentifier="fast-job")
            print("then", again["jobName"], flush=True)
            sys.exit(42)
        sys.exit(1)
    client.get_model_customization_job(jobIdentifier="slow-job")
    sys.exit(1)
    """
)


@pytest.mark.parametrize("mode", ["catch", "uncaught"])
def test_ctrl_c_interrupts_a_blocked_call(recorder, mode):
    recorder.script(Reply(body={"jobName": "slow-job"}, delay=30.0))
    recorder.default = Reply(body={"jobName": "fast-job"})
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_CALL, recorder.url, mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert recorder.wait_for_requests(1, timeout=30), "the child never sent its request"
        time.sleep(0.2)  # the child is now blocked waiting for the response
        assert proc.poll() is None
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=10)
        elapsed = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert elapsed < (2.0 if mode == "uncaught" else 5.0), f"took {elapsed:.2f}s to react to SIGINT"
    if mode == "catch":
        assert proc.returncode == 42, (proc.returncode, stdout, stderr)
        assert "interrupted" in stdout
        assert "then fast-job" in stdout
    else:
        assert proc.returncode in (-signal.SIGINT, 130, 1), (proc.returncode, stderr)
        assert "KeyboardInterrupt" in stderr
