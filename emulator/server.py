"""An aiohttp server speaking the Telegram Bot API over HTTP, backed by an in-memory world.

Point PTB at it with `ApplicationBuilder().base_url(emu.base_url).base_file_url(
emu.base_file_url)` and the real Application runs unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from aiohttp import BodyPartReader, web

from emulator.api import BotApi, Upload
from emulator.errors import NOT_FOUND, UNAUTHORIZED, ApiError, too_many_requests
from emulator.limits import RateLimits
from emulator.models import JSON, Call, EmuChat
from emulator.world import World

logger = logging.getLogger(__name__)

# Parameters whose value is a plain string even when it looks like JSON ("123", "true"):
# PTB form-encodes strings as they are and everything else as JSON.
STRING_PARAMS = frozenset(
    {
        "text", "caption", "parse_mode", "callback_query_id", "url", "title", "description",
        "short_description", "language_code", "inline_message_id", "file_id", "emoji",
        "action", "business_connection_id", "message_effect_id", "secret_token", "ip_address",
        "document", "photo", "voice", "audio", "video", "animation", "sticker",
        "phone_number", "first_name", "last_name", "vcard", "address", "name", "question",
        "explanation", "query",
    }
)  # fmt: skip
MAX_REQUEST = 64 * 1024 * 1024
BAD_GATEWAY_HTML = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)


@dataclass
class Fault:
    """A failure to inject into the next matching request(s)."""

    method: str
    error_code: int | None = 429
    retry_after: int | None = 3
    description: str | None = None
    timeout: bool = False
    drop: bool = False
    applied: bool = False  # timeout/drop: whether the method took effect before failing
    hold: float = 60.0
    count: int = 1
    chat_id: int | None = None

    def matches(self, method: str, params: JSON) -> bool:
        """Same method (any case) and, if set, same chat."""
        if method.lower() != self.method.lower() or self.count <= 0:
            return False
        if self.chat_id is None:
            return True
        try:
            return int(params.get("chat_id")) == self.chat_id  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False

    def error(self) -> ApiError:
        """The error answer this fault produces."""
        code = self.error_code or 500
        if code == 429:
            return too_many_requests(self.retry_after or 1)
        default = {500: "Internal Server Error", 502: "Bad Gateway", 400: "Bad Request"}
        return ApiError(code, self.description or default.get(code, "Error"))


class BotApiEmulator(World):
    """The emulated Telegram: a `World` plus the Bot API over HTTP on 127.0.0.1."""

    def __init__(
        self,
        token: str = "123456789:TEST-emulator-token",  # noqa: S107 -- not a secret
        *,
        bot_username: str = "yingjian_bot",
        bot_name: str = "迎检助手",
        host: str = "127.0.0.1",
        port: int = 0,
        local_mode: bool = False,
        rate_limits: RateLimits | None = RateLimits(),  # noqa: B008 -- frozen, never mutated
        privacy_mode: bool = False,
        strict_private: bool = True,
        files_dir: Path | None = None,
    ) -> None:
        prefix = token.split(":", 1)[0]
        super().__init__(
            bot_id=int(prefix) if prefix.isdigit() else 7_000_000_001,
            bot_username=bot_username,
            bot_name=bot_name,
            privacy_mode=privacy_mode,
            strict_private=strict_private,
        )
        self.token = token
        self.host = host
        self.port = port
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        if local_mode and files_dir is None:
            self._tempdir = tempfile.TemporaryDirectory(prefix="emulator-files-")
            files_dir = Path(self._tempdir.name)
        self.api = BotApi(self, local_mode=local_mode, rate_limits=rate_limits, files_dir=files_dir)
        self.faults: list[Fault] = []
        self._runner: web.AppRunner | None = None
        self._stopped = asyncio.Event()

    # ----- lifecycle -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        """Root URL, e.g. http://127.0.0.1:PORT."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What ApplicationBuilder.base_url needs."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """What ApplicationBuilder.base_file_url needs."""
        return f"{self.url}/file/bot"

    async def start(self) -> None:
        """Listen on host:port (port 0 picks a free one)."""
        app = web.Application(client_max_size=MAX_REQUEST)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self._stopped.clear()
        self.api.closing = False
        logger.info("Bot API emulator listening on %s", self.url)

    async def stop(self) -> None:
        """Release held requests and close the server."""
        self.api.closing = True
        self._stopped.set()
        self.changed()
        await self.api.stop_webhook_delivery()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ----- test controls -------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        error_code: int | None = 429,
        retry_after: int | None = 3,
        *,
        description: str | None = None,
        timeout: bool = False,
        drop: bool = False,
        applied: bool = False,
        hold: float = 60.0,
        count: int = 1,
        chat_id: int | EmuChat | None = None,
    ) -> Fault:
        """Make the next `count` calls of `method` fail: an error, a hang, or a dropped link."""
        fault = Fault(
            method=method,
            error_code=error_code,
            retry_after=retry_after,
            description=description,
            timeout=timeout,
            drop=drop,
            applied=applied,
            hold=hold,
            count=count,
            chat_id=chat_id.id if isinstance(chat_id, EmuChat) else chat_id,
        )
        self.faults.append(fault)
        return fault

    def my_commands(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """Commands the bot set for a scope (default scope when None) and language."""
        return self.api.my_commands(scope, language_code)

    # ----- HTTP ----------------------------------------------------------------------------

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._error(UNAUTHORIZED)
        method = request.match_info["method"]
        try:
            params = await read_params(request)
        except ApiError as err:
            return self._error(err)
        self.calls.append(Call(method, params))
        self.stats.requests[method] += 1
        if method.lower() != "getupdates":
            self.touch()
        fault = self._take_fault(method, params)
        if fault is not None:
            return await self._inject(request, fault, method, params)
        return await self._answer(method, params)

    async def _answer(self, method: str, params: JSON) -> web.Response:
        try:
            result = await self.api.call(method, params)
        except ApiError as err:
            return self._error(err)
        except Exception:
            # An emulator bug must look like a server fault to the bot, not kill the test silently
            logger.exception("emulator failed on %s %s", method, params)
            return self._error(ApiError(500, "Internal Server Error"))
        return _json_response({"ok": True, "result": result})

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._error(UNAUTHORIZED)
        path = request.match_info["file_path"]
        file = self.files_by_path.get(path) or self.files_by_path.get(path.lstrip("/"))
        if file is None:
            return self._error(NOT_FOUND)
        self.stats.downloads += 1
        return web.Response(body=file.data, content_type="application/octet-stream")

    def _take_fault(self, method: str, params: JSON) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method, params):
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    async def _inject(
        self, request: web.Request, fault: Fault, method: str, params: JSON
    ) -> web.StreamResponse:
        if not (fault.timeout or fault.drop):
            if fault.error_code == 502:
                self.stats.errors += 1
                return web.Response(status=502, text=BAD_GATEWAY_HTML, content_type="text/html")
            return self._error(fault.error())
        answer = await self._answer(method, params) if fault.applied else None
        if fault.drop:
            if request.transport is not None:
                request.transport.close()
            return answer or web.Response(status=500)
        # Hold the answer past the client's read timeout (or until the emulator stops).
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopped.wait(), fault.hold)
        return answer or self._error(fault.error())

    def _error(self, err: ApiError) -> web.Response:
        self.stats.errors += 1
        if err.error_code == 429:
            self.stats.too_many_requests += 1
        return _json_response(err.to_api(), status=err.error_code)


async def read_params(request: web.Request) -> JSON:
    """Decode a Bot API request: query string, JSON, urlencoded form or multipart."""
    raw: dict[str, str] = dict(request.query)
    params: JSON = {}
    uploads: dict[str, Upload] = {}
    content_type = request.content_type
    if content_type == "application/json":
        body = await request.read()
        if body:
            try:
                params.update(json.loads(body))
            except ValueError:
                raise ApiError(400, "Bad Request: can't parse JSON") from None
    elif content_type == "multipart/form-data":
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                data = bytes(await part.read())
                uploads[part.name] = Upload(part.filename, part.headers.get("Content-Type"), data)
            else:
                raw[part.name] = await part.text()
    elif content_type == "application/x-www-form-urlencoded":
        form = await request.post()
        raw.update({k: v for k, v in form.items() if isinstance(v, str)})
    for key, value in raw.items():
        params.setdefault(key, _decode(key, value))
    for key, value in list(params.items()):
        # PTB names a file part after its parameter, or refers to it as attach://name
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = uploads.get(value.removeprefix("attach://"), value)
    for name, upload in uploads.items():
        params.setdefault(name, upload)
    return params


def _decode(key: str, value: str) -> Any:
    if key in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _json_response(payload: dict[str, Any], status: int = 200) -> web.Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return web.Response(text=body, status=status, content_type="application/json")
