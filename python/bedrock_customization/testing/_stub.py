"""``Stubber``: botocore's ``botocore.stub.Stubber`` for this package's clients.

Code that does ``from botocore.stub import Stubber, ANY`` changes only that import
(``from bedrock_customization.testing import Stubber, ANY``). Behaviour follows
botocore's: responses are validated against the operation's output shape when
queued, calls are matched in order (``UnStubbedResponseError``, ``StubResponseError``
for a call of another operation), ``expected_params`` are compared with the
caller's parameters before the idempotency tokens are filled in
(``StubAssertionError``, which here also names the parameters that differ),
the parameters are then validated as a real call's are, and nothing is sent. The
sync client, the async client, paginators and waiters all take their responses
from the queue.

Attaching makes the Stubber the client's answer (``_botocore.route``: the client's own
``_make_api_call`` / ``_make_api_call_async``, the one call path behind every
operation method, paginator and waiter; botocore event handlers registered on the
client still run around it); detaching removes it.
"""

from __future__ import annotations

import copy
from collections import deque
from pprint import pformat
from typing import Any, Deque, Dict, Optional

from .. import _botocore, _core, _model
from .. import exceptions as _exceptions

__all__ = ["ANY", "Stubber"]

try:  # one ANY for both Stubbers: botocore's when it is importable
    from botocore.stub import ANY
except ImportError:  # pragma: no cover - exercised in a subprocess by the tests

    class _Any:
        """Matches any value in ``expected_params``."""

        def __eq__(self, other: object) -> bool:
            return True

        def __ne__(self, other: object) -> bool:
            return False

        def __repr__(self) -> str:
            return "<ANY>"

    ANY = _Any()

_ERROR_SHAPES = frozenset(_model.ERROR_CODES)


def _differences(expected: Dict[str, Any], params: Dict[str, Any]) -> str:
    missing = [k for k in expected if k not in params]
    unexpected = [k for k in params if k not in expected]
    different = [k for k in expected if k in params and expected[k] != params[k]]
    parts = []
    for label, names in (("missing", missing), ("unexpected", unexpected), ("different", different)):
        if names:
            parts.append(f"{label}: {', '.join(sorted(names))}")
    return "; ".join(parts)


class Stubber:
    """Queues responses for a client (``bedrock_customization.client(...)`` or its
    async form) and answers its calls from them, in order, without the network."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self._queue: Deque[Dict[str, Any]] = deque()

    def __enter__(self) -> "Stubber":
        self.activate()
        return self

    def __exit__(self, exception_type: Any, exception_value: Any, traceback: Any) -> None:
        self.deactivate()

    def activate(self) -> None:
        """Answer the client's calls from this Stubber's queue."""
        self.client.__dict__["_answer"] = (self._call, self._call_async)
        _botocore.route(self.client)

    def deactivate(self) -> None:
        """Let the client's calls go where they would go again."""
        if self.client.__dict__.get("_answer") == (self._call, self._call_async):
            del self.client.__dict__["_answer"]
            _botocore.route(self.client)

    def _operation_name(self, method: str) -> str:
        operation_name = self.client.meta.method_to_api_mapping.get(method)
        if operation_name is None:
            raise ValueError(f"{method} is not an operation of client {_model.SERVICE_NAME}")
        return str(operation_name)

    def add_response(self, method: str, service_response: Dict[str, Any], expected_params: Optional[Dict[str, Any]] = None) -> None:
        """Queue ``service_response`` as the answer to the next call, a call of ``method``."""
        if not hasattr(self.client, method):
            raise ValueError(f"Client {_model.SERVICE_NAME} does not have method: {method}")
        operation_name = self._operation_name(method)
        response = service_response
        if "ResponseMetadata" in response:
            response = copy.copy(service_response)
            del response["ResponseMetadata"]
        _core._validate_output(operation_name, response)
        self._queue.append(
            {"operation_name": operation_name, "response": (200, service_response), "expected_params": expected_params}
        )

    def add_client_error(
        self,
        method: str,
        service_error_code: str = "",
        service_message: str = "",
        http_status_code: int = 400,
        service_error_meta: Optional[Dict[str, Any]] = None,
        expected_params: Optional[Dict[str, Any]] = None,
        response_meta: Optional[Dict[str, Any]] = None,
        modeled_fields: Optional[Dict[str, Any]] = None,
    ) -> None:
        """Queue a service error (raised as ``client.exceptions.from_code(code)``)."""
        parsed: Dict[str, Any] = {
            "ResponseMetadata": {"HTTPStatusCode": http_status_code},
            "Error": {"Message": service_message, "Code": service_error_code},
        }
        if service_error_meta is not None:
            parsed["Error"].update(service_error_meta)
        if response_meta is not None:
            parsed["ResponseMetadata"].update(response_meta)
        if modeled_fields is not None:
            if service_error_code in _ERROR_SHAPES:
                _core._validate_shape(service_error_code, modeled_fields)
            elif modeled_fields:
                raise _exceptions.ParamValidationError(report="Service response should only contain ResponseMetadata.")
            parsed.update(modeled_fields)
        operation_name = self._operation_name(method)
        self._queue.append(
            {"operation_name": operation_name, "response": (http_status_code, parsed), "expected_params": expected_params}
        )

    def assert_no_pending_responses(self) -> None:
        """Raise AssertionError when queued responses were not consumed."""
        remaining = len(self._queue)
        if remaining != 0:
            raise AssertionError(f"{remaining} responses remaining in queue.")

    # -- the call path while active --

    def _assert_call_order(self, operation_name: str) -> None:
        if not self._queue:
            raise _exceptions.UnStubbedResponseError(
                operation_name=operation_name,
                reason=(
                    "Unexpected API Call: A call was made but no additional calls expected. "
                    "Either the API Call was not stubbed or it was called multiple times."
                ),
            )
        name = self._queue[0]["operation_name"]
        if name != operation_name:
            raise _exceptions.StubResponseError(
                operation_name=operation_name, reason=f"Operation mismatch: found response for {name}."
            )

    def _assert_expected_params(self, operation_name: str, params: Dict[str, Any]) -> None:
        expected = self._queue[0]["expected_params"]
        if expected is None:
            return
        differences = _differences(expected, params)
        if differences:
            raise _exceptions.StubAssertionError(
                operation_name=operation_name,
                reason=f"Expected parameters:\n{pformat(expected)},\nbut received:\n{pformat(params)}\n({differences})",
            )

    def _call(self, operation_name: str, api_params: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        params = {} if api_params is None else api_params
        self._assert_call_order(operation_name)
        self._assert_expected_params(operation_name, params)
        self.client._check_params(operation_name, params)
        status, response = self._queue.popleft()["response"]
        if status >= 300:
            raise _exceptions.make_client_error(response, operation_name)
        return response

    async def _call_async(self, operation_name: str, api_params: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        return self._call(operation_name, api_params)
