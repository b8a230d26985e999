"""The one reader of the shared config and credentials files on the Python side
(the Rust core's SDK reads them itself for credentials and region): what
``Session`` needs for ``region_name``, ``profile_name`` and ``available_profiles``,
and the command line's ``output`` / ``cli_timestamp_format`` settings, read as
botocore reads them."""

from __future__ import annotations

import os
from typing import Dict


def config_file_path() -> str:
    return os.path.expanduser(os.environ.get("AWS_CONFIG_FILE", "~/.aws/config"))


def credentials_file_path() -> str:
    return os.path.expanduser(os.environ.get("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"))


def _may_have_sections(path: str) -> bool:
    """False when reading the file could find nothing (missing, empty or /dev/null):
    then configparser is not even imported."""
    if path == os.devnull:
        return False
    try:
        st = os.stat(path)
    except OSError:
        return False
    import stat

    return stat.S_ISREG(st.st_mode) and st.st_size > 0


def _sections(path: str) -> Dict[str, Dict[str, str]]:
    """``{section: {key: value}}`` of an INI file; ConfigParseError when it is broken."""
    if not _may_have_sections(path):
        return {}
    import configparser  # only when a file has something to read

    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except configparser.Error:
        from .exceptions import ConfigParseError

        raise ConfigParseError(path=path) from None
    return {section: dict(parser.items(section)) for section in parser.sections()}


def config_profiles() -> Dict[str, Dict[str, str]]:
    """The profiles of the config file: ``[default]`` and ``[profile NAME]``."""
    profiles: Dict[str, Dict[str, str]] = {}
    for section, values in _sections(config_file_path()).items():
        name = section.strip()
        if name.startswith("profile ") or name.startswith("profile\t"):
            name = name[len("profile") :].strip()
        elif name != "default":
            continue  # sso-session, services, ... sections
        profiles.setdefault(name, {}).update(values)
    return profiles


def load_profiles() -> Dict[str, Dict[str, str]]:
    """Profiles from the config file merged with the credentials file (``[NAME]``),
    as botocore does."""
    profiles = config_profiles()
    for section, values in _sections(credentials_file_path()).items():
        profiles.setdefault(section.strip(), {}).update(values)
    return profiles
