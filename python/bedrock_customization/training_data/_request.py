"""The per-model rules of a ``CreateModelCustomizationJob`` request (``rules.json``):
the customization type, the hyperparameters' names, types and ranges, validation data,
a distillation's teacher and a reinforcement fine-tuning's grader.

The local Bedrock refuses a create that breaks one with a ``ValidationException``
whose message is the finding's; :func:`check_request` gives the same findings
before anything is sent.
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping, Optional

from ._check import Findings
from ._rules import Profile, finding, model_id, profile


def check_request(params: Mapping[str, Any], *, base_model: Optional[str] = None) -> Findings:
    """The findings for the parameters of ``create_model_customization_job``.

    ``base_model`` overrides ``params["baseModelIdentifier"]`` (the local Bedrock
    passes the foundation model a custom base model was made from). A base model
    the rules do not know gives no finding: nothing is known of it."""
    findings = Findings()
    customization = params.get("customizationType") or "FINE_TUNING"
    config = params.get("customizationConfig") or {}
    if customization == "REINFORCEMENT_FINE_TUNING" and not (config.get("rftConfig") or {}).get("graderConfig"):
        findings.add(finding("rft-grader", "A REINFORCEMENT_FINE_TUNING job needs customizationConfig.rftConfig.graderConfig."))
    identifier = base_model or params.get("baseModelIdentifier") or ""
    try:
        rules = profile(identifier, customization)
    except LookupError:
        return findings
    except ValueError as e:
        findings.add(finding("customization-type", f"{e}."))
        return findings
    _hyperparameters(rules, params.get("hyperParameters") or {}, findings)
    validators = (params.get("validationDataConfig") or {}).get("validators") or []
    if validators and not rules.accepts_validation:
        findings.add(rules.validation_finding())
    if customization == "DISTILLATION":
        _distillation(rules, config.get("distillationConfig"), findings)
    return findings


def _hyperparameters(rules: Profile, given: Mapping[str, Any], findings: Findings) -> None:
    known = rules.hyperparameters
    for name, value in given.items():
        spec = known.get(name)
        if spec is None:
            allowed = ", ".join(known) or "none"
            findings.add(finding("hp-unknown",
                                 f"The hyperparameter {name} is not supported for {rules.family}"
                                 f" {rules.customization_type} (supported: {allowed}).",
                                 source=next((k.get("source") for k in known.values()), rules.entry.get("source"))))
            continue
        if str(value).lower() in {w.lower() for w in spec.get("also_accepts") or ()}:
            continue  # a word the hyperparameter takes besides numbers (Titan Image Generator's stepCount "auto")
        number = _number(value, spec.get("type", "float"))
        if number is None:
            findings.add(finding("hp-type", f"The hyperparameter {name} must be {_kind(spec)}; got {value!r}.",
                                 source=spec.get("source")))
            continue
        low, high = spec.get("min"), spec.get("max")
        # a maximum of its own for some models of the family (Cohere Command Light's batchSize)
        high = next((m for model, m in (spec.get("max_by_model") or {}).items() if rules.matches(model)), high)
        if (low is not None and number < low) or (high is not None and number > high):
            findings.add(finding("hp-range", f"The hyperparameter {name} must be between {_fmt(low)} and {_fmt(high)}"
                                             f" for {rules.family}; got {value}.", source=spec.get("source")))


#: A number as written in a hyperparameter's string (ASCII digits; no "1_0", no "nan").
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def _number(value: Any, kind: str) -> Optional[float]:
    text = str(value).strip()
    if not (_INT if kind == "int" else _FLOAT).fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def _kind(spec: Mapping[str, Any]) -> str:
    return "an integer" if spec.get("type") == "int" else "a number"


def _fmt(value: Any) -> str:
    return "-" if value is None else format(value, "g") if isinstance(value, float) else str(value)


def _distillation(rules: Profile, config: Any, findings: Findings) -> None:
    teacher_config = (config or {}).get("teacherModelConfig") or {}
    teacher = teacher_config.get("teacherModelIdentifier")
    if not teacher:
        findings.add(finding("teacher-model", "A DISTILLATION job needs customizationConfig.distillationConfig"
                                              ".teacherModelConfig.teacherModelIdentifier.",
                             source=rules.entry.get("source")))
        return
    student = next((s for s in rules.entry.get("teachers_by_student") or {} if rules.matches(s)), None)
    teachers = (rules.entry.get("teachers_by_student") or {}).get(student) or rules.entry.get("teachers") or []
    ident = model_id(teacher)
    if teachers and not any(ident == t or ident.startswith(t + ":") for t in teachers):
        findings.add(finding("teacher-model", f"{ident} cannot teach {rules.family} (teachers: {', '.join(teachers)}).",
                             source=rules.entry.get("source")))
    bounds = rules.entry.get("max_response_length")
    length = teacher_config.get("maxResponseLengthForInference")
    if bounds and length is not None and not bounds[0] <= length <= bounds[1]:
        findings.add(finding("hp-range", f"maxResponseLengthForInference must be between {bounds[0]} and {bounds[1]};"
                                         f" got {length}.", source=rules.entry.get("source")))
