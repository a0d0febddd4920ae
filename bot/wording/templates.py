"""Templates and how an upload differs from its template, as text."""

from __future__ import annotations

from collections.abc import Sequence

from bot import texts
from bot.services.templates import (
    FolderFile,
    TemplateAdded,
    TemplateInfo,
    TemplateListing,
    TemplatesRemoved,
)
from bot.sizes import human_size
from bot.structure import Structure
from bot.structure.sentences import names_text
from bot.wording import Escape, plain


def blank_template_text(template: TemplateInfo, escape: Escape = plain) -> str:
    """The answer to a template sent back unchanged."""
    return texts.TEMPLATE_BLANK.format(
        number=escape(template.number),
        title=escape(template.title),
        filename=escape(template.filename),
    )


def shape_lines(structure: Structure | None, escape: Escape = plain) -> list[str]:
    """What uploads will be compared with: header rows, or headings and table heads."""
    if structure is None:
        return [texts.TEMPLATE_SHAPE_NONE]
    lines = []
    for sheet in structure.sheets:
        columns = names_text(sheet.columns, escape)
        if len(structure.sheets) > 1:
            lines.append(
                texts.TEMPLATE_SHAPE_SHEET.format(sheet=escape(sheet.name), columns=columns)
            )
        else:
            lines.append(texts.TEMPLATE_SHAPE_COLUMNS.format(columns=columns))
    if structure.headings:
        lines.append(
            texts.TEMPLATE_SHAPE_HEADINGS.format(headings=names_text(structure.headings, escape))
        )
    lines.extend(
        texts.TEMPLATE_SHAPE_TABLE.format(columns=names_text(table, escape))
        for table in structure.tables
    )
    return lines


def added_text(added: TemplateAdded, escape: Escape = plain) -> str:
    """A template added (with what uploads will be compared with), replaced, or already there."""
    template = added.template
    fields = {
        "number": escape(template.number),
        "filename": escape(template.filename),
    }
    if added.outcome == "already":
        return texts.TEMPLATE_ALREADY.format(**fields)
    sentence = texts.TEMPLATE_ADDED if added.outcome == "added" else texts.TEMPLATE_REPLACED
    first = sentence.format(title=escape(template.title), size=human_size(template.size), **fields)
    return "\n".join([first, *shape_lines(template.structure, escape)])


def listing_text(listing: TemplateListing, escape: Escape = plain) -> str:
    """Every template of the campaign, with its id (for `template remove #id`)."""
    if not listing.templates:
        return texts.TEMPLATE_NONE_AT_ALL.format(campaign=escape(listing.campaign))
    lines = [
        texts.TEMPLATE_LIST_HEADER.format(
            campaign=escape(listing.campaign), count=len(listing.templates)
        )
    ]
    for template in listing.templates:
        lines.append(
            texts.TEMPLATE_LIST_ITEM.format(
                id=template.id,
                number=escape(template.number),
                title=escape(template.title),
                filename=escape(template.filename),
                size=human_size(template.size),
            )
        )
        lines.extend(shape_lines(template.structure, escape))
    return "\n".join(lines)


def removed_text(removed: TemplatesRemoved, escape: Escape = plain) -> str:
    filenames = "、".join(escape(name) for name in removed.filenames) or texts.NONE_MARK
    return texts.TEMPLATE_REMOVED.format(number=escape(removed.number), filenames=filenames)


def caption_text(template: TemplateInfo, escape: Escape = plain) -> str:
    """The caption under a template sent to a unit."""
    return texts.TEMPLATE_CAPTION.format(
        number=escape(template.number), title=escape(template.title)
    )


def welcome_line(numbers: Sequence[str], escape: Escape = plain) -> str:
    """ "指标2、3 有模板 …" for a new contact; "" when none of their indicators has one."""
    if not numbers:
        return ""
    return texts.TEMPLATE_WELCOME.format(numbers="、".join(escape(n) for n in numbers))


def folder_lines(files: Sequence[FolderFile], escape: Escape = plain) -> list[str]:
    """What `import` did with each file of the campaign's template folder."""
    lines = []
    for file in files:
        if file.number is None:
            lines.append(texts.TEMPLATE_IMPORT_NO_NUMBER.format(filename=escape(file.filename)))
        elif file.refused is not None:
            lines.append(
                texts.TEMPLATE_IMPORT_REFUSED.format(
                    filename=escape(file.filename), reason=file.refused.sentence(escape)
                )
            )
        elif file.added is not None:
            sentence = added_text(file.added, escape).split("\n")[0]
            lines.append(texts.TEMPLATE_IMPORT_LINE.format(sentence=sentence))
    return lines
