"""The HJ 212 receiver: an asyncio TCP server for the data loggers at the enterprises' outlets.

- Each connection cuts its byte stream into frames (``hj212.FrameSplitter``: split or joined reads,
  garbage skipped), parses each frame, and hands data packets to one writer.
- The writer stores whatever has arrived in one batch (``services.packets_store``: COPY, resent packets
  stored once) in a worker thread, then answers (9014) the packets that asked for it (Flag bit A): a
  logger is answered only once its data is committed, so a crash loses nothing a logger thinks was
  delivered. Batches grow with load: while one is being stored the next one gathers (group commit).
- Split messages (Flag bit D, PNUM/PNO) are reassembled per MN and QN; each part that asks is answered
  on receipt (loggers wait for that answer before sending the next part), the whole is stored once
  complete, and parts never completed are dropped after ``split_timeout`` and counted.
- A bad frame is counted by reason and dropped; the connection stays open (the logger's next frame is
  fine). A connection holding half a frame silent for ``frame_timeout`` seconds is closed and counted.
  Idle connections are kept (loggers hold one connection open for days) unless ``idle_timeout`` is set.
- Counters are added to the day's totals every few seconds (``services.counts_add``).

Several receivers may run behind a TCP load balancer against the same database: storage is idempotent
and partitions are created under an advisory lock.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections, connection

from govern import clock

from . import hj212, services
from .models import Fault

log = logging.getLogger(__name__)

ANSWERED_AFTER_STORE = {Fault.STORED, Fault.DUPLICATE, Fault.REALTIME}


def raise_open_file_limit() -> int:
    """Thousands of idle loggers need thousands of descriptors: lift the soft limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _evaluate(hours) -> None:
    """In the alert thread: check new hourly values (the readings are stored whatever happens here)."""
    try:
        services.alerts_evaluate(hours=hours)
    except Exception:
        log.exception("alert check failed; the readings are stored")
        close_old_connections()


def _close_connection() -> None:
    connection.close()  # the writer thread's own connection (Django keeps one per thread)


class PointCache:
    """MN → point (id, password, retirement) for the writer thread, each entry trusted for ``ttl``
    seconds: a new point, a changed password or a retirement applies within that time (packets refused
    meanwhile are not answered, so the logger sends them again)."""

    def __init__(self, ttl: float = 30.0):
        self.ttl = ttl
        self.entries: dict[str, tuple[float, dict | None]] = {}

    def __call__(self, mns: set[str]) -> dict[str, dict]:
        now = time.monotonic()
        stale = {mn for mn in mns if mn not in self.entries or now - self.entries[mn][0] > self.ttl}
        if stale:
            found = services.points_by_mn(stale)
            for mn in stale:
                self.entries[mn] = (now, found.get(mn))
            if len(self.entries) > 100_000:  # MNs that stopped sending
                self.entries = {k: v for k, v in self.entries.items() if now - v[0] <= self.ttl}
        return {mn: row for mn in mns if (row := self.entries[mn][1]) is not None}


class Receiver:
    def __init__(
        self,
        *,
        frame_timeout: float = 30.0,
        idle_timeout: float | None = None,
        split_timeout: float = 60.0,
        max_batch: int = 5000,
        max_pending: int = 50_000,
        counts_interval: float = 5.0,
        point_ttl: float = 30.0,
    ):
        self.points = PointCache(ttl=point_ttl)
        self.frame_timeout = frame_timeout
        self.idle_timeout = idle_timeout
        self.split_timeout = split_timeout
        self.max_batch = max_batch
        self.max_pending = max_pending
        self.counts_interval = counts_interval
        self.counts: Counter[str] = Counter()
        self.total: Counter[str] = Counter()  # since start, for tests and the log
        self.connections = 0
        self.pending: list[tuple[services.Incoming, asyncio.StreamWriter, bytes | None]] = []
        self.splits: dict[tuple[str, str, str], tuple[float, dict[int, hj212.Packet]]] = {}
        self.executor = ThreadPoolExecutor(1, thread_name_prefix="hj212-writer")
        # Alerts (and what they cause: inspections, notifications) run beside the writer, so an hour
        # boundary with many alerts never holds up storing and answering the next packets.
        self.alert_executor = ThreadPoolExecutor(1, thread_name_prefix="hj212-alerts")
        self.server: asyncio.Server | None = None
        self._wakeup: asyncio.Event | None = None
        self._room: asyncio.Event | None = None
        self._tasks: list[asyncio.Task] = []
        self._closing = False

    # ------------------------------------------------------------------ lifecycle

    async def start(self, host: str, port: int) -> asyncio.Server:
        self._wakeup = asyncio.Event()
        self._room = asyncio.Event()
        self._room.set()
        self.server = await asyncio.start_server(self._handle, host, port, backlog=4096)
        self._tasks = [
            asyncio.create_task(self._write_loop()),
            asyncio.create_task(self._housekeeping_loop()),
        ]
        return self.server

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Stop accepting, store what is pending, flush the counters."""
        self._closing = True
        if self.server is not None:
            self.server.close()
        assert self._wakeup is not None
        self._wakeup.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._flush_counts()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self.executor, _close_connection)
        self.executor.shutdown(wait=True)
        self.alert_executor.submit(_close_connection)
        self.alert_executor.shutdown(wait=True)

    def count(self, reason: str, n: int = 1) -> None:
        self.counts[reason] += n
        self.total[reason] += n

    # ------------------------------------------------------------------ connections

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        peer_text = f"{peer[0]}:{peer[1]}" if isinstance(peer, tuple) else str(peer or "")
        splitter = hj212.FrameSplitter()
        self.connections += 1
        try:
            while not self._closing:
                timeout = self.frame_timeout if splitter.pending else self.idle_timeout
                try:
                    async with asyncio.timeout(timeout):
                        data = await reader.read(65536)
                except TimeoutError:
                    if splitter.pending:
                        self.count(Fault.STALLED)
                    break
                except (ConnectionError, OSError):
                    break
                if not data:
                    if splitter.pending:
                        self.count(Fault.STALLED)
                    break
                frames, faults = splitter.feed(data)
                for reason, _detail in faults:
                    self.count(reason)
                for raw in frames:
                    self._frame(raw, writer, peer_text)
                if len(self.pending) >= self.max_pending:
                    assert self._room is not None
                    self._room.clear()
                    await self._room.wait()
        finally:
            self.connections -= 1
            writer.close()

    def _frame(self, raw: bytes, writer: asyncio.StreamWriter, peer: str) -> None:
        try:
            packet = hj212.parse_frame(raw)
        except hj212.FrameError as error:
            self.count(error.reason)
            return
        reply = hj212.answer(packet) if packet.wants_answer else None
        if packet.is_split:
            whole = self._reassemble(packet)
            if whole is None:
                if reply:
                    writer.write(reply)
                    self.count(Fault.ANSWERED)
                return
            packet = whole
        if not packet.is_data:
            self.count(Fault.NOT_DATA)
            if reply:
                writer.write(reply)
                self.count(Fault.ANSWERED)
            return
        self.pending.append(
            (
                services.Incoming(
                    packet=packet,
                    received_at=clock.now(),
                    peer=peer,
                    frame=raw.decode("utf-8", "replace"),
                ),
                writer,
                reply,
            )
        )
        assert self._wakeup is not None
        self._wakeup.set()

    def _reassemble(self, part: hj212.Packet) -> hj212.Packet | None:
        key = (part.mn, part.qn, part.cn)
        started, parts = self.splits.setdefault(key, (asyncio.get_running_loop().time(), {}))
        parts[part.pno] = part
        if len(parts) < part.pnum:
            return None
        del self.splits[key]
        try:
            return hj212.merge(list(parts.values()))
        except hj212.FrameError as error:
            self.count(error.reason)
            return None

    # ------------------------------------------------------------------ the writer

    async def _write_loop(self) -> None:
        loop = asyncio.get_running_loop()
        assert self._wakeup is not None and self._room is not None
        while True:
            if not self.pending:
                if self._closing:
                    return
                await self._wakeup.wait()
                self._wakeup.clear()
                continue
            batch, self.pending = self.pending[: self.max_batch], self.pending[self.max_batch :]
            if len(self.pending) < self.max_pending:
                self._room.set()
            try:
                outcomes = await loop.run_in_executor(
                    self.executor, self._store, [item for item, _w, _r in batch]
                )
            except Exception:
                log.exception("storing %d packets failed; not answered, loggers resend", len(batch))
                self.count(Fault.STORE_FAILED, len(batch))
                await asyncio.sleep(0.5)
                continue
            for (_item, writer, reply), outcome in zip(batch, outcomes, strict=True):
                self.count(outcome)
                if reply and outcome in ANSWERED_AFTER_STORE and not writer.is_closing():
                    writer.write(reply)
                    self.count(Fault.ANSWERED)

    def _store(self, items: list[services.Incoming]) -> list[str]:
        """In the writer thread: store; new hourly values go to the alert thread after commit."""
        try:
            result = services.packets_store(incoming=items, points_of=self.points)
        except Exception:
            connection.close()  # a broken connection is reopened on the next batch
            raise
        if result.hours:
            self.alert_executor.submit(_evaluate, result.hours)
        return result.outcomes

    # ------------------------------------------------------------------ housekeeping

    async def _housekeeping_loop(self) -> None:
        while not self._closing:
            try:
                await asyncio.sleep(self.counts_interval)
            except asyncio.CancelledError:
                return
            now = asyncio.get_running_loop().time()
            for key, (started, _parts) in list(self.splits.items()):
                if now - started > self.split_timeout:
                    del self.splits[key]
                    self.count(Fault.SPLIT_INCOMPLETE)
            await self._flush_counts()

    async def _flush_counts(self) -> None:
        counts, self.counts = dict(self.counts), Counter()
        if not counts:
            return
        try:
            await asyncio.get_running_loop().run_in_executor(
                self.executor, lambda: services.counts_add(counts=counts)
            )
        except Exception:
            log.exception("could not save the receiver's counters; kept for the next try")
            self.counts.update(counts)


async def serve(host: str, port: int, **options) -> None:
    """Run a receiver until cancelled (the management command)."""
    receiver = Receiver(**options)
    server = await receiver.start(host, port)
    log.info("HJ 212 receiver listening on %s:%s", host, receiver.port)
    try:
        async with server:
            await server.serve_forever()
    except asyncio.CancelledError:
        pass
    finally:
        await receiver.stop()
