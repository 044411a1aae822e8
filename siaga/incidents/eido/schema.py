"""Validation against the published EIDO schema in `eido_schema/` (NENA911/EIDO-JSON
@7f62055), external `$ref`s into the NIEM components resolved from the same folder."""

from __future__ import annotations

import functools
import re
from datetime import datetime
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit
from urllib.request import url2pathname

import yaml
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT4

# A sibling of this package: siaga/incidents/eido_schema/.
SCHEMA_DIR = Path(__file__).parents[1] / "eido_schema"
ROOT_TYPE = "#/components/schemas/EmergencyIncidentDataObjectType"


def validate_eido(document: Any) -> list[str]:
    """What the published schema finds wrong, as `$.path: message` lines; [] if valid.

    Draft 4 semantics, as OpenAPI 3.0 has them: a `$ref`'s sibling keywords are
    ignored. `date-time` must be RFC 3339 with an offset; a `uri` must have a scheme.
    """
    errors = _validator().iter_errors(document)
    return sorted(f"{error.json_path}: {error.message}" for error in errors)


@functools.cache
def _validator() -> Draft4Validator:
    checker = FormatChecker(formats=())
    checker.checks("date-time")(_is_date_time)
    checker.checks("uri")(_is_uri)
    root = (SCHEMA_DIR / "openapi.yaml").as_uri()
    return Draft4Validator(
        {"$ref": root + ROOT_TYPE}, registry=schema_registry(), format_checker=checker
    )


@functools.cache
def schema_registry() -> Registry[Any]:
    """openapi.yaml, with the NIEM component files loaded on first reference."""
    root = SCHEMA_DIR / "openapi.yaml"
    # referencing's attrs classes are opaque to mypy: their keywords and return types.
    registry = Registry(retrieve=_retrieve)  # type: ignore[call-arg]
    return cast("Registry[Any]", registry.with_resource(root.as_uri(), _resource(root)))


def _retrieve(uri: str) -> Resource[Any]:
    """Schema files from eido_schema/ only; the schema never reaches the network."""
    parts = urlsplit(uri)
    path = Path(url2pathname(parts.path)).resolve()
    if parts.scheme != "file" or SCHEMA_DIR.resolve() not in path.parents:
        raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # opaque attrs, as above
    return _resource(path)


@functools.cache
def _resource(path: Path) -> Resource[Any]:
    return DRAFT4.create_resource(_repair(_load_yaml(path), path.parent))


@functools.cache
def _load_yaml(path: Path) -> Any:
    # libyaml's safe loader when built with it (ten times faster on NIEM's 3 MB).
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}  # noqa: S506


# Count keywords written as strings: openapi.yaml has `minItems: 1,` on
# AgentType.agentRoleRegistryText, which would make every validation crash.
_COUNTS = ("minItems", "maxItems", "minLength", "maxLength", "minProperties")


def _repair(node: Any, folder: Path) -> Any:
    """The published files with their two defects mended: a count keyword given as a
    string, and a `$ref` into a file NENA does not publish (nc.yaml's
    TelephoneNumber category points at xCard.yaml), which becomes "anything"."""
    if isinstance(node, list):
        return [_repair(item, folder) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    target = ref.split("#", 1)[0] if isinstance(ref, str) else ""
    if target and not (folder / target).is_file():
        return {"description": f"{ref} is not published; anything is accepted"}
    mended = {key: _repair(value, folder) for key, value in node.items()}
    for key in _COUNTS:
        digits = (
            re.match(r"\d+", mended[key]) if isinstance(mended.get(key), str) else None
        )
        if digits:
            mended[key] = int(digits.group())
    return mended


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    pattern = r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d:\d\d(\.\d+)?([Zz]|[+-]\d\d:\d\d)"
    if not re.fullmatch(pattern, value):
        return False
    try:
        datetime.fromisoformat(value.upper())
    except ValueError:
        return False
    return True


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or bool(
        re.fullmatch(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+", value)
    )
