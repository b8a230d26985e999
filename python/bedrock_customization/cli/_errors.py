"""The command line's errors and usage text (the bottom of the ``cli`` package:
it imports nothing of it)."""

from __future__ import annotations

PROG = "bedrock-customization"


class UsageError(Exception):
    """An argument-parsing error: usage text, exit code 2 (argparse's); unknown
    options exit with 255, as in the AWS CLI."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code


class CliError(Exception):
    """An error reported as ``\\n<message>\\n`` on stderr with exit code 255."""


class ParamError(CliError):
    def __init__(self, cli_name: str, message: str) -> None:
        super().__init__(f"Error parsing parameter '{cli_name}': {message}")


def usage_text() -> str:
    return (
        f"usage: {PROG} [options] <command> [<subcommand>] [parameters]\n"
        "To see help text, you can run:\n\n"
        f"  {PROG} --help\n"
        f"  {PROG} <command> --help\n"
    )


def usage_error(message: str) -> UsageError:
    return UsageError(f"{usage_text()}{PROG}: error: {message}\n")


def unknown_options(unknown) -> UsageError:
    return UsageError(f"{usage_text()}\nUnknown options: {', '.join(unknown)}\n", 255)


def choices_grid(choices) -> str:
    """Choices in the AWS CLI's two columns of 40."""
    lines = []
    for k in range(0, len(choices), 2):
        row = choices[k : k + 2]
        if len(row) == 2:
            lines.append(f"{row[0]:<40} | {row[1]:<40}")
        else:
            lines.append(f"{row[0]:<40}")
    return "\n".join(lines) + "\n"
