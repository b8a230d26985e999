"""``bedrock-customization local-bedrock [--port N] [--region R] [--data-dir PATH]``: the local Bedrock, standalone.

Serves on 127.0.0.1 until interrupted (Ctrl-C or SIGTERM), so that boto3, the
AWS CLI or any SDK can be pointed at it with ``--endpoint-url``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from typing import List


def build_parser() -> argparse.ArgumentParser:
    """The command's options (also read by the completion scripts)."""
    parser = argparse.ArgumentParser(
        prog="bedrock-customization local-bedrock",
        description="Run the local Bedrock (every operation of the service, offline) on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: a free one, printed on start)")
    parser.add_argument("--region", default="us-east-1", help="default region for bearer-token requests (default: us-east-1)")
    parser.add_argument("--data-dir", default=None,
                        help="a folder that stands for S3 (s3://bucket/key is DATA_DIR/bucket/key): jobs read and check "
                        "their data there and write their metrics files there")
    return parser


def run_local_bedrock(argv: List[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error(f"argument --port: {args.port} is not a TCP port (0-65535)")
    if args.data_dir is not None and not os.path.isdir(args.data_dir):
        parser.error(f"argument --data-dir: {args.data_dir} is not a folder")
    from ..testing import local_bedrock

    stop = threading.Event()

    def on_signal(signum, frame) -> None:
        stop.set()

    # Both stop the server, also when SIGINT came in ignored (a shell script's background
    # job): Python then raises no KeyboardInterrupt, and `kill -INT` would do nothing.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        with local_bedrock(region_name=args.region, port=args.port, data_dir=args.data_dir) as endpoint:
            print(f"local Bedrock listening on {endpoint} (Ctrl-C to stop)", flush=True)
            while not stop.wait(0.2):
                pass
            counts = endpoint.counts()
            print(f"local Bedrock stopped: {counts['requests']} requests served "
                  f"on {counts['connections']} connections", flush=True)
    except OSError as e:
        print(f"local-bedrock: cannot listen on 127.0.0.1:{args.port}: {e.strerror or e}", file=sys.stderr)
        return 1
    return 0
