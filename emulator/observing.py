"""Observing what the bot did, and waiting for it: the helpers tests and the sandbox use."""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Callable
from typing import TypeVar

from emulator.models import JSON, Call, EmuCallbackQuery, EmuMessage
from emulator.state import ChatLike, Listener, WorldState

T = TypeVar("T")


class Observing(WorldState):
    """Read the bot's messages and calls; wait for conditions, re-checked on every change."""

    # ----- observing what the bot did ----------------------------------------------------

    def mark(self) -> int:
        """A cursor: pass it as `after=` to see only what happens from now on."""
        return self._seq

    def messages_in(
        self, chat: ChatLike, *, after: int | None = None, include_deleted: bool = False
    ) -> list[EmuMessage]:
        """Messages the bot sent into a chat, oldest first (edits applied)."""
        sent = self._bot_messages.get(self.chat_of(chat).id, [])
        start = 0 if after is None else bisect.bisect_right(sent, after, key=lambda m: m.seq)
        return [m for m in sent[start:] if include_deleted or not m.deleted]

    def history(self, chat: ChatLike) -> list[EmuMessage]:
        """Every message in a chat, people's and the bot's, oldest first."""
        return list(self._messages.get(self.chat_of(chat).id, {}).values())

    def last_message(self, chat: ChatLike) -> EmuMessage | None:
        """The bot's latest message in a chat that is still there."""
        sent = self._bot_messages.get(self.chat_of(chat).id, [])
        return next((m for m in reversed(sent) if not m.deleted), None)

    def message(self, chat: ChatLike, message_id: int) -> EmuMessage | None:
        """A message by id."""
        return self._messages.get(self.chat_of(chat).id, {}).get(message_id)

    def calls_to(self, method: str) -> list[Call]:
        """The requests made to one Bot API method."""
        wanted = method.lower()
        return [c for c in self.calls if c.method.lower() == wanted]

    async def wait_for_messages(
        self,
        chat: ChatLike,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 -- a deadline for the condition, not for I/O
        after: int | None = None,
    ) -> list[EmuMessage]:
        """Wait for ≥count new bot messages in a chat; without `after`, new = not yet returned."""
        resolved = self.chat_of(chat)
        since = self._cursors.get(resolved.id, 0) if after is None else after

        def ready() -> list[EmuMessage] | None:
            found = self.messages_in(resolved, after=since, include_deleted=True)
            return found if len(found) >= count else None

        description = f"{count} message(s) from the bot in {resolved.name}"
        found = await self.wait_for(ready, timeout=timeout, description=description)
        if after is None:
            self._cursors[resolved.id] = found[-1].seq
        return found

    async def wait_for_answer(
        self,
        query: EmuCallbackQuery,
        timeout: float = 5.0,  # noqa: ASYNC109 -- a deadline for the condition, not for I/O
    ) -> JSON:
        """Wait until the bot answered a button press; returns the answer's parameters."""
        # An answer without text is {}: wait on `answered`, not on the answer's truthiness.
        answered = await self.wait_for(
            lambda: (query.answer,) if query.answered else None,
            timeout=timeout,
            description="answerCallbackQuery",
        )
        return answered[0] or {}

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 5.0,  # noqa: ASYNC109 -- a deadline for the condition, not for I/O
        description: str = "",
    ) -> T:
        """Wait until `predicate()` returns something truthy, re-checked on every change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {description}")
            waiter: asyncio.Future[None] = loop.create_future()
            self._watchers.append(waiter)
            try:
                await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                continue

    async def settle(
        self,
        quiet: float = 0.2,
        timeout: float = 10.0,  # noqa: ASYNC109 -- a deadline for the condition, not for I/O
    ) -> None:
        """Wait until the bot has fetched every update and made no request for `quiet` s."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            idle = time.monotonic() - self.last_activity
            if not self._updates and idle >= quiet:
                return
            await asyncio.sleep(max(0.01, quiet - idle))

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(event, message)` on "sent", "edited" and "deleted" bot messages."""
        self._listeners.append(listener)
