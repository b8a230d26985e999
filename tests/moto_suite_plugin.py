"""pytest plugin for run (b) of tests/test_moto_suite.py: moto's own Bedrock tests
with their bedrock client made by this package.

Loaded with ``-p moto_suite_plugin`` in the inner pytest run (the outer test puts
a copy of this file on PYTHONPATH); never loaded by this repository's own suite.

Once the target module is imported (``MOTO_SUITE_TARGET``, a dotted module name),
its global ``boto3`` is replaced by a proxy: ``proxy.client("bedrock", ...)``
returns ``bedrock_customization.client("bedrock", ...)`` with the same arguments;
every other service and every other attribute is boto3's own. Other modules
(moto's conftest, moto itself) keep the real boto3.

At the end of the session the plugin writes a JSON record to ``MOTO_SUITE_RECORD``:
the modules it patched and, per test, the type of every bedrock client it made,
so the outer test can check that the replacement really happened.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any, Dict, List, Optional

import boto3
import pytest

import bedrock_customization as bc

_TARGET = os.environ.get("MOTO_SUITE_TARGET", "")
_RECORD = os.environ.get("MOTO_SUITE_RECORD", "")

_lock = threading.Lock()
_current: Optional[str] = None
_clients: List[Dict[str, Any]] = []  # one entry per bedrock client made through the proxy
_patched: List[str] = []
_problems: List[str] = []


def _service_name(args: tuple, kwargs: Dict[str, Any]) -> Any:
    return args[0] if args else kwargs.get("service_name")


class Boto3Proxy:
    """boto3, except that ``client("bedrock", ...)`` is ``bc.client("bedrock", ...)``."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def client(self, *args: Any, **kwargs: Any) -> Any:
        if _service_name(args, kwargs) != "bedrock":
            return self._real.client(*args, **kwargs)
        made = bc.client(*args, **kwargs)
        with _lock:
            _clients.append(
                {
                    "test": _current,
                    "type": f"{type(made).__module__}.{type(made).__qualname__}",
                    "is_bc_client": isinstance(made, bc.Client),
                }
            )
        return made

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __repr__(self) -> str:
        return f"<boto3 proxy for {_TARGET}: bedrock clients from bedrock_customization>"


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: List[pytest.Item]) -> None:
    """The test modules are imported by now and no test has run: patch the target."""
    seen = set()
    for item in items:
        module = getattr(item, "module", None)
        if module is None or module.__name__ != _TARGET or module.__name__ in seen:
            continue
        seen.add(module.__name__)
        if getattr(module, "boto3", None) is not boto3:
            _problems.append(f"{module.__name__} has no global boto3 (found {getattr(module, 'boto3', None)!r})")
            continue
        module.boto3 = Boto3Proxy(boto3)
        _patched.append(module.__name__)
    if not seen:
        _problems.append(f"no collected test belongs to the target module {_TARGET!r}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: Optional[pytest.Item]) -> Any:
    global _current
    _current = item.nodeid
    try:
        return (yield)
    finally:
        _current = None


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not _RECORD:
        return
    with open(_RECORD, "w", encoding="utf-8") as f:
        json.dump({"target": _TARGET, "patched": _patched, "problems": _problems, "clients": _clients}, f, indent=1)
