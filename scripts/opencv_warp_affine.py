#!/usr/bin/env python3
"""Samples an RGB image along an affine map with OpenCV's cv2.warpAffine (INTER_LINEAR,
WARP_INVERSE_MAP, BORDER_CONSTANT 0): the reference for the rotated-crop sampler
(test/hands/rotated-sampler.test.ts).

Run: /usr/bin/python3 scripts/opencv_warp_affine.py IN.rgb H W A B C D E F OUT_W OUT_H OUT.rgb
  reads an H×W×3 uint8 image (raw), samples output pixel (j, i) at source
  (A·j + B·i + C, D·j + E·i + F) and writes the OUT_H×OUT_W×3 uint8 result (raw).
"""
import sys

import cv2
import numpy as np


def main():
    src, h, w, a, b, c, d, e, f, out_w, out_h, dst = sys.argv[1:]
    image = np.fromfile(src, dtype=np.uint8).reshape(int(h), int(w), 3)
    matrix = np.array([[float(a), float(b), float(c)], [float(d), float(e), float(f)]], dtype=np.float64)
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    out = cv2.warpAffine(image, matrix, (int(out_w), int(out_h)), flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    out.astype(np.uint8).tofile(dst)


if __name__ == "__main__":
    main()
