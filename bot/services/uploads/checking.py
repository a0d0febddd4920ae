"""An upload held against its indicator's templates: a blank template sent back, how a filed
file differs from its template, and which indicator's template a file's header row is."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.db import UnitOfWork
from bot.models import Campaign
from bot.services.handouts import template_structures
from bot.structure import Difference, Structure, compare_with_templates, extract
from bot.structure import template_evidence as _evidence

COMPARED_SUFFIXES = frozenset({".xlsx", ".docx"})
# A header row this much like an indicator's template header is that indicator's file …
EVIDENCE_SURE = 0.9
# … unless another owed indicator's template fits within this much of it: then the bot asks.
EVIDENCE_MARGIN = 0.05


def upload_structure(filename: str, path: Path | None) -> Structure | None:
    """The structure of a stored .xlsx or .docx (bounded; None for any other file)."""
    if path is None or Path(filename).suffix.lower() not in COMPARED_SUFFIXES:
        return None
    return extract(path)


class TemplateCheck:
    """The campaign's template structures, read at most once per upload, and the upload's."""

    def __init__(self, uow: UnitOfWork, campaign: Campaign, filename: str, path: Path | None):
        self._uow, self._campaign = uow, campaign
        self._filename, self._path = filename, path
        self._structures: dict[str, list[Structure]] | None = None
        self._upload: Structure | None = None
        self._read = False

    @property
    def structures(self) -> dict[str, list[Structure]]:
        if self._structures is None:
            self._structures = template_structures(self._uow, self._campaign)
        return self._structures

    @property
    def upload(self) -> Structure | None:
        # Read only when some indicator has a template: most campaigns' files are never opened.
        if not self._read:
            self._read = True
            if self.structures:
                self._upload = upload_structure(self._filename, self._path)
        return self._upload

    def differences(self, number: str) -> tuple[Difference, ...]:
        """How the upload differs from indicator `number`'s template (() when alike or
        there is nothing to compare)."""
        if number not in self.structures:
            return ()
        return tuple(compare_with_templates(self.structures[number], self.upload))

    def evidence_pick(self, owed: Iterable[str]) -> tuple[str | None, list[str]]:
        """(the one owed indicator whose template header the upload's is, or None; the owed
        indicators whose templates it fits well, best first — to be offered first)."""
        numbers = set(owed)
        if not any(n in numbers for n in self.structures):
            return None, []
        scores = {n: s for n, s in _evidence(self.structures, self.upload).items() if n in numbers}
        fitting = sorted(
            (n for n, s in scores.items() if s >= EVIDENCE_SURE), key=lambda n: -scores[n]
        )
        if len(fitting) == 1:
            return fitting[0], fitting
        if len(fitting) > 1 and scores[fitting[0]] - scores[fitting[1]] > EVIDENCE_MARGIN:
            return fitting[0], fitting
        return None, fitting
