"""Map an uploaded file to the campaign indicator it supports, and say when we are unsure.

Pure: no I/O beyond `load_glossary`, no database, no Telegram. The package's parts:
profiles (the public data types and the glossary), text (folding, noise, n-grams, pinyin),
references (指标4, 第7项 …), scoring (tuning and the confidence rule) and engine (the Matcher:
its indexes and the ranking). See engine.py for how a match works.
"""

from bot.matching.engine import Matcher
from bot.matching.profiles import (
    Candidate,
    Glossary,
    IndicatorProfile,
    MatchResult,
    load_glossary,
    needs_content,
)

__all__ = [
    "Candidate",
    "Glossary",
    "IndicatorProfile",
    "MatchResult",
    "Matcher",
    "load_glossary",
    "needs_content",
]
