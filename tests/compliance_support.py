"""A database holding five agencies' 2022 reports and two crawls: on time, late, missing, blocked, township."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from collector.ingest import import_files
from collector.registry import load_registry, sync_registry
from collector.sample import make_record, render
from storage.models import CrawlOutcome, CrawlRun

REGISTRY = """\
agencies:
  - {id: dept-on-time, name: 甲市教育局, kind: department, level: prefecture, region: "410700", portal: "http://a.example.gov.cn/"}
  - {id: gov-late, name: 甲市人民政府, kind: government, level: prefecture, region: "410700", portal: "http://b.example.gov.cn/"}
  - {id: dept-missing, name: 乙县民政局, kind: department, level: county, region: "410782", portal: "http://c.example.gov.cn/"}
  - {id: dept-blocked, name: 乙县财政局, kind: department, level: county, region: "410782", portal: "http://d.example.gov.cn/"}
  - {id: town, name: 丙镇人民政府, kind: township, level: township, region: "410782", portal: "http://e.example.gov.cn/"}
"""
PUBLISHED = {"dept-on-time": "2023-01-20", "gov-late": "2023-04-10", "town": "2023-03-01"}
CRAWLS = {  # finished at → outcome per agency
    datetime(2023, 2, 10, tzinfo=UTC): {"dept-on-time": "ok", "gov-late": "no_report_found", "dept-missing": "no_report_found",
                                       "dept-blocked": "blocked", "town": "no_report_found"},
    datetime(2023, 6, 1, tzinfo=UTC): {"dept-on-time": "ok", "gov-late": "ok", "dept-missing": "no_report_found",
                                      "dept-blocked": "blocked", "town": "ok"},
}
HOSTILE_URL = '=HYPERLINK("http://evil.example/","click")'
HOSTILE_TITLE = '<script>alert("owned")</script>'


@pytest.fixture
def stored(db, archive, tmp_path: Path):
    registry = tmp_path / "agencies.yaml"
    registry.write_text(REGISTRY, encoding="utf-8")
    sync_registry(db, load_registry(registry))
    names = {"dept-on-time": "甲市教育局", "gov-late": "甲市人民政府", "town": "丙镇人民政府"}
    for seed, (agency_id, published) in enumerate(PUBLISHED.items()):
        record = make_record(seed, agency=names[agency_id], year=2022)
        record["published_at"] = published
        if agency_id == "town":
            record["title"] = HOSTILE_TITLE + record["title"]
        path = tmp_path / f"{agency_id}.html"
        path.write_bytes(render(record, "html_clean", seed=seed))
        url = HOSTILE_URL if agency_id == "town" else f"http://portal.example.gov.cn/{agency_id}.html"
        import_files(db, archive, [path], agency_id=agency_id, url=url)
    with db.session() as session, session.begin():
        for finished, outcomes in CRAWLS.items():
            run = CrawlRun(kind="crawl", started_at=finished, finished_at=finished, status="finished")
            session.add(run)
            session.flush()
            session.add_all(CrawlOutcome(crawl_run_id=run.id, agency_id=agency, status=status, started_at=finished,
                                         finished_at=finished, duration_s=1.0) for agency, status in outcomes.items())
    return db
