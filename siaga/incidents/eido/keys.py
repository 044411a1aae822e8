"""Reading an EIDO's properties by their schema names, under the spellings senders use,
with an `EidoError` that says where when one is missing or of the wrong kind."""

from __future__ import annotations

from typing import Any

from siaga.incidents.eido.errors import EidoError

# Keys are matched case-insensitively, because the published openapi.yaml itself mixes
# spellings that senders then copy:
#   - "TimeStamp"/"Timestamp": lastUpdateTimeStamp and vehicleRelationshipTimeStamp, but
#     callStartTimestamp, startTimestamp, stopTimestamp, acknowledgementTimestamp; the
#     AlternateValues items require "TimeStamp" and define "Timestamp";
#   - "callBack"/"callback": callBackReference and callBackInformationUri, but
#     callbackComponent (CallbackType);
#   - PascalCase leftovers: AlternateValueReferences; NENA's earlier draft sample
#     (Samples/Sample_EIDO.json) wrote LastUpdateTimeStamp and EIDOVersion.
# Folded before matching: "Acess" (the schema's externalSourceAcessString), and the
# slips "Referance", "Registery", "Regsitry", none of which this schema contains.
# Aliases: registry properties are named differently per component
# (incidentTypeCommonRegistryText, locationTypeDescriptionRegistryText,
# agencyRoleDescriptionRegistryText, dispositionCommonRegistryCode), and the earlier
# draft used locationInformationComponent, an array incidentComponent, a plain-string
# OwningAgencyIdentifier and a root incidentTrackingIdentifier.
_FOLDS = (
    ("referance", "reference"),
    ("acess", "access"),
    ("registery", "registry"),
    ("regsitry", "registry"),
)
_ALIASES: dict[str, tuple[str, ...]] = {
    "incidentTypeCommonRegistryText": (
        "incidentTypeRegistryText",
        "incidentTypeDescriptionRegistryText",
        "incidentTypeCommonRegistryCode",
    ),
    "locationTypeDescriptionRegistryText": (
        "locationTypeCommonRegistryText",
        "locationTypeRegistryText",
    ),
    "incidentComponent": ("incidentInformationComponent",),
    "locationComponent": ("locationInformationComponent",),
    "updatedByAgencyReference": ("owningAgencyIdentifier",),
}


def _fold(key: str) -> str:
    key = key.lower()
    for wrong, right in _FOLDS:
        key = key.replace(wrong, right)
    return key


def _get(obj: dict[Any, Any], name: str) -> Any:
    """A property by its schema name, under any spelling the notes above accept."""
    if name in obj:
        return obj[name]
    wanted = {_fold(spelling) for spelling in (name, *_ALIASES.get(name, ()))}
    for key, value in obj.items():
        if isinstance(key, str) and _fold(key) in wanted:
            return value
    return None


def _text(obj: dict[Any, Any], name: str, where: str, required: bool = False) -> str:
    value = _get(obj, name)
    if value is None and required:
        raise EidoError(f"{where}.{name} is missing")
    if value is not None and not isinstance(value, str):
        raise EidoError(f"{where}.{name} must be a string, not {_kind(value)}")
    return (value or "").strip()


def _list(obj: dict[Any, Any], name: str, where: str) -> list[Any]:
    value = _get(obj, name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise EidoError(f"{where}.{name} must be an array, not {_kind(value)}")
    return value


def _objects(eido: dict[Any, Any], name: str) -> list[dict[Any, Any]]:
    items = _list(eido, name, "EIDO")
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise EidoError(f"{name}[{i}] must be an object, not {_kind(item)}")
    return items


def _reference(value: Any, where: str) -> str:
    """The $id a `{"$ref": …}` points to (the earlier draft wrote the id bare)."""
    if isinstance(value, dict):
        value = _get(value, "$ref")
    if not isinstance(value, str) or not value.strip():
        raise EidoError(f'{where} must be {{"$ref": "<$id>"}}, not {_kind(value)}')
    return value.strip()


def _resolve(components: dict[str, Any], value: Any, where: str) -> dict[Any, Any]:
    target = _reference(value, where)
    if target not in components:
        raise EidoError(f"{where} points to {target!r}, which no component has as $id")
    found: dict[Any, Any] = components[target]
    return found


def _kind(value: Any) -> str:
    if value is None:
        return "null (missing)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    return "a string" if isinstance(value, str) else type(value).__name__
