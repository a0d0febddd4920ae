"""/start with an invite, /invite, /bind, /unbind, /help."""

from __future__ import annotations

from datetime import timedelta

from telegram import Update
from telegram.error import Forbidden

from bot import texts
from bot.services.access import NotAllowed
from bot.services.campaigns import UnitNotFound
from bot.services.obligations import owed_items
from bot.services.onboarding import (
    BindAmbiguous,
    InviteInvalid,
    bind_chat,
    create_invite,
    is_coordinator_group_word,
    move_chat,
    redeem_invite,
    unbind_chat,
)
from handlers import keyboards, render
from handlers.common import actor_of, pressed, reply_parts
from handlers.context import BotContext


async def start(update: Update, context: BotContext) -> None:
    """Register with an invite token, or explain how to get one."""
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None  # noqa: S101
    if not context.args:
        actor = actor_of(update, context)
        if actor.unit:
            await message.reply_text(
                texts.ALREADY_REGISTERED.format(unit=render.escape(actor.unit))
            )
        elif actor.is_coordinator:
            await message.reply_text(
                texts.WELCOME_COORDINATOR.format(name=render.escape(user.full_name))
            )
        else:
            await message.reply_text(texts.START_NO_INVITE)
        return
    now = context.now()
    with context.db.uow() as uow:
        try:
            registered = redeem_invite(
                uow,
                context.args[0][:64],
                user_id=user.id,
                display_name=user.full_name,
                username=user.username or "",
                now=now,
                timezone=context.settings.tz,
            )
        except InviteInvalid as error:
            await message.reply_text(str(error))
            return
    if registered.unit is None:
        await message.reply_text(
            texts.WELCOME_COORDINATOR.format(name=render.escape(user.full_name))
        )
        return
    greeting = texts.WELCOME_CONTACT.format(
        name=render.escape(user.full_name), unit=render.escape(registered.unit)
    )
    with context.db.uow() as uow:
        report = owed_items(uow, registered.unit, now)
    await reply_parts(
        message,
        render.split_message(greeting + "\n\n" + "\n".join(render.owe_message(report, now))),
    )


async def invite(update: Update, context: BotContext) -> None:
    """/invite 公安局 or /invite 协调人: a single-use deep link (coordinators only)."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    actor = actor_of(update, context)
    if not actor.is_coordinator:
        await message.reply_text(texts.NOT_ALLOWED_COORDINATOR)
        return
    target = " ".join(context.args or []).strip()
    if not target:
        await message.reply_text(texts.INVITE_USAGE)
        return
    coordinator = target in texts.COORDINATOR_INVITE_WORDS or is_coordinator_group_word(target)
    hours = context.settings.invite_ttl_hours
    with context.db.uow() as uow:
        try:
            created = create_invite(
                uow,
                unit_name=None if coordinator else target,
                coordinator=coordinator,
                created_by=str(actor.user_id),
                now=context.now(),
                ttl=timedelta(hours=hours),
            )
        except UnitNotFound as error:
            await message.reply_text(render.escape(str(error)))
            return
    who = (
        texts.INVITE_WHO_COORDINATOR
        if created.unit is None
        else texts.INVITE_WHO_UNIT.format(unit=render.escape(created.unit))
    )
    link = created.link(context.bot.username)
    text = texts.INVITE_CREATED.format(who=who, hours=hours, link=link)
    if actor.chat_kind == "private":
        await message.reply_text(text)
        return
    # A single-use link posted in a group could be taken by anyone there: send it privately.
    try:
        await context.bot.send_message(actor.user_id, text)
    except Forbidden:
        await message.reply_text(texts.INVITE_PRIVATE_FAILED)
        return
    await message.reply_text(texts.INVITE_SENT_PRIVATELY)


async def bind(update: Update, context: BotContext) -> None:
    """/bind 公安局 or /bind 协调组 in a group (coordinators only)."""
    await _bind_to(update, context, " ".join(context.args or []))


async def bind_pick(update: Update, context: BotContext) -> None:
    """A button under an ambiguous /bind."""
    callback, _ = await pressed(update, context)
    if callback and callback.args:
        await _bind_to(update, context, callback.args[0])


async def _bind_to(update: Update, context: BotContext, target: str) -> None:
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None  # noqa: S101
    actor = actor_of(update, context)
    with context.db.uow() as uow:
        try:
            outcome = bind_chat(uow, actor=actor, title=chat.title or "", target=target)
        except (NotAllowed, UnitNotFound) as error:
            await message.reply_text(render.escape(str(error)))
            return
    if isinstance(outcome, BindAmbiguous):
        await message.reply_text(
            texts.BIND_CHOOSE.format(written=render.escape(outcome.written)),
            reply_markup=keyboards.names_keyboard(keyboards.BIND, outcome.candidates),
        )
    elif outcome.kind == "coordinator":
        await message.reply_text(texts.BIND_DONE_COORDINATOR)
    else:
        await message.reply_text(
            texts.BIND_DONE_UNIT.format(unit=render.escape(outcome.unit or ""))
        )


async def chat_migrated(update: Update, context: BotContext) -> None:
    """A group became a supergroup: its binding follows it to the new chat id."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    with context.db.uow() as uow:
        move_chat(uow, old_chat_id=old, new_chat_id=new)


async def unbind(update: Update, context: BotContext) -> None:
    """/unbind: forget this group's binding."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    actor = actor_of(update, context)
    with context.db.uow() as uow:
        try:
            done = unbind_chat(uow, actor=actor)
        except NotAllowed as error:
            await message.reply_text(str(error))
            return
    await message.reply_text(texts.UNBIND_DONE if done else texts.UNBIND_NOTHING)


async def show_help(update: Update, context: BotContext) -> None:
    """/help: what each command does."""
    message = update.effective_message
    assert message is not None  # noqa: S101
    await message.reply_text(
        texts.HELP.format(limit_mb=context.settings.download_limit_bytes // 2**20)
    )
