"""Benchmark of the photo stamp (inspections.fieldmedia.stamped_copy), beside a baseline measured in
the same run: a plain full decode of the same photo (what any use of the photo costs anyway).

No database is needed:
    .venv/bin/python -m bench.photos --runs 15 --size 4000x3000
"""

import argparse
import io
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govern.settings.base")

import django  # noqa: E402

django.setup()

from PIL import Image, ImageDraw  # noqa: E402

from inspections import fieldmedia  # noqa: E402

LINES = [
    "2026-11-26 10:32 · 林志强",
    "24.78150°N 118.55240°E · 手机定位",
    "晋江恒达鞋业有限公司",
    "泉州市生态环境局",
]


def phone_photo(width: int, height: int) -> bytes:
    """A JPEG like a phone's: full size, some detail, EXIF orientation and time."""
    image = Image.new("RGB", (width, height), (96, 128, 84))
    draw = ImageDraw.Draw(image)
    for i in range(0, width, 37):
        draw.line([(i, 0), (width - i, height)], fill=(180, 170, 150), width=3)
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8769)[0x9003] = "2026:11:26 10:32:00"
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=88, exif=exif)
    return out.getvalue()


def median_ms(work, runs: int) -> float:
    work()  # warm (font loaded, caches filled)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--size", default="4000x3000")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    data = phone_photo(width, height)
    stamp = median_ms(lambda: fieldmedia.stamped_copy(data, LINES), args.runs)
    baseline = median_ms(lambda: decode(data), args.runs)
    print(
        f"{width}x{height} JPEG ({len(data) / 1e6:.1f} MB): stamp {stamp:.0f} ms, "
        f"full decode {baseline:.0f} ms, ratio {stamp / baseline:.2f}"
    )


if __name__ == "__main__":
    main()
