"""The hard identities of record.md, evaluated on a record's tables, each failure tied to one cell.

Used by the generator (a record's expected ``identity_mismatch`` findings are exactly the failures
of its printed numbers) and by the renderer (a dropped cell is only chosen when the identities pin
its value). Each identity is reported at the one cell that states the sum, which is the ``where``
a parser must use as well:

* A3, per requests row ``r``: ``total`` = sum of the six applicant columns → ``requests.<r>.total``
* A2, per requests column ``c``: 三（七）总计 = sum of the outcome rows → ``requests.total_processed.<c>``
* A1, per requests column ``c``: 一 + 二 = 三（七） + 四 → ``requests.carried_forward.<c>`` (四 is the
  balancing item of the stated identity)
* R, per review/litigation group ``g``: total = upheld + corrected + other + pending →
  ``review_litigation.<g>.total``
"""

from __future__ import annotations

from dataclasses import dataclass

from collector.sample.labels import PARTY_COLUMNS, REQUEST_COLUMNS, REVIEW_GROUPS, outcome_rows, request_rows


@dataclass(frozen=True, slots=True)
class Failure:
    """One identity that does not hold: where it is reported, the printed and the computed value."""

    identity: str  # "A1" | "A2" | "A3" | "R"
    where: str
    printed: int
    expected: int


def _requests_failures(requests: dict, template: str) -> list[Failure]:
    failures = []
    for row in request_rows(template):
        cells = requests[row]
        expected = sum(cells[c] for c in PARTY_COLUMNS)
        if cells["total"] != expected:
            failures.append(Failure("A3", f"requests.{row}.total", cells["total"], expected))
    outcomes = outcome_rows(template)
    for column in REQUEST_COLUMNS:
        printed = requests["total_processed"][column]
        expected = sum(requests[row][column] for row in outcomes)
        if printed != expected:
            failures.append(Failure("A2", f"requests.total_processed.{column}", printed, expected))
        printed = requests["carried_forward"][column]
        received = requests["new_received"][column] + requests["carried_over"][column]
        expected = received - requests["total_processed"][column]
        if printed != expected:
            failures.append(Failure("A1", f"requests.carried_forward.{column}", printed, expected))
    return failures


def _review_failures(review: dict) -> list[Failure]:
    failures = []
    for group in REVIEW_GROUPS:
        cells = review[group]
        expected = cells["upheld"] + cells["corrected"] + cells["other"] + cells["pending"]
        if cells["total"] != expected:
            failures.append(Failure("R", f"review_litigation.{group}.total", cells["total"], expected))
    return failures


def identity_failures(tables: dict, template: str) -> list[Failure]:
    """Every hard identity of record.md that the numbers in ``tables`` break, in a stable order."""
    return _requests_failures(tables["requests"], template) + _review_failures(tables["review_litigation"])


def requests_failure_count(requests: dict, template: str) -> int:
    """How many requests-table identities fail; the measure used to judge a reconstruction."""
    return len(_requests_failures(requests, template))
