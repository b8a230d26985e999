"""Waiters for model-customization jobs (botocore defines none for Bedrock).

The definitions below use botocore's waiter-model format. The polling loop itself
runs in the Rust core on the shared runtime (``Client._wait`` / ``_wait_async``):
between polls a waiter is only a sleeping timer, so waiting costs no Python
thread and almost no CPU, and thousands of async waiters fit in one process.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Callable, Dict, Optional

def _status(state: str, status: str) -> Dict[str, Any]:
    return {"state": state, "matcher": "path", "argument": "status", "expected": status}


# Shared by both waiters: a missing job fails at once; throttling and 5xx are retried.
_ERRORS = [
    {"state": "failure", "matcher": "error", "argument": "", "expected": "ResourceNotFoundException"},
    *({"state": "retry", "matcher": "error", "argument": "", "expected": code}
      for code in ("ThrottlingException", "InternalServerException", "ServiceUnavailableException")),
    *({"state": "retry", "matcher": "status", "argument": "", "expected": status} for status in (429, 500, 502, 503, 504)),
]

# Training takes hours: poll once a minute for up to 24 hours by default.
# Stopping takes minutes: poll every 30 s for up to an hour.
WAITERS: Dict[str, Dict[str, Any]] = {
    "ModelCustomizationJobCompleted": {
        "operation": "GetModelCustomizationJob",
        "delay": 60,
        "maxAttempts": 1440,
        "acceptors": [
            _status("success", "Completed"),
            _status("failure", "Failed"),
            _status("failure", "Stopping"),
            _status("failure", "Stopped"),
            _status("retry", "InProgress"),
            *_ERRORS,
        ],
    },
    "ModelCustomizationJobStopped": {
        "operation": "GetModelCustomizationJob",
        "delay": 30,
        "maxAttempts": 120,
        "acceptors": [
            _status("success", "Stopped"),
            _status("failure", "Completed"),
            _status("failure", "Failed"),
            _status("retry", "InProgress"),
            _status("retry", "Stopping"),
            *_ERRORS,
        ],
    },
}


def _snake(name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i:
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


WAITER_NAMES = {_snake(name): name for name in WAITERS}


def waiter_names():
    return sorted(WAITER_NAMES)


def _resolve(name: str) -> str:
    try:
        return WAITER_NAMES[name]
    except (KeyError, TypeError):
        raise ValueError(f"Waiter does not exist: {name}") from None


class _Progress:
    """A live line: job name, status, the statusDetails sub-steps, elapsed time.

    Uses tqdm when it is installed, else rewrites one line on stderr."""

    def __init__(self, label: str) -> None:
        self._label = label
        self._started = time.monotonic()
        self._bar = None
        self._width = 0
        try:
            from tqdm.auto import tqdm
        except ImportError:
            tqdm = None
        if tqdm is not None:
            self._bar = tqdm(total=None, desc=label, bar_format="{desc}: {postfix}", leave=True)

    def _text(self, response: Dict[str, Any]) -> str:
        if "Error" in response:
            status = f"error {response['Error'].get('Code', '')}"
        else:
            status = str(response.get("status", "?"))
        parts = [f"{response.get('jobName', self._label)}: {status}"]
        details = response.get("statusDetails") or {}
        for key, label in (
            ("dataProcessingDetails", "data processing"),
            ("validationDetails", "validation"),
            ("trainingDetails", "training"),
        ):
            step = details.get(key)
            if isinstance(step, dict) and "status" in step:
                parts.append(f"{label} {step['status']}")
        elapsed = int(time.monotonic() - self._started)
        parts.append(f"{elapsed // 3600:d}:{elapsed % 3600 // 60:02d}:{elapsed % 60:02d}")
        return " | ".join(parts)

    def __call__(self, response: Dict[str, Any]) -> None:
        text = self._text(response)
        if self._bar is not None:
            self._bar.set_postfix_str(text, refresh=True)
        else:
            pad = max(self._width - len(text), 0)
            sys.stderr.write("\r" + text + " " * pad)
            sys.stderr.flush()
            self._width = len(text)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self._width:
            sys.stderr.write("\n")
            sys.stderr.flush()


class Waiter:
    """``client.get_waiter(name)``: ``.wait(jobIdentifier=..., WaiterConfig={...})``.

    Beyond boto3: ``max_wait`` (seconds) bounds the whole wait, ``on_poll`` is
    called with every response (including error responses), and ``progress=True``
    shows a live status line.
    """

    def __init__(self, client: Any, name: str) -> None:
        self.name = _resolve(name)
        self.config = WAITERS[self.name]
        self._client = client

    def _arguments(self, kwargs: Dict[str, Any], max_wait, on_poll, progress):
        waiter_config = kwargs.pop("WaiterConfig", None) or {}
        if not isinstance(waiter_config, dict):
            raise TypeError("WaiterConfig must be a dict with 'Delay' and/or 'MaxAttempts'")
        unknown = set(waiter_config) - {"Delay", "MaxAttempts"}
        if unknown:
            raise ValueError(f"Unknown WaiterConfig keys: {', '.join(sorted(unknown))}; valid keys: Delay, MaxAttempts")
        delay = waiter_config.get("Delay", self.config["delay"])
        attempts = waiter_config.get("MaxAttempts", self.config["maxAttempts"])
        if isinstance(delay, bool) or not isinstance(delay, (int, float)) or delay < 0:
            raise ValueError(f"WaiterConfig['Delay'] must be a non-negative number of seconds, got {delay!r}")
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
            raise ValueError(f"WaiterConfig['MaxAttempts'] must be a positive int, got {attempts!r}")
        if max_wait is not None and (isinstance(max_wait, bool) or not isinstance(max_wait, (int, float)) or max_wait < 0):
            raise ValueError(f"max_wait must be a non-negative number of seconds, got {max_wait!r}")
        if on_poll is not None and not callable(on_poll):
            raise TypeError("on_poll must be callable")
        bar = _Progress(str(kwargs.get("jobIdentifier", self.name))) if progress else None
        callback: Optional[Callable[[Dict[str, Any]], None]] = on_poll
        if bar is not None:
            user = on_poll

            def callback(response, _user=user, _bar=bar):
                _bar(response)
                if _user is not None:
                    _user(response)

        acceptors = [(a["state"], a["matcher"], a["argument"], a["expected"]) for a in self.config["acceptors"]]
        args = (self.name, self.config["operation"], kwargs, acceptors, float(delay), attempts, max_wait, callback)
        return args, bar

    def wait(self, *, max_wait: Optional[float] = None, on_poll=None, progress: bool = False, **kwargs: Any) -> None:
        args, bar = self._arguments(kwargs, max_wait, on_poll, progress)
        try:
            self._client._wait(*args)
        finally:
            if bar is not None:
                bar.close()

    def __repr__(self) -> str:
        return f"<Waiter {self.name}>"


class AsyncWaiter(Waiter):
    """The async client's waiter: ``await waiter.wait(...)``; cancellable."""

    async def wait(self, *, max_wait: Optional[float] = None, on_poll=None, progress: bool = False, **kwargs: Any) -> None:  # type: ignore[override]
        args, bar = self._arguments(kwargs, max_wait, on_poll, progress)
        try:
            await self._client._wait_async(*args)
        finally:
            if bar is not None:
                bar.close()
