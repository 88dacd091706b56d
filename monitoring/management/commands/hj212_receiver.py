"""python manage.py hj212_receiver --host 127.0.0.1 --port 9212"""

import asyncio
import logging
import signal

from django.core.management.base import BaseCommand

from monitoring.receiver import Receiver, raise_open_file_limit


class Command(BaseCommand):
    help = "Receive HJ 212 packets from data loggers over TCP, store them and answer them."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=9212)
        parser.add_argument(
            "--frame-timeout",
            type=float,
            default=30.0,
            help="Seconds a connection may hold half a frame before it is closed.",
        )
        parser.add_argument(
            "--idle-timeout",
            type=float,
            default=None,
            help="Close connections silent this many seconds (default: keep them).",
        )

    def handle(self, *args, **options):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        limit = raise_open_file_limit()
        asyncio.run(self._run(options, limit))

    async def _run(self, options, limit: int) -> None:
        receiver = Receiver(
            frame_timeout=options["frame_timeout"], idle_timeout=options["idle_timeout"]
        )
        server = await receiver.start(options["host"], options["port"])
        self.stdout.write(
            f"HJ 212 receiver on {options['host']}:{receiver.port} (open files: {limit}); "
            "Ctrl-C or SIGTERM stops it after storing what is pending."
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        server.close()
        await receiver.stop()
        self.stdout.write(f"Stopped. { ({str(k): v for k, v in receiver.total.items()}) }")
