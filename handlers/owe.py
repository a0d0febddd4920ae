"""/owe and "还差什么": what a unit still owes."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.services.access import Actor
from bot.services.campaigns import CampaignNotFound, UnitNotFound, list_units
from bot.services.obligations import owed_items
from handlers import keyboards, render
from handlers.common import actor_of, pressed, reply_parts
from handlers.context import BotContext


def is_owe_question(text: str) -> bool:
    """Free text asking what is still owed (还差什么, 我们交齐了吗 …)."""
    return any(trigger in text for trigger in texts.OWE_TRIGGERS)


async def owe(update: Update, context: BotContext) -> None:
    """/owe [unit]: the unit's owed indicators, material, deadline and days left."""
    actor = actor_of(update, context)
    named = " ".join(context.args or []).strip()
    await _answer(update, context, actor, named)


async def owe_question(update: Update, context: BotContext) -> None:
    """Free text: 还差什么 / 我们交齐了吗; other chatter is left alone in groups."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    text = message.text or ""
    if not is_owe_question(text) and message.chat.type != "private":
        return  # ordinary group chatter: no database work on the busiest path
    actor = actor_of(update, context)
    if is_owe_question(text):
        await _answer(update, context, actor, "")
    elif actor.chat_kind == "private":
        if not actor.is_known:
            await message.reply_text(texts.NOT_REGISTERED)
        else:
            await message.reply_text(texts.PRIVATE_TEXT_HINT)


async def owe_pick(update: Update, context: BotContext) -> None:
    """A coordinator's pick from the unit list."""
    callback, actor = await pressed(update, context)
    if callback and callback.args and actor.is_coordinator:
        await _answer(update, context, actor, callback.args[0])


async def _answer(update: Update, context: BotContext, actor: Actor, named: str) -> None:
    message = update.effective_message
    assert message is not None  # noqa: S101
    unit = named if named and actor.is_coordinator else actor.unit
    if unit is None:
        if actor.is_coordinator:
            with context.db.uow() as uow:
                names = [name for name, _ in list_units(uow)]
            await message.reply_text(
                texts.OWE_PICK_UNIT,
                reply_markup=keyboards.names_keyboard(keyboards.OWE_UNIT, names),
            )
        elif actor.chat_kind == "unbound":
            await message.reply_text(texts.GROUP_NOT_BOUND)
        else:
            await message.reply_text(texts.NOT_REGISTERED)
        return
    now = context.now()
    with context.db.uow() as uow:
        try:
            report = owed_items(uow, unit, now)
        except (UnitNotFound, CampaignNotFound) as error:
            await message.reply_text(render.escape(str(error)))
            return
    await reply_parts(message, render.owe_message(report, now))
