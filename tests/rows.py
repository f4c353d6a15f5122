"""Posting a table filled in on a page (servq/core/rows.py): inputs named ``{prefix}-{row}-{key}``
and the row count in ``{prefix}-rows``."""

from __future__ import annotations

from collections.abc import Sequence


def table_post(prefix: str, keys: Sequence[str], *rows: Sequence[str]) -> dict[str, str]:
    data = {f"{prefix}-rows": str(len(rows))}
    for i, row in enumerate(rows):
        data.update({f"{prefix}-{i}-{key}": value for key, value in zip(keys, row, strict=True)})
    return data
