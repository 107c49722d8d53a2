"""The agency registry (``config/agencies.yaml``, format in ``spec/registry.md``): load, validate, sync, list.

The file is edited by hand, so every problem is reported with its line and field, all at once, and
nothing reaches the database until the whole file is valid.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from sqlalchemy import select

from collector.crawl.politeness import POLITENESS_KEYS, politeness_problem
from collector.errors import CollectorError
from storage.db import Database
from storage.models import Agency

DEFAULT_PATH = Path("config/agencies.yaml")

KINDS = ("department", "government", "township", "other")
LEVELS = ("national", "province", "prefecture", "county", "township")
REQUIRED_FIELDS = ("id", "name", "kind", "level", "portal")
OPTIONAL_FIELDS = ("region", "parent", "report_pages", "deadline", "verified", "notes")
TOP_LEVEL_KEYS = ("agencies", "defaults", "allow_private_hosts")

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MONTH_DAY = re.compile(r"(\d\d)-(\d\d)")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
#: First two digits of GB/T 2260 codes: provinces, autonomous regions, municipalities, Taiwan, HK, Macao.
PROVINCE_PREFIXES = frozenset({"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
                               "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
                               "63", "64", "65", "71", "81", "82"})


@dataclass(frozen=True)
class AgencyEntry:
    """One validated agency of the file."""

    id: str
    name: str
    kind: str
    level: str
    region: str | None
    parent: str | None
    portal: str
    report_pages: tuple[str, ...]
    deadline: str | None
    verified: bool
    notes: str | None


@dataclass(frozen=True)
class Registry:
    agencies: list[AgencyEntry]
    defaults: dict[str, Any] = field(default_factory=dict)
    allow_private_hosts: bool = False


class RegistryInvalid(CollectorError):
    """The file has problems; ``problems`` holds one ``path:line: …`` line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the agency registry")
        self.problems = problems


class _LocatedDict(dict):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]
    duplicate_keys: list[tuple[str, int, int]]


class _LineLoader(yaml.SafeLoader):
    """PyYAML's safe loader, keeping line numbers (and noticing keys given twice, which YAML would hide)."""


def _construct_located_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[_LocatedDict]:
    mapping = _LocatedDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines, mapping.duplicate_keys = {}, []
    for key_node, _ in node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key in mapping.key_lines:
            mapping.duplicate_keys.append((key, mapping.key_lines[key], line))
        mapping.key_lines.setdefault(key, line)
    yield mapping
    mapping.update(loader.construct_mapping(node))


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_located_mapping)


def region_problem(value: str, level: str | None = None) -> str | None:
    """Why ``value`` is not a GB/T 2260 code (for an agency at ``level``), or ``None``."""
    if not re.fullmatch(r"\d{6}", value):
        return f"{value!r} is not a GB/T 2260 code (six digits, e.g. \"410700\")"
    if value[:2] not in PROVINCE_PREFIXES:
        return f"{value!r} does not start with a province code"
    expected = {"province": value.endswith("0000"),
                "prefecture": value.endswith("00") and not value.endswith("0000"),
                "county": not value.endswith("00"), "township": not value.endswith("00")}
    if level in expected and not expected[level]:
        return f"{value!r} is not a {level}-level code"
    return None


def url_problem(value: Any, allow_private_hosts: bool) -> str | None:
    """Why ``value`` is not a public http(s) URL, or ``None``."""
    if not isinstance(value, str) or not value:
        return "must be a URL"
    if any(character.isspace() for character in value):
        return f"{value!r} contains whitespace"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{value!r} is not an http(s) URL with a host"
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return f"{value!r} has a malformed port"
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        return f"{value!r} has a malformed host name"
    try:
        private = not ipaddress.ip_address(host).is_global
    except ValueError:
        private = host == "localhost" or host.endswith(".localhost")
        if not private and ("." not in host or not all(_HOST_LABEL.fullmatch(label) for label in host.split("."))):
            return f"{value!r} has a malformed host name"
    if private and not allow_private_hosts:
        return f"{value!r} points to a private or loopback address (allowed only with allow_private_hosts: true)"
    return None


def _month_day_problem(value: Any) -> str | None:
    match = _MONTH_DAY.fullmatch(value) if isinstance(value, str) else None
    try:
        if match:
            date(2024, int(match[1]), int(match[2]))  # a leap year, so 02-29 is a valid month-day
            return None
    except ValueError:
        pass
    return f"{value!r} is not a month-day like \"01-31\" (quote it in YAML)"


class _Checker:
    """Collects the problems of one file; each check knows the entry's line numbers."""

    def __init__(self, path: Path, allow_private_hosts: bool) -> None:
        self.path = path
        self.allow_private_hosts = allow_private_hosts
        self.problems: list[str] = []

    def report(self, line: int, where: str, message: str) -> None:
        self.problems.append(f"{self.path}:{line}: {where}: {message}")

    def entry(self, raw: Any, index: int, fallback_line: int) -> AgencyEntry | None:
        if not isinstance(raw, _LocatedDict):
            self.report(fallback_line, f"agency #{index + 1}", "must be a mapping of fields")
            return None
        label = raw["id"] if isinstance(raw.get("id"), str) else f"agency #{index + 1}"
        problems_before = len(self.problems)

        def problem(name: str, message: str) -> None:
            self.report(raw.key_lines.get(name, raw.line), f"{label}: {name}", message)

        for key, first, again in raw.duplicate_keys:
            self.report(again, f"{label}: {key}", f"given twice (first on line {first})")
        for key in raw:
            if key not in REQUIRED_FIELDS + OPTIONAL_FIELDS:
                problem(key, f"unknown field (fields are: {', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)})")
        for key in REQUIRED_FIELDS:
            if raw.get(key) in (None, ""):
                problem(key, "required")
        ident = raw.get("id")
        if ident not in (None, "") and not (isinstance(ident, str) and _SLUG.fullmatch(ident) and len(ident) <= 64):
            problem("id", f"{ident!r} is not a slug (lower-case letters, digits and single hyphens, at most 64)")
        for key in ("name", "notes", "parent"):
            if raw.get(key) is not None and not isinstance(raw[key], str):
                problem(key, "must be text")
        if raw.get("kind") is not None and raw["kind"] not in KINDS:
            problem("kind", f"{raw['kind']!r} is not one of {', '.join(KINDS)}")
        if raw.get("level") is not None and raw["level"] not in LEVELS:
            problem("level", f"{raw['level']!r} is not one of {', '.join(LEVELS)}")
        region = raw.get("region")
        region = str(region) if isinstance(region, int) else region
        if region is not None:
            if raw.get("level") == "national":
                problem("region", "national agencies have no region")
            elif reason := region_problem(str(region), raw.get("level")):
                problem("region", reason)
        if raw.get("portal") not in (None, "") and (reason := url_problem(raw["portal"], self.allow_private_hosts)):
            problem("portal", reason)
        pages = raw.get("report_pages") or []
        if not isinstance(pages, list):
            problem("report_pages", "must be a list of URLs")
            pages = []
        for page in pages:
            if reason := url_problem(page, self.allow_private_hosts):
                problem("report_pages", reason)
        if raw.get("deadline") is not None and (reason := _month_day_problem(raw["deadline"])):
            problem("deadline", reason)
        if not isinstance(raw.get("verified", False), bool):
            problem("verified", "must be true or false")
        if len(self.problems) > problems_before:
            return None
        return AgencyEntry(id=raw["id"], name=raw["name"], kind=raw["kind"], level=raw["level"], region=region,
                           parent=raw.get("parent"), portal=raw["portal"], report_pages=tuple(pages),
                           deadline=raw.get("deadline"), verified=raw.get("verified", False), notes=raw.get("notes"))


def _check_relations(checker: _Checker, entries: list[tuple[AgencyEntry, _LocatedDict]]) -> None:
    """Duplicates across entries, and parents that exist and do not loop."""
    first_line: dict[str, int] = {}
    first_name: dict[tuple[str, str | None], int] = {}
    for entry, raw in entries:
        if entry.id in first_line:
            checker.report(raw.key_lines["id"], f"{entry.id}: id",
                           f"duplicate id (first on line {first_line[entry.id]})")
        first_line.setdefault(entry.id, raw.key_lines["id"])
        if (entry.name, entry.region) in first_name:
            checker.report(raw.key_lines["name"], f"{entry.id}: name",
                           f"{entry.name!r} in region {entry.region} already listed on line "
                           f"{first_name[(entry.name, entry.region)]}")
        first_name.setdefault((entry.name, entry.region), raw.key_lines["name"])
    parents = {entry.id: entry.parent for entry, _ in entries}
    for entry, raw in entries:
        if entry.parent is None:
            continue
        if entry.parent not in parents:
            checker.report(raw.key_lines["parent"], f"{entry.id}: parent",
                           f"{entry.parent!r} is not an agency id in this file")
            continue
        seen, current = {entry.id}, entry.parent
        while current is not None and current not in seen:
            seen.add(current)
            current = parents.get(current)
        if current == entry.id:
            checker.report(raw.key_lines["parent"], f"{entry.id}: parent", "parents form a loop back to this agency")


def load_registry(path: Path = DEFAULT_PATH) -> Registry:
    """Read and validate a registry file; raises :class:`RegistryInvalid` listing every problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise CollectorError(f"{path}: cannot read the agency registry ({reason})") from None
    try:
        document = yaml.load(text, Loader=_LineLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f"{mark.line + 1}:" if mark else ""
        raise RegistryInvalid([f"{path}:{line} invalid YAML: {getattr(exc, 'problem', None) or exc}"]) from None
    if not isinstance(document, _LocatedDict) or not isinstance(document.get("agencies"), list):
        raise RegistryInvalid([f"{path}:1: agencies: the file must be a mapping with an `agencies:` list"])
    checker = _Checker(path, allow_private_hosts=document.get("allow_private_hosts", False) is True)
    for key, first, again in document.duplicate_keys:
        checker.report(again, key, f"given twice (first on line {first})")
    for key in document:
        if key not in TOP_LEVEL_KEYS:
            checker.report(document.key_lines[key], key,
                           f"unknown top-level key (keys are: {', '.join(TOP_LEVEL_KEYS)})")
    if not isinstance(document.get("allow_private_hosts", False), bool):
        checker.report(document.key_lines["allow_private_hosts"], "allow_private_hosts", "must be true or false")
    defaults = document.get("defaults") or {}
    if not isinstance(defaults, dict):
        checker.report(document.key_lines["defaults"], "defaults", "must be a mapping")
        defaults = {}
    for key, value in defaults.items():
        if str(key).endswith("_deadline"):
            reason = _month_day_problem(value)
        elif key in POLITENESS_KEYS:
            reason = politeness_problem(key, value)
        else:
            reason = f"unknown default (defaults are *_deadline and {', '.join(POLITENESS_KEYS)})"
        if reason:
            checker.report(defaults.key_lines[key], f"defaults: {key}", reason)
    entries = []
    for index, raw in enumerate(document["agencies"]):
        entry = checker.entry(raw, index, document.key_lines["agencies"])
        if entry is not None:
            entries.append((entry, raw))
    _check_relations(checker, entries)
    if checker.problems:
        raise RegistryInvalid(checker.problems)
    return Registry(agencies=[entry for entry, _ in entries], defaults=dict(defaults),
                    allow_private_hosts=document.get("allow_private_hosts", False))


def registry_as_json(registry: Registry) -> dict[str, Any]:
    """The validated registry as plain JSON: what a distributed crawl stores for its shard jobs to read."""
    return {"agencies": [asdict(entry) for entry in registry.agencies], "defaults": registry.defaults,
            "allow_private_hosts": registry.allow_private_hosts}


def registry_from_json(document: dict[str, Any]) -> Registry:
    """The inverse of :func:`registry_as_json` (the document was validated when it was stored)."""
    entries = [AgencyEntry(**{**entry, "report_pages": tuple(entry["report_pages"])})
               for entry in document["agencies"]]
    return Registry(agencies=entries, defaults=dict(document.get("defaults") or {}),
                    allow_private_hosts=bool(document.get("allow_private_hosts")))


def township_deadline(path: Path) -> str | None:
    """``defaults.township_deadline`` (MM-DD) of the registry file, when the file and the default exist."""
    return load_registry(path).defaults.get("township_deadline") if path.exists() else None


@dataclass(frozen=True)
class SyncResult:
    new: int
    updated: int
    unchanged: int
    only_in_database: list[str]  # kept: documents may refer to them


def _columns(entry: AgencyEntry) -> dict[str, Any]:
    return {"name": entry.name, "kind": entry.kind, "level": entry.level, "region": entry.region,
            "parent_id": entry.parent, "portal": entry.portal, "report_pages": list(entry.report_pages),
            "deadline": entry.deadline, "verified": entry.verified, "notes": entry.notes}


def _parents_first(entries: list[AgencyEntry]) -> list[AgencyEntry]:
    by_id = {entry.id: entry for entry in entries}
    ordered: dict[str, AgencyEntry] = {}

    def place(entry: AgencyEntry) -> None:
        if entry.id not in ordered:
            if entry.parent is not None:
                place(by_id[entry.parent])
            ordered[entry.id] = entry

    for entry in entries:
        place(entry)
    return list(ordered.values())


def sync_registry(db: Database, registry: Registry) -> SyncResult:
    """Insert new agencies and update changed ones, in one transaction; never deletes."""
    now = datetime.now(UTC)
    with db.session() as session, session.begin():
        existing = {agency.id: agency for agency in session.scalars(select(Agency))}
        new, changed, unchanged = [], [], 0
        for entry in _parents_first(registry.agencies):
            columns = _columns(entry)
            agency = existing.get(entry.id)
            if agency is None:
                new.append(Agency(id=entry.id, synced_at=now, **columns))
            elif any(getattr(agency, name) != value for name, value in columns.items()):
                changed.append((agency, columns))
            else:
                unchanged += 1
        session.add_all(new)
        session.flush()  # parents inserted before updates point at them
        for agency, columns in changed:
            for name, value in columns.items():
                setattr(agency, name, value)
            agency.synced_at = now
        listed = {entry.id for entry in registry.agencies}
        return SyncResult(new=len(new), updated=len(changed), unchanged=unchanged,
                          only_in_database=sorted(set(existing) - listed))


def list_agencies(db: Database, region: str | None = None) -> list[Agency]:
    """Agencies ordered by region then id; ``region`` keeps those within that division.

    A GB/T 2260 code names a division and everything inside it: ``410000`` is all of Henan,
    ``410700`` all of Xinxiang, so trailing ``00`` pairs are dropped and the rest is a prefix.
    """
    query = select(Agency).order_by(Agency.region, Agency.id)
    if region is not None:
        if reason := region_problem(region):
            raise CollectorError(f"--region: {reason}")
        prefix = region
        while prefix.endswith("00"):
            prefix = prefix[:-2]
        query = query.where(Agency.region.startswith(prefix, autoescape=True))
    with db.session() as session:
        return list(session.scalars(query))
