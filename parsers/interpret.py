"""The intermediate document to the canonical record: identity, sections, tables, findings."""

from __future__ import annotations

from parsers import findings as codes
from parsers.document import Document, Paragraph, Table
from parsers.findings import Findings
from parsers.labels import FEE_STATEMENT, SECTION_KEYS
from parsers.metadata import detect_template, dominant_year, find_title, publication_evidence, statistics_year
from parsers.normalize import to_simplified
from parsers.rows import row_stream
from parsers.sections import split_sections
from parsers.tables.proactive import read_proactive
from parsers.tables.requests import read_requests
from parsers.tables.review import read_review

_TABLE_SECTIONS = {"proactive": "proactive", "requests": "requests", "review_litigation": "review_litigation"}
_FIRST_2021_YEAR = 2021


def _simplified(document: Document) -> Document:
    """The same document with every text folded to simplified characters (OpenCC t2s + vocabulary)."""
    blocks = [
        Paragraph(to_simplified(block.text)) if isinstance(block, Paragraph)
        else Table([[None if cell is None else to_simplified(cell) for cell in row] for row in block.rows],
                   block.positional)
        for block in document.blocks
    ]
    return Document(media_type=document.media_type, blocks=blocks,
                    title=to_simplified(document.title) if document.title else None,
                    published_at=document.published_at, findings=list(document.findings))


def _report_year(title_year, narrative: str, year_hint, findings: Findings) -> int | None:
    stated = statistics_year(narrative)
    if title_year and stated and title_year != stated:
        findings.add(codes.YEAR_CONFLICT, codes.WARNING, "year",
                     f"title says {title_year}, the 统计期限 sentence says {stated}; the title is used")
    year = title_year or stated or year_hint
    if year is None:
        year = dominant_year(narrative)
        if year is not None:
            findings.add(codes.YEAR_INFERRED, codes.WARNING, "year",
                         f"no title or 统计期限 sentence; {year} is the year the text mentions most")
    if year is None:
        findings.add(codes.YEAR_MISSING, codes.WARNING, "year", "the report year could not be determined")
    return year


def interpret(document: Document, agency_hint: str | None = None, year_hint: int | None = None) -> dict:
    """Build the record (without ``parser_version`` and ``source``, which the caller adds)."""
    document = _simplified(document)
    findings = Findings(document.findings)
    rows = row_stream(document)
    layout = split_sections(rows)
    narrative = "\n".join(label.text for row in rows for label in row.labels)

    title, agency, title_year = find_title(rows, document.title)
    year = _report_year(title_year, narrative, year_hint, findings)
    template = detect_template(rows)
    shape = template if template in ("2019", "2021") else ("2021" if (year or 0) >= _FIRST_2021_YEAR else "2019")

    tables: dict[str, dict] = {"proactive": {}, "requests": {}, "review_litigation": {}}
    if template == "legacy":
        findings.add(codes.LEGACY_FORMAT, codes.WARNING, "format",
                     "pre-2019 statistics table (指标名称/计量单位); not read into a template")
    else:
        readers = {
            "proactive": lambda: read_proactive(layout.zones["proactive"], findings, shape),
            "requests": lambda: read_requests(layout.zones["requests"], findings, template),
            "review_litigation": lambda: read_review(layout.zones["review"], findings),
        }
        for name, read in readers.items():
            table = read()
            if table is None:
                findings.add(codes.TABLE_MISSING, codes.ERROR, name, f"the {name} table was not found")
            else:
                tables[name] = table

    sections = {key: key in layout.headings or bool(tables.get(_TABLE_SECTIONS.get(key, ""), None))
                for key in SECTION_KEYS}
    if not any(sections.values()) and not any(tables.values()) and title is None:
        findings.add(codes.NO_REPORT, codes.ERROR, "document", "no annual-report title, section or table found")
    for key, present in sections.items():
        if not present:
            findings.add(codes.SECTION_MISSING, codes.WARNING, f"sections.{key}", f"section {key} not found")
    if template == "unknown" and any(tables.values()):
        findings.add(codes.FORMAT_UNKNOWN, codes.WARNING, "format",
                     f"no template header labels found; tables read with the {shape} layout")
    if template == "2019" and year is not None and year >= _FIRST_2021_YEAR:
        findings.add(codes.FORMAT_OUTDATED, codes.WARNING, "format",
                     f"a {year} report on the 2019 template (the 2021 template applies from the 2021 reports)")
    if year is not None and year >= _FIRST_2021_YEAR and sections["other"]:
        if not FEE_STATEMENT.search("".join(layout.section_text["other"])):
            findings.add(codes.FEE_STATEMENT_MISSING, codes.WARNING, "sections.other",
                         "section 六 does not say whether 信息处理费 was charged")
    elif year is not None and year >= _FIRST_2021_YEAR:
        findings.add(codes.FEE_STATEMENT_MISSING, codes.WARNING, "sections.other",
                     "no section 六, so no statement on 信息处理费")

    evidence = publication_evidence(rows, document.published_at, year)
    return {
        "title": title,
        "agency": agency or agency_hint,
        "year": year,
        "format": template,
        "published_at": next(iter(evidence.values()), None),
        "sections": sections,
        "tables": tables,
        "findings": findings.as_list(),
        # beyond spec/record.md: each stated publication date by source, for the compliance evidence
        "publication_evidence": evidence,
    }
