"""Placeholder while the interpreter is written."""


def interpret(document, agency_hint=None, year_hint=None) -> dict:
    return {"title": None, "agency": agency_hint, "year": year_hint, "format": "unknown", "published_at": None,
            "sections": {}, "tables": {"proactive": {}, "requests": {}, "review_litigation": {}}, "findings": []}
