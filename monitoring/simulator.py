"""Simulated data loggers: realistic VOC outlet values (a daily cycle, noise, occasional faults and
exceedances), framed as HJ 212 packets and sent over real TCP, each answer timed.

Used by ``manage.py hj212_simulate``, by the benchmark (bench/hj212.py) and, without TCP, by the demo.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import hj212

# Pollutant: (base low, base high, decimals). NMHC is the limited one in the demo (120 mg/m³).
PROFILE = {
    "a24088": (15.0, 45.0, 2),  # NMHC mg/m³
    "a25002": (0.1, 0.8, 3),  # benzene
    "a25003": (1.0, 6.0, 3),  # toluene
    "a25005": (1.0, 8.0, 3),  # xylene
    "a00000": (8000.0, 30000.0, 0),  # flow m³/h
    "a01012": (30.0, 45.0, 1),  # temperature ℃
}
SPIKE = 6.0  # an exceedance multiplies NMHC by this for the hour


@dataclass
class Device:
    mn: str
    password: str = "123456"
    seed: int = 0
    fault_rate: float = 0.01  # share of hours flagged D (fault)
    exceed_rate: float = 0.02  # share of hours with an NMHC spike
    rng: random.Random = field(init=False)
    base: dict[str, float] = field(init=False)
    _hour_sums: dict[str, float] = field(default_factory=dict)
    _hour_count: int = 0
    _hour_state: tuple[datetime, bool, bool] | None = None

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.base = {code: self.rng.uniform(lo, hi) for code, (lo, hi, _d) in PROFILE.items()}

    def _hour_of(self, at: datetime) -> tuple[bool, bool]:
        """Whether this hour is a fault hour and an exceedance hour (decided once per hour)."""
        hour = at.replace(minute=0, second=0, microsecond=0)
        if self._hour_state is None or self._hour_state[0] != hour:
            self._hour_state = (
                hour,
                self.rng.random() < self.fault_rate,
                self.rng.random() < self.exceed_rate,
            )
        return self._hour_state[1], self._hour_state[2]

    def values(self, at: datetime) -> dict[str, tuple[float, str]]:
        """One minute's values with their flags."""
        fault, spike = self._hour_of(at)
        cycle = 1 + 0.3 * math.sin((at.hour + at.minute / 60 - 8) / 24 * 2 * math.pi)
        found = {}
        for code, (_lo, _hi, decimals) in PROFILE.items():
            value = self.base[code] * cycle * self.rng.uniform(0.9, 1.1)
            if code == "a24088" and spike:
                value *= SPIKE
            found[code] = (round(value, decimals), "D" if fault else "N")
        return found

    def minute_packet(self, at: datetime, *, qn: str, ack: bool = True) -> bytes:
        values = self.values(at)
        for code, (value, _flag) in values.items():
            self._hour_sums[code] = self._hour_sums.get(code, 0.0) + value
        self._hour_count += 1
        return self._packet("2051", at, qn, values, ack)

    def hour_packet(self, hour: datetime, *, qn: str, ack: bool = True) -> bytes:
        """The hour's averages from the minutes sent (or fresh values when none were)."""
        fault, _spike = self._hour_of(hour)
        if self._hour_count:
            values = {
                code: (
                    round(total / self._hour_count, PROFILE[code][2]),
                    "D" if fault else "N",
                )
                for code, total in self._hour_sums.items()
            }
        else:
            values = self.values(hour)
        self._hour_sums, self._hour_count = {}, 0
        return self._packet("2061", hour, qn, values, ack)

    def _packet(self, cn: str, at: datetime, qn: str, values, ack: bool) -> bytes:
        cp = ";".join(
            f"{code}-Avg={value},{code}-Min={value},{code}-Max={value},{code}-Flag={flag}"
            for code, (value, flag) in values.items()
        )
        segment = (
            f"QN={qn};ST=31;CN={cn};PW={self.password};MN={self.mn};Flag={5 if ack else 4};"
            f"CP=&&DataTime={at:%Y%m%d%H%M%S};{cp}&&"
        )
        return hj212.frame(segment)


@dataclass
class Result:
    sent: int = 0
    answered: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds, last byte sent → answer
    seconds: float = 0.0
    errors: int = 0
    began: float = 0.0
    last_answer: float = 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]

    def summary(self) -> dict:
        return {
            "sent": self.sent,
            "answered": self.answered,
            "seconds": round(self.seconds, 2),
            "sent_per_s": round(self.sent / self.seconds, 1) if self.seconds else 0,
            "answered_per_s": round(self.answered / self.seconds, 1) if self.seconds else 0,
            "p50_ms": round(self.percentile(50) * 1000, 2),
            "p99_ms": round(self.percentile(99) * 1000, 2),
            "errors": self.errors,
        }


def mn_of(i: int) -> str:
    return f"SIM{i:011d}"


async def _run_device(
    device: Device,
    *,
    host: str,
    port: int,
    interval: float,
    start: datetime,
    until: float,
    result: Result,
    hourly: bool,
    offset: float = 0.0,
) -> None:
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        result.errors += 1
        return
    sent_at: dict[str, float] = {}
    done = asyncio.Event()

    async def read_answers() -> None:
        try:
            while True:
                line = await reader.readuntil(b"\r\n")
                now = time.perf_counter()
                try:
                    qn = hj212.parse_frame(line).qn
                except hj212.FrameError:
                    result.errors += 1
                    continue
                began = sent_at.pop(qn, None)
                if began is not None:
                    result.answered += 1
                    result.latencies.append(now - began)
                    result.last_answer = max(result.last_answer, now)
                if done.is_set() and not sent_at:
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            return

    answers = asyncio.create_task(read_answers())
    loop = asyncio.get_running_loop()
    at = start
    k = 0
    # Loggers are not synchronised: each starts at its own offset within the interval.
    await asyncio.sleep(offset)
    first = loop.time()
    try:
        while loop.time() < until:
            qn = f"{device.mn}{k:010d}"
            frame = device.minute_packet(at, qn=qn)
            sent_at[qn] = time.perf_counter()
            writer.write(frame)
            await writer.drain()
            result.sent += 1
            k += 1
            at += timedelta(minutes=1)
            if hourly and at.minute == 0:
                qn = f"{device.mn}{k:010d}"
                frame = device.hour_packet(at - timedelta(hours=1), qn=qn)
                sent_at[qn] = time.perf_counter()
                writer.write(frame)
                await writer.drain()
                result.sent += 1
                k += 1
            delay = first + k * interval - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
    except ConnectionError:
        result.errors += 1
    done.set()
    try:
        if sent_at:
            await asyncio.wait_for(answers, timeout=10)
    except TimeoutError:
        pass
    answers.cancel()
    writer.close()


async def simulate(
    *,
    host: str,
    port: int,
    points: int,
    rate: float,
    seconds: float,
    start: datetime,
    first: int = 0,
    hourly: bool = True,
    fault_rate: float = 0.01,
    exceed_rate: float = 0.02,
) -> Result:
    """``points`` loggers (MN ``SIM…``) sending ``rate`` packets a second in all for ``seconds``."""
    result = Result()
    loop = asyncio.get_running_loop()
    began = result.began = time.perf_counter()
    until = loop.time() + seconds
    interval = points / rate
    devices = [
        Device(mn=mn_of(first + i), seed=first + i, fault_rate=fault_rate, exceed_rate=exceed_rate)
        for i in range(points)
    ]
    await asyncio.gather(
        *(
            _run_device(
                d,
                host=host,
                port=port,
                interval=interval,
                start=start,
                until=until,
                result=result,
                hourly=hourly,
                offset=interval * i / points,
            )
            for i, d in enumerate(devices)
        )
    )
    # The sending window and the answers to it, not the wait for connections to close.
    result.seconds = max(result.last_answer, began + seconds) - began
    return result
