"""Markdown to safe HTML: markdown-it renders with raw HTML disabled, then nh3
(ammonia) sanitises the result, so nothing a member writes can run script."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
    "s",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def _cell_open(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
    # markdown-it aligns table cells with a style attribute, which the sanitiser
    # (rightly) strips; the plain align attribute survives it.
    token = tokens[idx]
    style = str(token.attrGet("style") or "")
    if style.startswith("text-align:"):
        token.attrs.pop("style", None)
        token.attrSet("align", style.partition(":")[2].strip())
    return str(self.renderToken(tokens, idx, options, env))


@dataclass(frozen=True)
class Person:
    """Someone a text may @mention: their id and where their profile is."""

    id: int
    url: str


# "@handle" not inside a word, an address or a path; handles are ASCII, so a mention
# ends cleanly before Chinese text. Used to find candidates before the database
# lookup; the inline rule below decides what is really a mention (not in code).
MENTION = re.compile(r"(?<![A-Za-z0-9_@/.+-])@([A-Za-z0-9_]{3,30})(?![A-Za-z0-9_])")


MENTION_LINK = re.compile(r'<a [^>]*class="mention"[^>]*>')
HREF = re.compile(r'href="([^"]*)"')


def _mention(state: Any, silent: bool) -> bool:
    """Turns @handle into a link when `env["people"]` knows the handle. Never inside
    a link's text (nor code; an image's description keeps only the text)."""
    people: Mapping[str, Person] | None = state.env.get("people")
    if not people or state.src[state.pos] != "@" or state.linkLevel > 0:
        return False
    match = MENTION.match(state.src, state.pos)
    if match is None:  # (the pattern's look-behind sees the text before pos)
        return False
    person = people.get(match.group(1).lower())
    if person is None:
        return False
    if not silent:
        token = state.push("link_open", "a", 1)
        token.attrs = {"href": person.url, "class": "mention"}
        state.push("text", "", 0).content = match.group(0)
        state.push("link_close", "a", -1)
    state.pos = match.end()
    return True


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(
        ["table", "strikethrough"]
    )
    md.add_render_rule("th_open", _cell_open)
    md.add_render_rule("td_open", _cell_open)
    md.inline.ruler.before("link", "mention", _mention)
    return md


def render(text: str, people: Mapping[str, Person] | None = None) -> SafeString:
    return render_mentions(text, people)[0]


def render_mentions(
    text: str, people: Mapping[str, Person] | None = None
) -> tuple[SafeString, list[int]]:
    """The safe HTML, and the ids of the `people` (lower-cased handle -> Person)
    mentioned outside code, in order of first mention."""
    people = people or {}
    html = _parser().render(text or "", {"people": people})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes={"a": {"mention"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener noreferrer",
    )
    # Who is mentioned is read off the links that made it into the output: what an
    # image description or other flattened text contained does not count.
    ids = {person.url: person.id for person in people.values()}
    mentioned: list[int] = []
    for tag in MENTION_LINK.findall(clean):
        href = HREF.search(tag)
        pk = ids.get(href.group(1)) if href else None
        if pk is not None and pk not in mentioned:
            mentioned.append(pk)
    return mark_safe(clean), mentioned  # noqa: S308 - sanitised by nh3 just above
