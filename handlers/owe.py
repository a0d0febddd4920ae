"""/owe and "还差什么": what a unit still owes."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.services.access import require_known
from bot.services.handouts import owe_with_templates
from bot.services.obligations import UnitChoice
from handlers import keyboards, render
from handlers.common import button_of, reply_parts
from handlers.context import BotContext
from handlers.exemptions import exemption_keyboard


def is_owe_question(text: str) -> bool:
    """Free text asking what is still owed (还差什么, 我们交齐了吗 …)."""
    return any(trigger in text for trigger in texts.OWE_TRIGGERS)


async def owe(update: Update, context: BotContext) -> None:
    """/owe [unit]: the unit's owed indicators, material, deadline and days left."""
    await _answer(update, context, " ".join(context.args or []).strip())


async def owe_question(update: Update, context: BotContext) -> None:
    """Free text: 还差什么 / 我们交齐了吗; other chatter is left alone in groups."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    if is_owe_question(message.text or ""):
        await _answer(update, context, "")
    elif message.chat.type == "private":
        await context.act(update, require_known)  # a stranger is told how to register
        await message.reply_text(texts.PRIVATE_TEXT_HINT)
    # ordinary group chatter: no answer and no database work (the busiest path)


async def owe_pick(update: Update, context: BotContext) -> None:
    """A coordinator's pick from the unit list."""
    callback = await button_of(update)
    if callback.args:
        await _answer(update, context, callback.args[0])


async def _answer(update: Update, context: BotContext, named: str) -> None:
    message = update.effective_message
    assert message is not None  # noqa: S101
    found = await context.act(update, owe_with_templates, named, context.now())
    if isinstance(found, UnitChoice):
        markup = keyboards.names_keyboard(keyboards.OWE_UNIT, list(found.units))
        await message.reply_text(texts.OWE_PICK_UNIT, reply_markup=markup)
    else:
        parts = render.owe_message(found.report, context.now())
        buttons = keyboards.stacked(
            keyboards.template_keyboard(found.templates),  # [📎 模板 N] per owed item with one
            exemption_keyboard(found.report),  # [申请不适用] per owed item
        )
        await reply_parts(message, parts, buttons)
