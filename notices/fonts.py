"""The notice font, prepared once: Noto Serif CJK SC cut down to GB 2312 and common punctuation.

Subsetting Debian's whole Noto CJK font (65,535 glyphs) for every PDF dominates render time; a
7,500-glyph font prepared at install time makes a notice render as fast as one in a Latin font.
Characters outside GB 2312 (rare names) fall back to the full system font, so nothing is missing.
"""

import hashlib
import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from django.conf import settings

SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
WEIGHTS = ("Regular", "Bold")
FAMILY = "GovernSerif"
FALLBACK_FAMILY = "Noto Serif CJK SC"
PUNCTUATION = "〔〕《》「」『』【】（）：；，。、？！“”‘’—…·％～℃"
FORMAT_VERSION = 1


def font_dir() -> Path:
    return Path(settings.GOVERN_FONT_DIR)


def prepared_path(weight: str) -> Path:
    return font_dir() / f"{FAMILY}-{weight}.otf"


def source_path(weight: str) -> Path:
    return SOURCE_DIR / f"NotoSerifCJK-{weight}.ttc"


def characters() -> list[int]:
    chars = {chr(c) for c in range(0x20, 0x7F)} | set(PUNCTUATION)
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return sorted(ord(c) for c in chars)


def _stamp() -> str:
    """Changes when the source fonts or this recipe change, so the prepared fonts are rebuilt."""
    parts = [FORMAT_VERSION]
    for weight in WEIGHTS:
        source = source_path(weight)
        stat = source.stat()
        parts.append([str(source), stat.st_size, int(stat.st_mtime)])
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def is_prepared() -> bool:
    stamp = font_dir() / "stamp"
    try:
        return stamp.read_text() == _stamp() and all(prepared_path(w).exists() for w in WEIGHTS)
    except OSError:
        return False


def _subset(weight: str, target: str) -> str:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(source_path(weight)))
    font = next(f for f in collection.fonts if "SC" in f["name"].getDebugName(1))
    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    # Horizontal Chinese needs no regional variants; keeping "locl" would double the glyph count.
    options.layout_features = ["kern", "palt", "halt"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)
    temporary = Path(target).with_suffix(".tmp")
    font.save(str(temporary))
    temporary.replace(target)
    return target


def prepare(*, force: bool = False) -> bool:
    """Build the prepared fonts if missing or stale; returns whether anything was built."""
    if not force and is_prepared():
        return False
    missing = [str(source_path(w)) for w in WEIGHTS if not source_path(w).exists()]
    if missing:
        raise FileNotFoundError(
            f"Noto CJK fonts not found: {', '.join(missing)} (apt-get install fonts-noto-cjk)"
        )
    font_dir().mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=len(WEIGHTS)) as pool:
        list(pool.map(_subset, WEIGHTS, [str(prepared_path(w)) for w in WEIGHTS]))
    (font_dir() / "stamp").write_text(_stamp())
    return True


def font_face_css(weights=WEIGHTS) -> str:
    """@font-face rules for the prepared font, or nothing (the system font is used) if absent.

    A notice set in one weight declares only that one: each declared face is loaded and subset into
    every PDF, which is what a batch of thousands pays for."""
    rules = []
    for weight in weights:
        path = prepared_path(weight)
        if path.exists():
            css_weight = "bold" if weight == "Bold" else "normal"
            rules.append(
                f'@font-face {{ font-family: "{FAMILY}"; src: url("{path.as_uri()}"); font-weight: {css_weight}; }}'
            )
    return "\n".join(rules)
