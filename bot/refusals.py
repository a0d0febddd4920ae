"""Refusal: the one base of every "no" a use case answers with.

A refusal is not an error: it is a sentence from the catalog (bot/texts.py) with its fields,
meant for the person who asked. Handlers never catch refusals one by one; the application's
error path answers any `Refusal` once, HTML-escaped, and the CLI prints the same sentence
plain. Fields are escaped, never the catalog's own text (which may hold markup).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Refusal(Exception):
    """The use case was refused; `sentence(escape)` says why, in Chinese."""

    def __init__(self, text: str, /, **fields: Any) -> None:
        self.text = text
        self.fields = fields
        super().__init__(self.sentence())

    def sentence(self, escape: Callable[[str], str] | None = None) -> str:
        """The catalog sentence with its fields, each passed through `escape`."""
        if not self.fields:
            return self.text
        if escape is None:
            return self.text.format(**self.fields)
        return self.text.format(**{k: escape(str(v)) for k, v in self.fields.items()})
