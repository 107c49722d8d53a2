"""Bad and mutated input: a clear error or a record, never another exception or a hang."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from parsers import UnreadableDocument, parse_bytes

SEEDS = sorted((Path(__file__).parent / "fixtures" / "seeds").glob("*.txt"))
RECORD_KEYS = {"parser_version", "source", "title", "agency", "year", "format", "published_at", "sections", "tables",
               "findings", "publication_evidence"}


def _assert_record_shape(record: dict) -> None:
    assert set(record) == RECORD_KEYS
    assert set(record["tables"]) == {"proactive", "requests", "review_litigation"}
    for finding in record["findings"]:
        assert set(finding) == {"code", "severity", "where", "message"}
        assert finding["severity"] in {"error", "warning", "info"}
    for rows in record["tables"].values():
        for cells in rows.values():
            assert all(value is None or isinstance(value, (int, float)) for value in cells.values())


def _parse_or_refuse(data: bytes) -> None:
    try:
        record = parse_bytes(data)
    except UnreadableDocument as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    _assert_record_shape(record)


def _mutations(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    kind = rng.randrange(6)
    if kind == 0:
        return data[: rng.randrange(len(data))]
    if kind == 1:
        rng.shuffle(lines)
        return b"\n".join(lines)
    if kind == 2:
        spoiled = bytearray(data)
        for _ in range(rng.randrange(1, 40)):
            spoiled[rng.randrange(len(spoiled))] = rng.randrange(256)
        return bytes(spoiled)
    if kind == 3:
        del lines[rng.randrange(len(lines))]
        return b"\n".join(lines)
    if kind == 4:
        return b"\n".join(line.replace(b"\t", b"" if rng.random() < 0.5 else b"  ") for line in lines)
    return b"\n".join(line.replace(b"0", str(rng.randrange(1000)).encode()) if rng.random() < 0.2 else line
                      for line in lines)


@pytest.mark.timeout(300)
def test_thousands_of_mutated_seed_reports_never_crash():
    rng = random.Random(20261123)
    originals = [path.read_bytes() for path in SEEDS]
    for _ in range(2000):
        data = rng.choice(originals)
        for _ in range(rng.randrange(1, 4)):
            data = _mutations(data, rng) or data[:1]
        _parse_or_refuse(data)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_never_crash(data):
    _parse_or_refuse(data)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789 \t|\n-/?一二三四五六七（）、.本年新收总计其他行政复议规章第二十条项")), max_size=3000))
def test_arbitrary_table_like_text_never_crashes(text):
    _parse_or_refuse(text.encode("utf-8"))


@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b"   \n\t  \n", "empty file"),
    (bytes(range(256)) * 20, "binary data"),
    (b"\x00\x01\x02", "binary data"),
])
def test_unreadable_input_is_refused_with_one_line(data, message):
    with pytest.raises(UnreadableDocument, match=message):
        parse_bytes(data)


def test_oversized_input_is_refused_before_reading(tmp_path):
    from parsers import parse_file

    big = tmp_path / "big.html"
    with big.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: 200 MB on paper, nothing on disk
    with pytest.raises(UnreadableDocument, match="too large"):
        parse_file(big)


def test_page_without_a_report_gives_a_record_that_says_so():
    page = "<html><head><title>网站首页</title></head><body><nav>首页 政务公开</nav><p>欢迎访问</p></body></html>"
    record = parse_bytes(page.encode("utf-8"))
    codes = {finding["code"] for finding in record["findings"]}
    assert "no_report" in codes and "table_missing" in codes
    assert record["tables"] == {"proactive": {}, "requests": {}, "review_litigation": {}}


def test_deeply_nested_markup_does_not_exhaust_the_stack():
    page = b"<html><body>" + b"<div>" * 50000 + "<p>二〇二二年一月二十日</p>".encode() + b"</div>" * 50000 + b"</body></html>"
    _assert_record_shape(parse_bytes(page))
