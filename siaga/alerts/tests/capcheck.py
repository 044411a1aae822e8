"""An independent checker of CAP 1.2 documents, for tests.

It encodes the XSD's sequences (order, required elements, repetition) and the rules of
the spec text that the XSD does not hold (../shared/reference/standards.md §3.1): no
"Z" and no fractional seconds in times, closed polygons of at least four lat,lon pairs,
circles in "lat,lon radius" form, references as sender,identifier,sent triplets. It
shares no code with siaga/alerts, so a bug there cannot hide itself here.

No official CAP-v1.2.xsd ships with any installed package (nor lxml to apply it), so
the XSD's structure is restated below from the schema.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

NS = "urn:oasis:names:tc:emergency:cap:1.2"
MANY = None  # maxOccurs="unbounded"
Spec = list[tuple[str, int, int | None]]
# (element, minOccurs, maxOccurs) in XSD order.
ALERT: Spec = [
    ("identifier", 1, 1),
    ("sender", 1, 1),
    ("sent", 1, 1),
    ("status", 1, 1),
    ("msgType", 1, 1),
    ("source", 0, 1),
    ("scope", 1, 1),
    ("restriction", 0, 1),
    ("addresses", 0, 1),
    ("code", 0, MANY),
    ("note", 0, 1),
    ("references", 0, 1),
    ("incidents", 0, 1),
    ("info", 0, MANY),
]
INFO: Spec = [
    ("language", 0, 1),
    ("category", 1, MANY),
    ("event", 1, 1),
    ("responseType", 0, MANY),
    ("urgency", 1, 1),
    ("severity", 1, 1),
    ("certainty", 1, 1),
    ("audience", 0, 1),
    ("eventCode", 0, MANY),
    ("effective", 0, 1),
    ("onset", 0, 1),
    ("expires", 0, 1),
    ("senderName", 0, 1),
    ("headline", 0, 1),
    ("description", 0, 1),
    ("instruction", 0, 1),
    ("web", 0, 1),
    ("contact", 0, 1),
    ("parameter", 0, MANY),
    ("resource", 0, MANY),
    ("area", 0, MANY),
]
AREA: Spec = [
    ("areaDesc", 1, 1),
    ("polygon", 0, MANY),
    ("circle", 0, MANY),
    ("geocode", 0, MANY),
    ("altitude", 0, 1),
    ("ceiling", 0, 1),
]
VALUE_PAIR: Spec = [("valueName", 1, 1), ("value", 1, 1)]
RESOURCE: Spec = [
    ("resourceDesc", 1, 1),
    ("mimeType", 1, 1),
    ("size", 0, 1),
    ("uri", 0, 1),
    ("derefUri", 0, 1),
    ("digest", 0, 1),
]
ENUMS = {
    "status": {"Actual", "Exercise", "System", "Test", "Draft"},
    "msgType": {"Alert", "Update", "Cancel", "Ack", "Error"},
    "scope": {"Public", "Restricted", "Private"},
    "category": {
        "Geo",
        "Met",
        "Safety",
        "Security",
        "Rescue",
        "Fire",
        "Health",
        "Env",
        "Transport",
        "Infra",
        "CBRNE",
        "Other",
    },
    "responseType": {
        "Shelter",
        "Evacuate",
        "Prepare",
        "Execute",
        "Avoid",
        "Monitor",
        "Assess",
        "AllClear",
        "None",
    },
    "urgency": {"Immediate", "Expected", "Future", "Past", "Unknown"},
    "severity": {"Extreme", "Severe", "Moderate", "Minor", "Unknown"},
    "certainty": {"Observed", "Likely", "Possible", "Unlikely", "Unknown"},
}
TIMES = {"sent", "effective", "onset", "expires"}
# YYYY-MM-DDThh:mm:ss±hh:mm: no "Z", no fractional seconds.
TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d")
NUMBER = r"-?\d+(\.\d+)?"
PAIR = re.compile(rf"({NUMBER}),({NUMBER})")
CIRCLE = re.compile(rf"(\S+) ({NUMBER})")
FORBIDDEN_IN_TOKEN = re.compile(r"[\s,<&]")
LANGUAGE = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
URI = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:\S+")


def local(element: ET.Element) -> str:
    return element.tag.rpartition("}")[2]


def check_cap(document: bytes | str) -> list[str]:
    """Every problem found in a CAP 1.2 document; [] when it follows the rules."""
    try:
        root = ET.fromstring(document)  # noqa: S314 (our own documents, in tests)
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"]
    problems: list[str] = []
    if root.tag != f"{{{NS}}}alert":
        return [f"the root is {root.tag}, not {{{NS}}}alert"]
    _walk(root, problems)
    _sequence(root, ALERT, "alert", problems)
    _alert_rules(root, problems)
    for index, info in enumerate(root.findall(f"{{{NS}}}info")):
        where = f"info[{index}]"
        _sequence(info, INFO, where, problems)
        _info_rules(info, where, problems)
    return problems


def _walk(element: ET.Element, problems: list[str]) -> None:
    """Every element in the CAP namespace; leaves (but the containers) hold text."""
    for child in element.iter():
        if not child.tag.startswith(f"{{{NS}}}"):
            problems.append(f"{child.tag} is outside the CAP namespace")
        is_leaf = len(child) == 0
        if is_leaf and not (child.text or "").strip():
            problems.append(f"<{local(child)}> is empty")
        name = local(child)
        if name in ENUMS and (child.text or "") not in ENUMS[name]:
            problems.append(f"<{name}> {child.text!r} is not a CAP value")
        if name in TIMES and not TIME.fullmatch(child.text or ""):
            problems.append(f"<{name}> {child.text!r} is not YYYY-MM-DDThh:mm:ss±hh:mm")
        if name in TIMES and (child.text or "").endswith("+00:00"):
            problems.append(f"<{name}> UTC must be written -00:00")


def _sequence(
    element: ET.Element,
    spec: Spec,
    where: str,
    problems: list[str],
) -> None:
    """The children follow the XSD sequence: order, minOccurs, maxOccurs."""
    names = [local(child) for child in element]
    position = 0
    for name, least, most in spec:
        count = 0
        while (
            position < len(names)
            and names[position] == name
            and (most is None or count < most)
        ):
            position, count = position + 1, count + 1
        if count < least:
            problems.append(f"{where}: <{name}> missing or out of order")
    if position < len(names):
        problems.append(
            f"{where}: <{names[position]}> unexpected here (unknown or out of order)"
        )


def _text(element: ET.Element, name: str) -> str:
    found = element.find(f"{{{NS}}}{name}")
    return (found.text or "") if found is not None else ""


def _alert_rules(root: ET.Element, problems: list[str]) -> None:
    for name in ("identifier", "sender"):
        if FORBIDDEN_IN_TOKEN.search(_text(root, name)):
            problems.append(f"<{name}> holds a space, comma, '<' or '&'")
    scope = _text(root, "scope")
    if scope == "Restricted" and not _text(root, "restriction"):
        problems.append("scope Restricted needs <restriction>")
    if scope == "Private" and not _text(root, "addresses"):
        problems.append("scope Private needs <addresses>")
    references = _text(root, "references")
    if _text(root, "msgType") in {"Update", "Cancel"} and not references:
        problems.append("an Update or Cancel must reference the earlier message")
    for triplet in references.split() if references else []:
        parts = triplet.split(",")
        if len(parts) != 3 or not all(parts[:2]) or not TIME.fullmatch(parts[2]):
            problems.append(f"reference {triplet!r} is not sender,identifier,sent")


def _info_rules(info: ET.Element, where: str, problems: list[str]) -> None:
    language = _text(info, "language")
    if language and not LANGUAGE.fullmatch(language):
        problems.append(f"{where}: language {language!r} is not an RFC 3066 tag")
    web = _text(info, "web")
    if web and not URI.fullmatch(web):
        problems.append(f"{where}: web {web!r} is not a full URI")
    for name, spec in (("eventCode", VALUE_PAIR), ("parameter", VALUE_PAIR)):
        for child in info.findall(f"{{{NS}}}{name}"):
            _sequence(child, spec, f"{where}.{name}", problems)
    for child in info.findall(f"{{{NS}}}resource"):
        _sequence(child, RESOURCE, f"{where}.resource", problems)
    for index, area in enumerate(info.findall(f"{{{NS}}}area")):
        _area_rules(area, f"{where}.area[{index}]", problems)


def _area_rules(area: ET.Element, where: str, problems: list[str]) -> None:
    _sequence(area, AREA, where, problems)
    for geocode in area.findall(f"{{{NS}}}geocode"):
        _sequence(geocode, VALUE_PAIR, f"{where}.geocode", problems)
    if _text(area, "ceiling") and not _text(area, "altitude"):
        problems.append(f"{where}: <ceiling> needs <altitude>")
    for polygon in area.findall(f"{{{NS}}}polygon"):
        problems.extend(f"{where}: {p}" for p in polygon_problems(polygon.text or ""))
    for circle in area.findall(f"{{{NS}}}circle"):
        problems.extend(f"{where}: {p}" for p in circle_problems(circle.text or ""))


def pair_problems(text: str) -> list[str]:
    match = PAIR.fullmatch(text)
    if match is None:
        return [f"{text!r} is not lat,lon"]
    lat, lon = float(match.group(1)), float(match.group(3))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return [f"{text!r} is outside WGS84"]
    return []


def polygon_problems(text: str) -> list[str]:
    pairs = text.split(" ")
    problems = [p for pair in pairs for p in pair_problems(pair)]
    if len(pairs) < 4:
        problems.append(f"a polygon of {len(pairs)} pairs (at least 4)")
    if pairs[0] != pairs[-1]:
        problems.append("the polygon is not closed (first pair != last)")
    return problems


def circle_problems(text: str) -> list[str]:
    match = CIRCLE.fullmatch(text)
    if match is None:
        return [f"circle {text!r} is not 'lat,lon radius'"]
    problems = pair_problems(match.group(1))
    if float(match.group(2)) < 0:
        problems.append("a negative radius")
    return problems
