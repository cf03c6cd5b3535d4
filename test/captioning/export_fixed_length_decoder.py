#!/usr/bin/env python3
"""The format-test VisionEncoderDecoder export of scripts/export_vision_encoder_decoder.py, with
the decoder's sequence axis FIXED at its example length (3): `input_ids` [batch, 3] int64 and
`logits` [batch, 3, V]. Same seed, weights, tokenizer, image and reference.json (computed in
torch on unpadded sequences); only the ONNX export of the sequence axis differs.

Usage: /usr/bin/python3 test/captioning/export_fixed_length_decoder.py OUT_DIR
"""
import importlib.util
import os
import sys

import torch

BASE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "export_vision_encoder_decoder.py")
FIXED = ("input_ids", "logits")


def main():
    spec = importlib.util.spec_from_file_location("export_vision_encoder_decoder", BASE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    export = torch.onnx.export

    def fixed_sequence(model, args, path, **kwargs):
        axes = kwargs.get("dynamic_axes") or {}
        kwargs["dynamic_axes"] = {name: {a: n for a, n in dims.items() if a != 1} if name in FIXED else dims for name, dims in axes.items()}
        return export(model, args, path, **kwargs)

    torch.onnx.export = fixed_sequence
    module.main()


if __name__ == "__main__":
    main()
