"""What the portal spider hands to the pipeline: list pages it read and documents it fetched.

Plain dataclasses (Scrapy accepts them as items through itemadapter), so the ledger that stores
them needs no Scrapy import. Both carry the raw bytes: nothing is parsed on the way to storage.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True, slots=True)
class ListPage:
    """A column, list page or list-API answer: archived as evidence of what the portal listed."""

    agency_id: str
    url: str
    method: str
    form: str | None  # the POSTed form of list APIs
    role: str         # column | list | api
    status: int
    body: bytes = field(repr=False)


@dataclass(frozen=True, slots=True)
class FetchedDocument:
    """A report page or one of its files, with what its listing said about it."""

    agency_id: str          # the agency whose document it is
    found_on: str           # the agency whose portal listed it
    url: str
    role: str               # report_page | attachment
    status: int
    headers: dict[str, str]
    media_type: str | None
    body: bytes = field(repr=False)
    link_text: str | None   # the title as listed
    list_date: date | None  # the date printed beside it in the list (publication-date evidence)
    report_year: int | None
    legacy: bool
    variant: str            # text | image (图片版) | hyperlink (超链版)
    parent_url: str | None  # the report page a file belongs to
    list_url: str | None    # the list page or API that listed the report
