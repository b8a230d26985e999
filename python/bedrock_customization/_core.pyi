"""Type stub for the compiled extension `bedrock_customization._core` (src/lib.rs,
src/client.rs): the Rust client that `bedrock_customization.Client` subclasses.

Keep in step with the `#[pyclass]`/`#[pymethods]` and `#[pyo3(signature = ...)]` items
of `src/`; `python -m mypy.stubtest bedrock_customization._core` checks this file
against the built module.
"""

from typing import Any, Awaitable, Callable, Dict, List, Optional, Sequence, Tuple, final

from typing_extensions import Self, disjoint_base

__version__: str
"""The package's version (Cargo.toml's; pyproject.toml's is taken from it)."""

__all__ = ["Client", "JsonlScanner", "__version__", "_match_pattern", "_operation", "_parse_output", "_shape", "_shape_names", "_validate_output", "_validate_shape"]

def _parse_output(
    operation: str,
    status: int,
    headers: Sequence[Tuple[str, str]],
    body: bytes,
    attempts: int = 1,
    one_pass: bool = True,
) -> Dict[str, Any]:
    """The response walker on its own, for a raw 2xx response (benchmarks, tests)."""
    ...

def _validate_shape(shape_name: str, value: Any) -> None:
    """Checks ``value`` against the model's shape of that name as botocore's
    ``validate_parameters`` does; raises ``ParamValidationError``."""
    ...

def _validate_output(operation_name: str, value: Any) -> None:
    """Checks ``value`` against the output shape of ``operation_name`` as
    ``_validate_shape`` does; raises ``ParamValidationError`` (``ValueError`` for an
    unknown operation)."""
    ...

def _match_pattern(shape_name: str, value: str) -> bool:
    """Whether ``value`` matches the pattern of the model's shape ``shape_name`` as the
    service matches it (the whole value, Java's regex language); the strict check and
    the local Bedrock share it. ``ValueError`` when the shape has no usable pattern."""
    ...

def _operation(name: str) -> Tuple[str, str]:
    """The operation's (input shape, output shape) names; ``ValueError`` for an unknown one."""
    ...

# (kind, ((member, shape, required), ...), list member or map key shape, map value shape,
#  enum values, union): one shape of the model's tables (src/model_view.rs).
_ShapeView = Tuple[str, Sequence[Tuple[str, str, bool]], Optional[str], Optional[str], Sequence[str], bool]

def _shape(name: str) -> _ShapeView:
    """The model's shape ``name`` from the core's tables; ``ValueError`` for an unknown one."""
    ...

def _shape_names() -> Sequence[str]:
    """Every shape of the model, in the tables' order."""
    ...

# (state, matcher, argument, expected): one acceptor of a waiter (src/waiter.rs `Acceptor`).
_Acceptor = Tuple[str, str, str, Any]

# A PyO3 class: instances have a native layout, so it cannot be mixed with another
# such base (PEP 800); Python subclasses (bedrock_customization.Client) are fine.
@disjoint_base
class Client:
    """The Rust client: credentials, endpoint, retries and the calls themselves."""

    def __new__(
        cls,
        *,
        region_name: Optional[str] = None,
        endpoint_url: Optional[str] = None,
        aws_access_key_id: Optional[str] = None,
        aws_secret_access_key: Optional[str] = None,
        aws_session_token: Optional[str] = None,
        profile_name: Optional[str] = None,
        verify: Any = None,
        config: Any = None,
    ) -> Self: ...
    @property
    def region_name(self) -> str: ...
    @property
    def endpoint_url(self) -> str: ...
    def _make_api_call(
        self, operation_name: str, api_params: Optional[Dict[str, Any]] = None
    ) -> Dict[str, Any]: ...
    def _check_params(
        self, operation_name: str, api_params: Optional[Dict[str, Any]] = None
    ) -> Dict[str, Any]: ...
    def _make_api_call_async(
        self, operation_name: str, api_params: Optional[Dict[str, Any]] = None
    ) -> Awaitable[Dict[str, Any]]: ...
    def _wait(
        self,
        name: str,
        operation: str,
        params: Dict[str, Any],
        acceptors: Sequence[_Acceptor],
        delay: float,
        max_attempts: int,
        max_wait: Optional[float] = None,
        on_poll: Optional[Callable[[Dict[str, Any]], object]] = None,
        poll: Optional[Callable[[str, Dict[str, Any]], Tuple[Dict[str, Any], bool]]] = None,
    ) -> None: ...
    def _wait_async(
        self,
        name: str,
        operation: str,
        params: Dict[str, Any],
        acceptors: Sequence[_Acceptor],
        delay: float,
        max_attempts: int,
        max_wait: Optional[float] = None,
        on_poll: Optional[Callable[[Dict[str, Any]], object]] = None,
        poll: Optional[Callable[[str, Dict[str, Any]], Tuple[Dict[str, Any], bool]]] = None,
    ) -> Awaitable[None]: ...

@final
class JsonlScanner:
    """The record checks of ``training_data`` (src/training_data.rs): one streaming pass
    over a JSONL dataset. ``finish()`` returns ``(records, bytes, [(line, rule, message)],
    {rule: count})``; at most ``per_rule`` findings of a rule are kept, all are counted."""

    def __new__(
        cls,
        record_format: str,
        family: str,
        *,
        max_tokens: Optional[int] = None,
        chars_per_token: float = 6.0,
        reserved_words: Sequence[str] = ...,
        image_formats: Optional[Sequence[str]] = None,
        video_formats: Optional[Sequence[str]] = None,
        max_images: Optional[int] = None,
        max_videos: Optional[int] = None,
        any_schema_version: bool = False,
        single_turn: bool = False,
        per_rule: int = 20,
    ) -> Self: ...
    def feed(self, data: bytes) -> None:
        """Check the next bytes of the dataset (a line may span chunks)."""
        ...
    def feed_file(self, path: str) -> None:
        """Check a whole file, read with the GIL released; ``OSError`` when it cannot be read."""
        ...
    def finish(self) -> Tuple[int, int, List[Tuple[int, str, str]], Dict[str, int]]: ...
