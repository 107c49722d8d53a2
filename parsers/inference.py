"""Align the values read for a row to the template's columns, recovering dropped or run-together cells.

When a row shows as many values as the template has columns, each value is read as printed, even
if the row's own identity then fails (a publisher's error is reported, never repaired). When it
shows fewer, every way of placing the missing cells (or of splitting a run of digits such as
``21710000218``) that the template identities can complete is a :class:`Candidate`. A table-level
search then keeps the candidates that take part in some assignment satisfying every identity,
and a cell gets a value only when all surviving candidates agree on it: exactly one solution.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import combinations, product

from parsers.rows import Value

#: An identity inside one row: the cell at ``total`` equals the sum of the cells at ``parts``.
RowIdentity = tuple[tuple[int, ...], int]

MAX_MISSING = 3
MAX_SPLITS = 5000
MAX_STATES = 20000
MAX_FIXED_COMBINATIONS = 4096


@dataclass(frozen=True, slots=True)
class Candidate:
    """One way to read a row: a value (or None) per column, and which positions were inferred.

    ``exact`` is False when several placements of a dropped cell give these same values (a zero
    dropped among zeros): the values are certain, but not which of ``inferred`` was dropped.
    """

    cells: tuple[Decimal | None, ...]
    inferred: frozenset[int] = frozenset()
    exact: bool = True


def _identities_hold(cells: Sequence[Decimal | None], identities: Iterable[RowIdentity]) -> bool:
    for parts, total in identities:
        values = [cells[i] for i in parts] + [cells[total]]
        if any(value is None for value in values):
            continue
        if sum(cells[i] for i in parts) != cells[total]:
            return False
    return True


def _solve_unknowns(cells: list[Decimal | None], unknown: set[int], identities: Sequence[RowIdentity]) -> bool:
    """Fill unknown positions from identities with exactly one unknown; False if any stays open."""
    progress = True
    while unknown and progress:
        progress = False
        for parts, total in identities:
            members = (*parts, total)
            open_members = [i for i in members if i in unknown]
            if len(open_members) != 1 or any(cells[i] is None for i in members if i not in unknown):
                continue
            target = open_members[0]
            known_parts = sum(cells[i] for i in parts if i != target)
            value = known_parts if target == total else cells[total] - known_parts
            if value < 0 or value != value.to_integral_value():
                return False
            cells[target] = value
            unknown.discard(target)
            progress = True
    return not unknown


def _cell(value: Value) -> Decimal | None:
    return value.number if value.kind == "number" else None


def _dropped_cell_candidates(values: list[Value], width: int, identities: Sequence[RowIdentity]) -> list[Candidate]:
    missing = width - len(values)
    found: list[Candidate] = []
    for positions in combinations(range(width), missing):
        cells: list[Decimal | None] = []
        read = iter(values)
        for index in range(width):
            cells.append(Decimal(0) if index in positions else _cell(next(read)))
        unknown = set(positions)
        if _solve_unknowns(cells, unknown, identities) and _identities_hold(cells, identities):
            found.append(Candidate(tuple(cells), frozenset(positions)))
    return found


def _splits(digits: str, parts: int) -> Iterable[list[str]]:
    """Ways to cut ``digits`` into ``parts`` numbers without leading zeros (``0`` itself is fine).

    At most ``MAX_SPLITS`` cuttings are examined: a long run has too many to be unambiguous anyway.
    """
    for examined, cuts in enumerate(combinations(range(1, len(digits)), parts - 1)):
        if examined >= MAX_SPLITS:
            return
        pieces = [digits[a:b] for a, b in zip((0, *cuts), (*cuts, len(digits)))]
        if all(piece == "0" or not piece.startswith("0") for piece in pieces):
            yield pieces


def _split_candidates(values: list[Value], width: int, identities: Sequence[RowIdentity]) -> list[Candidate]:
    missing = width - len(values)
    found: list[Candidate] = []
    for index, value in enumerate(values):
        if not value.is_digit_run or len(value.raw) < missing + 1:
            continue
        for pieces in _splits(value.raw, missing + 1):
            cells = [_cell(v) for v in values[:index]] + [Decimal(p) for p in pieces] + [_cell(v) for v in values[index + 1:]]
            if identities and _identities_hold(cells, identities):
                found.append(Candidate(tuple(cells), frozenset(range(index, index + len(pieces)))))
            elif not identities and all(len(piece) == 1 for piece in pieces):
                found.append(Candidate(tuple(cells), frozenset(range(index, index + len(pieces)))))
    return found


def _merge_duplicates(candidates: list[Candidate]) -> list[Candidate]:
    merged: dict[tuple, Candidate] = {}
    for candidate in candidates:
        seen = merged.get(candidate.cells)
        if seen is None:
            merged[candidate.cells] = candidate
        elif seen.inferred != candidate.inferred:
            merged[candidate.cells] = Candidate(candidate.cells, seen.inferred | candidate.inferred, exact=False)
    return list(merged.values())


def row_candidates(values: list[Value], width: int, identities: Sequence[RowIdentity] = ()) -> list[Candidate]:
    """The readings of a row of ``width`` columns given the values printed for it.

    Returns one candidate when the count fits, several or none when cells were dropped or run
    together (none: no placement can be completed, so the row cannot be aligned).
    """
    if len(values) == width:
        return [Candidate(tuple(_cell(value) for value in values))]
    if len(values) > width or not values:
        return []
    found: list[Candidate] = []
    if identities and width - len(values) <= MAX_MISSING:
        found.extend(_dropped_cell_candidates(values, width, identities))
    found.extend(_split_candidates(values, width, identities))
    return _merge_duplicates(found)


@dataclass(frozen=True, slots=True)
class Resolved:
    """A row after alignment: cells (None where undetermined) and the inferred positions.

    ``inferred`` cells were certainly recovered rather than read; ``maybe_inferred`` holds the
    columns among which a recovered cell lies when its position could not be told (values certain).
    """

    cells: tuple[Decimal | None, ...]
    inferred: frozenset[int]
    undetermined: frozenset[int]
    maybe_inferred: frozenset[int] = frozenset()


def agree(candidates: Sequence[Candidate], width: int) -> Resolved:
    """Keep the cells on which every candidate agrees; the others are undetermined."""
    if not candidates:
        return Resolved((None,) * width, frozenset(), frozenset(range(width)))
    cells: list[Decimal | None] = []
    undetermined: set[int] = set()
    for index in range(width):
        column = {candidate.cells[index] for candidate in candidates}
        if len(column) == 1:
            cells.append(column.pop())
        else:
            cells.append(None)
            undetermined.add(index)
    exact = [c.inferred for c in candidates if c.exact]
    certain = frozenset.intersection(*exact) if len(exact) == len(candidates) else frozenset()
    possible = frozenset().union(*(c.inferred for c in candidates)) - certain - undetermined
    return Resolved(tuple(cells), certain - undetermined, frozenset(undetermined), possible)


def _add(state: tuple, cells: tuple) -> tuple:
    return tuple(None if a is None or b is None else a + b for a, b in zip(state, cells))


def _as_ints(cells: tuple[Decimal | None, ...]) -> tuple:
    """Integral Decimals as ints: the search adds them thousands of times and int is far faster."""
    return tuple(int(c) if c is not None and c == c.to_integral_value() else c for c in cells)


def sums_match(a: Sequence[Decimal | None], b: Sequence[Decimal | None]) -> bool:
    """Column-wise equality where an unknown (None) on either side matches anything."""
    return all(x is None or y is None or x == y for x, y in zip(a, b))


def solve_column_sums(
    parts: list[list[Candidate]],
    fixed: dict[str, list[Candidate]],
    width: int,
    sum_row: str,
    check_fixed: Callable[[dict[str, Candidate]], bool],
) -> tuple[list[list[Candidate]], dict[str, list[Candidate]]]:
    """Keep the candidates that take part in at least one consistent assignment.

    The column sums of ``parts`` must equal the ``sum_row`` chosen among ``fixed``;
    ``check_fixed(choice)`` tells whether a choice of fixed-row candidates satisfies the other
    identities. When nothing is consistent (a publisher error somewhere) or the search is too
    large, every candidate survives, so only cells on which all readings agree get values.
    """
    layers: list[dict[tuple, set[tuple[tuple, int]]]] = [{(0,) * width: set()}]
    for candidates in parts:
        layer: dict[tuple, set[tuple[tuple, int]]] = {}
        readings = [_as_ints(candidate.cells) for candidate in candidates]
        for state in layers[-1]:
            for index, cells in enumerate(readings):
                layer.setdefault(_add(state, cells), set()).add((state, index))
        if len(layer) > MAX_STATES:
            return parts, fixed
        layers.append(layer)

    names = list(fixed)
    choices = list(product(*(range(len(fixed[name])) for name in names)))
    if len(choices) > MAX_FIXED_COMBINATIONS:
        return parts, fixed
    final = layers[-1]
    partial_states = [state for state in final if None in state]
    good_states: set[tuple] = set()
    good_fixed: dict[str, set[int]] = {name: set() for name in names}
    for choice in choices:
        chosen = {name: fixed[name][i] for name, i in zip(names, choice)}
        if not check_fixed(chosen):
            continue
        target = _as_ints(chosen[sum_row].cells) if sum_row in chosen else None
        if target is None:
            matching = set(final)
        elif None in target:
            matching = {state for state in final if sums_match(state, target)}
        else:
            matching = {state for state in partial_states if sums_match(state, target)}
            if target in final:
                matching.add(target)
        if matching:
            good_states |= matching
            for name, i in zip(names, choice):
                good_fixed[name].add(i)
    if not good_states:
        return parts, fixed

    surviving: list[set[int]] = [set() for _ in parts]
    frontier = good_states
    for step in range(len(parts), 0, -1):
        previous: set[tuple] = set()
        for state in frontier:
            for prev_state, index in layers[step][state]:
                surviving[step - 1].add(index)
                previous.add(prev_state)
        frontier = previous
    kept_parts = [[c for i, c in enumerate(cands) if i in keep] for cands, keep in zip(parts, surviving)]
    kept_fixed = {name: [c for i, c in enumerate(fixed[name]) if i in good_fixed[name]] for name in names}
    return kept_parts, kept_fixed

