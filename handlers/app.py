"""build_application(): the builder chain, Defaults, rate limiter, start-up work, and routing."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import texts
from bot.config import Settings
from bot.db import Database
from bot.services.uploads import MatcherCache
from bot.storage import FileStore
from bot.workers import background_worker
from handlers import (
    errors,
    exemptions,
    imports,
    inbox,
    jobs,
    keyboards,
    onboarding,
    owe,
    people,
    reminders,
    review,
    selfreport,
    summary,
    templates,
    uploads,
)
from handlers.common import PromptReply
from handlers.context import RUNTIME_KEY, BotContext, Runtime
from handlers.context import runtime as runtime_of
from handlers.inbox import InboxBot
from handlers.transport import AiohttpRequest

log = logging.getLogger(__name__)

NETWORK_RETRIES = 4
DOCUMENT_WORKERS = 2  # two coordinators' workbooks at once; more would only share two cores


class RetryingRateLimiter(AIORateLimiter):
    """Telegram's limits (AIORateLimiter, which honours 429 retry_after), plus retries with
    backoff for 5xx answers and timeouts, which PTB itself never retries."""

    async def process_request(
        self,
        callback: Any,
        args: Any,
        kwargs: Any,
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Any,
    ) -> Any:
        delay = 0.5
        for attempt in range(NETWORK_RETRIES + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except BadRequest:
                raise  # our request is wrong: retrying cannot help
            except NetworkError as error:
                if endpoint == "getUpdates" or attempt == NETWORK_RETRIES:
                    raise  # the updater has its own retry loop for polling
                log.warning(
                    "%s failed (%s); retry %d in %.1fs", endpoint, error, attempt + 1, delay
                )
                await asyncio.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")


def build_runtime(settings: Settings, db: Database | None = None) -> Runtime:
    """Database, file store and matchers for the bot (tests pass their own database)."""
    database = db or Database(settings.database_url)
    return Runtime(
        settings=settings,
        db=database,
        store=FileStore(settings.storage_dir),
        matchers=MatcherCache(settings.glossary_file),
        # 'spawn': a fork would copy this process's threads' locks and its database connections.
        documents=ProcessPoolExecutor(
            DOCUMENT_WORKERS,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=background_worker,
        ),
    )


def build_application(
    settings: Settings, runtime: Runtime | None = None, *, rate_limited: bool = True
) -> Application:  # type: ignore[type-arg]
    """The bot, configured from settings; base_url/base_file_url reach any Bot API server.

    `rate_limited=False` is for benchmarks only: it drops Telegram's limits and the retries.
    """
    runtime = runtime or build_runtime(settings)
    bot = InboxBot(
        token=settings.telegram_bot_token,
        base_url=settings.telegram_base_url,
        base_file_url=settings.telegram_base_file_url,
        local_mode=settings.telegram_local_mode,
        defaults=Defaults(parse_mode=ParseMode.HTML),
        rate_limiter=RetryingRateLimiter(max_retries=5) if rate_limited else None,
        # PTB's builder defaults: a large pool for requests, one connection for long polling;
        # over aiohttp rather than httpx (handlers/transport.py says why).
        request=AiohttpRequest(connection_pool_size=256, proxy=settings.telegram_proxy),
        get_updates_request=AiohttpRequest(connection_pool_size=1, proxy=settings.telegram_proxy),
        runtime=runtime,
    )
    application = (
        ApplicationBuilder()
        .bot(bot)
        # Updates overlap while they wait on Telegram (downloads, replies); each service call
        # is synchronous, so database work never interleaves within one event loop.
        .concurrent_updates(settings.concurrent_updates)
        .context_types(ContextTypes(context=BotContext))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    application.bot_data[RUNTIME_KEY] = runtime
    register(application)
    jobs.register_reminder_jobs(application, settings)
    jobs.register_housekeeping_jobs(application)
    return application


async def post_init(application: Application) -> None:  # type: ignore[type-arg]
    """Worker threads for use cases; command menus; replay updates a crash left unhandled."""
    # Every use case runs in a worker thread (BotContext.call): enough of them that each
    # update being handled at once has one, plus a few for file storage and reminders.
    workers = runtime_of(application).settings.concurrent_updates + 8
    # A use case that computes for a while (a summary of 10,000 obligations) holds the GIL;
    # every other update needs it back a few times on its way through. By default a waiting
    # thread gets it after 5 ms each time; 0.5 ms keeps other users' answers prompt.
    sys.setswitchinterval(0.0005)
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=workers, thread_name_prefix="use-case")
    )
    await application.bot.set_my_commands(
        [BotCommand(c, d) for c, d in texts.COMMAND_DESCRIPTIONS_PRIVATE],
        scope=BotCommandScopeAllPrivateChats(),
    )
    await application.bot.set_my_commands(
        [BotCommand(c, d) for c, d in texts.COMMAND_DESCRIPTIONS_GROUP],
        scope=BotCommandScopeAllGroupChats(),
    )
    documents = runtime_of(application).documents
    if documents is not None:  # start the processes now, not on a coordinator's first /summary
        loop = asyncio.get_running_loop()
        await asyncio.gather(
            *(loop.run_in_executor(documents, int) for _ in range(DOCUMENT_WORKERS))
        )
    database = runtime_of(application).db
    inbox.forget_old(database, runtime_of(application).clock())
    for update in inbox.pending_updates(database, application.bot):
        log.info("replaying update %s left unhandled by the last run", update.update_id)
        await application.update_queue.put(update)


async def post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    """Stop the document processes."""
    documents = runtime_of(application).documents
    if documents is not None:
        documents.shutdown(wait=False, cancel_futures=True)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """The routing table: one block per flow."""
    add = application.add_handler
    updates = ~filters.UpdateType.EDITED

    # The durable inbox: redeliveries stop here; every update is marked handled at the end.
    add(TypeHandler(Update, inbox.skip_if_handled), group=-1)
    add(TypeHandler(Update, inbox.done), group=99)

    # Onboarding: invites, registration, binding groups.
    add(CommandHandler("start", onboarding.start, filters=updates))
    add(CommandHandler("help", onboarding.show_help, filters=updates))
    add(CommandHandler("invite", onboarding.invite, filters=updates))
    add(CommandHandler("bind", onboarding.bind, filters=updates))
    add(CommandHandler("unbind", onboarding.unbind, filters=updates))
    add(MessageHandler(filters.StatusUpdate.MIGRATE, onboarding.chat_migrated))
    add(CallbackQueryHandler(onboarding.bind_pick, pattern=f"^{keyboards.BIND}:"))

    # Who may do what: people, revocations, roles (coordinators).
    add(CommandHandler("people", people.show_people, filters=updates))
    add(CommandHandler("revoke", people.revoke_power, filters=updates))
    add(CommandHandler("role", people.change_role, filters=updates))

    # What a unit still owes.
    add(CommandHandler("owe", owe.owe, filters=updates))
    add(CallbackQueryHandler(owe.owe_pick, pattern=f"^{keyboards.OWE_UNIT}:"))

    # /import in chat (coordinators): a task table previewed, then [确认导入] or [取消]. Before
    # the uploads: a document captioned /import is a table to import, never a submission.
    add(MessageHandler(updates & filters.Document.ALL & imports.CAPTION, imports.import_sent_table))
    add(CommandHandler("import", imports.import_replied_table, filters=updates))
    add(CallbackQueryHandler(imports.confirm, pattern=f"^{imports.CONFIRM}:"))
    add(CallbackQueryHandler(imports.cancel, pattern=f"^{imports.CANCEL}:"))

    # Templates: /template, "模板", the [模板] buttons; a document captioned "/template 2" is
    # a template being attached, so it is routed here before the uploads see it.
    add(CommandHandler("template", templates.template_command, filters=updates))
    add(CallbackQueryHandler(templates.template_button, pattern=f"^{keyboards.TEMPLATE}:"))
    captioned = filters.Document.ALL & filters.CaptionRegex(templates.CAPTION_COMMAND)
    add(MessageHandler(updates & captioned, templates.template_caption))
    asking = filters.TEXT & ~filters.COMMAND & filters.Text(texts.TEMPLATE_WORDS)
    add(MessageHandler(updates & asking, templates.template_words))

    # Uploads and the buttons under them.
    add(MessageHandler(updates & (filters.Document.ALL | filters.PHOTO), uploads.receive_file))
    add(CallbackQueryHandler(uploads.pick_indicator, pattern=f"^{keyboards.PICK}:"))
    add(CallbackQueryHandler(uploads.show_all_indicators, pattern=f"^{keyboards.ALL}:"))
    add(CallbackQueryHandler(uploads.cancel_upload, pattern=f"^{keyboards.CANCEL}:"))
    add(CallbackQueryHandler(uploads.withdraw_submission, pattern=f"^{keyboards.WITHDRAW}:"))
    add(CallbackQueryHandler(uploads.ask_reclassify, pattern=f"^{keyboards.RECLASSIFY}:"))
    add(CallbackQueryHandler(uploads.move_submission, pattern=f"^{keyboards.MOVE}:"))
    add(CallbackQueryHandler(uploads.adopt, pattern=f"^{keyboards.ADOPT}:"))
    # One file for several indicators: [也用于…] under a receipt, /link for coordinators.
    add(CallbackQueryHandler(uploads.ask_link, pattern=f"^{keyboards.LINK_ASK}:"))
    add(CallbackQueryHandler(uploads.link_to_indicator, pattern=f"^{keyboards.LINK}:"))
    add(CommandHandler("link", uploads.link_command, filters=updates))

    # Coordinator: progress summary, review, export; the 自评报告 draft (units: their own).
    add(CommandHandler("summary", summary.show_summary, filters=updates))
    add(CommandHandler("review", review.review, filters=updates))
    add(CallbackQueryHandler(review.accept_submission, pattern=f"^{review.ACCEPT}:"))
    add(CallbackQueryHandler(review.ask_return_reason, pattern=f"^{review.RETURN}:"))
    add(CallbackQueryHandler(review.return_differing, pattern=f"^{review.RETURN_DIFFERENCES}:"))
    add(
        MessageHandler(updates & PromptReply(texts.REVIEW_ASK_REASON), review.receive_return_reason)
    )
    add(CommandHandler("export", summary.export, filters=updates))
    add(CommandHandler("selfreport", selfreport.self_report, filters=updates))

    # Reminders and deadlines: /remind, /deadline, /pause, /resume, /rules.
    reminders.register(application)

    # 不适用 (units ask, coordinators decide or excuse directly) and extensions.
    exemptions.register(application)

    # Everything else: free text, unknown commands, unsupported messages, edits.
    add(MessageHandler(updates & filters.TEXT & ~filters.COMMAND, owe.owe_question))
    add(MessageHandler(updates & filters.COMMAND, errors.unknown_command))
    add(MessageHandler(filters.UpdateType.EDITED, errors.edited_message))
    add(MessageHandler(updates & ~filters.StatusUpdate.ALL, errors.unsupported_message))
    application.add_error_handler(errors.report_error)
