"""The opinion map as plain numbers for the SVG template: participants as dots
coloured by group (the viewer's own dot marked), group labels at their centres,
statements as small diamonds whose text shows on hover. No scripts: the
template escapes every text, and the shapes are computed here."""

from __future__ import annotations

from typing import Any

WIDTH, HEIGHT, PAD = 640, 400, 28
MAX_DOTS = 2500  # more dots add nothing to the picture but weight to the page
MAX_STATEMENTS = 60  # the most extreme ones: they explain the axes


def opinion_map(
    report: dict[str, Any], statements: dict[int, dict[str, Any]], bodies: dict[int, str]
) -> dict[str, Any]:
    points = report.get("points", [])
    if not points:
        return {"empty": True, "width": WIDTH, "height": HEIGHT}
    placed = [s for s in statements if s in bodies]
    extreme = sorted(
        placed,
        key=lambda pk: -(statements[pk]["position"][0] ** 2 + statements[pk]["position"][1] ** 2),
    )[:MAX_STATEMENTS]
    xs = [p[0] for p in points] + [statements[pk]["position"][0] for pk in extreme]
    ys = [p[1] for p in points] + [statements[pk]["position"][1] for pk in extreme]
    low_x, high_x, low_y, high_y = min(xs), max(xs), min(ys), max(ys)
    span = max(high_x - low_x, high_y - low_y, 1e-9)
    scale = min((WIDTH - 2 * PAD) / span, (HEIGHT - 2 * PAD) / span)
    off_x = PAD + ((WIDTH - 2 * PAD) - (high_x - low_x) * scale) / 2
    off_y = PAD + ((HEIGHT - 2 * PAD) - (high_y - low_y) * scale) / 2

    def at(x: float, y: float) -> tuple[float, float]:
        # SVG's y axis points down; flip so "up" on the map is positive.
        return round(off_x + (x - low_x) * scale, 1), round(
            HEIGHT - (off_y + (y - low_y) * scale), 1
        )

    step = max(1, len(points) // MAX_DOTS)
    mine = report.get("my_point")
    dots = []
    for i in range(0, len(points), step):
        if i == mine:
            continue
        x, y = at(points[i][0], points[i][1])
        dots.append({"x": x, "y": y, "group": int(points[i][2])})
    me = None
    if mine is not None and 0 <= mine < len(points):
        x, y = at(points[mine][0], points[mine][1])
        me = {"x": x, "y": y, "group": int(points[mine][2])}
    labels = []
    for group in report.get("groups", []):
        x, y = at(*group["center"])
        labels.append({"x": x, "y": y, "label": group["label"], "id": group["id"]})
    diamonds = []
    for pk in extreme:
        x, y = at(*statements[pk]["position"])
        diamonds.append({"x": x, "y": y, "text": bodies[pk], "id": pk})
    return {
        "empty": False,
        "width": WIDTH,
        "height": HEIGHT,
        "dots": dots,
        "me": me,
        "labels": labels,
        "statements": diamonds,
        "sampled": step > 1,
        "shown": len(dots) + (1 if me else 0),
    }
