#!/usr/bin/env python3
"""Golden beam-search results for beamSearch (src/postprocess/caption/beam-search.ts), from an
independent transcription of Hugging Face transformers' `generate(num_beams > 1)` (v4.45:
`BeamSearchScorer.process` / `finalize`, `BeamHypotheses.add` / `is_done`), for an
encoder-decoder whose decoder prompt is the start token (decoder_prompt_len = 1):

- scores: log_softmax of the logits, then the logits processors (repetition penalty: a token
  already in the sequence has its score multiplied by the penalty if negative, divided if not),
  plus the beam's running sum; the top 2·num_beams of num_beams × vocab, best first.
- process: walking that list, an EOS candidate of rank < num_beams becomes a finished hypothesis
  scored sum_logprobs / generated_len ** length_penalty with generated_len = cur_len − 1 and
  cur_len = len(sequence) + 1 (the generated tokens, EOS included); EOS candidates of lower rank
  are skipped; other candidates become the next beams until num_beams are taken.
- BeamHypotheses.add keeps the num_beams best (a new one enters if there is room or it beats
  the worst); is_done: not before num_beams are finished; early_stopping=True: done;
  False: done when worst >= max(next_scores) / (cur_len − 1) ** length_penalty, where
  max(next_scores) is the best of the 2·num_beams candidates (EOS ones included);
  "never": the same with (max_length − 1) in place of (cur_len − 1) when length_penalty > 0.
- the loop stops when done or when max_new_tokens tokens were generated; finalize adds the
  running beams (if not done) with generated_len = len(sequence) − 1 (BOS excluded); the
  num_return_sequences best come back, best first (sorted ascending, popped from the end).

Logits come from random Markov tables (step, last token) so that the TypeScript test can rebuild
the model. Writes test/fixtures/captioning/beam-search.json.
Run: /usr/bin/python3 scripts/make_beam_fixtures.py
"""
import json
import os

import numpy as np

BOS, EOS, VOCAB = 0, 1, 8


def log_softmax(x):
    m = x.max()
    return x - m - np.log(np.exp(x - m).sum())


class BeamHypotheses:
    def __init__(self, num_beams, length_penalty, early_stopping, max_length):
        self.num_beams, self.length_penalty, self.early_stopping, self.max_length = num_beams, length_penalty, early_stopping, max_length
        self.beams = []
        self.worst_score = 1e9

    def add(self, hyp, sum_logprobs, generated_len, finished):
        score = sum_logprobs / (generated_len ** self.length_penalty)
        if len(self.beams) < self.num_beams or score > self.worst_score:
            self.beams.append((score, hyp, finished))
            if len(self.beams) > self.num_beams:
                ranked = sorted([(s, idx) for idx, (s, _, _) in enumerate(self.beams)])
                del self.beams[ranked[0][1]]
                self.worst_score = ranked[1][0]
            else:
                self.worst_score = min(score, self.worst_score)

    def is_done(self, best_sum_logprobs, cur_len, decoder_prompt_len=1):
        if len(self.beams) < self.num_beams:
            return False
        if self.early_stopping is True:
            return True
        if self.early_stopping is False or self.length_penalty <= 0:
            highest = best_sum_logprobs / (cur_len - decoder_prompt_len) ** self.length_penalty
        else:
            highest = best_sum_logprobs / (self.max_length - decoder_prompt_len) ** self.length_penalty
        return self.worst_score >= highest


def generate(table, num_beams, max_new_tokens, length_penalty, repetition_penalty, early_stopping, num_return_sequences):
    max_length = max_new_tokens + 1
    hyps = BeamHypotheses(num_beams, length_penalty, early_stopping, max_length)
    # HF starts with num_beams copies of the prompt, all but the first scored -1e9
    beams = [([BOS], 0.0 if b == 0 else -1e9) for b in range(num_beams)]
    done = False
    while True:
        cur_len = len(beams[0][0]) + 1
        cands = []
        for b, (seq, total) in enumerate(beams):
            scores = log_softmax(table[len(seq) - 1][seq[-1]].astype(np.float64))
            for tok in set(seq):
                scores[tok] = scores[tok] * repetition_penalty if scores[tok] < 0 else scores[tok] / repetition_penalty
            cands += [(total + scores[v], b, v) for v in range(VOCAB)]
        cands.sort(key=lambda c: -c[0])
        cands = cands[: 2 * num_beams]
        nxt = []
        for rank, (score, b, v) in enumerate(cands):
            if v == EOS:
                if rank >= num_beams:
                    continue
                hyps.add(beams[b][0], score, cur_len - 1, True)
            else:
                nxt.append((beams[b][0] + [v], score))
            if len(nxt) == num_beams:
                break
        done = done or hyps.is_done(max(c[0] for c in cands), cur_len)
        beams = nxt
        if done or len(beams[0][0]) >= max_length:
            break
    if not done:
        for seq, total in beams:
            hyps.add(seq, total, len(seq) - 1, False)
    ranked = sorted(hyps.beams, key=lambda h: h[0])
    out = []
    for _ in range(min(num_return_sequences, len(ranked))):
        score, seq, finished = ranked.pop()
        out.append({"tokens": [t for t in seq[1:] if t != EOS], "score": score, "finished": finished})
    return out


def main():
    rng = np.random.default_rng(2024)
    cases = []
    for k in range(24):
        num_beams = int(rng.integers(2, 5))
        max_new_tokens = int(rng.integers(3, 9))
        length_penalty = float(rng.choice([0.0, 0.5, 1.0, 2.0, -0.5]))
        repetition_penalty = float(rng.choice([1.0, 1.0, 1.3]))
        num_return_sequences = int(rng.integers(1, num_beams + 1))
        # logits: random, EOS more likely as the sequence grows
        table = rng.normal(0, 1.5, size=(max_new_tokens, VOCAB, VOCAB))
        table[:, :, EOS] += np.linspace(-1.5, 2.5, max_new_tokens)[:, None] + rng.normal(0, 0.5)
        table = np.round(table, 3).astype(np.float32)  # what the fixture stores
        case = {
            "name": f"case {k}: {num_beams} beams, {max_new_tokens} tokens, lengthPenalty {length_penalty}, repetitionPenalty {repetition_penalty}, return {num_return_sequences}",
            "numBeams": num_beams, "maxTokens": max_new_tokens, "lengthPenalty": length_penalty,
            "repetitionPenalty": repetition_penalty, "numReturnSequences": num_return_sequences,
            "table": [round(float(v), 3) for v in table.ravel()],
            "expected": {},
        }
        for mode in (False, True, "never"):
            case["expected"][str(mode).lower()] = generate(table, num_beams, max_new_tokens, length_penalty, repetition_penalty, mode, num_return_sequences)
        cases.append(case)
    out = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "captioning", "beam-search.json")
    with open(out, "w") as f:
        json.dump({"source": "scripts/make_beam_fixtures.py (transcription of transformers v4.45 beam search)", "bos": BOS, "eos": EOS, "vocab": VOCAB, "cases": cases}, f)
    print(len(cases), "cases;", os.path.getsize(out), "bytes")


if __name__ == "__main__":
    main()
