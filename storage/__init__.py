"""Keeps bytes and rows: the content-addressed archive and the SQLAlchemy models."""
