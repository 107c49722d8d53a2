"""Which damage a renderer may inflict so that a careful parser can still recover every number.

Two converter hazards lose information: a dropped empty-looking cell (the remaining cells shift
left, so the parser sees six numbers and does not know which column is missing) and numbers run
together without separators (``217,1,0,0,0,0,218`` → ``21710000218``). The renderer only inflicts
them where the template identities pin the truth, so a test may demand the true value or ``null``
but never accept a different number. The checks here are brute force over every reading a parser
could consider; requests rows are short, so that stays cheap.
"""

from __future__ import annotations

import itertools
import random

from collector.sample.identities import requests_failure_count
from collector.sample.labels import PARTY_COLUMNS, REQUEST_COLUMNS, request_rows


def _readings(values: list[int]) -> list[list[int]]:
    """Every full row (7 values, last = total) a parser could rebuild from the 6 it sees.

    The missing cell may be any column: a missing part is the total minus the other parts (and
    cannot be negative), a missing total is the sum of the parts.
    """
    readings = []
    for position in range(len(REQUEST_COLUMNS)):
        if position == len(PARTY_COLUMNS):
            readings.append(values + [sum(values)])
            continue
        parts = values[:-1]
        missing = values[-1] - sum(parts)
        if missing >= 0:
            readings.append(parts[:position] + [missing] + parts[position:] + [values[-1]])
    return readings


def _unambiguous(requests: dict, template: str, cells: list[tuple[str, str]]) -> bool:
    """Whether, with ``cells`` dropped, the printed table is the only best reading.

    Best means fewest failing identities; a publisher's own error is thus tolerated, but every
    other reading must break strictly more identities than the printed numbers do.
    """
    baseline = requests_failure_count(requests, template)
    options = []
    for row, column in cells:
        visible = [requests[row][c] for c in REQUEST_COLUMNS if c != column]
        options.append([(row, reading) for reading in _readings(visible)])
    for combination in itertools.product(*options):
        candidate = dict(requests)
        for row, reading in combination:
            candidate[row] = dict(zip(REQUEST_COLUMNS, reading))
        if candidate != requests and requests_failure_count(candidate, template) <= baseline:
            return False
    return True


def choose_dropped_cells(record: dict, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """``count`` requests cells, at most one per row, whose loss the identities can undo.

    Non-zero cells are preferred (losing a zero from an all-zero row is trivially recoverable).
    Raises ``ValueError`` when the table does not allow that many.
    """
    requests, template = record["tables"]["requests"], record["format"]
    candidates = [(row, column) for row in request_rows(template) for column in REQUEST_COLUMNS]
    rng.shuffle(candidates)
    candidates.sort(key=lambda cell: requests[cell[0]][cell[1]] == 0)
    chosen: list[tuple[str, str]] = []
    for row, column in candidates:
        if len(chosen) == count:
            break
        if row not in {r for r, _ in chosen} and _unambiguous(requests, template, chosen + [(row, column)]):
            chosen.append((row, column))
    if len(chosen) < count:
        raise ValueError(f"only {len(chosen)} cells of this table can be dropped unambiguously")
    return sorted(chosen, key=lambda cell: (request_rows(template).index(cell[0]), REQUEST_COLUMNS.index(cell[1])))


def splits(digits: str, parts: int = len(REQUEST_COLUMNS)) -> list[tuple[int, ...]]:
    """Every way to read ``digits`` as a requests row run together.

    A part has no leading zero unless it is exactly ``0``, and the last part is the sum of the others.
    """
    found = []

    def walk(start: int, taken: tuple[int, ...]) -> None:
        if len(taken) == parts - 1:
            rest = digits[start:]
            if rest and (rest == "0" or rest[0] != "0") and int(rest) == sum(taken):
                found.append(taken + (int(rest),))
            return
        for end in range(start + 1, len(digits)):
            piece = digits[start:end]
            if piece != "0" and piece[0] == "0":
                break
            walk(end, taken + (int(piece),))

    walk(0, ())
    return found


def choose_run_together_rows(record: dict, rng: random.Random) -> list[str]:
    """Three to six requests rows whose digits, run together, split back in exactly one way."""
    requests, template = record["tables"]["requests"], record["format"]
    unique = [row for row in request_rows(template)
              if len(splits("".join(str(requests[row][c]) for c in REQUEST_COLUMNS))) == 1]
    rng.shuffle(unique)
    unique.sort(key=lambda row: requests[row]["total"] == 0)  # prefer rows that carry numbers
    if len(unique) < 3:
        raise ValueError("fewer than three requests rows can be run together unambiguously")
    chosen = unique[:rng.randint(3, min(6, len(unique)))]
    return [row for row in request_rows(template) if row in chosen]
