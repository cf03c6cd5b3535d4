#!/usr/bin/env python3
"""Resizes a float32 plane with OpenCV's bilinear cv2.resize (INTER_LINEAR, half-pixel centres):
the reference for the segmentation pipelines' mask upsampling
(test/segmentation/segmentation-opencv.test.ts).

Run: /usr/bin/python3 scripts/opencv_resize.py IN.f32 H W X0 Y0 X1 Y1 OUT_W OUT_H OUT.f32
  reads an H×W float32 plane (raw little-endian), crops columns X0..X1 and rows Y0..Y1
  (exclusive ends: the part of the model input that holds the picture), resizes it to
  OUT_W×OUT_H and writes it as raw float32.
"""
import sys

import cv2
import numpy as np


def main():
    src, h, w, x0, y0, x1, y1, out_w, out_h, dst = sys.argv[1:]
    plane = np.fromfile(src, dtype="<f4").reshape(int(h), int(w))
    crop = np.ascontiguousarray(plane[int(y0):int(y1), int(x0):int(x1)])
    cv2.resize(crop, (int(out_w), int(out_h)), interpolation=cv2.INTER_LINEAR).astype("<f4").tofile(dst)


if __name__ == "__main__":
    main()
