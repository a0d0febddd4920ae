"""A minimal HTTP forward proxy for tests: it relays absolute-form requests and records them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web


@dataclass
class ForwardProxy:
    url: str = ""
    relayed: list[str] = field(default_factory=list)  # the absolute URLs, in order


@asynccontextmanager
async def forward_proxy() -> AsyncIterator[ForwardProxy]:
    """`async with forward_proxy() as proxy:` — proxy.url is http://127.0.0.1:<port>."""
    found = ForwardProxy()

    async def relay(request: web.Request) -> web.Response:
        # A client talking to a proxy puts the target's absolute URL in the request line.
        found.relayed.append(request.raw_path)
        headers = {"Content-Type": request.headers.get("Content-Type", "")}
        async with (
            aiohttp.ClientSession() as session,
            session.request(
                request.method, request.raw_path, data=await request.read(), headers=headers
            ) as answer,
        ):
            return web.Response(status=answer.status, body=await answer.read())

    app = web.Application()
    app.router.add_route("*", "/{path:.*}", relay)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    found.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield found
    finally:
        await runner.cleanup()
