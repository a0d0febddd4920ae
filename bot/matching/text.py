"""Text normalisation for matching: folding, noise patterns, n-grams and pinyin.

Everything here is about the *form* of what people type (full-width letters, dates, versions,
device noise, pinyin file names, homophone typos), not about which indicator it means.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from pypinyin import lazy_pinyin

from bot.matching.scoring import GRAM_SIZES, MAX_PINYIN_WORD

CJK = r"\u3400-\u9fff"
RUN = re.compile(rf"[{CJK}]+|[a-z]+")
EXTENSION = re.compile(r"\.(?=[0-9]*[a-z])[a-z0-9]{1,5}$")  # has a letter: not "3.2"
DATES = (
    re.compile(r"\d{4}\s*[-./_年]\s*\d{1,2}\s*[-./_月]\s*\d{1,2}\s*[日号]?"),
    re.compile(r"\d{4}\s*[-./_年]\s*\d{1,2}\s*月?"),
    re.compile(r"(?<!\d)(?:19|20)\d{2}(?:[01]\d[0-3]\d)(?:\d{2,9})?(?!\d)"),  # 20231016093512
    re.compile(r"(?<!\d)(?:19|20)\d{2}\s*年度?"),
    re.compile(r"\d{1,2}\s*[-~至到]\s*\d{1,2}\s*月(?:份)?"),
    re.compile(r"\d{1,2}\s*月\s*(?:\d{1,2}\s*[日号])?(?:份)?"),
    re.compile(r"\d{1,2}[.:：]\d{2}(?:[.:：]\d{2})?"),
)
LATIN_JOINER = re.compile(r"(?<=[a-z])[\s_\-.]+(?=[a-z])")
VERSION = re.compile(r"(?<![a-z])v\d+(?:\.\d+)*|\(\s*\d+\s*\)|\[\s*\d+\s*\]")


def fold(text: str) -> str:
    """Full-width → half-width, lower case: the forms people type vary, the meaning does not."""
    return unicodedata.normalize("NFKC", text).lower()


def alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for a word list, longest first so that 县人民法院 wins over 法院."""
    folded = sorted({fold(word) for word in words if word.strip()}, key=len, reverse=True)
    if not folded:
        return None
    escaped = []
    for word in folded:
        piece = re.escape(word)
        # Latin noise words only as whole tokens: "doc" in "doc2023" yes, in "document" no.
        escaped.append(rf"(?<![a-z]){piece}(?![a-z])" if word.isascii() else piece)
    return re.compile("|".join(escaped))


def grams_of_text(text: str) -> Iterable[str]:
    for run in re.findall(rf"[{CJK}]+|[a-z0-9]+", text):
        for size in GRAM_SIZES:
            for start in range(len(run) - size + 1):
                yield run[start : start + size]


def substrings(run: str, longest: int) -> Iterable[str]:
    for start in range(len(run) - 1):
        for end in range(start + 2, min(len(run), start + longest) + 1):
            yield run[start:end]


@lru_cache(maxsize=20000)
def syllable(char: str) -> str:
    return lazy_pinyin(char)[0]


def add_pinyin_words(
    run: str, latin: dict[str, str], homophones: dict[tuple[str, ...], str]
) -> None:
    in_context = lazy_pinyin(run)  # phrase-aware: 行政 → xingzheng, 银行 → yinhang
    per_char = [syllable(char) for char in run]  # what a query char maps to, out of context
    for start in range(len(run) - 1):
        for end in range(start + 2, min(len(run), start + MAX_PINYIN_WORD) + 1):
            word = run[start:end]
            for syllables in (in_context[start:end], per_char[start:end]):
                latin.setdefault("".join(syllables), word)
            homophones.setdefault(tuple(per_char[start:end]), word)


def differs_by_one(piece: str, word: str) -> bool:
    return len(piece) == len(word) and sum(a != b for a, b in zip(piece, word, strict=True)) == 1
