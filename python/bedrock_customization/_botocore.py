"""The botocore face of a client, for code that looks inside a boto3 client.

Airflow's Amazon provider, botocore's ``Stubber`` and botocore's waiter machinery
take a client and read ``client.meta.service_model`` and ``client.meta.events``, or
check ``isinstance(client, botocore.client.BaseClient)``. This module gives a
client those, without importing botocore until one of them is used:

* ``botocore_class(cls)``: what ``client.__class__`` answers once
  ``botocore.client`` has been imported (by whoever asks): a subclass of the
  client's class and of ``BaseClient``. ``isinstance`` consults ``__class__`` when
  the real type does not match, so ``isinstance(client, BaseClient)`` is true while
  ``type(client)`` stays ``bedrock_customization.Client`` and none of BaseClient's
  own code runs on the client.
* ``service_model()``: botocore's ``ServiceModel`` of the pinned model
  (``_model.service()``, the generator's copy of ``service-2.json``), built once.
* ``Events``: botocore's ``HierarchicalEmitter`` as ``client.meta.events``. While
  it holds a handler, the client's calls take the path below; without handlers a
  call costs what it costs with no emitter at all (nothing is checked per call).
* The call path with events, in botocore's order (``BaseClient._make_api_call``)
  and with its event names and arguments: ``provide-client-params`` (a handler's
  non-None answer replaces the parameters), ``before-parameter-build``, the
  parameter check at the client's level (``ParamValidationError``, nothing sent),
  ``before-call`` (a handler answering ``(http_response, parsed)`` is the call's
  result: botocore's ``Stubber`` works this way), the call itself, then
  ``after-call`` (``after-call-error`` when no response came back); an HTTP status
  of 300 or more then raises ``client.exceptions.from_code(code)``, the code being
  ``context['error_code_override']`` when a handler set it.

Differences from botocore that a handler can see: ``before-call``'s ``params`` is
the request botocore would build (its serializer), but the request sent is the
one the Rust core builds from the parameters (a handler's change to the request
dict is not sent), and ``request_signer`` is None; ``after-call``'s
``http_response`` carries the status and headers, not the body (it was parsed in
the core); idempotency tokens are filled after every ``before-parameter-build``
handler has run (botocore fills them in a handler of its own).
"""

from __future__ import annotations

import functools
import sys
import weakref
from typing import Any, Dict, Optional, Tuple

from . import _core, _mocking

SERVICE_ID = "bedrock"  # the model's serviceId, hyphenized, as botocore names events

_classes: Dict[type, type] = {}
_service_model: Any = None


def botocore_class(cls: type) -> type:
    """``cls`` as botocore sees it once ``botocore.client`` is imported: a subclass of
    ``cls`` and ``BaseClient``; ``cls`` itself before (nothing is imported here)."""
    module = sys.modules.get("botocore.client")
    base = getattr(module, "BaseClient", None)
    if base is None:
        return cls
    twin = _classes.get(cls)
    if twin is None:
        twin = type(cls.__name__, (cls, base), {"__module__": cls.__module__, "__qualname__": cls.__qualname__})
        _classes[cls] = twin
    return twin


def service_model() -> Any:
    """botocore's ``ServiceModel`` of the pinned model, built on first use."""
    global _service_model
    if _service_model is None:
        from botocore.model import ServiceModel

        from . import _model

        data = dict(_model.service())
        data.pop("_generated", None)
        _service_model = ServiceModel(data, service_name=SERVICE_ID)
    return _service_model


# ---------------------------------------------------------------------------
# client.meta.events
# ---------------------------------------------------------------------------


def events_for(client: Any) -> Any:
    """A new emitter for ``client`` (``ClientMeta.events`` makes it on first use)."""
    from botocore.hooks import HierarchicalEmitter

    owner = weakref.ref(client)  # the client holds its emitter, not the other way round

    def changed() -> None:
        target = owner()
        if target is not None:
            route(target)

    class Events(HierarchicalEmitter):
        """botocore's emitter; registering or removing a handler re-routes the
        client's calls (through the events path while any handler is registered)."""

        def _register_section(self, *args: Any, **kwargs: Any) -> None:
            super()._register_section(*args, **kwargs)
            changed()

        def unregister(self, *args: Any, **kwargs: Any) -> None:
            super().unregister(*args, **kwargs)
            changed()

        def __copy__(self) -> Any:
            # A copy is a plain emitter: it belongs to no client.
            new = HierarchicalEmitter()
            copied = HierarchicalEmitter.__copy__(self)
            new.__dict__.update(copied.__dict__)
            return new

    return Events()


def _has_handlers(events: Any) -> bool:
    """Whether any handler is registered (a walk of botocore's prefix trie; when its
    layout is not the one known here, assume there is one: the events path is always
    correct, only slower)."""
    try:
        stack = [events._handlers._root]
        while stack:
            node = stack.pop()
            values = node["values"]
            if values is not None and (values.first or values.middle or values.last):
                return True
            stack.extend(node["children"].values())
        return False
    except (AttributeError, KeyError, TypeError):
        return True


def route(client: Any) -> None:
    """Set where the client's calls go: the events path while its emitter has a
    handler, else a ``testing.Stubber``'s answers when one is attached, else the
    core (the class's own ``_make_api_call``). The operation methods, paginators
    and waiters all call ``client._make_api_call``, so they follow."""
    state = client.__dict__
    events = state.get("meta").__dict__.get("_events") if "meta" in state else None
    answer: Optional[Tuple[Any, Any]] = state.get("_answer")
    if events is not None and _has_handlers(events):
        state["_make_api_call"] = functools.partial(call, client)
        state["_make_api_call_async"] = functools.partial(call_async, client)
    elif answer is not None:
        state["_make_api_call"], state["_make_api_call_async"] = answer
    else:
        state.pop("_make_api_call", None)
        state.pop("_make_api_call_async", None)


# ---------------------------------------------------------------------------
# The call path with events
# ---------------------------------------------------------------------------


def _begin(client: Any, operation_name: str, api_params: Optional[Dict[str, Any]]):
    """Everything before the request is sent: returns (events, model, context,
    checked parameters, the ``before-call`` answer or None)."""
    from botocore.hooks import first_non_none_response

    params = {} if api_params is None else api_params
    meta = client.meta
    events = meta.events
    model = meta.service_model.operation_model(operation_name)
    context: Dict[str, Any] = {
        "client_region": meta.region_name,
        "client_config": meta.config,
        "has_streaming_input": model.has_streaming_input,
        "auth_type": model.resolved_auth_type,
        "unsigned_payload": model.unsigned_payload,
        "auth_options": meta.service_model.metadata.get("auth"),
    }
    responses = events.emit(
        f"provide-client-params.{SERVICE_ID}.{operation_name}", params=params, model=model, context=context
    )
    params = first_non_none_response(responses, default=params)
    events.emit(f"before-parameter-build.{SERVICE_ID}.{operation_name}", params=params, model=model, context=context)
    checked = _core.Client._check_params(client, operation_name, params)
    _, answer = events.emit_until_response(
        f"before-call.{SERVICE_ID}.{operation_name}",
        model=model,
        params=_request_dict(meta, model, checked, context),
        request_signer=None,
        context=context,
    )
    return events, model, context, checked, answer


@functools.lru_cache(maxsize=None)
def _serializer() -> Any:
    """botocore's rest-json serializer (no validation: the core has checked), made once."""
    from botocore.serialize import create_serializer

    return create_serializer("rest-json", include_validation=False)


def _request_dict(meta: Any, model: Any, params: Dict[str, Any], context: Dict[str, Any]) -> Dict[str, Any]:
    """The request dict botocore builds for these parameters (``before-call``'s
    ``params``)."""
    from botocore.awsrequest import prepare_request_dict

    request = _serializer().serialize_to_request(params, model)
    prepare_request_dict(request, endpoint_url=meta.endpoint_url, context=context)
    return request


def _http_response(meta: Any, parsed: Dict[str, Any]) -> Any:
    from botocore.awsrequest import AWSResponse

    metadata = parsed.get("ResponseMetadata", {})
    return AWSResponse(meta.endpoint_url, metadata.get("HTTPStatusCode", 200), metadata.get("HTTPHeaders", {}), None)


def _network(client: Any, asynchronous: bool) -> Any:
    """The call that answers once the events have run: a Stubber's
    (``testing.Stubber``) when one is attached, else the core's (on moto's twin
    while ``mock_aws`` serves this client)."""
    answer = client.__dict__.get("_answer")
    if answer is not None:
        return answer[asynchronous]
    target = _mocking.network_target(client) if _mocking.MOTO_MODULE in sys.modules else client
    method = _core.Client._make_api_call_async if asynchronous else _core.Client._make_api_call
    return functools.partial(method, target)


def _failed(client: Any, operation_name: str, events: Any, context: Dict[str, Any], error: Exception) -> Any:
    """What a call that raised ``error`` answers: a service error's parsed response
    (``after-call`` sees it, as botocore's); anything else emits ``after-call-error``
    and is raised again."""
    from .exceptions import ClientError

    if isinstance(error, ClientError):
        return _http_response(client.meta, error.response), error.response
    events.emit(f"after-call-error.{SERVICE_ID}.{operation_name}", exception=error, context=context)
    raise error


def _finish(client: Any, operation_name: str, events: Any, model: Any, context: Dict[str, Any], http: Any, parsed: Any):
    events.emit(
        f"after-call.{SERVICE_ID}.{operation_name}", http_response=http, parsed=parsed, model=model, context=context
    )
    if http.status_code >= 300:
        error = parsed.get("Error", {})
        code = context.get("error_code_override") or error.get("Code")
        raise client.exceptions.from_code(code)(parsed, operation_name)
    return parsed


def call(client: Any, operation_name: str, api_params: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """``client._make_api_call`` while the client's emitter has handlers."""
    events, model, context, params, answer = _begin(client, operation_name, api_params)
    if answer is None:
        try:
            parsed = _network(client, False)(operation_name, params)
            answer = _http_response(client.meta, parsed), parsed
        except Exception as e:
            answer = _failed(client, operation_name, events, context, e)
    return _finish(client, operation_name, events, model, context, *answer)


async def call_async(client: Any, operation_name: str, api_params: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """The async client's form of :func:`call` (handlers are plain functions, as
    botocore's; the request itself is awaited)."""
    events, model, context, params, answer = _begin(client, operation_name, api_params)
    if answer is None:
        try:
            parsed = await _network(client, True)(operation_name, params)
            answer = _http_response(client.meta, parsed), parsed
        except Exception as e:
            answer = _failed(client, operation_name, events, context, e)
    return _finish(client, operation_name, events, model, context, *answer)
