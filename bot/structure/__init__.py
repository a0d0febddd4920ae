"""The structure of an office file, and how an upload's structure differs from its template's.

A spreadsheet's structure is the header row of each visible sheet; a document's is its
skeleton: headings and the first row of each table. Templates keep theirs (bot.models.Template)
so that an upload can be compared with them, and so the matcher can weigh how alike an upload
is to each indicator's templates. Everything here is pure and bounded (no database).

- `shapes`: the values (Structure, SheetHeader, Difference);
- `reading`: `extract(path)`, bounded, never raising;
- `comparing`: `compare`, `header_similarity`, and their forms for an indicator's several
  templates (`compare_with_templates`, `template_evidence`).
"""

from bot.structure.comparing import (
    closest_template,
    compare,
    compare_with_templates,
    header_similarity,
    normal,
    template_evidence,
)
from bot.structure.reading import extract, header_of
from bot.structure.shapes import (
    Difference,
    DifferenceKind,
    Kind,
    SheetHeader,
    Structure,
    differences_from_json,
    differences_json,
)

__all__ = [
    "Difference",
    "DifferenceKind",
    "Kind",
    "SheetHeader",
    "Structure",
    "closest_template",
    "compare",
    "compare_with_templates",
    "differences_from_json",
    "differences_json",
    "extract",
    "header_of",
    "header_similarity",
    "normal",
    "template_evidence",
]
