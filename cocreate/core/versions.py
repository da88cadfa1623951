"""Numbered versions (charters, terms): never edited, each change is the next number."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Max

from cocreate.core.errors import Conflict


def create_next_version(versions: models.QuerySet[Any], *, busy: str, **fields: Any) -> Any:
    """Create the row numbered one past the highest in `versions` (one parent's
    versions). The unique (parent, number) constraint settles a race: whoever loses
    takes the following number; after five clashes the caller gets Conflict(busy)."""
    for _attempt in range(5):
        try:
            with transaction.atomic():
                number = (versions.aggregate(n=Max("number"))["n"] or 0) + 1
                return versions.model.objects.create(number=number, **fields)
        except IntegrityError:
            continue
    raise Conflict(busy)
