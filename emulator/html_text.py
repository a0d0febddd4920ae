"""Telegram's HTML parse mode: validation and the plain text a person reads."""

from __future__ import annotations

from html.parser import HTMLParser

from emulator.errors import ApiError, bad_request

# https://core.telegram.org/bots/api#html-style
ALLOWED_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
        "a", "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip


class _TelegramHtml(HTMLParser):
    """Collects text and checks tags the way Telegram's parser refuses them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open_tags: list[str] = []
        self.error: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Telegram refuses anything else, <br> included: a frequent mistake worth catching
        if tag not in ALLOWED_TAGS:
            self._fail(f'Unsupported start tag "{tag}"')
        else:
            self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags or self.open_tags[-1] != tag:
            self._fail(f'Unmatched end tag "{tag}"')
        else:
            self.open_tags.pop()

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def _fail(self, reason: str) -> None:
        if self.error is None:
            offset = sum(len(p.encode()) for p in self.parts)
            self.error = f"{reason} at byte offset {offset}"


def html_to_plain(text: str) -> str:
    """Strip tags and unescape entities, refusing what Telegram refuses."""
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    if parser.error is None and parser.open_tags:
        parser.error = f'Can\'t find end tag corresponding to start tag "{parser.open_tags[-1]}"'
    if parser.error is not None:
        raise parse_error(parser.error)
    return "".join(parser.parts)


def parse_error(reason: str) -> ApiError:
    """The 400 Telegram answers for malformed formatting."""
    return bad_request(f"can't parse entities: {reason}")


def to_plain(text: str, parse_mode: str | None) -> str:
    """Plain text for any parse mode; MarkdownV2 and Markdown are passed through untouched."""
    if parse_mode and parse_mode.upper() == "HTML":
        return html_to_plain(text)
    return text
