"""The local Bedrock's state: the engine (``_engine``) serving the resources (``_resources``).

``_engine`` holds accounts and regions, time, scheduled events, tags and faults, and
serves each operation as the dispatch table (``_dispatch``, generated from the model)
says; ``_resources`` holds the resources, which import the engine's pieces. This module
puts the two together (:class:`State` makes its resources with ``_resources.make``) and
keeps the names the rest of the package and the tests import from ``_backend``.
"""

from __future__ import annotations

from typing import Dict, Optional

from . import _engine
from ._engine import DEFAULT_ACCOUNT, DURATIONS, MAX_TAGS, Backend, Clock, Fault, Record, camel, new_id, snake
from ._resources import (
    CLASSES, AccountDataRetention, CopyJob, CustomizationJob, CustomModel, Deployment, EvaluationJob, FoundationModel,
    ImportedModel, ImportJob, InvocationJob, LoggingConfiguration, ProvisionedThroughput, Resource, Setting, make,
)

__all__ = [
    "DEFAULT_ACCOUNT", "DURATIONS", "MAX_TAGS", "Backend", "Clock", "Fault", "Record", "State", "camel", "new_id",
    "snake", "CLASSES", "Resource", "Setting", "AccountDataRetention", "CopyJob", "CustomizationJob", "CustomModel",
    "Deployment", "EvaluationJob", "FoundationModel", "ImportedModel", "ImportJob", "InvocationJob",
    "LoggingConfiguration", "ProvisionedThroughput",
]


class State(_engine.State):
    """Every account and region of one local Bedrock, with this package's resources."""

    def __init__(self, durations: Optional[Dict[str, float]] = None, realtime: bool = True,
                 data_dir: Optional[str] = None) -> None:
        super().__init__(durations, realtime, make_resource=make, data_dir=data_dir)

