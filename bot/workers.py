"""Run a function in a separate process with a hard wall-clock limit.

A regular expression or a C-level parser (expat, zlib, pypdf's tokenizer) holds the GIL and
cannot be interrupted from another thread: the only sure way to stop a runaway call is to kill
the process running it. `TimedProcessPool` keeps a few idle worker processes (started with
'spawn', so no lock of the parent's threads is inherited) and replaces one that overran.

The function must be importable at top level (spawn imports it by name in the child) and must
return something picklable.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

log = logging.getLogger(__name__)

STARTUP_TIMEOUT_S = 60.0  # importing the worker's modules on a busy 2-core machine
MEMORY_LIMIT_BYTES = 1024 * 1024 * 1024  # a decompression bomb fails inside its worker


def _serve(connection: Connection, function: Callable[..., Any], memory_limit: int) -> None:
    """The worker's loop: call `function` for each request until the pipe closes."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    except (ImportError, ValueError, OSError):
        pass
    connection.send("ready")
    while True:
        try:
            args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            result = function(*args)
        except BaseException as error:
            result = _Failed(repr(error))
        connection.send(result)


class WorkerUnavailable(Exception):
    """A worker process could not be started."""


class _Failed:
    """What a worker sends back when the function raised."""

    def __init__(self, error: str) -> None:
        self.error = error


class _Worker:
    def __init__(self, function: Callable[..., Any], memory_limit: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process: BaseProcess = context.Process(
            target=_serve, args=(child, function, memory_limit), daemon=True
        )
        self.process.start()
        child.close()
        try:
            ready = self.connection.poll(STARTUP_TIMEOUT_S) and self.connection.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.kill()
            raise WorkerUnavailable("worker process did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class TimedProcessPool:
    """Call `function(*args)` in a worker process; give up on it after `timeout_s`.

    Safe to use from several threads: each call takes an idle worker (or starts one, up to
    `size`; beyond that it waits for one, and the wait counts against its timeout).
    """

    def __init__(
        self,
        function: Callable[..., Any],
        size: int = 2,
        memory_limit: int = MEMORY_LIMIT_BYTES,
    ) -> None:
        self._function = function
        self._memory_limit = memory_limit
        self._idle: list[_Worker] = []
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._closed = False
        atexit.register(self.close)

    def run(self, timeout_s: float, *args: Any) -> tuple[bool, Any]:
        """(True, result) when the call finished in time; (False, None) when it overran or
        failed. A worker that overran is killed; the next call starts a fresh one."""
        if not self._slots.acquire(timeout=timeout_s):
            log.warning("no worker free within %.1f s", timeout_s)
            return False, None
        try:
            try:
                worker = self._take()
            except WorkerUnavailable:
                log.exception("cannot start a worker for %s", self._function.__name__)
                return False, None
            try:
                worker.connection.send(args)
                if not worker.connection.poll(timeout_s):
                    log.warning("worker overran %.1f s on %r: killed", timeout_s, args[:1])
                    worker.kill()
                    return False, None
                result = worker.connection.recv()
            except (EOFError, OSError):
                log.warning("worker died on %r", args[:1])
                worker.kill()
                return False, None
            self._give_back(worker)
        finally:
            self._slots.release()
        if isinstance(result, _Failed):
            log.info("worker call failed: %s", result.error)
            return False, None
        return True, result

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()

    def _take(self) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return _Worker(self._function, self._memory_limit)

    def _give_back(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed:
                self._idle.append(worker)
                return
        worker.kill()


def background_worker(poll_seconds: float = 1.0) -> None:
    """A document worker's initializer: yield the CPU to the bot (a workbook can wait a
    moment, a person's answer should not), and leave when the parent dies (a SIGKILLed bot
    would otherwise leave its idle workers waiting on a queue nobody will write to)."""
    import os
    import time

    with contextlib.suppress(OSError):
        os.nice(10)
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll_seconds)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
