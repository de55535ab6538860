"""Load generators against 127.0.0.1, bounded in duration and concurrency.

- `steady`: open loop at a fixed rate; each request's latency runs from when it was *due*, so
  a slow server cannot hide queueing by slowing the generator (no coordinated omission).
- `saturate`: as many requests as the server takes, with wrk (C, cheap on a 2-core machine)
  when installed, else a closed loop in Python; the same generator serves every page of a run,
  so the ratios to the floor page compare like with like.

Each request is a fresh connection with `Connection: close`, as gunicorn's sync workers serve.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

WRK_SCRIPT = Path(__file__).with_name("wrk.lua")
TIMEOUT = 10.0
GRACE = 5.0  # seconds a steady run waits for its last answers


@dataclass
class Result:
    requests: int = 0  # sent
    ok: int = 0  # answered 200
    seconds: float = 0.0
    errors: Counter[str] = field(default_factory=Counter)
    p50_ms: float = float("nan")
    p95_ms: float = float("nan")
    p99_ms: float = float("nan")
    max_ms: float = float("nan")
    generator: str = "python"

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def set_latencies(self, samples: list[float]) -> None:
        """Nearest-rank percentiles of latencies in seconds."""
        if not samples:
            return
        ordered = sorted(samples)

        def rank(fraction: float) -> float:
            return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]

        self.p50_ms, self.p95_ms, self.p99_ms = (rank(f) * 1000 for f in (0.5, 0.95, 0.99))
        self.max_ms = ordered[-1] * 1000


def _request(host: str, port: int, path: str, cookie: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
        "Accept: text/html\r\nAccept-Language: zh-CN\r\nConnection: close\r\n\r\n"
    ).encode()


async def _fetch(host: str, port: int, payload: bytes) -> int:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), TIMEOUT)
    try:
        writer.write(payload)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(-1), TIMEOUT)
    finally:
        writer.close()
    match = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    if match is None:
        raise ConnectionError("no HTTP status line")
    return int(match.group(1))


async def _steady(
    host: str, port: int, path: str, cookie: str, rate: float, seconds: float, concurrency: int
) -> Result:
    loop = asyncio.get_running_loop()
    payload = _request(host, port, path, cookie)
    result = Result()
    latencies: list[float] = []
    slots = asyncio.Semaphore(concurrency)

    async def one(due: float) -> None:
        async with slots:
            try:
                status = await _fetch(host, port, payload)
            except (OSError, TimeoutError, ConnectionError) as exc:
                result.errors[type(exc).__name__] += 1
                return
        if status != 200:
            result.errors[f"HTTP {status}"] += 1
            return
        result.ok += 1
        latencies.append(loop.time() - due)

    start = loop.time() + 0.05
    tasks = []
    total = round(rate * seconds)
    for index in range(total):
        due = start + index / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due)))
    # Bounded: an overloaded server's backlog is cut off, and counted, after a grace period.
    _, pending = await asyncio.wait(tasks, timeout=max(start + seconds + GRACE - loop.time(), 0))
    for task in pending:
        task.cancel()
    if pending:
        result.errors["unfinished after grace"] += len(pending)
        await asyncio.gather(*pending, return_exceptions=True)
    result.requests = total
    result.seconds = loop.time() - start
    result.set_latencies(latencies)
    return result


def steady(
    host: str,
    port: int,
    path: str,
    cookie: str,
    *,
    rate: float,
    seconds: float,
    concurrency: int = 32,
) -> Result:
    return asyncio.run(_steady(host, port, path, cookie, rate, seconds, concurrency))


async def _closed_loop(
    host: str, port: int, path: str, cookie: str, seconds: float, concurrency: int
) -> Result:
    loop = asyncio.get_running_loop()
    payload = _request(host, port, path, cookie)
    result = Result(generator="python closed loop")
    latencies: list[float] = []
    start = loop.time()
    end = start + seconds

    async def worker() -> None:
        while loop.time() < end:
            began = loop.time()
            try:
                status = await _fetch(host, port, payload)
            except (OSError, TimeoutError, ConnectionError) as exc:
                result.errors[type(exc).__name__] += 1
                continue
            result.requests += 1
            if status != 200:
                result.errors[f"HTTP {status}"] += 1
            else:
                result.ok += 1
                latencies.append(loop.time() - began)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = loop.time() - start
    result.set_latencies(latencies)
    return result


def _wrk(host: str, port: int, path: str, cookie: str, seconds: float, concurrency: int) -> Result:
    completed = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{concurrency}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            f"{TIMEOUT:.0f}s",
            "-s",
            str(WRK_SCRIPT),
            f"http://{host}:{port}{path}",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "BENCH_COOKIE": cookie},
        timeout=seconds + 30,
        check=True,
    )
    line = next(x for x in completed.stdout.splitlines() if x.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    result = Result(generator="wrk", seconds=data["duration_us"] / 1e6)
    for name in ("connect", "read", "write", "timeout", "status"):
        if data[f"errors_{name}"]:
            result.errors[f"wrk {name}"] = data[f"errors_{name}"]
    result.requests = data["requests"]
    result.ok = data["requests"] - data["errors_status"]
    result.p50_ms, result.p99_ms = data["p50_us"] / 1000, data["p99_us"] / 1000
    return result


def saturate(
    host: str, port: int, path: str, cookie: str, *, seconds: float, concurrency: int = 8
) -> Result:
    if shutil.which("wrk"):
        return _wrk(host, port, path, cookie, seconds, concurrency)
    return asyncio.run(_closed_loop(host, port, path, cookie, seconds, concurrency))


def generator_name() -> str:
    return "wrk" if shutil.which("wrk") else "python closed loop"
