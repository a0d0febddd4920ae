"""Unit names: canonical names and aliases first, then county-prefix rules, then fuzzy typos.

A name that is only *similar* is never taken silently: callers get how it was matched and a
score, so an importer can report it and a strict import can refuse it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

How = Literal["exact", "alias", "rule", "fuzzy", "new"]

# Annotations offices add to a unit name in a table cell: "市场监管局（牵头）", "公安局等".
_ANNOTATION = re.compile(r"[（(][^）)]*[）)]|等$|牵头$|配合$")
_SPACE = re.compile(r"[\s\u3000]+")
# "永宁县公安局" → "公安局": a county prefix ends at the first 县 within the first six characters.
_COUNTY_PREFIX = re.compile(r"^[^县]{0,5}县")
# Separators of unit lists in one cell: 、，,；; and line breaks.
UNIT_LIST_SEPARATORS = re.compile(r"[、，,；;\n\r/]+")


def clean_unit_name(raw: str) -> str:
    """The name as written, without spaces and annotations."""
    name = _SPACE.sub("", raw or "")
    previous = None
    while previous != name:
        previous = name
        name = _ANNOTATION.sub("", name)
    return name.strip("：:。.，,、；;")


def split_unit_list(cell: str) -> list[str]:
    """The unit names in one table cell, in order, without blanks."""
    names = (clean_unit_name(part) for part in UNIT_LIST_SEPARATORS.split(cell or ""))
    return [name for name in names if name]


@dataclass(frozen=True)
class UnitMatch:
    """How one written name resolved to a canonical unit (or didn't)."""

    written: str
    name: str
    how: How
    score: float = 100.0
    closest: tuple[tuple[str, float], ...] = field(default=())

    @property
    def is_known(self) -> bool:
        return self.how != "new"


class UnitRegistry:
    """Canonical unit names with their aliases."""

    def __init__(self, aliases_by_name: Mapping[str, Iterable[str]]) -> None:
        self._canonical: dict[str, str] = {}
        self._by_alias: dict[str, str] = {}
        for name, aliases in aliases_by_name.items():
            self.add(name, aliases)

    @classmethod
    def from_toml(cls, path: Path) -> UnitRegistry:
        """The registry described by a units file (see data/units.toml)."""
        return cls(read_units_file(path))

    def add(self, name: str, aliases: Iterable[str] = ()) -> None:
        """Know `name` (and its aliases) from now on."""
        self._canonical[name] = name
        for alias in aliases:
            if alias and alias != name:
                self._by_alias.setdefault(alias, name)

    @property
    def names(self) -> list[str]:
        return list(self._canonical)

    def aliases_of(self, name: str) -> list[str]:
        return sorted(a for a, n in self._by_alias.items() if n == name)

    def resolve(self, written: str) -> UnitMatch:
        """Resolve a written unit name: exact, alias, county-prefix rule, typo, or new."""
        name = clean_unit_name(written)
        if name in self._canonical:
            return UnitMatch(written, name, "exact")
        if name in self._by_alias:
            return UnitMatch(written, self._by_alias[name], "alias")
        for variant in _variants(name):
            known = self._lookup(variant)
            if known:
                return UnitMatch(written, known, "rule", 100.0)
        closest = self.closest(name)
        for candidate, score in closest:
            if _is_typo_of(name, candidate):
                return UnitMatch(
                    written, self._lookup(candidate) or candidate, "fuzzy", score, closest
                )
        return UnitMatch(written, name, "new", closest[0][1] if closest else 0.0, closest)

    def closest(self, name: str, limit: int = 3) -> tuple[tuple[str, float], ...]:
        """The known names and aliases most like `name`, with rapidfuzz ratios."""
        choices = [*self._canonical, *self._by_alias]
        if not choices or not name:
            return ()
        found = process.extract(name, choices, scorer=fuzz.ratio, limit=limit * 3)
        best: dict[str, tuple[str, float]] = {}
        for choice, score, _ in found:
            canonical = self._lookup(choice) or choice
            if canonical not in best or score > best[canonical][1]:
                best[canonical] = (choice, round(float(score), 1))
        ranked = sorted(best.values(), key=lambda pair: -pair[1])
        return tuple(ranked[:limit])

    def _lookup(self, name: str) -> str | None:
        return self._canonical.get(name) or self._by_alias.get(name)


def _variants(name: str) -> list[str]:
    """Other ways the same office is written: with or without the county prefix."""
    variants = []
    stripped = _COUNTY_PREFIX.sub("", name)
    if stripped and stripped != name:
        variants += [stripped, "县" + stripped]
    if not name.startswith("县"):
        variants.append("县" + name)
    return variants


def _is_typo_of(written: str, known: str) -> bool:
    """A slip of the keyboard, not another office: few edits, and not a longer name.

    "县公按局" is a typo of "县公安局" (a homophone typed by pinyin input); "县公路局" is another
    office, and "县人民政府办公室" is a different office from "县人民政府" (it contains the whole
    known name plus more).
    """
    for a in {written, _COUNTY_PREFIX.sub("", written) or written}:
        for b in {known, _COUNTY_PREFIX.sub("", known) or known}:
            if len(a) < 3 or len(b) < 3 or b in a or a in b:
                continue
            distance = Levenshtein.distance(a, b)
            if len(a) == len(b) and distance == 1:
                # One character swapped in a short name: only a homophone counts as a typo.
                if lazy_pinyin(a) == lazy_pinyin(b):
                    return True
            elif max(len(a), len(b)) >= 5 and distance <= (1 if max(len(a), len(b)) <= 8 else 2):
                return True
    return False


def read_units_file(path: Path) -> dict[str, list[str]]:
    """Canonical names and aliases from a TOML units file."""
    with path.open("rb") as handle:
        document = tomllib.load(handle)
    return {
        entry["name"]: list(entry.get("aliases", []))
        for entry in document.get("unit", [])
        if entry.get("name")
    }
