"""The compliance report as one self-contained HTML file a person can open and forward.

Rollups, a chart of statuses by region (inline SVG), the per-agency table (sortable by clicking a
header; a few lines of inline script, no external resources) and, for each report, its parsed
tables and findings. Every string from a portal is escaped; only http(s) URLs become links.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from collector.compliance.rollup import STATUSES, VIEWS

_COLOURS = {"on_time": "#2e7d32", "late": "#f9a825", "missing": "#c62828", "unknown": "#6a1b9a", "not_yet_due": "#9e9e9e"}
_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:14px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}
th{background:#f3f3f3;cursor:pointer}.status{font-weight:600}.num{text-align:right}
details{margin:.5em 0}summary{cursor:pointer}.legend span{display:inline-block;margin-right:1em}
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
"""
_SORT_SCRIPT = """
document.querySelectorAll('table.sortable th').forEach(function(th, index){
  th.addEventListener('click', function(){
    var body = th.closest('table').tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var up = th.dataset.order !== 'asc'; th.dataset.order = up ? 'asc' : 'desc';
    rows.sort(function(a, b){
      var x = a.cells[index].dataset.sort || a.cells[index].textContent;
      var y = b.cells[index].dataset.sort || b.cells[index].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'zh');
      return up ? c : -c;
    });
    rows.forEach(function(row){ body.appendChild(row); });
  });
});
"""


def _e(value: object) -> str:
    return "—" if value is None else escape(str(value), quote=True)


def _link(url: str | None, text: str) -> str:
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{escape(text)}</a>'
    return escape(text)


def _chart(rollup: list[dict]) -> str:
    """Horizontal stacked bars, one per region, of the status counts."""
    bar_height, label_width, width = 22, 120, 520
    largest = max((item["total"] for item in rollup), default=1) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + width + 40}" '
             f'height="{bar_height * len(rollup) + 10}" role="img" aria-label="statuses by region">']
    for index, item in enumerate(rollup):
        y = index * bar_height + 5
        parts.append(f'<text x="0" y="{y + 15}" font-size="13">{_e(item["key"])}</text>')
        x = label_width
        for status in STATUSES:
            span = width * item[status] / largest
            if span:
                parts.append(f'<rect x="{x:.1f}" y="{y}" width="{span:.1f}" height="{bar_height - 6}" '
                             f'fill="{_COLOURS[status]}"><title>{status}: {item[status]}</title></rect>')
            x += span
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 15}" font-size="12">{item["total"]}</text>')
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{colour}"></i>{status}</span>' for status, colour in _COLOURS.items())
    return "".join(parts) + f'<div class="legend">{legend}</div>'


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _rollup_table(view: str, rollup: list[dict]) -> str:
    head = "".join(f"<th>{h}</th>" for h in (view, "total", *STATUSES, "on-time rate"))
    body = "".join(
        f"<tr><td>{_e(item['key'])}</td><td class=num>{item['total']}</td>"
        + "".join(f"<td class=num>{item[s]}</td>" for s in STATUSES)
        + f"<td class=num>{_rate(item['on_time_rate'])}</td></tr>"
        for item in rollup)
    return f"<h3>By {view}</h3><table class=sortable><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _agency_table(rows: Sequence[dict]) -> str:
    headers = ("agency", "id", "region", "level", "kind", "deadline", "published", "evidence", "days late", "status",
               "findings", "report")
    head = "".join(f"<th>{h}</th>" for h in headers)
    lines = []
    for row in rows:
        findings = row["findings"]
        detail = f'<a href="#report-{row["report_id"]}">tables &amp; findings</a>' if row["report_id"] else "—"
        published = _e(row["published_at"]) + (" (no later than)" if row["no_later_than"] else "")
        lines.append(
            f"<tr><td>{_e(row['agency'])}</td><td>{_e(row['agency_id'])}</td><td>{_e(row['region'])}</td>"
            f"<td>{_e(row['level'])}</td><td>{_e(row['kind'])}</td><td>{_e(row['deadline'])}</td>"
            f"<td>{published}</td><td>{_e(row['evidence'])}</td>"
            f"<td class=num data-sort=\"{row['days_late'] if row['days_late'] is not None else -1}\">{_e(row['days_late'])}</td>"
            f"<td class=status style=\"color:{_COLOURS.get(row['status'], '#222')}\">{_e(row['status'])}</td>"
            f"<td class=num data-sort=\"{findings['error']}\">{findings['error']} errors, {findings['warning']} warnings</td>"
            f"<td>{_link(row['report_url'], 'page')} · {detail}</td></tr>")
    return f"<table class=sortable id=agencies><thead><tr>{head}</tr></thead><tbody>{''.join(lines)}</tbody></table>"


def _record_tables(record: dict) -> str:
    parts = []
    for name, rows in record.get("tables", {}).items():
        if not rows:
            parts.append(f"<p>{_e(name)}: not found</p>")
            continue
        columns = list(next(iter(rows.values())).keys())
        head = "".join(f"<th>{_e(c)}</th>" for c in ["", *columns])
        body = "".join(f"<tr><td>{_e(key)}</td>" + "".join(f"<td class=num>{_e(cells.get(c))}</td>" for c in columns)
                       + "</tr>" for key, cells in rows.items())
        parts.append(f"<h4>{_e(name)}</h4><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    findings = "".join(f"<li>{_e(f['severity'])} <b>{_e(f['code'])}</b> {_e(f['where'])}: {_e(f['message'])}</li>"
                       for f in record.get("findings", []))
    return "".join(parts) + f"<h4>findings</h4><ul>{findings or '<li>none</li>'}</ul>"


def write_html(rows: Sequence[dict], rollups: dict[str, list[dict]], records: dict[int, dict], path: Path,
               title: str) -> None:
    """Write the report; ``records`` maps report ids of the rows to their canonical records."""
    details = "".join(
        f'<details id="report-{row["report_id"]}"><summary>{_e(row["agency"])} — {_e(records[row["report_id"]].get("title"))}'
        f"</summary>{_record_tables(records[row['report_id']])}</details>"
        for row in rows if row["report_id"] in records)
    html = (f"<!DOCTYPE html><html lang=zh-CN><head><meta charset=utf-8><title>{_e(title)}</title>"
            f"<style>{_STYLE}</style></head><body><h1>{_e(title)}</h1>"
            f"<h2>Statuses by region</h2>{_chart(rollups['region'])}"
            f"<h2>Rollups</h2>{''.join(_rollup_table(view, rollups[view]) for view in VIEWS)}"
            f"<h2>Agencies</h2>{_agency_table(rows)}<h2>Reports</h2>{details or '<p>none</p>'}"
            f"<script>{_SORT_SCRIPT}</script></body></html>")
    path.write_text(html, encoding="utf-8")
