"""Exceptions raised by bedrock_customization, shaped like botocore's.

When ``botocore`` is importable every class here subclasses the botocore class
of the same name, so existing ``except botocore.exceptions.ClientError:``
handlers keep working and ``str(e)``, ``e.response`` and ``e.operation_name``
are produced by botocore's own code.  Without botocore, standalone classes
with the same names, hierarchy and messages are defined instead; the package
never requires botocore.

One ``ClientError`` subclass is generated per error shape of the service model
(``_model.ERROR_CODES``), e.g. ``ResourceNotFoundException``.  They are also
reachable as attributes of :data:`client_exceptions` (``client.exceptions``).

``ResponseParserError`` lives in ``botocore.parsers``, which is slow to import,
so with botocore present it is created on first access.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from . import _model


def _botocore_exceptions():
    # The command line, whose process runs one command and only prints messages,
    # sets the package's _STANDALONE_EXCEPTIONS before any error is raised: the
    # standalone classes have the same messages, without importing botocore.
    if getattr(sys.modules.get(__package__), "_STANDALONE_EXCEPTIONS", False):
        return None
    try:  # botocore.exceptions alone imports in ~10 ms; botocore is optional.
        import botocore.exceptions
    except ImportError:  # pragma: no cover - exercised in a subprocess by the tests
        return None
    return botocore.exceptions


_bce = _botocore_exceptions()

HAVE_BOTOCORE = _bce is not None

__all__ = [
    "BotoCoreError",
    "ClientError",
    "HTTPClientError",
    "ConnectionError",
    "EndpointConnectionError",
    "SSLError",
    "ConnectionClosedError",
    "ReadTimeoutError",
    "ConnectTimeoutError",
    "NoCredentialsError",
    "PartialCredentialsError",
    "CredentialRetrievalError",
    "BaseEndpointResolverError",
    "NoRegionError",
    "ProfileNotFound",
    "ConfigParseError",
    "ParamValidationError",
    "DataNotFoundError",
    "UnknownServiceError",
    "InvalidRetryConfigurationError",
    "InvalidMaxRetryAttemptsError",
    "InvalidRetryModeError",
    "WaiterError",
    "OperationNotPageableError",
    "PaginationError",
    "StubResponseError",
    "StubAssertionError",
    "UnStubbedResponseError",
    "MockAwsUnavailableError",
    "ResponseParserError",
    "BedrockExceptions",
    "client_exceptions",
    "make_client_error",
    *_model.ERROR_CODES,
]


# ---------------------------------------------------------------------------
# Base classes
# ---------------------------------------------------------------------------

if _bce is not None:
    BotoCoreError = _bce.BotoCoreError
else:

    def _exception_from_packed_args(exception_cls, args=None, kwargs=None):
        return exception_cls(*(args or ()), **(kwargs or {}))

    class BotoCoreError(Exception):
        """The base exception class for botocore-style errors.

        ``fmt`` is formatted with the keyword arguments to build the message.
        """

        fmt = "An unspecified error occurred"

        def __init__(self, **kwargs):
            Exception.__init__(self, self.fmt.format(**kwargs))
            self.kwargs = kwargs

        def __reduce__(self):
            return _exception_from_packed_args, (self.__class__, None, self.kwargs)


def _retry_info(error_response) -> str:
    """The " (reached max retries: N)" part of a ClientError message."""
    metadata = error_response.get("ResponseMetadata")
    if metadata and metadata.get("MaxAttemptsReached", False):
        if "RetryAttempts" in metadata:
            return f" (reached max retries: {metadata['RetryAttempts']})"
    return ""


if _bce is not None:

    class ClientError(_bce.ClientError):
        """An error response from the service (botocore.exceptions.ClientError)."""

        def __reduce__(self):
            # Modeled subclasses are module attributes here, so they pickle.
            return self.__class__, (self.response, self.operation_name)

else:

    class ClientError(Exception):
        """An error response from the service.

        ``response`` is the parsed error response (``response['Error']['Code']``,
        ``['Message']``, ``['ResponseMetadata']``) and ``operation_name`` the
        API operation (e.g. ``GetModelCustomizationJob``).
        """

        MSG_TEMPLATE = (
            "An error occurred ({error_code}) when calling the {operation_name} "
            "operation{retry_info}: {error_message}"
        )

        def __init__(self, error_response, operation_name):
            error = error_response.get("Error", {})
            msg = self.MSG_TEMPLATE.format(
                error_code=error.get("Code", "Unknown"),
                error_message=error.get("Message", "Unknown"),
                operation_name=operation_name,
                retry_info=_retry_info(error_response),
            )
            super().__init__(msg)
            self.response = error_response
            self.operation_name = operation_name

        def __reduce__(self):
            return self.__class__, (self.response, self.operation_name)


# ---------------------------------------------------------------------------
# botocore-style errors, built from one table
# ---------------------------------------------------------------------------

# (name, parent in the botocore hierarchy, botocore's message format)
_BOTOCORE_STYLE = (
    ("HTTPClientError", "BotoCoreError", "An HTTP Client raised an unhandled exception: {error}"),
    ("ConnectionError", "BotoCoreError", "An HTTP Client failed to establish a connection: {error}"),
    ("EndpointConnectionError", "ConnectionError", 'Could not connect to the endpoint URL: "{endpoint_url}"'),
    ("SSLError", "ConnectionError", "SSL validation failed for {endpoint_url} {error}"),
    (
        "ConnectionClosedError",
        "HTTPClientError",
        'Connection was closed before we received a valid response from endpoint URL: "{endpoint_url}".',
    ),
    ("ReadTimeoutError", "HTTPClientError", 'Read timeout on endpoint URL: "{endpoint_url}"'),
    ("ConnectTimeoutError", "ConnectionError", 'Connect timeout on endpoint URL: "{endpoint_url}"'),
    ("NoCredentialsError", "BotoCoreError", "Unable to locate credentials"),
    ("PartialCredentialsError", "BotoCoreError", "Partial credentials found in {provider}, missing: {cred_var}"),
    (
        "CredentialRetrievalError",
        "BotoCoreError",
        "Error when retrieving credentials from {provider}: {error_msg}",
    ),
    ("BaseEndpointResolverError", "BotoCoreError", "An unspecified error occurred"),
    ("NoRegionError", "BaseEndpointResolverError", "You must specify a region."),
    ("ProfileNotFound", "BotoCoreError", "The config profile ({profile}) could not be found"),
    ("ConfigParseError", "BotoCoreError", "Unable to parse config file: {path}"),
    ("ParamValidationError", "BotoCoreError", "Parameter validation failed:\n{report}"),
    ("DataNotFoundError", "BotoCoreError", "Unable to load data for: {data_path}"),
    (
        "UnknownServiceError",
        "DataNotFoundError",
        "Unknown service: '{service_name}'. Valid service names are: {known_service_names}",
    ),
    (
        "InvalidRetryConfigurationError",
        "BotoCoreError",
        'Cannot provide retry configuration for "{retry_config_option}". '
        "Valid retry configuration options are: {valid_options}",
    ),
    (
        "InvalidMaxRetryAttemptsError",
        "InvalidRetryConfigurationError",
        'Value provided to "max_attempts": {provided_max_attempts} must '
        "be an integer greater than or equal to {min_value}.",
    ),
    (
        "InvalidRetryModeError",
        "InvalidRetryConfigurationError",
        'Invalid value provided to "mode": "{provided_retry_mode}" must be one of: {valid_modes}',
    ),
    ("WaiterError", "BotoCoreError", "Waiter {name} failed: {reason}"),
    ("OperationNotPageableError", "BotoCoreError", "Operation cannot be paginated: {operation_name}"),
    ("PaginationError", "BotoCoreError", "Error during pagination: {message}"),
    # testing.Stubber's (botocore.stub's)
    ("StubResponseError", "BotoCoreError", "Error getting response stub for operation {operation_name}: {reason}"),
    ("StubAssertionError", "StubResponseError", "Error getting response stub for operation {operation_name}: {reason}"),
    (
        "UnStubbedResponseError",
        "StubResponseError",
        "Error getting response stub for operation {operation_name}: {reason}",
    ),
)


def _http_client_error_init(self, request=None, response=None, **kwargs):
    self.request = request
    self.response = response
    BotoCoreError.__init__(self, **kwargs)


def _http_client_error_reduce(self):
    return _exception_from_packed_args, (self.__class__, (self.request, self.response), self.kwargs)


def _waiter_error_init(self, name, reason, last_response):
    BotoCoreError.__init__(self, name=name, reason=reason)
    self.last_response = last_response


def _define(name: str, parent: str, fmt: str) -> type:
    parent_cls = globals()[parent]
    if _bce is not None:
        # Subclass botocore's class of the same name (its __init__ and fmt are
        # reused), and our own parent so that our hierarchy holds as well.
        botocore_cls = getattr(_bce, name)
        bases = (botocore_cls,) if parent_cls is BotoCoreError else (botocore_cls, parent_cls)
        namespace = {}
    else:
        # botocore's StubAssertionError is an AssertionError too.
        bases = (parent_cls, AssertionError) if name == "StubAssertionError" else (parent_cls,)
        namespace = {"fmt": fmt}
        if name == "HTTPClientError":
            namespace["__init__"] = _http_client_error_init
            namespace["__reduce__"] = _http_client_error_reduce
        elif name == "WaiterError":
            namespace["__init__"] = _waiter_error_init
    if name == "WaiterError":
        # The waiter's name and the reason as attributes (botocore keeps them only
        # in .kwargs).
        namespace["name"] = property(lambda self: self.kwargs.get("name"))
        namespace["reason"] = property(lambda self: self.kwargs.get("reason"))
    namespace["__module__"] = __name__
    namespace["__qualname__"] = name
    return type(name, bases, namespace)


if TYPE_CHECKING:  # what static analysers see; the classes are built from the table below

    class HTTPClientError(BotoCoreError):
        request: Any
        response: Any

        def __init__(self, request: Any = None, response: Any = None, **kwargs: Any) -> None: ...

    class ConnectionError(BotoCoreError): ...
    class EndpointConnectionError(ConnectionError): ...
    class SSLError(ConnectionError): ...
    class ConnectionClosedError(HTTPClientError): ...
    class ReadTimeoutError(HTTPClientError): ...
    class ConnectTimeoutError(ConnectionError): ...
    class NoCredentialsError(BotoCoreError): ...
    class PartialCredentialsError(BotoCoreError): ...
    class CredentialRetrievalError(BotoCoreError): ...
    class BaseEndpointResolverError(BotoCoreError): ...
    class NoRegionError(BaseEndpointResolverError): ...
    class ProfileNotFound(BotoCoreError): ...
    class ConfigParseError(BotoCoreError): ...
    class ParamValidationError(BotoCoreError): ...
    class DataNotFoundError(BotoCoreError): ...
    class UnknownServiceError(DataNotFoundError): ...
    class InvalidRetryConfigurationError(BotoCoreError): ...
    class InvalidMaxRetryAttemptsError(InvalidRetryConfigurationError): ...
    class InvalidRetryModeError(InvalidRetryConfigurationError): ...

    class WaiterError(BotoCoreError):
        last_response: Any

        def __init__(self, name: str, reason: str, last_response: Any) -> None: ...

    class OperationNotPageableError(BotoCoreError): ...
    class PaginationError(BotoCoreError): ...
    class StubResponseError(BotoCoreError): ...
    class StubAssertionError(StubResponseError, AssertionError):
        def __init__(self, **kwargs: Any) -> None: ...

    class UnStubbedResponseError(StubResponseError): ...
    class ResponseParserError(Exception): ...

else:
    for _name, _parent, _fmt in _BOTOCORE_STYLE:
        globals()[_name] = _define(_name, _parent, _fmt)
    del _name, _parent, _fmt


class MockAwsUnavailableError(BotoCoreError):
    """moto's ``mock_aws`` is active but this package's calls cannot be served from
    it; raised instead of sending the call anywhere (see ``_mocking``)."""

    fmt = "moto's mock_aws is active, but this call cannot be served by it: {reason}"


# ---------------------------------------------------------------------------
# ResponseParserError (botocore.parsers.ResponseParserError, created lazily)
# ---------------------------------------------------------------------------

_lazy_response_parser_error = None


def _response_parser_error() -> type:
    global _lazy_response_parser_error
    if _lazy_response_parser_error is None:
        base = Exception
        if _bce is not None:
            try:
                from botocore.parsers import ResponseParserError as base
            except ImportError:  # pragma: no cover
                base = Exception
        _lazy_response_parser_error = type(
            "ResponseParserError",
            (base,),
            {
                "__module__": __name__,
                "__qualname__": "ResponseParserError",
                "__doc__": "The service returned a response that could not be parsed.",
            },
        )
    return _lazy_response_parser_error


if _bce is None and not TYPE_CHECKING:
    ResponseParserError = _response_parser_error()


def __getattr__(name: str):
    if name == "ResponseParserError":
        cls = _response_parser_error()
        globals()["ResponseParserError"] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------------------
# Modeled service errors
# ---------------------------------------------------------------------------

_CODE_TO_EXCEPTION: dict = {}
for _code in _model.ERROR_CODES:
    _cls = type(
        _code,
        (ClientError,),
        {
            "__module__": __name__,
            "__qualname__": _code,
            "__doc__": f"The service returned a {_code} error.",
        },
    )
    globals()[_code] = _cls
    _CODE_TO_EXCEPTION[_code] = _cls
del _code, _cls


def make_client_error(error_response: dict, operation_name: str) -> Exception:
    """Build (not raise) the exception for an error response.

    The class is the modeled one for ``error_response['Error']['Code']`` when
    the code is one of the service's errors, else a plain :class:`ClientError`.
    """
    error = error_response.get("Error") or {}
    code = error.get("QueryErrorCode") or error.get("Code")
    cls = _CODE_TO_EXCEPTION.get(code, ClientError)
    return cls(error_response, operation_name)


class _BaseClientExceptions:
    """The ``client.exceptions`` object, like botocore's ``BaseClientExceptions``."""

    ClientError = ClientError

    def __init__(self, code_to_exception):
        self._code_to_exception = code_to_exception

    def from_code(self, error_code):
        """The exception class for an error code (``ClientError`` if unknown)."""
        return self._code_to_exception.get(error_code, self.ClientError)

    def __getattr__(self, name):
        names = ", ".join(cls.__name__ for cls in self._code_to_exception.values())
        raise AttributeError(f"{self} object has no attribute {name}. Valid exceptions are: {names}")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._code_to_exception))


BedrockExceptions = type(
    "BedrockExceptions",
    (_BaseClientExceptions,),
    {"__module__": __name__, "__qualname__": "BedrockExceptions", **_CODE_TO_EXCEPTION},
)

#: Shared instance used as ``client.exceptions``.
client_exceptions = BedrockExceptions(dict(_CODE_TO_EXCEPTION))
