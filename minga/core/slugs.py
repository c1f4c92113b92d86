"""Slugs for URLs: readable, unique among the rows they name."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.text import slugify

MAX_BASE = 70  # leaves room for "-<n>" within the usual 80-character slug field


def unique_slug(text: str, rows: QuerySet, *, fallback: str) -> str:
    """The slug of `text` that no row of `rows` has yet: `name`, else `name-2`, `name-3`...

    `fallback` stands in for a text with nothing to slugify (only punctuation, say). The
    check is a read: the unique constraint on the field still decides between two writers.
    """
    base = slugify(text)[:MAX_BASE] or fallback
    slug, n = base, 2
    while rows.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
