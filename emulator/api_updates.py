"""The Bot API's update methods: getUpdates (long polling) and the webhook, delivered as
Telegram delivers it (oldest first, retried until the bot answers 2xx)."""

from __future__ import annotations

import asyncio
import contextlib
import json

import aiohttp

from emulator.errors import ApiError
from emulator.models import JSON
from emulator.state import DEFAULT_ALLOWED_UPDATES
from emulator.world import World

CONFLICT_OTHER_POLL = ApiError(
    409,
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running",
)
WEBHOOK_RETRY_SECONDS = 0.5  # after a refused or failed delivery (Telegram backs off longer)

CONFLICT_WEBHOOK = ApiError(
    409,
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first",
)


class UpdateMethods:
    """getUpdates, setWebhook, deleteWebhook, getWebhookInfo, and the webhook delivery task."""

    world: World
    webhook: JSON
    closing: bool
    _poll_generation: int
    _delivery: asyncio.Task[None] | None

    async def _get_updates(self, params: JSON) -> list[JSON]:
        if self.webhook.get("url"):
            raise CONFLICT_WEBHOOK
        # A newer getUpdates ends an older one still waiting, as on Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        self.world.changed()
        allowed = params.get("allowed_updates")
        if allowed is not None:
            self.world.allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED_UPDATES
        self.world.confirm(int(params.get("offset") or 0))
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = float(params.get("timeout") or 0)
        if not self.world.pending_updates() and timeout > 0:
            try:
                await self.world.wait_for(
                    lambda: (
                        self.world.pending_updates()
                        or generation != self._poll_generation
                        or self.closing
                    ),
                    timeout=timeout,
                )
            except TimeoutError:
                return []
            if generation != self._poll_generation:
                raise CONFLICT_OTHER_POLL
        batch = self.world.peek_updates(limit)
        self.world.stats.updates_delivered += len(batch)
        return batch

    async def _set_webhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            self.world.drop_pending_updates()
        allowed = params.get("allowed_updates")
        if isinstance(allowed, str):  # form-encoded: a JSON array in a string
            allowed = json.loads(allowed)
        if allowed is not None:
            self.world.allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED_UPDATES
        self.webhook = {
            "url": params.get("url", ""),
            "secret_token": params.get("secret_token", ""),
            "allowed_updates": allowed,
            "max_connections": params.get("max_connections", 40),
        }
        self._stop_delivery()
        if self.webhook["url"]:
            self._delivery = asyncio.create_task(self._deliver(dict(self.webhook)))
        return True

    async def _delete_webhook(self, params: JSON) -> bool:
        if params.get("drop_pending_updates"):
            self.world.drop_pending_updates()
        self.webhook = {}
        self._stop_delivery()
        return True

    async def stop_webhook_delivery(self) -> None:
        """At shutdown: end the delivery task, if any."""
        task, self._delivery = self._delivery, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _stop_delivery(self) -> None:
        if self._delivery is not None:
            self._delivery.cancel()
            self._delivery = None

    async def _deliver(self, webhook: JSON) -> None:
        """POST each update to the webhook, oldest first, as Telegram does; retry until 2xx."""
        headers = {"Content-Type": "application/json"}
        if webhook["secret_token"]:
            headers["X-Telegram-Bot-Api-Secret-Token"] = webhook["secret_token"]
        async with aiohttp.ClientSession() as session:
            while not self.closing:
                await self.world.wait_for(
                    lambda: self.world.pending_updates() or self.closing,
                    timeout=3600,
                    description="an update for the webhook",
                )
                if self.closing:
                    return
                [update] = self.world.peek_updates(1)
                try:
                    async with session.post(
                        webhook["url"], data=json.dumps(update), headers=headers
                    ) as response:
                        delivered = response.status < 300
                        self.webhook["last_error"] = "" if delivered else str(response.status)
                except aiohttp.ClientError as error:
                    delivered = False
                    self.webhook["last_error"] = str(error)
                if delivered:
                    self.world.confirm(update["update_id"] + 1)
                    self.world.stats.updates_delivered += 1
                else:
                    await asyncio.sleep(WEBHOOK_RETRY_SECONDS)

    async def _get_webhook_info(self, params: JSON) -> JSON:
        info: JSON = {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": self.world.pending_updates(),
        }
        if info["url"]:
            info["max_connections"] = self.webhook.get("max_connections", 40)
        return info
