#!/usr/bin/python3
"""Format test of a real Mask R-CNN: torchvision's own export and results, for the TypeScript
instance-segmentation pipeline (run from the repository root; needs python3-torch,
python3-torchvision and python3-opencv):

  /usr/bin/python3 scripts/export_torchvision_maskrcnn.py [OUT_DIR]

Builds torchvision.models.detection.maskrcnn_resnet50_fpn(weights=None,
weights_backbone=None) with a fixed seed, in eval mode, with a fixed 320x320 internal size
(min_size = max_size = 320: the model's own resize is the identity on a 320x320 input) and at
most 20 detections, and writes to OUT_DIR (default .cache/torchvision/maskrcnn, git-ignored;
test/helpers/torchvision-cache.ts runs this):

  maskrcnn.onnx           the full model (transform, backbone, RPN, RoI heads, mask paste) as
                          ONNX opset 11: input `images` [1,3,320,320] RGB in 0-1 ->
                          `boxes` [N,4] xyxy pixels, `labels` [N] int64, `scores` [N],
                          `masks` [N,1,320,320] pasted probabilities. ~170 MB.
  maskrcnn-opset17.onnx   the same model and signature exported at ONNX opset 17. ~170 MB.
                          torchvision 0.14's RoIAlign symbolic sets no coordinate_transformation_mode;
                          from opset 16 ONNX defaults it to half_pixel (aligned=True), so a plain
                          opset-17 export shifts every RoIAlign by half a pixel (scores off by
                          ~0.007 here). Like torchvision 0.15, we register an opset-16 symbolic
                          that says output_half_pixel (aligned=False, what Mask R-CNN uses).
  maskrcnn-image.bin      the input photo (astronaut, resized to 320x320 with PIL's box filter) as
                          raw RGB uint8, row-major.
  maskrcnn-masks28.bin    the RoI head's pre-paste masks [N,1,28,28] float32 (what a model-zoo
                          style export returns), little-endian.
  maskrcnn-pasted.bin     torchvision's paste_masks_in_image of those: [N,320,320] float32.
  maskrcnn-expected.json  torchvision's own result on the image: boxes, labels, scores, and
                          per mask the count of pixels > 0.5; plus timings.

With random weights BatchNorm statistics are the fresh ones (mean 0, var 1): activations
grow through the ResNet and the box head's scores saturate, so there are plenty of
detections with torchvision's default box_score_thresh (0.05); masks are varied
probabilities in [0, 1].
"""
import json
import os
import sys
import time

try:
    import numpy as np
    import torch
    import torchvision
    from torchvision.models.detection import maskrcnn_resnet50_fpn
    from torchvision.models.detection.roi_heads import paste_masks_in_image
    from PIL import Image
except ImportError:  # e.g. a pyenv python3 first on PATH: use the system one (Debian packages)
    if os.path.exists('/usr/bin/python3') and os.path.realpath(sys.executable) != '/usr/bin/python3':
        os.execv('/usr/bin/python3', ['/usr/bin/python3', *sys.argv])
    raise

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
SEED = 20240611
SIZE = 320
MAX_DETECTIONS = 20


class Batched(torch.nn.Module):
    """Takes a batch [1,3,H,W] (the layout image pipelines feed) instead of a list of images."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, images):
        out = self.model([images[0]])[0]
        return out['boxes'], out['labels'], out['scores'], out['masks']


def register_roi_align_opset16():
    """torchvision >= 0.15's opset-16 RoIAlign export (explicit coordinate_transformation_mode)."""
    from torch.onnx import register_custom_op_symbolic
    from torch.onnx.symbolic_helper import parse_args
    from torch.onnx.symbolic_opset11 import select, squeeze
    from torch.onnx.symbolic_opset9 import _cast_Long

    @parse_args('v', 'v', 'f', 'i', 'i', 'i', 'i')
    def roi_align(g, input, rois, spatial_scale, pooled_height, pooled_width, sampling_ratio, aligned):
        batch_indices = _cast_Long(g, squeeze(g, select(g, rois, 1, g.op('Constant', value_t=torch.tensor([0], dtype=torch.long))), 1), False)
        rois = select(g, rois, 1, g.op('Constant', value_t=torch.tensor([1, 2, 3, 4], dtype=torch.long)))
        return g.op(
            'RoiAlign', input, rois, batch_indices,
            coordinate_transformation_mode_s='half_pixel' if aligned else 'output_half_pixel',
            spatial_scale_f=spatial_scale, output_height_i=pooled_height, output_width_i=pooled_width,
            sampling_ratio_i=max(sampling_ratio, 0),
        )

    register_custom_op_symbolic('torchvision::roi_align', roi_align, 16)


def load_image():
    photo = Image.open(os.path.join(ROOT, 'test', 'fixtures', 'images', 'astronaut.jpg')).convert('RGB')
    return np.ascontiguousarray(np.asarray(photo.resize((SIZE, SIZE), Image.BOX), dtype=np.uint8))


def pre_paste_masks(model, image):
    """The RoI heads' detections before GeneralizedRCNNTransform.postprocess: boxes in the
    (identity-resized) input and the [N,1,28,28] mask probabilities."""
    images, _ = model.transform([image])
    features = model.backbone(images.tensors)
    proposals, _ = model.rpn(images, features)
    detections, _ = model.roi_heads(features, proposals, images.image_sizes)
    return detections[0]


def export(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    timings = {}
    torch.manual_seed(SEED)
    model = maskrcnn_resnet50_fpn(weights=None, weights_backbone=None, min_size=SIZE, max_size=SIZE,
                                  box_detections_per_img=MAX_DETECTIONS).eval()
    rgb = load_image()
    rgb.tofile(os.path.join(out_dir, 'maskrcnn-image.bin'))
    image = torch.from_numpy(rgb).permute(2, 0, 1).float() / 255

    t = time.time()
    with torch.no_grad():
        out = model([image])[0]
        raw = pre_paste_masks(model, image)
        pasted = paste_masks_in_image(raw['masks'], raw['boxes'], (SIZE, SIZE), padding=1)
    timings['torchvisionForwardS'] = round(time.time() - t, 2)
    # The pre-paste path reproduces the full forward (identity resize: same boxes and masks).
    assert torch.equal(raw['boxes'], out['boxes']) and torch.equal(pasted, out['masks'])
    n = int(out['boxes'].shape[0])
    assert n > 0, 'no detections'
    raw['masks'].numpy().astype('<f4').tofile(os.path.join(out_dir, 'maskrcnn-masks28.bin'))
    pasted[:, 0].numpy().astype('<f4').tofile(os.path.join(out_dir, 'maskrcnn-pasted.bin'))

    for opset, name in ((11, 'maskrcnn.onnx'), (17, 'maskrcnn-opset17.onnx')):
        if opset >= 16:
            register_roi_align_opset16()
        t = time.time()
        torch.onnx.export(
            Batched(model), (image[None],), os.path.join(out_dir, name), opset_version=opset,
            input_names=['images'], output_names=['boxes', 'labels', 'scores', 'masks'], do_constant_folding=True,
        )
        timings[f'onnxExportOpset{opset}S'] = round(time.time() - t, 2)

    expected = {
        'torchvision': torchvision.__version__,
        'seed': SEED,
        'imageSize': [SIZE, SIZE],
        'count': n,
        'boxes': out['boxes'].tolist(),
        'labels': [int(v) for v in out['labels'].tolist()],
        'scores': [float(v) for v in out['scores'].tolist()],
        'maskArea': [int(v) for v in (out['masks'] > 0.5).flatten(1).sum(1).tolist()],
        'timings': timings,
    }
    with open(os.path.join(out_dir, 'maskrcnn-expected.json'), 'w') as f:
        json.dump(expected, f)
    print(f'{n} detections, timings {timings} -> {out_dir}')


if __name__ == '__main__':
    export(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, '.cache', 'torchvision', 'maskrcnn'))
