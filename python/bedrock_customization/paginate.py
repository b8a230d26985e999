"""Paginators, like boto3's ``client.get_paginator(...)``.

``Paginator(client, "list_model_customization_jobs").paginate(**params)``
returns a :class:`PageIterator` that behaves like ``botocore.paginate.PageIterator``:
iterating yields whole responses (``ResponseMetadata`` included),
``PaginationConfig={"MaxItems", "PageSize", "StartingToken"}`` is honoured,
truncated positions are encoded as botocore encodes them (base64 JSON with
``boto_truncate_amount``), so tokens from boto3 and from here are
interchangeable, and ``build_full_result()``, ``search()``, ``resume_token``,
``result_keys`` and ``non_aggregate_part`` work as in botocore.

:class:`AsyncPaginator` does the same over a client whose methods are
coroutines: ``async for page in paginator.paginate(...)`` and
``await paginator.paginate(...).build_full_result()``.  The algorithm lives in
:class:`_Pass`, shared by both; only the call (plain or awaited) differs.

The pagination configs come from botocore's ``paginators-1.json``, copied into
``_model.PAGINATORS`` by ``codegen/generate.py``.  Neither botocore nor
jmespath is needed: result keys here are plain dotted names, resolved without
jmespath, which is imported only by :meth:`PageIterator.search` (and for any
non-trivial expression a future model might bring).
"""

from __future__ import annotations

import base64
import json
import re
from itertools import tee
from typing import TYPE_CHECKING, Any, AsyncIterator, Dict, Iterator, List, Optional, Tuple

from . import _model

__all__ = [
    "AsyncPageIterator",
    "AsyncPaginator",
    "OperationNotPageableError",
    "PageIterator",
    "PaginationError",
    "Paginator",
    "ResultKeyIterator",
    "can_paginate",
]


# ---------------------------------------------------------------------------
# Errors (botocore's OperationNotPageableError and PaginationError)
# ---------------------------------------------------------------------------

_ERROR_FORMATS = {
    "OperationNotPageableError": "Operation cannot be paginated: {operation_name}",
    "PaginationError": "Error during pagination: {message}",
}


def _error_class(name: str) -> type:
    """``bc.exceptions.<name>`` when that module defines it; otherwise a class
    made here once: a subclass of botocore's class of the same name when
    botocore is installed, else of ``bc.exceptions.BotoCoreError`` with
    botocore's message.  Created on first use so that importing this module
    imports neither botocore nor ``bc.exceptions``."""
    cls = globals().get(name)
    if cls is not None:
        return cls
    from . import exceptions

    cls = getattr(exceptions, name, None)
    if cls is None:
        try:
            import botocore.exceptions as bce
        except ImportError:
            bases: Tuple[type, ...] = (exceptions.BotoCoreError,)
            namespace: Dict[str, Any] = {"fmt": _ERROR_FORMATS[name]}
        else:
            bases, namespace = (getattr(bce, name),), {}
        namespace.update(__module__=__name__, __qualname__=name)
        cls = type(name, bases, namespace)
    globals()[name] = cls
    return cls


def __getattr__(name: str) -> Any:
    if name in _ERROR_FORMATS:
        return _error_class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:  # the classes are made by _error_class (BotoCoreError subclasses)

    class OperationNotPageableError(Exception):
        kwargs: Dict[str, Any]

        def __init__(self, *, operation_name: str) -> None: ...

    class PaginationError(Exception):
        kwargs: Dict[str, Any]

        def __init__(self, *, message: str) -> None: ...


# ---------------------------------------------------------------------------
# Which operations can be paginated
# ---------------------------------------------------------------------------


def can_paginate(operation_name: str) -> bool:
    """Whether ``operation_name`` (a client method name) can be paginated.

    As in boto3, a name that is not an operation of the client raises KeyError.
    """
    _model.OPERATIONS[operation_name]  # KeyError for unknown names, like botocore
    return operation_name in _model.PAGINATORS


def _pagination_config(operation_name: str) -> Dict[str, Any]:
    if not can_paginate(operation_name):
        raise _error_class("OperationNotPageableError")(operation_name=operation_name)
    return _model.PAGINATORS[operation_name]


def _as_list(value: Any) -> List[Any]:
    return value if isinstance(value, list) else [value]


# ---------------------------------------------------------------------------
# Expressions: what botocore compiles with jmespath
# ---------------------------------------------------------------------------

_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")


def _jmespath():
    try:
        import jmespath
    except ImportError:
        raise ImportError(
            "searching pages with a JMESPath expression needs the jmespath package: pip install jmespath"
        ) from None
    return jmespath


class _Expression:
    """A result key or token path, used like botocore's compiled jmespath
    expressions (``.expression``, ``.parsed``, ``.search(data)``).

    Dotted names (``a.b``), all that pagination configs use, are resolved
    here; anything else is compiled with jmespath.
    """

    __slots__ = ("expression", "parsed", "_steps", "_compiled")

    def __init__(self, expression: str):
        self.expression = expression
        self._compiled: Any = None
        if _DOTTED.fullmatch(expression):
            self._steps: Optional[List[str]] = expression.split(".")
            # The AST jmespath builds for a dotted name, so that repr() matches.
            node: Dict[str, Any] = {"type": "field", "children": [], "value": self._steps[0]}
            for step in self._steps[1:]:
                field = {"type": "field", "children": [], "value": step}
                node = {"type": "subexpression", "children": [node, field]}
            self.parsed = node
        else:
            self._steps = None
            self._compiled = _jmespath().compile(expression)
            self.parsed = self._compiled.parsed

    def search(self, value: Any, options: Any = None) -> Any:
        if self._steps is None:
            return self._compiled.search(value, options)
        for step in self._steps:
            if not isinstance(value, dict):
                return None
            value = value.get(step)
        return value

    def __repr__(self) -> str:
        return repr(self.parsed)


def _set_path(target: Dict[str, Any], expression: str, value: Any) -> None:
    """botocore.utils.set_value_from_jmespath: set a dotted path, creating
    the intermediate dicts."""
    if not _DOTTED.fullmatch(expression):
        raise ValueError(f"Invalid expression for setting a value: {expression}")
    *parents, last = expression.split(".")
    for key in parents:
        if key not in target:
            target[key] = {}
        target = target[key]
    target[last] = value


def _merge_dicts(into: Dict[str, Any], other: Dict[str, Any]) -> None:
    """botocore.utils.merge_dicts (without list appending)."""
    for key, value in other.items():
        if isinstance(value, dict) and key in into:
            _merge_dicts(into[key], value)
        else:
            into[key] = value


# ---------------------------------------------------------------------------
# Tokens: botocore's TokenEncoder / TokenDecoder format
# ---------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("utf-8")


def encode_token(token: Dict[str, Any]) -> str:
    """A pagination position as an opaque string: base64 of its JSON.  Bytes
    inside are base64-encoded and their paths listed under ``boto_encoded_keys``."""
    try:
        text = json.dumps(token)
    except (TypeError, UnicodeDecodeError):
        paths: List[List[Any]] = []

        def encode(value: Any, path: List[Any]) -> Any:
            if isinstance(value, dict):
                return {k: encode(v, path + [k]) for k, v in value.items()}
            if isinstance(value, list):
                return [encode(v, path + [i]) for i, v in enumerate(value)]
            if isinstance(value, bytes):
                paths.append(path)
                return _b64(value)
            return value

        encoded = encode(token, [])
        encoded["boto_encoded_keys"] = paths
        text = json.dumps(encoded)
    return _b64(text.encode("utf-8"))


def decode_token(token: str) -> Dict[str, Any]:
    """The inverse of :func:`encode_token`."""
    decoded = json.loads(base64.b64decode(token.encode("utf-8")).decode("utf-8"))
    for path in decoded.pop("boto_encoded_keys", None) or ():
        container = decoded
        for step in path[:-1]:
            container = container[step]
        container[path[-1]] = base64.b64decode(container[path[-1]].encode("utf-8"))
    return decoded


# ---------------------------------------------------------------------------
# Page iterators
# ---------------------------------------------------------------------------


class _PageIteratorBase:
    """State and helpers shared by :class:`PageIterator` and :class:`AsyncPageIterator`."""

    def __init__(
        self,
        method: Any,
        input_token: List[str],
        output_token: List[_Expression],
        more_results: Optional[_Expression],
        result_keys: List[_Expression],
        non_aggregate_keys: List[_Expression],
        limit_key: Optional[str],
        max_items: Optional[int],
        starting_token: Optional[str],
        page_size: Optional[int],
        op_kwargs: Dict[str, Any],
    ):
        self._method = method
        self._input_token = input_token
        self._output_token = output_token
        self._more_results = more_results
        self._result_keys = result_keys
        self._non_aggregate_key_exprs = non_aggregate_keys
        self._limit_key = limit_key
        self._max_items = max_items
        self._starting_token = starting_token
        self._page_size = page_size
        self._op_kwargs = op_kwargs
        self._resume_token: Optional[str] = None
        self._non_aggregate_part: Dict[str, Any] = {}

    @property
    def result_keys(self) -> List[_Expression]:
        return self._result_keys

    @property
    def resume_token(self) -> Optional[str]:
        """Token to pass as ``PaginationConfig={'StartingToken': ...}`` to resume
        where ``MaxItems`` stopped (None when all items were returned)."""
        return self._resume_token

    @resume_token.setter
    def resume_token(self, value: Dict[str, Any]) -> None:
        if not isinstance(value, dict):
            raise ValueError(f"Bad starting token: {value}")
        expected = list(self._input_token)
        if "boto_truncate_amount" in value:
            expected.append("boto_truncate_amount")
        if sorted(expected) != sorted(value):
            raise ValueError(f"Bad starting token: {value}")
        self._resume_token = encode_token(value)

    @property
    def non_aggregate_part(self) -> Dict[str, Any]:
        return self._non_aggregate_part

    # -- starting token -----------------------------------------------------

    def _parse_starting_token(self) -> Tuple[Dict[str, Any], int]:
        """The service tokens and the number of items to skip in the first page
        (only called when there is a starting token)."""
        assert self._starting_token is not None
        try:
            next_token = decode_token(self._starting_token)
            index = next_token.pop("boto_truncate_amount", 0)
        except (ValueError, TypeError):
            return self._parse_old_starting_token()
        return next_token, index

    def _parse_old_starting_token(self) -> Tuple[Dict[str, Any], int]:
        """Tokens of old botocore versions: ``token1___token2___index``; anything
        else is passed to the service as its own token."""
        token = self._starting_token
        assert token is not None
        parts: List[Any] = token.split("___")
        index = 0
        if len(parts) == len(self._input_token) + 1:
            try:
                index = int(parts.pop())
            except ValueError:
                parts = [token]
        parts = [None if part == "None" else part for part in parts]
        if len(parts) > len(self._input_token):
            raise ValueError(f"Bad starting token: {token}")
        parts += [None] * (len(self._input_token) - len(parts))
        return dict(zip(self._input_token, parts)), index

    def _inject_starting_params(self, op_kwargs: Dict[str, Any]) -> None:
        if self._starting_token is not None:
            self._inject_token_into_kwargs(op_kwargs, self._parse_starting_token()[0])
        if self._page_size is not None and self._limit_key is not None:
            op_kwargs[self._limit_key] = self._page_size

    @staticmethod
    def _inject_token_into_kwargs(op_kwargs: Dict[str, Any], next_token: Dict[str, Any]) -> None:
        for name, token in next_token.items():
            if token is not None and token != "None":
                op_kwargs[name] = token
            elif name in op_kwargs:
                del op_kwargs[name]

    # -- per page -------------------------------------------------------------

    def _record_non_aggregate_key_values(self, response: Dict[str, Any]) -> None:
        part: Dict[str, Any] = {}
        for expression in self._non_aggregate_key_exprs:
            _set_path(part, expression.expression, expression.search(response))
        self._non_aggregate_part = part

    def _handle_first_request(self, parsed: Dict[str, Any], primary: _Expression) -> int:
        """Drop the items of the first page that the starting token says were
        already returned; returns how many."""
        truncation = self._parse_starting_token()[1]
        data = primary.search(parsed)
        _set_path(parsed, primary.expression, data[truncation:] if isinstance(data, (list, str)) else None)
        # Secondary result keys were returned with the page the token came from.
        for key in self._result_keys:
            if key is primary:
                continue
            sample = key.search(parsed)
            if isinstance(sample, list):
                empty: Any = []
            elif isinstance(sample, str):
                empty = ""
            elif isinstance(sample, (int, float)):
                empty = sample  # counts stay what the service said
            else:
                empty = None
            _set_path(parsed, key.expression, empty)
        return truncation

    def _truncate_response(
        self,
        parsed: Dict[str, Any],
        primary: _Expression,
        truncate_amount: int,
        starting_truncation: int,
        next_token: Dict[str, Any],
    ) -> None:
        original = primary.search(parsed)
        if original is None:
            original = []
        keep = len(original) - truncate_amount
        _set_path(parsed, primary.expression, original[:keep])
        # The position is counted from the start of the service's page, so the
        # items dropped by a starting token count too.
        next_token["boto_truncate_amount"] = keep + starting_truncation
        self.resume_token = next_token

    def _get_next_token(self, parsed: Dict[str, Any]) -> Dict[str, Any]:
        if self._more_results is not None and not self._more_results.search(parsed):
            return {}
        tokens = {}
        for output_token, input_key in zip(self._output_token, self._input_token):
            value = output_token.search(parsed)
            tokens[input_key] = value if value else None  # "" is no token
        return tokens

    # -- whole results --------------------------------------------------------

    def _add_to_full_result(self, complete: Dict[str, Any], page: Any) -> None:
        if isinstance(page, tuple) and len(page) == 2:
            page = page[1]  # (http_response, parsed), as botocore allows
        for key in self._result_keys:
            value = key.search(page)
            if value is None:
                continue
            existing = key.search(complete)
            if existing is None:
                _set_path(complete, key.expression, value)
            elif isinstance(value, list):
                existing.extend(value)
            elif isinstance(value, (int, float, str)):
                _set_path(complete, key.expression, existing + value)

    def _finish_full_result(self, complete: Dict[str, Any]) -> Dict[str, Any]:
        _merge_dicts(complete, self._non_aggregate_part)
        if self._resume_token is not None:
            complete["NextToken"] = self._resume_token
        return complete

    @staticmethod
    def _compile_search(expression: str) -> Any:
        return _jmespath().compile(expression)

    @staticmethod
    def _search_page(compiled: Any, page: Any) -> List[Any]:
        results = compiled.search(page)
        return results if isinstance(results, list) else [results]


class _Pass:
    """One pass over the pages: botocore's ``PageIterator.__iter__`` without the
    calls, so that the sync and async iterators run the same algorithm::

        p = _Pass(page_iterator)
        while True:
            response = call(**p.kwargs)      # or: await call(**p.kwargs)
            last = p.take(response)          # before the page is handed out
            yield response
            if last or not p.advance():      # after it was handed out
                break
    """

    def __init__(self, it: _PageIteratorBase):
        self._it = it
        # Like botocore, the same kwargs dict is updated (and kept) across passes.
        self.kwargs = it._op_kwargs
        if it._starting_token is not None:
            # The service's token is on hand in case the first page is truncated.
            self._next_token: Dict[str, Any] = it._parse_starting_token()[0]
        else:
            self._next_token = {key: None for key in it._input_token}
        self._previous_next_token: Optional[Dict[str, Any]] = None
        self._total_items = 0
        self._page_items = 0
        self._first = True
        self._starting_truncation = 0
        self._primary = it.result_keys[0]
        self._response: Any = None
        it._inject_starting_params(self.kwargs)

    def take(self, response: Dict[str, Any]) -> bool:
        """Trim ``response`` in place; True when it is the last page to hand out."""
        it = self._it
        self._response = response
        if self._first:
            if it._starting_token is not None:
                self._starting_truncation = it._handle_first_request(response, self._primary)
            self._first = False
            it._record_non_aggregate_key_values(response)
        else:
            self._starting_truncation = 0
        items = self._primary.search(response)
        self._page_items = 0 if items is None else len(items)
        if it._max_items is None:
            return False
        truncate_amount = self._total_items + self._page_items - it._max_items
        if truncate_amount > 0:
            it._truncate_response(
                response, self._primary, truncate_amount, self._starting_truncation, self._next_token
            )
            return True
        return False

    def advance(self) -> bool:
        """Prepare ``kwargs`` for the next request; False when there is none."""
        it = self._it
        self._total_items += self._page_items
        next_token = it._get_next_token(self._response)
        self._next_token = next_token
        if all(token is None for token in next_token.values()):
            return False
        if it._max_items is not None and self._total_items == it._max_items:
            it.resume_token = next_token  # on a page boundary
            return False
        if self._previous_next_token is not None and self._previous_next_token == next_token:
            raise _error_class("PaginationError")(
                message=f"The same next token was received twice: {next_token}"
            )
        it._inject_token_into_kwargs(self.kwargs, next_token)
        self._previous_next_token = next_token
        return True


class PageIterator(_PageIteratorBase):
    """An iterable over the pages of a paginated operation, like
    ``botocore.paginate.PageIterator`` (it is not an iterator itself; each
    ``iter()`` makes the requests again)."""

    def __iter__(self) -> Iterator[Dict[str, Any]]:
        walk = _Pass(self)
        while True:
            response = self._method(**walk.kwargs)
            last = walk.take(response)
            yield response
            if last or not walk.advance():
                return

    def build_full_result(self) -> Dict[str, Any]:
        """All pages merged: the result key lists concatenated, plus
        ``NextToken`` when ``MaxItems`` stopped before the end."""
        complete: Dict[str, Any] = {}
        for page in self:
            self._add_to_full_result(complete, page)
        return self._finish_full_result(complete)

    def search(self, expression: str) -> Iterator[Any]:
        """Apply a JMESPath expression to each page, yielding list results
        element by element (needs ``pip install jmespath``)."""
        return self._search(self._compile_search(expression))

    def _search(self, compiled: Any) -> Iterator[Any]:
        for page in self:
            yield from self._search_page(compiled, page)

    def result_key_iters(self) -> List["ResultKeyIterator"]:
        pages = tee(self, len(self._result_keys))
        return [ResultKeyIterator(p, key) for p, key in zip(pages, self._result_keys)]


class AsyncPageIterator(_PageIteratorBase):
    """The asynchronous :class:`PageIterator`: ``async for page in ...``,
    ``await ....build_full_result()``, ``async for item in ....search(expr)``."""

    def __aiter__(self) -> AsyncIterator[Dict[str, Any]]:
        return self._pages()

    async def _pages(self) -> AsyncIterator[Dict[str, Any]]:
        walk = _Pass(self)
        while True:
            response = await self._method(**walk.kwargs)
            last = walk.take(response)
            yield response
            if last or not walk.advance():
                return

    async def build_full_result(self) -> Dict[str, Any]:
        complete: Dict[str, Any] = {}
        async for page in self:
            self._add_to_full_result(complete, page)
        return self._finish_full_result(complete)

    def search(self, expression: str) -> AsyncIterator[Any]:
        return self._search(self._compile_search(expression))

    async def _search(self, compiled: Any) -> AsyncIterator[Any]:
        async for page in self:
            for item in self._search_page(compiled, page):
                yield item

    def result_key_iters(self) -> List["AsyncResultKeyIterator"]:
        return [AsyncResultKeyIterator(self, key) for key in self._result_keys]


class ResultKeyIterator:
    """The items of one result key, page after page (botocore's ResultKeyIterator)."""

    def __init__(self, pages_iterator: Any, result_key: _Expression):
        self._pages_iterator = pages_iterator
        self.result_key = result_key

    def __iter__(self) -> Iterator[Any]:
        for page in self._pages_iterator:
            results = self.result_key.search(page)
            yield from results if results is not None else []


class AsyncResultKeyIterator(ResultKeyIterator):
    """The asynchronous :class:`ResultKeyIterator` (each one requests the pages itself)."""

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._items()

    async def _items(self) -> AsyncIterator[Any]:
        async for page in self._pages_iterator:
            for item in self.result_key.search(page) or []:
                yield item


# ---------------------------------------------------------------------------
# Paginators
# ---------------------------------------------------------------------------


class Paginator:
    """A paginator for one operation of a client, like ``botocore.paginate.Paginator``.

    ``Paginator(client, "list_model_customization_jobs")`` is what
    ``client.get_paginator("list_model_customization_jobs")`` returns.  A name
    that is not an operation raises KeyError and an operation that cannot be
    paginated raises ``OperationNotPageableError``, as in boto3.
    """

    PAGE_ITERATOR_CLS: Any = PageIterator

    def __init__(self, client: Any, operation_name: str):
        config = _pagination_config(operation_name)
        self._method = getattr(client, operation_name)
        self._operation_name = operation_name
        self._pagination_cfg = config
        self._input_token: List[str] = _as_list(config["input_token"])
        self._output_token = [_Expression(e) for e in _as_list(config["output_token"])]
        more_results = config.get("more_results")
        self._more_results = _Expression(more_results) if more_results is not None else None
        self._non_aggregate_keys = [_Expression(e) for e in config.get("non_aggregate_keys", [])]
        result_key = config.get("result_key")
        self._result_keys = [_Expression(e) for e in _as_list(result_key)] if result_key is not None else None
        self._limit_key: Optional[str] = config.get("limit_key")

    @property
    def result_keys(self) -> Optional[List[_Expression]]:
        return self._result_keys

    def paginate(self, **kwargs: Any) -> PageIterator:
        """Iterate over the pages of the operation.

        Takes the operation's parameters, plus ``PaginationConfig``:
        ``MaxItems`` (stop after that many items in total), ``PageSize``
        (items per request, sent as the operation's limit parameter) and
        ``StartingToken`` (a ``resume_token`` / ``NextToken`` from an earlier
        pagination, by this package or by boto3).
        """
        return self._page_iterator(kwargs)

    def _page_iterator(self, kwargs: Dict[str, Any]) -> Any:
        page_params = self._extract_paging_params(kwargs)
        return self.PAGE_ITERATOR_CLS(
            self._method,
            self._input_token,
            self._output_token,
            self._more_results,
            self._result_keys,
            self._non_aggregate_keys,
            self._limit_key,
            page_params["MaxItems"],
            page_params["StartingToken"],
            page_params["PageSize"],
            kwargs,
        )

    def _extract_paging_params(self, kwargs: Dict[str, Any]) -> Dict[str, Any]:
        config = kwargs.pop("PaginationConfig", {})
        max_items = config.get("MaxItems", None)
        if max_items is not None:
            max_items = int(max_items)
        page_size = config.get("PageSize", None)
        if page_size is not None:
            if self._limit_key is None:
                raise _error_class("PaginationError")(
                    message="PageSize parameter is not supported for the pagination interface for this operation."
                )
            page_size = int(page_size)  # the generator checks that limit keys are integers
        return {"MaxItems": max_items, "StartingToken": config.get("StartingToken", None), "PageSize": page_size}

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__qualname__} {self._operation_name!r}>"


class AsyncPaginator(Paginator):
    """:class:`Paginator` for a client whose operation methods are coroutines:
    ``paginate()`` returns an :class:`AsyncPageIterator`."""

    PAGE_ITERATOR_CLS: Any = AsyncPageIterator

    def paginate(self, **kwargs: Any) -> AsyncPageIterator:  # type: ignore[override]
        """Like :meth:`Paginator.paginate`; iterate the result with ``async for``."""
        return self._page_iterator(kwargs)
