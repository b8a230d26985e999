"""boto3's snake_case names of the model's operations and members.

One implementation for the runtime (the command line's option names,
``xform_name(member, '-')``) and for the generator (``codegen/smithy.py`` loads
this file by path, without importing the package). Standard library only.
"""

from __future__ import annotations

import re

_PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s$")
_WORD_BREAKS = (
    re.compile(r"(.)([A-Z][a-z]+)"),  # a capitalised word after anything: FooBar -> Foo_Bar
    re.compile(r"([a-z0-9])([A-Z])"),  # a capital after a lower-case letter or digit
)


def python_name(name: str) -> str:
    """boto3's snake_case name of an operation or member (``ListModelCustomizationJobs`` ->
    ``list_model_customization_jobs``); a trailing plural acronym stays one word
    (``...ARNs`` -> ``..._arns``). Names with an underscore are kept as they are."""
    if "_" in name:
        return name
    plural = _PLURAL_ACRONYM.search(name)
    if plural:
        name = name[: plural.start()] + "_" + plural.group().lower()
    for pattern in _WORD_BREAKS:
        name = pattern.sub(r"\1_\2", name)
    return name.lower()


def cli_name(name: str) -> str:
    """botocore's ``xform_name(name, '-')``, the AWS CLI's command and option names: the
    snake_case of :func:`python_name` with dashes (a name already holding a dash is kept)."""
    if "-" in name:
        return name
    return python_name(name).replace("_", "-")
