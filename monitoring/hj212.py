"""The HJ 212 protocol: one frame (bytes) in, one typed packet out, or one error naming the fault.

Sources: HJ 212-2017《污染物在线监控（监测）系统数据传输标准》, as implemented by the public parsers
whose packets are our test vectors (`../shared/hj212/public-packets.json`: guocay/hj212-protocol,
chenqi92/alltobs-hj212, IceCoffee.HJ212). HJ 212-2025 replaces HJ 212-2017 from 2026-01-01 and keeps the
frame; both versions are accepted (the version is read from the upper Flag bits, not enforced).

- Frame: ``##`` + data length (4 decimal digits) + data segment + CRC (4 hex digits) + ``\\r\\n``;
  the length counts the data segment only and is at most 1024.
- CRC: over the data segment, register 0xFFFF; per byte ``reg = (reg >> 8) ^ byte`` then 8 right shifts
  with 0xA001 on a carried-out 1. This is not CRC-16/MODBUS (Modbus fails every real packet). Because
  ``(reg >> 8) ^ byte`` is always below 256, the eight shifts depend on 8 bits only: a 256-entry table.
- Flag: bit 0 (A) asks for a reply, bit 1 (D) marks one part of a split message (PNUM parts, PNO this
  one), the bits above carry the protocol version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from math import isfinite
from typing import NamedTuple

HEADER = b"##"
TRAILER = b"\r\n"
MAX_DATA_LENGTH = 1024
# "##" + 4 digits + data + 4 hex + "\r\n"
OVERHEAD = 2 + 4 + 4 + 2
MAX_FRAME = MAX_DATA_LENGTH + OVERHEAD

FLAG_ACK = 0b01  # A: the sender asks for a reply
FLAG_SPLIT = 0b10  # D: one part of a split message

# Command codes (CN) of HJ 212-2017 (Table 5 of the standard, as listed by the parsers above) and the
# heartbeat that HJ 212-2025 adds. Anything else is an unknown command.
COMMANDS = {
    "1000": "set timeout and retries",
    "1011": "get site time",
    "1012": "set site time",
    "1013": "site time calibration request",
    "1061": "get real-time data interval",
    "1062": "set real-time data interval",
    "1063": "get minute data interval",
    "1064": "set minute data interval",
    "1072": "set site password",
    "2011": "real-time data",
    "2012": "stop real-time data",
    "2021": "equipment running status",
    "2022": "stop running status",
    "2031": "daily data",
    "2041": "daily running time",
    "2051": "minute data",
    "2061": "hourly data",
    "2081": "logger restart",
    "3011": "zero calibration",
    "3012": "sample now",
    "3013": "start cleaning",
    "3014": "compare sampling",
    "3015": "keep sample on exceedance",
    "3016": "set sampling interval",
    "3017": "get sampling interval",
    "3018": "get sampling time",
    "3019": "get equipment id",
    "3020": "get site information",
    "3021": "set site information",
    "9011": "request answer",
    "9012": "execution result",
    "9013": "notification answer",
    "9014": "data answer",
    "9015": "heartbeat",
}
DATA_COMMANDS = {"2011", "2031", "2051", "2061"}

NUMERIC_FIELDS = {
    "Rtd",
    "ZsRtd",
    "Avg",
    "ZsAvg",
    "Min",
    "ZsMin",
    "Max",
    "ZsMax",
    "Cou",
    "SampleTime",
}
VALUE_FLAGS = set("NFMSDCTB")
_CODE = re.compile(r"^[A-Za-z0-9]{1,12}$")


class FrameError(ValueError):
    """The one error a frame can raise; ``reason`` is the counter it is filed under."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


def _table() -> list[int]:
    table = []
    for value in range(256):
        reg = value
        for _ in range(8):
            reg = (reg >> 1) ^ 0xA001 if reg & 1 else reg >> 1
        table.append(reg)
    return table


_CRC_TABLE = _table()


def crc(data: bytes) -> int:
    """The HJ 212 CRC of a data segment."""
    reg = 0xFFFF
    table = _CRC_TABLE
    for byte in data:
        reg = table[(reg >> 8) ^ byte]
    return reg


class Value(NamedTuple):
    code: str
    fields: dict[str, float]  # Rtd, Avg, Min, Max, Cou, …
    flag: str = "N"

    @property
    def main(self) -> float | None:
        """The value a chart shows: the average, else the real-time value."""
        for name in ("Avg", "Rtd", "ZsAvg", "ZsRtd", "Cou"):
            if name in self.fields:
                return self.fields[name]
        return None


@dataclass(frozen=True)
class Packet:
    st: str
    cn: str
    pw: str
    mn: str
    flag: int
    qn: str = ""
    pnum: int = 0
    pno: int = 0
    cp: str = ""
    data_time: datetime | None = None
    values: tuple[Value, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)  # CP pairs that are not pollutant fields

    @property
    def wants_answer(self) -> bool:
        return bool(self.flag & FLAG_ACK)

    @property
    def is_split(self) -> bool:
        return bool(self.flag & FLAG_SPLIT)

    @property
    def version(self) -> int:
        return self.flag >> 2

    @property
    def is_data(self) -> bool:
        return self.cn in DATA_COMMANDS


def _parse_time(text: str, what: str) -> datetime:
    # Real loggers append milliseconds (17 digits); the standard writes 14.
    if len(text) not in (14, 17) or not text.isdigit():
        raise FrameError("malformed_cp", f"CP 格式错误：{what}「{text}」不是 YYYYMMDDhhmmss 时间")
    try:
        return datetime(
            int(text[0:4]),
            int(text[4:6]),
            int(text[6:8]),
            int(text[8:10]),
            int(text[10:12]),
            int(text[12:14]),
        )
    except ValueError:
        raise FrameError("malformed_cp", f"CP 格式错误：{what}「{text}」不是有效时间") from None


_valid_codes: set[str] = (
    set()
)  # codes already checked (a few dozen in the field): no regex per value


def parse_cp(cp: str) -> tuple[datetime | None, tuple[Value, ...], dict[str, str]]:
    """The CP body (between ``&&`` and ``&&``): DataTime, the pollutant values, other pairs."""
    data_time = None
    fields_of: dict[str, dict[str, float]] = {}
    flags: dict[str, str] = {}
    extra: dict[str, str] = {}
    if not cp:
        return None, (), {}
    numeric = NUMERIC_FIELDS
    valid_codes = _valid_codes
    for pair in cp.replace(",", ";").split(";"):
        if not pair:
            continue
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise FrameError("malformed_cp", f"CP 格式错误：「{pair[:40]}」缺少“=”")
        code, dash, name = key.rpartition("-")
        if not dash:
            if key == "DataTime":
                data_time = _parse_time(value, "DataTime")
            else:
                extra[key] = value
            continue
        if code not in valid_codes:
            if not _CODE.match(code):
                raise FrameError("malformed_cp", f"CP 格式错误：污染物编码「{code[:20]}」无效")
            if len(valid_codes) < 10_000:
                valid_codes.add(code)
        if name == "Flag":
            if value not in VALUE_FLAGS:
                raise FrameError(
                    "malformed_cp", f"CP 格式错误：{code} 的数据标记「{value[:5]}」无效"
                )
            flags[code] = value
            fields_of.setdefault(code, {})
        elif name in numeric:
            try:
                number = float(value)
            except ValueError:
                raise FrameError(
                    "malformed_cp", f"CP 格式错误：{code}-{name}「{value[:20]}」不是数值"
                ) from None
            if not isfinite(number):
                raise FrameError("malformed_cp", f"CP 格式错误：{code}-{name} 不是有限数值")
            entry = fields_of.get(code)
            if entry is None:
                entry = fields_of[code] = {}
            entry[name] = number
        else:
            extra[key] = value
    return (
        data_time,
        tuple(Value(code, f, flags.get(code, "N")) for code, f in fields_of.items()),
        extra,
    )


def parse_segment(segment: str) -> Packet:
    """The data segment (without header, length and CRC) into a packet."""
    head, sep, rest = segment.partition("CP=&&")
    if not sep or not rest.endswith("&&"):
        raise FrameError("malformed_cp", "CP 格式错误：数据区须为 CP=&&…&&")
    cp = rest[:-2]
    pairs: dict[str, str] = {}
    for item in head.split(";"):
        if not item:
            continue
        key, eq, value = item.partition("=")
        if not eq:
            raise FrameError("bad_header", f"包头字段「{item[:20]}」缺少“=”")
        pairs[key] = value
    for required in ("ST", "CN", "MN"):
        if not pairs.get(required):
            raise FrameError("bad_header", f"包头缺少 {required}")
    cn = pairs["CN"]
    if cn not in COMMANDS:
        raise FrameError("unknown_command", f"未知命令编码 CN={cn[:10]}")
    try:
        flag = int(pairs.get("Flag") or 0)
        pnum = int(pairs.get("PNUM") or 0)
        pno = int(pairs.get("PNO") or 0)
    except ValueError:
        raise FrameError("bad_header", "Flag、PNUM 或 PNO 不是整数") from None
    if flag & FLAG_SPLIT and not (pnum >= 1 and 1 <= pno <= pnum):
        raise FrameError("bad_header", f"分包标记 PNUM={pnum}、PNO={pno} 不成立")
    data_time, values, extra = parse_cp(cp)
    if cn in DATA_COMMANDS and data_time is None and not (flag & FLAG_SPLIT and pno > 1):
        raise FrameError("malformed_cp", "CP 格式错误：数据包缺少 DataTime")
    return Packet(
        qn=pairs.get("QN", ""),
        st=pairs["ST"],
        cn=cn,
        pw=pairs.get("PW", ""),
        mn=pairs["MN"],
        flag=flag,
        pnum=pnum,
        pno=pno,
        cp=cp,
        data_time=data_time,
        values=values,
        extra=extra,
    )


def parse_frame(frame: bytes) -> Packet:
    """One whole frame, ``##`` through ``\\r\\n``, into a packet; raises ``FrameError``."""
    if not frame.startswith(HEADER):
        raise FrameError("bad_header", "包头错误：帧须以 ## 开头")
    digits = frame[2:6]
    if len(digits) < 4 or not digits.isdigit():
        raise FrameError("bad_header", f"包头错误：数据段长度「{digits!r}」不是 4 位数字")
    declared = int(digits)
    if declared > MAX_DATA_LENGTH:
        raise FrameError("too_long", f"数据段长度 {declared} 超过协议上限 {MAX_DATA_LENGTH}")
    if not frame.endswith(TRAILER):
        raise FrameError("length_mismatch", "帧须以 \\r\\n 结束")
    body = frame[6:-2]
    segment, crc_text = body[:-4], body[-4:]
    if len(segment) != declared:
        raise FrameError(
            "length_mismatch",
            f"长度不符：包头声明 {declared}，实际数据段 {max(len(body) - 4, 0)}",
        )
    try:
        declared_crc = int(crc_text, 16)
    except ValueError:
        raise FrameError("crc_mismatch", f"CRC 不是 4 位十六进制：{crc_text!r}") from None
    actual = crc(segment)
    if declared_crc != actual:
        raise FrameError(
            "crc_mismatch",
            f"CRC 不符：包内为 {crc_text.decode('ascii', 'replace').upper()}，计算值为 {actual:04X}",
        )
    try:
        text = segment.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = segment.decode("gbk")
        except UnicodeDecodeError:
            raise FrameError("malformed_cp", "数据段不是 UTF-8 或 GBK 文本") from None
    return parse_segment(text)


def frame(segment: str) -> bytes:
    """A data segment wrapped into a frame with its length and CRC."""
    data = segment.encode("utf-8")
    if len(data) > MAX_DATA_LENGTH:
        raise FrameError("too_long", f"数据段长度 {len(data)} 超过协议上限 {MAX_DATA_LENGTH}")
    return b"##%04d%s%04X\r\n" % (len(data), data, crc(data))


def answer(packet: Packet) -> bytes:
    """The platform's 9014 data answer to a packet that asked for one: same QN, ST=91, A cleared."""
    flag = packet.flag & ~(FLAG_ACK | FLAG_SPLIT)
    return frame(f"QN={packet.qn};ST=91;CN=9014;PW={packet.pw};MN={packet.mn};Flag={flag};CP=&&&&")


def merge(parts: list[Packet]) -> Packet:
    """A split message's parts (any order) into one packet; their CP bodies are joined."""
    ordered = sorted(parts, key=lambda p: p.pno)
    cp = ";".join(p.cp for p in ordered if p.cp)
    data_time, values, extra = parse_cp(cp)
    first = ordered[0]
    return Packet(
        qn=first.qn,
        st=first.st,
        cn=first.cn,
        pw=first.pw,
        mn=first.mn,
        flag=first.flag & ~FLAG_SPLIT,
        cp=cp,
        data_time=data_time or first.data_time,
        values=values,
        extra=extra,
    )


class FrameSplitter:
    """Cuts a TCP byte stream into frames: frames split over reads or joined in one are both handled.

    ``feed`` returns the whole frames found and the faults met (reason, detail) while resynchronising
    on the next ``##``; garbage before a header is skipped and counted, never fatal."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    @property
    def pending(self) -> int:
        return len(self.buffer)

    def feed(self, data: bytes) -> tuple[list[bytes], list[tuple[str, str]]]:
        self.buffer += data
        frames: list[bytes] = []
        faults: list[tuple[str, str]] = []
        buf = self.buffer
        while buf:
            start = buf.find(HEADER)
            if start < 0:
                # Keep a trailing '#' that may begin the next header.
                keep = 1 if buf.endswith(b"#") else 0
                if len(buf) - keep:
                    faults.append(("garbage", f"{len(buf) - keep} 字节不属于任何帧"))
                del buf[: len(buf) - keep]
                break
            if start:
                faults.append(("garbage", f"{start} 字节不属于任何帧"))
                del buf[:start]
            if len(buf) < 6:
                break
            digits = bytes(buf[2:6])
            if not digits.isdigit():
                faults.append(("bad_header", f"包头错误：数据段长度「{digits!r}」不是 4 位数字"))
                del buf[:2]
                continue
            length = int(digits)
            if length > MAX_DATA_LENGTH:
                faults.append(("too_long", f"数据段长度 {length} 超过协议上限 {MAX_DATA_LENGTH}"))
                del buf[:2]
                continue
            end = 6 + length + 4 + 2
            if len(buf) < end:
                # A header inside what should be this frame's body means this frame was cut short.
                nxt = buf.find(HEADER, 2)
                if nxt >= 0 and buf.find(TRAILER, 2, nxt) >= 0:
                    faults.append(("length_mismatch", "长度不符：帧在声明长度之前结束"))
                    del buf[:nxt]
                    continue
                break
            if buf[end - 2 : end] != TRAILER:
                faults.append(("length_mismatch", f"长度不符：声明 {length} 处没有帧尾"))
                del buf[:2]
                continue
            frames.append(bytes(buf[:end]))
            del buf[:end]
        return frames, faults
