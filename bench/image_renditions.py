"""Image library timings: how long an upload takes to check and clean, and how long the
background task takes to make one image's renditions, per size of original and per format.

Not a test. Pure Pillow work through ``gazeta.media.processing`` (what ``image_upload`` and
``image_renditions_make`` call), no database, no files: the pictures are generated, with
enough texture (noise over gradients) to cost what a photograph costs to encode.

    .venv/bin/python bench/image_renditions.py                  # WebP, 3 sizes, 3 runs each
    .venv/bin/python bench/image_renditions.py --avif           # AVIF too
    .venv/bin/python bench/image_renditions.py --runs 5 --sizes 6000x4000

Figures depend on the machine and on whatever else runs on it: compare runs made one after
the other.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazeta.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from PIL import Image  # noqa: E402

from gazeta.media.processing import image_clean, renditions_encode  # noqa: E402

DEFAULT_SIZES = ["1600x900", "4000x3000", "6000x4000"]


def photo_like(width: int, height: int) -> bytes:
    """A JPEG with detail at every scale (coarse blotches, fine grain, gradients), at
    camera quality (92): close to what a photograph costs to decode and encode."""
    size = (width, height)
    coarse = Image.effect_noise((width // 24, height // 24), 90).resize(size, Image.BICUBIC)
    grain = Image.effect_noise(size, 40)
    red = Image.linear_gradient("L").resize(size)
    blue = red.transpose(Image.Transpose.ROTATE_90).resize(size)
    green = Image.blend(coarse, grain, 0.25)
    picture = Image.merge("RGB", (Image.blend(red, coarse, 0.5), green, blue))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=92)
    return out.getvalue()


def timed(function, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=DEFAULT_SIZES, help="WIDTHxHEIGHT ...")
    parser.add_argument("--runs", type=int, default=3, help="Runs per measure (median shown).")
    parser.add_argument("--avif", action="store_true", help="Also time AVIF renditions.")
    args = parser.parse_args()
    settings.GAZETA_IMAGE_MAX_PIXELS = 10**9
    settings.GAZETA_IMAGE_MAX_BYTES = 10**9
    widths = settings.GAZETA_IMAGE_RENDITION_WIDTHS
    formats = [["webp"], ["avif"]] if args.avif else [["webp"]]
    print(f"Rendition widths {list(widths)}, quality {settings.GAZETA_IMAGE_RENDITION_QUALITY}")
    print(f"{'original':>11} {'upload':>9} {'clean':>8}  {'format':<5} {'renditions':>10}  sizes")
    for size in args.sizes:
        width, height = map(int, size.split("x"))
        original = photo_like(width, height)
        clean_time, clean = timed(
            lambda original=original: image_clean(SimpleUploadedFile("p.jpg", original)),
            args.runs,
        )
        for image_formats in formats:
            made_time, made = timed(
                lambda clean=clean, f=image_formats: renditions_encode(clean.content, formats=f),
                args.runs,
            )
            sizes = " ".join(f"{r.width}:{len(r.content) // 1024}k" for r in reversed(made))
            print(
                f"{size:>11} {len(original) / 1e6:>7.1f}MB {clean_time:>7.2f}s  "
                f"{image_formats[0]:<5} {made_time:>9.2f}s  {sizes}"
            )


if __name__ == "__main__":
    main()
