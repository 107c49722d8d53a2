"""Readers of the three standard tables: proactive disclosure, requests, review and litigation."""
