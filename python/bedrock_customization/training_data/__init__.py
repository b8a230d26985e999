"""Check a fine-tuning dataset, and a job's settings, before the job is paid for.

::

    import bedrock_customization as bc

    findings = bc.training_data.check("train.jsonl", base_model="amazon.titan-text-express-v1")
    for f in findings:
        print(f)            # line 3: error: the record has no "completion" string [pc-fields]
    if not findings.ok:
        raise SystemExit(1)

:func:`check` reads a JSONL file in one streaming pass (memory flat in its size)
and checks every record against the base model's record format (prompt/completion,
Claude 3 Haiku's messages, ``bedrock-conversation-2024`` for Nova, image captions,
distillation prompts, continued pre-training input), and the file against the
model's record-count, size and per-record token limits (an estimate: AWS's about
six characters a token). :func:`check_request` checks the parameters of
``create_model_customization_job`` (customization type, hyperparameter names,
types and ranges, validation data, a distillation's teacher). A finding is an
``error`` where AWS documents the rule and a ``warning`` where the check is a
heuristic; each names its rule and the AWS page it comes from (``rules.json``).

The same checks run in three places: here, on the command line
(``bedrock-customization check-training-data FILE --base-model ID``) and in the
local Bedrock, which fails a job on bad data as AWS would
(``local_bedrock(data_dir=...)``) and refuses a create with a bad hyperparameter.
"""

from __future__ import annotations

from ._check import Findings, check
from ._request import check_request
from ._rules import Finding, Profile, families, profile

__all__ = ["Finding", "Findings", "Profile", "check", "check_request", "families", "profile"]
