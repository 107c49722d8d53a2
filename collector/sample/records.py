"""Deterministic, realistic canonical records: the truth a correct parser must reproduce.

:func:`make_record` returns a record in the exact shape of ``spec/record.md`` (without
``parser_version`` and ``source``, which belong to a parse, not to a report). Its ``findings`` are
the findings a correct parser must emit for the report, and nothing else:

* ``identity_mismatch`` (severity ``error``), one per hard identity that the printed numbers
  break; a publisher error is printed as is and reported, never corrected. ``where`` names the
  cell that states the broken sum (see :mod:`collector.sample.identities`):

  - ``requests.<row>.total`` — a row's total is not the sum of its six applicant columns (A3);
  - ``requests.total_processed.<column>`` — 三（七）总计 is not the sum of the outcome rows (A2);
  - ``requests.carried_forward.<column>`` — 一 + 二 ≠ 三（七） + 四 (A1);
  - ``review_litigation.<group>.total`` — a review/litigation group total is not the sum of its
    four results (R).

  Cells are otherwise addressed as ``<table>.<row>.<column>`` for every table, e.g.
  ``proactive.normative_documents.issued`` (the convention for ``cell_inferred`` and null cells).
* ``format_outdated`` (severity ``warning``, ``where`` = ``format``) when a report of 2021 or later
  still uses the 2019 template.

Numbers are drawn so that reports look like real ones: small counts, many zeros, a few large values,
and every identity holding unless a publisher error is asked for. Everything is derived from
``random.Random(f"{seed}")`` (never the global generator), so a seed always yields the same record.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from datetime import date, timedelta

from collector.sample.identities import identity_failures
from collector.sample.labels import (
    PARTY_COLUMNS,
    REVIEW_GROUPS,
    SECTION_KEYS,
    TEMPLATES,
    TITLE_PATTERNS,
    outcome_rows,
    request_rows,
)

PUBLISHER_ERRORS: tuple[str, ...] = ("total_mismatch", "outcome_sum_mismatch", "review_total_mismatch")

_IDENTITY_NAMES = {
    "A1": "一加二不等于三（七）加四",
    "A2": "三（七）总计不等于各办理结果之和",
    "A3": "总计列不等于各申请人列之和",
    "R": "总计不等于结果维持、结果纠正、其他结果、尚未审结之和",
}

#: Relative frequency of each outcome row in real reports (before per-agency variation):
#: most requests are granted or concern information the agency does not hold.
_OUTCOME_WEIGHTS: dict[str, float] = {
    "granted": 30, "partially_granted": 8,
    "denied_state_secret": 0.3, "denied_prohibited_by_law": 0.5, "denied_security_stability": 0.3,
    "denied_third_party_rights": 1.5, "denied_internal_affairs": 1, "denied_process_information": 1.5,
    "denied_enforcement_case_file": 0.5, "denied_administrative_query": 0.8,
    "unable_not_held": 20, "unable_needs_creation": 3, "unable_still_unclear": 2,
    "not_processed_petition": 3, "not_processed_duplicate": 2, "not_processed_publication": 0.3,
    "not_processed_excessive": 0.5, "not_processed_confirmation": 0.8,
    "other_processing": 4, "other_no_correction": 2, "other_unpaid_fee": 0.2, "other_misc": 2,
}

#: (share of zeros, median when not zero, cap) of new requests per applicant column.
_APPLICANT_SHAPE: dict[str, tuple[float, float, int]] = {
    "natural_person": (0.08, 18, 300), "commercial_enterprise": (0.5, 3, 40),
    "research_institution": (0.92, 1, 3), "social_welfare_org": (0.92, 1, 3),
    "legal_service_org": (0.7, 2, 10), "other_org": (0.8, 2, 10),
}


def agency_kind(agency: str) -> str:
    """``government`` (县级以上人民政府), ``township`` (乡镇、街道) or ``department``; decides deadlines and wording."""
    if agency.endswith(("街道办事处", "街道", "镇", "乡", "镇人民政府", "乡人民政府")):
        return "township"
    if agency.endswith("人民政府"):
        return "government"
    return "department"


def _skewed(rng: random.Random, zero_share: float, median: float, cap: int) -> int:
    """A count that is often zero and otherwise log-normal around ``median`` (long right tail)."""
    if rng.random() < zero_share:
        return 0
    return max(1, min(cap, round(rng.lognormvariate(math.log(median), 1.0))))


def _requests(rng: random.Random, template: str) -> dict:
    """A requests table in which every identity holds, built column by column."""
    outcomes = outcome_rows(template)
    weights = [
        _OUTCOME_WEIGHTS[row] * rng.uniform(0.2, 1.8) * (1 if row == "granted" or rng.random() < 0.5 else 0)
        for row in outcomes
    ]
    table = {row: {} for row in request_rows(template)}
    for column in PARTY_COLUMNS:
        new = _skewed(rng, *_APPLICANT_SHAPE[column])
        carried_over = 0 if rng.random() < 0.6 else rng.randint(0, max(1, new // 6))
        available = new + carried_over
        carried_forward = 0 if rng.random() < 0.55 else rng.randint(0, available // 5)
        processed = available - carried_forward
        counts = Counter(rng.choices(outcomes, weights, k=processed))
        values = {"new_received": new, "carried_over": carried_over, "total_processed": processed,
                  "carried_forward": carried_forward, **{row: counts[row] for row in outcomes}}
        for row, value in values.items():
            table[row][column] = value
    for cells in table.values():
        cells["total"] = sum(cells[c] for c in PARTY_COLUMNS)
    return table


def _review(rng: random.Random) -> dict:
    """Reviews and lawsuits about disclosure are rare: most groups are all zero."""
    table = {}
    for group, share in zip(REVIEW_GROUPS, (0.35, 0.3, 0.15)):
        active = rng.random() < share
        cells = {"upheld": rng.randint(0, 4) if active else 0,
                 "corrected": rng.randint(0, 1) if active else 0,
                 "other": rng.randint(0, 2) if active else 0,
                 "pending": rng.randint(0, 2) if active else 0}
        cells["total"] = sum(cells.values())
        table[group] = cells
    return table


def _money(rng: random.Random, median_yuan: float, *, cents: bool) -> float:
    """A positive amount in yuan: whole yuan (exact in 万元 with four decimals) or with cents."""
    amount = rng.lognormvariate(math.log(median_yuan), 1.2)
    return round(amount, 2) if cents else float(round(amount))


def _proactive_2021(rng: random.Random, kind: str) -> dict:
    legislates = kind == "government" and rng.random() < 0.4
    issued = _skewed(rng, 0.2, 5, 60)
    return {
        "regulations": {"issued": rng.randint(0, 3) if legislates else 0,
                        "repealed": rng.randint(0, 1) if legislates else 0,
                        "in_force": rng.randint(1, 40) if legislates else 0},
        "normative_documents": {"issued": issued,
                                "repealed": 0 if rng.random() < 0.5 else rng.randint(0, issued + 3),
                                "in_force": issued + rng.randint(0, 150)},
        "administrative_licensing": {"decisions": _skewed(rng, 0.25, 300, 60000)},
        "administrative_penalty": {"decisions": _skewed(rng, 0.35, 40, 5000)},
        "administrative_coercion": {"decisions": _skewed(rng, 0.7, 5, 300)},
        "administrative_fees": {"amount_yuan": 0.0 if rng.random() < 0.55 else _money(rng, 500_000, cents=False)},
    }


def _items(rng: random.Random, zero_share: float, median: float, cap: int, decisions_median: float) -> dict:
    """A 2019 (五)(六) row: last year's item count, this year's signed change, decisions."""
    previous = _skewed(rng, zero_share, median, cap)
    change = 0 if rng.random() < 0.55 else rng.randint(-min(10, previous), 10)
    return {"previous_items": previous, "change": change,
            "decisions": _skewed(rng, 0.2, decisions_median, 60000) if previous + change else 0}


def _proactive_2019(rng: random.Random, kind: str) -> dict:
    legislates = kind == "government" and rng.random() < 0.4
    made = _skewed(rng, 0.2, 5, 60)
    published = max(0, made - (0 if rng.random() < 0.7 else rng.randint(1, 3)))
    regulations = rng.randint(0, 3) if legislates else 0
    fees_previous = _skewed(rng, 0.5, 3, 50)
    projects = _skewed(rng, 0.4, 8, 300)
    return {
        "regulations": {"new_made": regulations, "new_published": regulations,
                        "total_published": regulations + (rng.randint(0, 40) if legislates else 0)},
        "normative_documents": {"new_made": made, "new_published": published,
                                "total_published": published + rng.randint(0, 150)},
        "administrative_licensing": _items(rng, 0.15, 40, 800, 300),
        "other_external_services": _items(rng, 0.5, 10, 300, 50),
        "administrative_penalty": _items(rng, 0.3, 100, 2000, 40),
        "administrative_coercion": _items(rng, 0.5, 10, 100, 5),
        "administrative_fees": {"previous_items": fees_previous,
                                "change": 0 if rng.random() < 0.7 else rng.randint(-min(3, fees_previous), 3)},
        "government_procurement": {"projects": projects,
                                   "amount_yuan": _money(rng, 500_000, cents=rng.random() < 0.5) if projects else 0.0},
    }


def _apply_publisher_error(rng: random.Random, tables: dict, template: str, kind: str) -> None:
    """Print one realistic mistake of the publishing agency into ``tables`` (in place)."""
    requests = tables["requests"]
    if kind == "total_mismatch":
        # A mis-added row total: the most common slip in hand-filled tables.
        rows = request_rows(template)
        row = rng.choice([r for r in rows if requests[r]["total"]] or list(rows))
        total = requests[row]["total"]
        requests[row]["total"] = total + rng.choice([d for d in (-2, -1, 1, 2, 10) if total + d >= 0])
    elif kind == "outcome_sum_mismatch":
        # 三（七）总计 left one outcome row out in one applicant column; the row total and 四 were then
        # computed from that wrong figure, so only the outcome sums (A2) break.
        filled = [(column, row) for column in PARTY_COLUMNS for row in outcome_rows(template)
                  if requests[row][column]]
        if filled:
            column, row = rng.choice(filled)
            delta, balance, sign = -requests[row][column], "carried_forward", -1
        else:  # nothing processed at all: one request was counted as new and done, but in no outcome row
            column, delta, balance, sign = "natural_person", 1, "new_received", 1
        for target in (column, "total"):
            requests["total_processed"][target] += delta
            requests[balance][target] += sign * delta
    elif kind == "review_total_mismatch":
        group = rng.choice(REVIEW_GROUPS)
        total = tables["review_litigation"][group]["total"]
        tables["review_litigation"][group]["total"] = total + rng.choice([d for d in (-1, 1, 2) if total + d >= 0])
    else:
        raise ValueError(f"unknown publisher_error {kind!r}; expected one of {PUBLISHER_ERRORS}")


def _findings(tables: dict, template: str, year: int) -> list[dict]:
    findings = [
        {"code": "identity_mismatch", "severity": "error", "where": failure.where,
         "message": f"{_IDENTITY_NAMES[failure.identity]}：印刷值 {failure.printed}，按各项计算应为 {failure.expected}"}
        for failure in identity_failures(tables, template)
    ]
    if template == "2019" and year >= 2021:
        findings.append({"code": "format_outdated", "severity": "warning", "where": "format",
                         "message": f"{year}年度报告仍使用2019年格式（试行），应使用国办公开办函〔2021〕30号格式"})
    return findings


def _title(rng: random.Random, agency: str, year: int) -> str:
    government = agency.endswith("政府")
    patterns = [(pattern, weight) for pattern, weight, year_first in TITLE_PATTERNS if not (year_first and government)]
    pattern = rng.choices([p for p, _ in patterns], [w for _, w in patterns])[0]
    return pattern.format(agency=agency, year=year)


def _published_at(rng: random.Random, agency: str, year: int) -> str:
    """Departments publish by 31 January, governments by 31 March (第四十九条); some are late."""
    kind = agency_kind(agency)
    start = date(year + 1, 1, 5)
    latest = {"department": 26, "township": 50, "government": 85}[kind]
    if rng.random() < 0.1:
        latest += 60  # a late report
    return (start + timedelta(days=rng.randint(0, latest))).isoformat()


def make_record(
    seed: int | str,
    *,
    agency: str,
    year: int,
    template: str | None = None,
    publisher_error: str | None = None,
) -> dict:
    """The canonical record of a realistic report of ``agency`` for data year ``year``.

    ``template`` defaults to the one in force for ``year`` ("2019" for 2019–2020, "2021" after);
    "2019" may be forced for a later year (an outdated report). ``publisher_error`` is one of
    :data:`PUBLISHER_ERRORS`; the record then holds the wrong printed numbers and the findings.
    """
    if year < 2019:
        raise ValueError("the national table templates start with the 2019 reports")
    template = template or ("2019" if year <= 2020 else "2021")
    if template not in TEMPLATES or (template == "2021" and year < 2021):
        raise ValueError(f"template {template!r} cannot be used for {year}")
    rng = random.Random(f"{seed}")
    kind = agency_kind(agency)
    proactive = _proactive_2021(rng, kind) if template == "2021" else _proactive_2019(rng, kind)
    tables = {"proactive": proactive, "requests": _requests(rng, template), "review_litigation": _review(rng)}
    title, published_at = _title(rng, agency, year), _published_at(rng, agency, year)
    if publisher_error is not None:  # drawn last: the same report with one mistake in it
        _apply_publisher_error(rng, tables, template, publisher_error)
    return {
        "title": title,
        "agency": agency,
        "year": year,
        "format": template,
        "published_at": published_at,
        "sections": {key: True for key in SECTION_KEYS},
        "tables": tables,
        "findings": _findings(tables, template, year),
    }
