#!/usr/bin/env python3
"""Format-test model for visionpipe's image-to-text pipeline (no `transformers` needed).

Builds, with random weights and a fixed seed, a tiny ViT-style encoder (patch conv +
transformer layers) and a tiny transformer decoder whose ONNX exports have the Hugging Face
VisionEncoderDecoder signature (no past-key-values cache):

  encoder_model.onnx  pixel_values [1,3,32,32] float32            -> last_hidden_state [1,16,32]
  decoder_model.onnx  input_ids [1,T] int64, encoder_hidden_states [1,16,32] -> logits [1,T,V]

It also writes tokenizer.json (Hugging Face tokenizers format: WordPiece over whole words,
Whitespace pre-tokenizer, WordPiece decoder), the fixed test image (image.bin, 32x32 RGB
uint8) and reference.json: greedy and beam-search token sequences computed in torch with
the same search rules as src/postprocess/caption (Hugging Face generate semantics).

Usage: /usr/bin/python3 scripts/export_vision_encoder_decoder.py OUT_DIR
"""
import json
import math
import os
import sys

import torch
from torch import nn

SPECIALS = ["<pad>", "<bos>", "<eos>", "<unk>"]
WORDS = ("a one two three red green blue yellow purple circle circles square squares triangle triangles "
         "star stars left right of above below near the and small big dog cat on grass sky").split()
VOCAB = SPECIALS + WORDS
PAD, BOS, EOS = 0, 1, 2
SIZE, PATCH, DIM, HEADS = 32, 8, 32, 4
MEAN, STD = [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.patch = nn.Conv2d(3, DIM, PATCH, stride=PATCH)
        self.pos = nn.Parameter(torch.randn(1, (SIZE // PATCH) ** 2, DIM) * 0.5)
        layer = nn.TransformerEncoderLayer(DIM, HEADS, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.layers = nn.TransformerEncoder(layer, num_layers=2)
        self.norm = nn.LayerNorm(DIM)

    def forward(self, pixel_values):
        x = self.patch(pixel_values).flatten(2).transpose(1, 2) + self.pos
        return self.norm(self.layers(x))


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(VOCAB), DIM)
        self.pos = nn.Parameter(torch.randn(1, 64, DIM) * 0.5)
        layer = nn.TransformerDecoderLayer(DIM, HEADS, dim_feedforward=64, dropout=0.0, batch_first=True)
        self.layers = nn.TransformerDecoder(layer, num_layers=2)
        self.norm = nn.LayerNorm(DIM)
        self.head = nn.Linear(DIM, len(VOCAB))

    def forward(self, input_ids, encoder_hidden_states):
        t = input_ids.shape[1]
        x = self.embed(input_ids) + self.pos[:, :t]
        mask = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)
        return self.head(self.norm(self.layers(x, encoder_hidden_states, tgt_mask=mask)))


def log_softmax_penalised(logits, seq, penalty):
    scores = torch.log_softmax(logits.double(), -1)
    return repetition(scores, seq, penalty)


def repetition(scores, seq, penalty):
    scores = scores.clone()
    if penalty != 1.0:
        for tok in set(seq):
            s = scores[tok]
            scores[tok] = s * penalty if s < 0 else s / penalty
    return scores


def greedy(step, max_tokens, penalty):
    seq, score = [BOS], 0.0
    for _ in range(max_tokens):
        logits = step([seq])[0].double()
        scores = repetition(logits, seq, penalty)
        nxt = int(torch.argmax(scores))
        score += float(torch.log_softmax(scores, -1)[nxt])
        if nxt == EOS:
            return {"tokens": seq[1:], "score": score, "finished": True}
        seq.append(nxt)
    return {"tokens": seq[1:], "score": score, "finished": False}


def beam_search(step, max_tokens, num_beams, length_penalty, penalty):
    """Hugging Face generate(num_beams, early_stopping=False) as in transformers v4.45
    (BeamSearchScorer.process / finalize, BeamHypotheses), decoder prompt = BOS; see
    scripts/make_beam_fixtures.py for the transcription with every early-stopping mode."""
    hyps = []  # (score, tokens, finished), best first, at most num_beams

    def worst():
        return hyps[-1][0] if len(hyps) >= num_beams else -math.inf

    def add(score, tokens, finished):
        if len(hyps) >= num_beams and score <= worst():
            return
        hyps.append((score, tokens, finished))
        hyps.sort(key=lambda h: -h[0])
        del hyps[num_beams:]

    beams = [([BOS], 0.0)]
    done = False
    t = 0
    while t < max_tokens and not done:
        logits = step([b[0] for b in beams])
        cands = []
        for b, (seq, lp) in enumerate(beams):
            scores = log_softmax_penalised(logits[b], seq, penalty)
            for v in range(scores.shape[0]):
                cands.append((lp + float(scores[v]), b, v))
        cands.sort(key=lambda c: (-c[0], c[1], c[2]))
        cands = cands[: 2 * num_beams]
        generated = len(beams[0][0])  # tokens generated once this step's token is added (EOS included)
        nxt = []
        for rank, (score, b, v) in enumerate(cands):
            if len(nxt) >= num_beams:
                break
            seq = beams[b][0]
            if v == EOS:
                if rank < num_beams:
                    add(score / generated ** length_penalty, seq[1:], True)
            else:
                nxt.append((seq + [v], score))
        beams = nxt
        if len(hyps) >= num_beams:
            done = worst() >= cands[0][0] / generated ** length_penalty
        t += 1
    if not done:
        for seq, lp in beams:
            add(lp / (len(seq) - 1) ** length_penalty, seq[1:], False)
    return [{"tokens": h[1], "score": h[0], "finished": h[2]} for h in hyps]


def tokenizer_json():
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": i, "content": w, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
                         for i, w in enumerate(SPECIALS)],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": None,
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": "<unk>", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
                  "vocab": {w: i for i, w in enumerate(VOCAB)}},
    }


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(1234)
    encoder, decoder = Encoder().eval(), Decoder().eval()
    with torch.no_grad():
        decoder.head.bias[EOS] += 0.5  # makes EOS reachable within a few steps
    g = torch.Generator().manual_seed(99)
    image = (torch.rand(SIZE, SIZE, 3, generator=g) * 255).round().to(torch.uint8)
    pixel = (image.float() / 255).permute(2, 0, 1).unsqueeze(0)
    pixel = (pixel - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)
    with torch.no_grad():
        hidden = encoder(pixel)

        def step(seqs):
            rows = []
            for seq in seqs:
                logits = decoder(torch.tensor([seq], dtype=torch.int64), hidden)
                rows.append(logits[0, -1])
            return rows

        configs = [
            {"name": "greedy", "maxTokens": 12, "numBeams": 1, "lengthPenalty": 1.0, "repetitionPenalty": 1.0},
            {"name": "greedy-repetition", "maxTokens": 12, "numBeams": 1, "lengthPenalty": 1.0, "repetitionPenalty": 1.8},
            {"name": "beam3", "maxTokens": 12, "numBeams": 3, "lengthPenalty": 1.0, "repetitionPenalty": 1.0},
            {"name": "beam4-lp", "maxTokens": 10, "numBeams": 4, "lengthPenalty": 0.5, "repetitionPenalty": 1.3},
            {"name": "greedy-short", "maxTokens": 3, "numBeams": 1, "lengthPenalty": 1.0, "repetitionPenalty": 1.0},
        ]
        results = []
        for c in configs:
            if c["numBeams"] == 1:
                seqs = [greedy(step, c["maxTokens"], c["repetitionPenalty"])]
            else:
                seqs = beam_search(step, c["maxTokens"], c["numBeams"], c["lengthPenalty"], c["repetitionPenalty"])
            for s in seqs:
                s["text"] = " ".join(VOCAB[t] for t in s["tokens"] if t >= len(SPECIALS))
            results.append({**c, "sequences": seqs})
        first_logits = decoder(torch.tensor([[BOS, 5, 6]], dtype=torch.int64), hidden)

    torch.onnx.export(encoder, (pixel,), os.path.join(out, "encoder_model.onnx"), input_names=["pixel_values"],
                      output_names=["last_hidden_state"], opset_version=14, dynamic_axes={"pixel_values": {0: "batch"}, "last_hidden_state": {0: "batch"}})
    torch.onnx.export(decoder, (torch.tensor([[BOS, 5, 6]], dtype=torch.int64), hidden), os.path.join(out, "decoder_model.onnx"),
                      input_names=["input_ids", "encoder_hidden_states"], output_names=["logits"], opset_version=14,
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "encoder_hidden_states": {0: "batch"}, "logits": {0: "batch", 1: "sequence"}})
    with open(os.path.join(out, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(), f)
    with open(os.path.join(out, "image.bin"), "wb") as f:
        f.write(image.numpy().tobytes())
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump({"torch": torch.__version__, "imageSize": [SIZE, SIZE], "mean": MEAN, "std": STD, "bos": BOS, "eos": EOS, "pad": PAD,
                   "vocabSize": len(VOCAB), "probeIds": [BOS, 5, 6], "probeLastLogits": first_logits[0, -1].tolist(),
                   "hiddenFirst8": hidden[0, 0, :8].tolist(), "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
