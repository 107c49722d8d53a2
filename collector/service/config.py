"""The service's configuration: one YAML file (``config/service.yaml``), every key optional, checked whole.

Relative paths are taken from the working directory, like every other ``collector`` command, and
made absolute when the file is read, so the jobs find them whatever happens later. A file with
problems is refused with all of them at once; nothing starts on half a configuration.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from apscheduler.triggers.cron import CronTrigger

from collector.errors import CollectorError
from collector.registry import DEFAULT_PATH as DEFAULT_REGISTRY
from collector.scaleout.scrapyd import node_url

DEFAULT_PATH = Path("config/service.yaml")
T = TypeVar("T")


@dataclass(frozen=True)
class CrawlConfig:
    schedule: str = "0 2 * * *"
    time_limit: timedelta = timedelta(hours=6)
    years: str | None = None  # YYYY-YYYY; None: the judged years and the one before
    settings: Mapping[str, str] = field(default_factory=dict)  # Scrapy overrides, `collector crawl -s`
    command: tuple[str, ...] | None = None  # None: this installation's `collector crawl`
    nodes: tuple[str, ...] = ()  # Scrapyd nodes to run the crawl on as shards (`collector crawl --nodes`)
    node_slots: int = 2  # jobs at once per node: the nodes' max_proc
    shards: int | None = None  # None: 3 per node slot


@dataclass(frozen=True)
class ReparseConfig:
    schedule: str | None = None  # None: no weekly reparse
    time_limit: timedelta = timedelta(hours=2)


@dataclass(frozen=True)
class WebhookConfig:
    url: str
    timeout: timedelta = timedelta(seconds=10)


@dataclass(frozen=True)
class EmailConfig:
    host: str
    sender: str
    recipients: tuple[str, ...]
    port: int = 25
    starttls: bool = False
    username: str | None = None
    password_env: str | None = None  # the password is read from this environment variable, never from the file
    timeout: timedelta = timedelta(seconds=10)


@dataclass(frozen=True)
class ServiceConfig:
    timezone: ZoneInfo = ZoneInfo("Asia/Shanghai")
    database: str | None = None  # None: $COLLECTOR_DB_URL, else sqlite:///var/collector.db
    archive: Path | None = None  # None: $COLLECTOR_ARCHIVE, else var/archive
    registry: Path = DEFAULT_REGISTRY
    log_file: Path = Path("var/collector.log")
    #: How late a missed run may still start: once, however many were missed while the service was down.
    misfire_grace: timedelta = timedelta(hours=20)
    crawl: CrawlConfig = CrawlConfig()
    reparse: ReparseConfig = ReparseConfig()
    compliance_years: tuple[int, ...] = ()  # empty: the year before the run's date
    failure_nights: int = 3  # a portal unreachable or blocked this many crawls in a row makes an event
    lock_expiry: timedelta = timedelta(minutes=10)
    webhook: WebhookConfig | None = None
    email: EmailConfig | None = None

    def judged_years(self, today_year: int) -> tuple[int, ...]:
        """The report years a snapshot judges on a day of ``today_year``."""
        return self.compliance_years or (today_year - 1,)

    def crawl_years(self, today_year: int) -> str:
        """``--years`` of the nightly crawl: as configured, else the judged years and the one before
        (the cross-year checks compare a report with the previous year's)."""
        if self.crawl.years:
            return self.crawl.years
        years = self.judged_years(today_year)
        return f"{min(years) - 1}-{max(years)}"


class ServiceConfigInvalid(CollectorError):
    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(problems))
        self.problems = problems


# --- value parsers: each returns the value or raises ValueError with the reason ------------------------------

_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def duration(value: Any) -> timedelta:
    """``90``, ``90s``, ``30m``, ``6h`` or ``1d``."""
    match = _DURATION.fullmatch(str(value).strip())
    if not match or isinstance(value, bool) or float(match[1]) <= 0:
        raise ValueError(f"{value!r} is not a positive duration (e.g. 90s, 30m, 6h, 1d)")
    return timedelta(seconds=float(match[1]) * _UNITS[match[2]])


def _cron(value: Any) -> str:
    try:
        CronTrigger.from_crontab(str(value))
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a cron expression (minute hour day month weekday): {exc}") from None
    return str(value)


def _timezone(value: Any) -> ZoneInfo:
    try:
        return ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not a time zone (e.g. Asia/Shanghai)") from None


def _years_range(value: Any) -> str:
    if not re.fullmatch(r"\d{4}(-\d{4})?", str(value)):
        raise ValueError(f"{value!r} is not YYYY or YYYY-YYYY")
    return str(value)


def _year_list(value: Any) -> tuple[int, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(item, int) and 2000 <= item <= 2100 for item in items):
        raise ValueError(f"{value!r} is not a list of report years")
    return tuple(items)


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{value!r} is not a positive whole number")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not a non-empty string")
    return value


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} is not true or false")
    return value


def _texts(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return tuple(_text(item) for item in items)


def _node_urls(value: Any) -> tuple[str, ...]:
    try:
        return tuple(node_url(item) for item in _texts(value))
    except CollectorError as exc:
        raise ValueError(str(exc)) from None


def _settings(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError("must be a mapping of Scrapy setting names to values")
    return {_text(name): str(item) for name, item in value.items()}


def _path(value: Any) -> Path:
    return Path(_text(value)).absolute()


def _webhook_url(value: Any) -> str:
    if not re.match(r"https?://", _text(value)):
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


# --- the file --------------------------------------------------------------------------------------------------

class _Reader:
    """Collects every problem of the file instead of stopping at the first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[str] = []

    def section(self, parent: Mapping[str, Any], name: str, keys: tuple[str, ...]) -> dict[str, Any] | None:
        value = parent.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problems.append(f"{name}: must be a mapping")
            return None
        self.unknown(value, keys, f"{name}: ")
        return value

    def unknown(self, mapping: Mapping[str, Any], keys: tuple[str, ...], where: str = "") -> None:
        for key in mapping:
            if key not in keys:
                self.problems.append(f"{where}{key}: unknown key (keys are: {', '.join(keys)})")

    def value(self, mapping: Mapping[str, Any] | None, key: str, parse: Callable[[Any], T], default: T,
              where: str = "") -> T:
        if mapping is None or mapping.get(key) is None:
            return default
        try:
            return parse(mapping[key])
        except ValueError as exc:
            self.problems.append(f"{where}{key}: {exc}")
            return default


_TOP = ("timezone", "database", "archive", "registry", "log_file", "misfire_grace", "crawl", "reparse", "compliance",
        "events", "lock", "notifiers")


def load_config(path: Path | None = None) -> ServiceConfig:
    """The configuration in ``path``; without a path, ``config/service.yaml`` if it exists, else the defaults."""
    if path is None:
        if not DEFAULT_PATH.exists():
            return _read(_Reader(DEFAULT_PATH), {})
        path = DEFAULT_PATH
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise CollectorError(f"{path}: cannot read the service configuration ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise ServiceConfigInvalid(path, [f"invalid YAML: {getattr(exc, 'problem', None) or exc}"]) from None
    if not isinstance(document, dict):
        raise ServiceConfigInvalid(path, ["the file must be a mapping"])
    return _read(_Reader(path), document)


def _read(reader: _Reader, document: dict[str, Any]) -> ServiceConfig:
    reader.unknown(document, _TOP)
    defaults = ServiceConfig()
    crawl = reader.section(document, "crawl", ("schedule", "time_limit", "years", "settings", "command", "nodes",
                                               "node_slots", "shards"))
    reparse = reader.section(document, "reparse", ("schedule", "time_limit"))
    compliance = reader.section(document, "compliance", ("years",))
    events = reader.section(document, "events", ("failure_nights",))
    lock = reader.section(document, "lock", ("expiry",))
    notifiers = reader.section(document, "notifiers", ("webhook", "email"))
    config = ServiceConfig(
        timezone=reader.value(document, "timezone", _timezone, defaults.timezone),
        database=reader.value(document, "database", _text, None),
        archive=reader.value(document, "archive", _path, None),
        registry=reader.value(document, "registry", _path, defaults.registry.absolute()),
        log_file=reader.value(document, "log_file", _path, defaults.log_file.absolute()),
        misfire_grace=reader.value(document, "misfire_grace", duration, defaults.misfire_grace),
        crawl=CrawlConfig(
            schedule=reader.value(crawl, "schedule", _cron, CrawlConfig.schedule, "crawl: "),
            time_limit=reader.value(crawl, "time_limit", duration, CrawlConfig.time_limit, "crawl: "),
            years=reader.value(crawl, "years", _years_range, None, "crawl: "),
            settings=reader.value(crawl, "settings", _settings, {}, "crawl: "),
            command=reader.value(crawl, "command", _texts, None, "crawl: "),
            nodes=reader.value(crawl, "nodes", _node_urls, (), "crawl: "),
            node_slots=reader.value(crawl, "node_slots", _positive_int, CrawlConfig.node_slots, "crawl: "),
            shards=reader.value(crawl, "shards", _positive_int, None, "crawl: ")),
        reparse=ReparseConfig(
            schedule=reader.value(reparse, "schedule", _cron, None, "reparse: "),
            time_limit=reader.value(reparse, "time_limit", duration, ReparseConfig.time_limit, "reparse: ")),
        compliance_years=reader.value(compliance, "years", _year_list, (), "compliance: "),
        failure_nights=reader.value(events, "failure_nights", _positive_int, defaults.failure_nights, "events: "),
        lock_expiry=reader.value(lock, "expiry", duration, defaults.lock_expiry, "lock: "),
        webhook=_webhook(reader, notifiers),
        email=_email(reader, notifiers),
    )
    if reader.problems:
        raise ServiceConfigInvalid(reader.path, reader.problems)
    return config


def _webhook(reader: _Reader, notifiers: dict[str, Any] | None) -> WebhookConfig | None:
    section = reader.section(notifiers or {}, "webhook", ("url", "timeout"))
    if section is None:
        return None
    where = "notifiers: webhook: "
    if section.get("url") is None:
        reader.problems.append(f"{where}url: required")
        return None
    return WebhookConfig(url=reader.value(section, "url", _webhook_url, "", where),
                         timeout=reader.value(section, "timeout", duration, WebhookConfig.timeout, where))


def _email(reader: _Reader, notifiers: dict[str, Any] | None) -> EmailConfig | None:
    section = reader.section(notifiers or {}, "email", ("host", "port", "sender", "recipients", "starttls",
                                                        "username", "password_env", "timeout"))
    if section is None:
        return None
    where = "notifiers: email: "
    missing = [key for key in ("host", "sender", "recipients") if section.get(key) is None]
    for key in missing:
        reader.problems.append(f"{where}{key}: required")
    if missing:
        return None
    return EmailConfig(host=reader.value(section, "host", _text, "", where),
                       sender=reader.value(section, "sender", _text, "", where),
                       recipients=reader.value(section, "recipients", _texts, (), where),
                       port=reader.value(section, "port", _positive_int, EmailConfig.port, where),
                       starttls=reader.value(section, "starttls", _flag, False, where),
                       username=reader.value(section, "username", _text, None, where),
                       password_env=reader.value(section, "password_env", _text, None, where),
                       timeout=reader.value(section, "timeout", duration, EmailConfig.timeout, where))
