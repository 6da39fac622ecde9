"""Regenerates the PIL golden fixtures of keyshield.experiments.data's tests (run with Debian's python3-pil).

/usr/bin/python3 make_golden.py [/path/to/cifar10]
Pillow 9.4.0 (Debian bookworm) made the committed files.
"""
import os, shutil, sys
import numpy as np
from PIL import Image

rng = np.random.default_rng(20261123)
src = Image.fromarray(rng.integers(0, 256, size=(57, 41, 3), dtype=np.uint8), "RGB")   # height 57, width 41
src.save("resize-in.png")
for name, size, flt in [("bicubic-20x29", (20, 29), Image.BICUBIC), ("bicubic-70x90", (70, 90), Image.BICUBIC),
                        ("bicubic-41x30", (41, 30), Image.BICUBIC), ("bicubic-30x57", (30, 57), Image.BICUBIC),
                        ("bilinear-20x29", (20, 29), Image.BILINEAR)]:
    src.resize(size, flt).save(f"resize-{name}.png")             # size is (width, height)

# timm eval transform for img_size 24, crop_pct 0.875: Resize(27) then CenterCrop(24), torchvision's rules
short, long_ = 41, 57
new_w, new_h = 27, int(27 * long_ / short)
r = src.resize((new_w, new_h), Image.BICUBIC)
top, left = int(round((new_h - 24) / 2.0)), int(round((new_w - 24) / 2.0))
r.crop((left, top, left + 24, top + 24)).save("timm-eval-24.png")

# decoding: PIL's convert("RGB") of gray, gray+alpha, palette, RGBA and 16-bit gray PNGs
g = rng.integers(0, 256, size=(9, 7), dtype=np.uint8)
Image.fromarray(g, "L").save("gray.png")
Image.fromarray(np.stack([g, 255 - g], -1), "LA").save("gray-alpha.png")
Image.fromarray(rng.integers(0, 256, size=(9, 7, 4), dtype=np.uint8), "RGBA").save("rgba.png")
Image.fromarray(rng.integers(0, 256, size=(9, 7, 3), dtype=np.uint8), "RGB").quantize(16).save("palette.png")
for f in ["gray.png", "gray-alpha.png", "rgba.png", "palette.png"]:
    Image.open(f).convert("RGB").save("expected-" + f)

# JPEG decoding of a few CIFAR-10 test images, as PIL (libjpeg-turbo) decodes them
if len(sys.argv) > 1:
    for cls, idx in [("airplane", 0), ("cat", 7), ("frog", 123), ("truck", 999)]:
        name = f"cifar-{cls}-{idx:04d}"
        shutil.copy(os.path.join(sys.argv[1], "test", cls, f"{idx:04d}.jpg"), name + ".jpg")
        Image.open(name + ".jpg").convert("RGB").save(name + "-pil.png")

# a CMYK JPEG (the JDK's reader rejects these; ImageNet's training set has a few); PIL's naive conversion back
cmyk = Image.fromarray(np.random.default_rng(5).integers(0, 256, size=(12, 10, 3), dtype=np.uint8), "RGB").convert("CMYK")
cmyk.save("cmyk.jpg", quality=95)
Image.open("cmyk.jpg").convert("RGB").save("expected-cmyk.png")
