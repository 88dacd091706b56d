"""The receiver over real TCP on loopback, storing into PostgreSQL (the writer is another thread, so
these tests commit: transactional_db)."""

import asyncio
from datetime import datetime, timedelta

import pytest
from django.db import connection

from inspections.models import PlannedInspection
from monitoring import hj212, partitions
from monitoring.models import Alert, QuarantinedPacket, Reading, ReceiverCount
from monitoring.receiver import Receiver
from tests import factories

from .conftest import data_packet

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

HOUR = datetime(2026, 11, 25, 10, 0)


async def _with_receiver(scenario, **options):
    receiver = Receiver(counts_interval=0.05, **options)
    await receiver.start("127.0.0.1", 0)
    try:
        return await scenario(receiver)
    finally:
        await receiver.stop()


def run(scenario, **options):
    return asyncio.run(_with_receiver(scenario, **options))


async def _answer(reader, timeout=5.0):
    line = await asyncio.wait_for(reader.readuntil(b"\r\n"), timeout)
    return hj212.parse_frame(line)


def test_a_packet_is_answered_and_a_resent_one_stored_once(point):
    async def scenario(receiver):
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        first = data_packet(at=HOUR)
        writer.write(first)
        answer = await _answer(reader)
        writer.write(first)  # the logger did not get the answer in time and resends
        again = await _answer(reader)
        writer.close()
        return answer, again

    answer, again = run(scenario)
    assert (answer.cn, answer.qn, answer.mn, answer.st) == (
        "9014",
        "20261125100001001",
        point.mn,
        "91",
    )
    assert again.cn == "9014"
    stored = Reading.objects.filter(point=point)
    assert stored.count() == 2  # NMHC and flow, once
    assert stored.get(code="a24088").avg == 12.5
    point.refresh_from_db()
    assert point.last_hour_at == stored.first().data_time
    counts = dict(ReceiverCount.objects.values_list("reason", "count"))
    assert counts["stored"] == 1 and counts["duplicate"] == 1 and counts["answered"] == 2


def test_frames_split_and_joined_across_reads_and_faults_counted_on_one_connection(point):
    good = [data_packet(at=HOUR + timedelta(hours=i), qn=f"Q{i}") for i in range(3)]
    bad_crc = good[0][:-6] + b"0000\r\n"

    async def scenario(receiver):
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        stream = b"garbage" + bad_crc + good[0] + good[1] + good[2]
        for i in range(0, len(stream), 7):  # dribbled in 7-byte reads
            writer.write(stream[i : i + 7])
            await writer.drain()
        answers = [await _answer(reader) for _ in range(3)]
        writer.close()
        return answers

    answers = run(scenario)
    assert sorted(a.qn for a in answers) == ["Q0", "Q1", "Q2"]
    assert Reading.objects.filter(point=point, code="a24088").count() == 3
    counts = dict(ReceiverCount.objects.values_list("reason", "count"))
    assert counts["garbage"] == 1 and counts["crc_mismatch"] == 1 and counts["stored"] == 3


def test_unknown_mn_wrong_password_and_retired_point_are_quarantined_and_not_answered(point):
    async def scenario(receiver):
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        writer.write(data_packet(mn="UNKNOWN0001"))
        writer.write(data_packet(pw="wrong"))
        writer.write(data_packet(at=HOUR + timedelta(hours=5), qn="ok"))
        answer = await _answer(reader)  # only the good one is answered
        writer.close()
        return answer

    assert run(scenario).qn == "ok"
    assert Reading.objects.filter(point=point, code="a24088").count() == 1
    assert set(QuarantinedPacket.objects.values_list("reason", flat=True)) == {
        "unknown_mn",
        "wrong_password",
    }
    kept = QuarantinedPacket.objects.get(reason="wrong_password").frame
    assert point.mn in kept and "PW=***;" in kept and "wrong" not in kept  # passwords never kept
    assert "UNKNOWN0001" in QuarantinedPacket.objects.get(reason="unknown_mn").frame
    point.retired_at = point.created_at
    point.save()
    assert run(lambda r: _send_and_wait(r, data_packet(at=HOUR + timedelta(hours=6)))) is None
    assert QuarantinedPacket.objects.filter(reason="retired_point").count() == 1


async def _send_and_wait(receiver, frame, wait=0.5):
    reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
    writer.write(frame)
    try:
        return await _answer(reader, timeout=wait)
    except TimeoutError:
        return None
    finally:
        writer.close()


def test_half_a_frame_then_silence_closes_the_connection(point):
    async def scenario(receiver):
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        writer.write(data_packet()[:40])
        closed = await asyncio.wait_for(reader.read(), 5)  # b"" once the receiver closes
        return closed, receiver.total["stalled"]

    closed, stalled = run(scenario, frame_timeout=0.2)
    assert closed == b"" and stalled == 1


def test_a_split_message_is_reassembled_and_each_part_answered(point):
    parts = [
        hj212.frame(
            f"QN=S1;ST=31;CN=2051;PW=123456;MN={point.mn};Flag=7;PNUM=2;PNO={n};CP=&&{cp}&&"
        )
        for n, cp in (
            (1, "DataTime=20261125100100;a24088-Avg=3.5,a24088-Flag=N"),
            (2, "a25003-Avg=0.5,a25003-Flag=N"),
        )
    ]

    async def scenario(receiver):
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        answers = []
        for part in parts:
            writer.write(part)
            answers.append(await _answer(reader))
        writer.close()
        return answers

    assert [a.cn for a in run(scenario)] == ["9014", "9014"]
    assert set(Reading.objects.filter(point=point).values_list("code", "cn")) == {
        ("a24088", 2051),
        ("a25003", 2051),
    }


def test_many_idle_connections_do_not_stop_a_logger_being_answered(point):
    async def scenario(receiver):
        idle = [await asyncio.open_connection("127.0.0.1", receiver.port) for _ in range(1000)]
        await asyncio.sleep(0.1)
        connected = receiver.connections
        answer = await _send_and_wait(receiver, data_packet(), wait=5)
        for _r, w in idle:
            w.close()
        return connected, answer

    connected, answer = run(scenario)
    assert connected == 1000 and answer.cn == "9014"


def test_an_exceedance_opens_an_alert_plans_an_inspection_and_later_hours_extend_it(point):
    inspector = factories.inspector_user(username="known")

    async def scenario(receiver):
        reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
        for i, value in enumerate((80.0, 95.5, 20.0)):
            writer.write(data_packet(at=HOUR + timedelta(hours=i), nmhc=value, qn=f"X{i}"))
            await _answer(reader)
        writer.close()

    run(scenario)
    alert = Alert.objects.get()
    assert (alert.kind, alert.code, alert.status, alert.hours) == (
        "exceedance",
        "a24088",
        "open",
        2,
    )
    assert alert.peak == 95.5 and alert.limit == 60 and "GB 16297" in alert.legal_source
    planned = PlannedInspection.objects.get(alert=alert)
    assert planned.reason == "monitoring" and list(planned.inspectors.all()) == [inspector]
    assert inspector.notifications.filter(title__contains="1# 涂装废气排放口").exists()


def test_a_month_without_a_partition_gets_one(point):
    if connection.vendor != "postgresql":
        pytest.skip("partitions are PostgreSQL's")
    old = (datetime.now() - timedelta(days=200)).replace(minute=0, second=0, microsecond=0)
    month = partitions.month_of(old)
    assert month not in partitions.existing(connection=connection)
    assert run(lambda r: _send_and_wait(r, data_packet(at=old), wait=5)).cn == "9014"
    assert month in partitions.existing(connection=connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {partitions.name_of(month)}")
        assert cursor.fetchone()[0] == 2
    dropped = partitions.detach_before(
        connection=connection, month=partitions.next_month(month), drop=True
    )
    assert partitions.name_of(month) in dropped
    assert month not in partitions.existing(connection=connection)
    # A late packet for the dropped month (this process still believes it exists) is stored, not a
    # batch failing for ever.
    late = data_packet(at=old + timedelta(hours=1), qn="late")
    assert run(lambda r: _send_and_wait(r, late, wait=5)).qn == "late"
    assert month in partitions.existing(connection=connection)


def test_two_receivers_given_the_same_packets_at_once_store_them_once(point):
    """Scale-out: a logger that reconnects to another receiver and resends is harmless. Each receiver
    has its own writer thread and database connection, so the two batches really race."""
    frames = [data_packet(at=HOUR + timedelta(minutes=m), cn="2051", qn=f"M{m}") for m in range(50)]

    async def scenario():
        first, second = Receiver(counts_interval=0.05), Receiver(counts_interval=0.05)
        await first.start("127.0.0.1", 0)
        await second.start("127.0.0.1", 0)
        try:

            async def send(receiver):
                reader, writer = await asyncio.open_connection("127.0.0.1", receiver.port)
                writer.write(b"".join(frames))
                answers = [await _answer(reader) for _ in frames]
                writer.close()
                return answers

            return await asyncio.gather(send(first), send(second))
        finally:
            await first.stop()
            await second.stop()

    one, two = asyncio.run(scenario())
    assert len(one) == len(two) == 50
    assert Reading.objects.filter(point=point, code="a24088", cn=2051).count() == 50
    counts = dict(ReceiverCount.objects.values_list("reason", "count"))
    assert counts["stored"] + counts.get("duplicate", 0) == 100 and counts["answered"] == 100
