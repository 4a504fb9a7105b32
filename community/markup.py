"""Markdown for posts, comments and messages: rendered, then sanitized with an allow-list.

Raw HTML in the source is escaped by Markdown itself (shown as text), and nh3 removes anything
that is not on the allow-list; every link gets rel="nofollow noopener noreferrer ugc".
"""

import markdown
import nh3
from markdown.extensions import Extension

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li", "a", "h3", "h4", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


class _EscapeHtml(Extension):
    """Raw HTML blocks and inline tags become text (not dropped), as the member typed them."""

    def extendMarkdown(self, md):  # noqa: N802 - Markdown's API
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")


def render_markdown(source: str) -> str:
    html = markdown.markdown(source or "", extensions=[_EscapeHtml(), "nl2br", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer ugc",
    )


def render_text(source: str) -> str:
    """A post, comment or message: Markdown, with its mentions ("@[id]") as the members' current names."""
    from .mentions import link_mentions

    return link_mentions(render_markdown(source), source)
