"""``bedrock-customization check-training-data FILE --base-model ID``: check a dataset
before the job is paid for (``bedrock_customization.training_data.check``).

Exits 0 when there is no error (warnings allowed), 1 when there is one, and 2 when
the file cannot be checked (unreadable, a base model or customization type the rules
do not know) or the command line is wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import List


def build_parser() -> argparse.ArgumentParser:
    """The command's options (also read by the completion scripts)."""
    parser = argparse.ArgumentParser(
        prog="bedrock-customization check-training-data",
        description="Check a JSONL training (or validation) dataset against the base model's rules "
        "(record format, limits, token estimate). Exit status: 0 no errors, 1 errors, 2 not checked.",
    )
    parser.add_argument("file", help="the JSONL file ('-' reads standard input)")
    parser.add_argument("--base-model", required=True, help="base model id or ARN, e.g. amazon.titan-text-express-v1")
    parser.add_argument("--customization-type", default="FINE_TUNING",
                        help="FINE_TUNING (default), CONTINUED_PRE_TRAINING or DISTILLATION")
    parser.add_argument("--validation", action="store_true", help="check it as a validation dataset")
    parser.add_argument("--output", choices=("text", "json"), default="text", help="text (default) or json")
    return parser


def run_check_training_data(argv: List[str]) -> int:
    args = build_parser().parse_args(argv)
    from ..training_data import check, profile

    try:
        rules = profile(args.base_model, args.customization_type)
        source = sys.stdin.buffer if args.file == "-" else args.file
        findings = check(source, args.base_model, args.customization_type, validation=args.validation)
    except (LookupError, ValueError, OSError) as e:
        sys.stderr.write(f"check-training-data: {e.args[-1] if isinstance(e, OSError) else e}\n")
        return 2
    if args.output == "json":
        out = {"file": args.file, "baseModel": args.base_model, "customizationType": args.customization_type,
               "family": rules.family, "validation": args.validation, **findings.to_dict()}
        sys.stdout.write(json.dumps(out, indent=2) + "\n")
    else:
        kind = "validation" if args.validation else "training"
        sys.stdout.write(f"{args.file}: {findings.records:,} {kind} record{'s' * (findings.records != 1)},"
                         f" {findings.bytes:,} bytes;"
                         f" {rules.family}, {args.customization_type}\n")
        for f in findings:
            sys.stdout.write(f"  {f}\n")
            if f.source:
                sys.stdout.write(f"      {f.source}\n")
        totals = findings.totals()
        errors, warnings = totals["error"], totals["warning"]
        sys.stdout.write(f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}\n")
    return 0 if findings.ok else 1
