"""Compliance: deadlines, publication dates and the status of each agency-year."""
