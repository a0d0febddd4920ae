"""The matcher's public data: what it knows of an indicator, what it answers, the glossary."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class IndicatorProfile:
    number: str
    title: str
    key_points: str
    material: str
    keywords: tuple[str, ...] = ()
    units: frozenset[str] = frozenset()
    group_title: str = ""
    # The group's number as the table writes it (考核指标 一…五): "指标五" names that group.
    group_number: str = ""


@dataclass(frozen=True)
class Candidate:
    indicator: str
    score: float  # 0..100
    owed_by_unit: bool = False


@dataclass(frozen=True)
class MatchResult:
    candidates: tuple[Candidate, ...]
    confident: bool
    used_content: bool = False
    reason: str = ""  # short English tag for logs: reference / terms / weak / ambiguous / ...

    @property
    def indicator(self) -> str | None:
        if self.confident and self.candidates:
            return self.candidates[0].indicator
        return None


@dataclass(frozen=True)
class Glossary:
    """Field vocabulary: synonym groups, narrower → broader terms, generic and noise words."""

    synonyms: tuple[tuple[str, ...], ...] = ()
    broader: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    generic_words: tuple[str, ...] = ()
    noise_words: tuple[str, ...] = ()


def load_glossary(path: Path) -> Glossary:
    """Read the field glossary (see data/glossary.toml for the format)."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    return Glossary(
        synonyms=tuple(tuple(group["terms"]) for group in raw.get("synonyms", [])),
        broader={term: tuple(wider) for term, wider in raw.get("broader", {}).items()},
        generic_words=tuple(raw.get("generic", {}).get("words", [])),
        noise_words=tuple(raw.get("noise", {}).get("words", [])),
    )


def needs_content(result: MatchResult) -> bool:
    """True when the name and caption did not settle it and a look inside the file may."""
    return not result.confident and not result.used_content
