"""The HJ 212 parser against the real packets in ../shared/hj212 and hand-made faults."""

import json
from datetime import datetime
from pathlib import Path

import pytest

from monitoring import hj212

# Real packets from public repositories, each naming its source (a copy of ../shared/hj212).
VECTORS = Path(__file__).resolve().parent / "data" / "public-packets.json"
PACKETS = json.loads(VECTORS.read_text(encoding="utf-8"))


def test_the_shared_packets_are_there():
    assert len(PACKETS) >= 9


@pytest.mark.parametrize("row", [r for r in PACKETS if r["valid"]], ids=lambda r: r["declared_crc"])
def test_every_valid_public_packet_parses(row):
    packet = hj212.parse_frame(row["packet"].encode())
    assert packet.cn in hj212.COMMANDS
    assert packet.data_time is not None
    assert packet.values
    assert f"{hj212.crc(row['packet'].encode()[6:-6]):04X}" == row["crc_of_data_segment"]


@pytest.mark.parametrize(
    "row", [r for r in PACKETS if not r["valid"]], ids=lambda r: r["declared_crc"]
)
def test_every_invalid_public_packet_is_refused_naming_both_crcs(row):
    with pytest.raises(hj212.FrameError) as caught:
        hj212.parse_frame(row["packet"].encode())
    assert caught.value.reason == "crc_mismatch"
    assert row["declared_crc"] in str(caught.value)
    assert row["crc_of_data_segment"] in str(caught.value)


def test_the_crc_is_not_modbus():
    segment = PACKETS[0]["packet"].encode()[6:-6]
    modbus = 0xFFFF
    for byte in segment:
        modbus ^= byte
        for _ in range(8):
            modbus = (modbus >> 1) ^ 0xA001 if modbus & 1 else modbus >> 1
    assert f"{hj212.crc(segment):04X}" == "CC01" != f"{modbus:04X}"


def test_a_hourly_packet_reads_its_values_flags_and_time():
    packet = hj212.parse_frame(PACKETS[5]["packet"].encode())
    assert (packet.cn, packet.mn, packet.flag) == ("2061", "Z13401000010301", 5)
    assert packet.wants_answer and not packet.is_split and packet.version == 1
    assert packet.data_time == datetime(2019, 9, 24, 22, 0)
    first = packet.values[0]
    assert (first.code, first.fields["Avg"], first.flag) == ("a34006", 2.697, "N")


def test_millisecond_data_times_and_missing_qn_and_flag_are_accepted():
    packet = hj212.parse_frame(PACKETS[4]["packet"].encode())
    assert packet.qn == "" and packet.flag == 0
    assert packet.data_time == datetime(2021, 3, 5, 0, 38, 17)


def _segment(cp="DataTime=20261125100000;a24088-Avg=1.5,a24088-Flag=N", cn="2061", flag=4):
    return f"QN=1;ST=31;CN={cn};PW=123456;MN=M1;Flag={flag};CP=&&{cp}&&"


@pytest.mark.parametrize(
    ("frame", "reason", "words"),
    [
        (b"#0012abc", "bad_header", "##"),
        (b"##00x2" + b"a" * 10 + b"0000\r\n", "bad_header", "4 位数字"),
        (b"##2000" + b"a" * 10 + b"0000\r\n", "too_long", "1024"),
        (
            b"##%04d" % (len(_segment()) + 1) + hj212.frame(_segment())[6:],
            "length_mismatch",
            "长度不符",
        ),
        (hj212.frame(_segment(cn="7777")), "unknown_command", "CN=7777"),
        (hj212.frame(_segment(cp="DataTime=2026;a24088-Avg=1")), "malformed_cp", "DataTime"),
        (
            hj212.frame(_segment(cp="DataTime=20261125100000;a24088-Avg=abc")),
            "malformed_cp",
            "数值",
        ),
        (hj212.frame(_segment(cp="DataTime=20261125100000;a24088-Flag=Q")), "malformed_cp", "标记"),
        (hj212.frame(_segment(cp="a24088-Avg=1")), "malformed_cp", "缺少 DataTime"),
        (
            hj212.frame("QN=1;ST=31;CN=2061;MN=M1;CP=&&DataTime=20261125100000"),
            "malformed_cp",
            "CP=&&",
        ),
        (hj212.frame("QN=1;CN=2061;MN=M1;CP=&&&&"), "bad_header", "ST"),
    ],
)
def test_each_fault_raises_one_error_naming_it(frame, reason, words):
    with pytest.raises(hj212.FrameError) as caught:
        hj212.parse_frame(frame)
    assert caught.value.reason == reason
    assert words in str(caught.value)


def test_the_answer_echoes_qn_and_clears_the_ack_bit():
    packet = hj212.parse_frame(PACKETS[5]["packet"].encode())
    reply = hj212.parse_frame(hj212.answer(packet))
    assert (reply.cn, reply.st, reply.qn, reply.mn) == ("9014", "91", packet.qn, packet.mn)
    assert reply.flag == 4 and not reply.wants_answer


def test_the_splitter_handles_split_joined_and_garbage_streams():
    one = PACKETS[0]["packet"].encode()
    two = PACKETS[5]["packet"].encode()
    splitter = hj212.FrameSplitter()
    frames, faults = splitter.feed(b"\x00\xffjunk" + one[:7])
    assert frames == [] and faults == [("garbage", "6 字节不属于任何帧")]
    frames, faults = splitter.feed(one[7:] + two + b"##0010" + one)
    # The frame that claims 10 characters has no trailer there: dropped, the next one still found.
    assert frames == [one, two, one]
    assert [reason for reason, _ in faults] == ["length_mismatch", "garbage"]
    assert splitter.pending == 0


def test_split_parts_merge_into_one_packet():
    parts = [
        hj212.parse_frame(
            hj212.frame(f"QN=9;ST=31;CN=2051;PW=1;MN=M1;Flag=7;PNUM=2;PNO={n};CP=&&{cp}&&")
        )
        for n, cp in (
            (2, "a25003-Avg=0.5,a25003-Flag=N"),
            (1, "DataTime=20261125100100;a24088-Avg=3"),
        )
    ]
    assert all(p.is_split for p in parts)
    whole = hj212.merge(parts)
    assert whole.data_time == datetime(2026, 11, 25, 10, 1)
    assert {v.code for v in whole.values} == {"a24088", "a25003"}
    assert not whole.is_split
