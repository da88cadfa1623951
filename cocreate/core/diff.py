"""Line diffs for version histories (charters, ideas)."""

from __future__ import annotations

import difflib


def line_diff(before: str, after: str, context: int = 2) -> list[dict[str, str]]:
    """Unified-diff lines as {"kind": add|del|ctx|head, "text": ...}."""
    lines = []
    for line in difflib.unified_diff(
        before.splitlines(), after.splitlines(), lineterm="", n=context
    ):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "head"}.get(line[:1], "ctx")
        lines.append({"kind": kind, "text": line[1:] if kind != "head" else line})
    return lines
