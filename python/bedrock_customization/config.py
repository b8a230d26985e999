"""Client configuration, a subset of ``botocore.config.Config``.

``bedrock_customization.client(..., config=...)`` accepts either this class or
a real ``botocore.config.Config``; the Rust core reads the attributes below
with ``getattr`` in both cases.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Union

__all__ = ["Config", "UNSIGNED"]


class UNSIGNED:
    """``Config(signature_version=UNSIGNED)``: send requests unsigned, with no
    credentials looked up (``botocore.UNSIGNED`` is accepted as well)."""

    def __repr__(self) -> str:
        return "UNSIGNED"

    def __copy__(self) -> "UNSIGNED":
        return self

    def __deepcopy__(self, memo: Any) -> "UNSIGNED":
        return self


UNSIGNED = UNSIGNED()  # type: ignore[misc]  # one sentinel, as botocore's


def is_unsigned(value: Any) -> bool:
    """This package's UNSIGNED or botocore's (recognised without importing botocore)."""
    kind = type(value)
    return kind.__name__ == "UNSIGNED" and kind.__module__ in ("botocore", __name__)

_OPTION_DEFAULTS = {
    "region_name": None,
    "connect_timeout": 60,
    "read_timeout": 60,
    "retries": None,
    "max_pool_connections": 10,
    "user_agent_extra": None,
    "parameter_validation": True,
    "signature_version": None,
}

_RETRY_OPTIONS = ("max_attempts", "mode", "total_max_attempts")
_RETRY_MODES = ("legacy", "standard", "adaptive")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class Config:
    """Advanced configuration for a client (like ``botocore.config.Config``).

    :param region_name: The region to use (an explicit ``region_name`` argument
        to ``client()`` takes precedence).
    :param connect_timeout: Seconds to wait for a connection (default 60).
    :param read_timeout: Seconds to wait for a response (default 60).
    :param retries: ``{'max_attempts': int, 'total_max_attempts': int,
        'mode': 'standard' | 'adaptive' | 'legacy'}``.  ``max_attempts`` counts
        retries after the first attempt, ``total_max_attempts`` counts all
        attempts, as in botocore.
    :param max_pool_connections: The most connections the client keeps to a host,
        busy and idle together, shared by all its threads (default 10, botocore's).
        A call that finds all of them busy waits for one rather than opening
        another; raise it for a wider fan-out (64 calls in flight want 64).
    :param user_agent_extra: Text appended to the User-Agent header.
    :param parameter_validation: ``True`` (the default): botocore's checks
        before sending (required and unknown members, types, minimums), nothing
        more, so what boto3 sends is sent. ``"strict"``: also everything the model
        says (maximums, enums, patterns matched against the whole value as the
        service matches them); opt-in, since a model can lag the service. ``False``:
        none of these (types and required members are still needed to build the
        request). Without this option the environment variable
        ``BEDROCK_CUSTOMIZATION_PARAMETER_VALIDATION`` (``strict``, ``true``,
        ``false``) decides.
    :param signature_version: ``UNSIGNED`` (this package's or botocore's) to
        send requests without signing them; requests are signed with SigV4
        otherwise.

    Arguments may also be given positionally in the order above.
    """

    OPTION_DEFAULTS = dict(_OPTION_DEFAULTS)

    region_name: Optional[str]
    connect_timeout: Optional[float]
    read_timeout: Optional[float]
    retries: Optional[Dict[str, Any]]
    max_pool_connections: int
    user_agent_extra: Optional[str]
    parameter_validation: Union[bool, str]
    signature_version: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._user_provided_options = self._record_user_provided_options(args, kwargs)
        for key, default in _OPTION_DEFAULTS.items():
            setattr(self, key, self._user_provided_options.get(key, default))
        self._validate()

    @staticmethod
    def _record_user_provided_options(args: tuple, kwargs: dict) -> Dict[str, Any]:
        order = list(_OPTION_DEFAULTS)
        provided: Dict[str, Any] = {}
        for key, value in kwargs.items():
            if key not in _OPTION_DEFAULTS:
                raise TypeError(
                    f"Got unexpected keyword argument '{key}' "
                    f"(bedrock_customization.Config supports: {', '.join(order)})"
                )
            provided[key] = value
        if len(args) > len(order):
            raise TypeError(f"Takes at most {len(order)} arguments ({len(args)} given)")
        for i, value in enumerate(args):
            if order[i] in provided:
                raise TypeError(f"Got multiple values for keyword argument '{order[i]}'")
            provided[order[i]] = value
        return provided

    def _validate(self) -> None:
        if self.region_name is not None and not isinstance(self.region_name, str):
            raise TypeError(f"region_name must be a string or None, got {type(self.region_name).__name__}")
        for name in ("connect_timeout", "read_timeout"):
            value = getattr(self, name)
            if value is not None and (not _is_number(value) or value < 0):
                raise ValueError(f"{name} must be a non-negative number of seconds or None, got {value!r}")
        if not _is_int(self.max_pool_connections) or self.max_pool_connections < 1:
            raise ValueError(
                f"max_pool_connections must be an integer greater than or equal to 1, "
                f"got {self.max_pool_connections!r}"
            )
        if self.user_agent_extra is not None and not isinstance(self.user_agent_extra, str):
            raise TypeError(
                f"user_agent_extra must be a string or None, got {type(self.user_agent_extra).__name__}"
            )
        if not isinstance(self.parameter_validation, bool) and self.parameter_validation != "strict":
            raise TypeError(
                f"parameter_validation must be True, False or 'strict', got {self.parameter_validation!r}"
            )
        if self.signature_version is not None and not is_unsigned(self.signature_version):
            raise TypeError(
                f"signature_version: only UNSIGNED is supported (requests are otherwise signed with SigV4), "
                f"got {self.signature_version!r}"
            )
        self._validate_retries(self.retries)

    @staticmethod
    def _validate_retries(retries: Any) -> None:
        if retries is None:
            return
        if not isinstance(retries, dict):
            raise TypeError(
                f"retries must be a dict such as {{'max_attempts': 3, 'mode': 'standard'}}, "
                f"got {type(retries).__name__}"
            )
        from . import exceptions  # only on this path: keeps Config() cheap

        for key, value in retries.items():
            if key not in _RETRY_OPTIONS:
                raise exceptions.InvalidRetryConfigurationError(
                    retry_config_option=key, valid_options=_RETRY_OPTIONS
                )
            if key == "max_attempts" and (not _is_int(value) or value < 0):
                raise exceptions.InvalidMaxRetryAttemptsError(provided_max_attempts=value, min_value=0)
            if key == "total_max_attempts" and (not _is_int(value) or value < 1):
                raise exceptions.InvalidMaxRetryAttemptsError(provided_max_attempts=value, min_value=1)
            if key == "mode" and value not in _RETRY_MODES:
                raise exceptions.InvalidRetryModeError(provided_retry_mode=value, valid_modes=_RETRY_MODES)

    def merge(self, other_config: Any) -> "Config":
        """A new Config: this one's explicitly set options, overridden by the
        options explicitly set on ``other_config`` (which may also be a
        ``botocore.config.Config`` using only the options supported here)."""
        options = dict(self._user_provided_options)
        options.update(getattr(other_config, "_user_provided_options", {}))
        return Config(**options)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Config):
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in _OPTION_DEFAULTS)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._user_provided_options.items())
        return f"Config({args})"
