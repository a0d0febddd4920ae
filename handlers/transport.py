"""PTB's networking over aiohttp: the bot's HTTP client for every Bot API call and download.

PTB ships one backend (httpx) and documents BaseRequest as the place for another. Measured
against our emulator on this project's 2-core machine, a Bot API call costs ~1.8 ms of CPU
through httpx (httpx → httpcore → anyio) and ~0.4 ms through aiohttp, emulator included; an
upload makes four calls (getUpdates, getFile, the download, the receipt), so the client was
most of the bot's CPU. aiohttp is already a dependency (the emulator's server).

Semantics follow PTB's HTTPXRequest: form-encoded parameters, multipart when files are sent,
PTB's timeouts, TimedOut for timeouts and NetworkError for everything else on the wire.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.redaction import redact

# PTB's HTTPXRequest defaults, in seconds.
READ_TIMEOUT = 5.0
CONNECT_TIMEOUT = 5.0
POOL_TIMEOUT = 1.0


class AiohttpRequest(BaseRequest):
    """A BaseRequest on one aiohttp ClientSession with up to `connection_pool_size` sockets,
    optionally through an HTTP(S) proxy."""

    def __init__(self, connection_pool_size: int = 256, proxy: str | None = None) -> None:
        self._pool_size = connection_pool_size
        self._proxy = proxy or None  # an HTTP(S) proxy URL, e.g. http://127.0.0.1:7890
        password = urlsplit(self._proxy).password if self._proxy else None
        self._secrets = (password, unquote(password)) if password else ()
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return READ_TIMEOUT

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read = READ_TIMEOUT if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = CONNECT_TIMEOUT if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = POOL_TIMEOUT if isinstance(pool_timeout, DefaultValue) else pool_timeout
        # aiohttp has no write timeout; its `connect` covers waiting for a pooled socket too.
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        try:
            async with self._session.request(
                method, url, data=_body(request_data), timeout=timeout, proxy=self._proxy
            ) as response:
                return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's own timeouts are TimeoutErrors too
            raise TimedOut from error
        except aiohttp.ClientError as error:
            # aiohttp repeats the proxy's URL, credentials included, in its proxy errors: the
            # message is redacted and the original left out of the chain (tracebacks print it).
            message = redact(f"aiohttp.{error.__class__.__name__}: {error}", self._secrets)
            raise NetworkError(message) from None


def _body(request_data: RequestData | None) -> Any:
    """Form fields, as PTB sends them; multipart when there are files."""
    if request_data is None:
        return None
    if not request_data.multipart_data:
        return request_data.json_parameters or None
    # Names as UTF-8 in the header, as httpx and browsers send them; aiohttp would otherwise
    # percent-encode them and Telegram would show 汇总.xlsx as %E6%B1%87%E6%80%BB.xlsx.
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
