;; visionpipe's kernels for tfjs-wasm, linked to the backend's own memory (byte offsets), four
;; values a step (WebAssembly SIMD); each computes exactly what tfjs-wasm's own kernel does.
;;
;; batch_norm: channels last; out = float32(offset + float32((x - mean) · scale) / norm), the product in
;; float32 and the division and sum in float64 — the operations, precisions and order of
;; tfjs-wasm's own FusedBatchNorm as compiled in its 4.x binaries, so the results are
;; bit-identical. `norm` is sqrt(variance + epsilon) in float32, computed by the caller.
;; `params` holds four rows of `channels` values: mean and scale (float32), norm and offset
;; (float64). x, out and params live in the imported memory (byte offsets); `count` is the number
;; of values in x, a multiple of `channels`.
;;
;; min_max: Maximum (op 1) or Minimum (op 0) of float32 tensors a and b as tfjs-wasm's std::max /
;; std::min: max = (a < b ? b : a), min = (b < a ? b : a) — WebAssembly's pmax / pmin, the same
;; on NaN and signed zeros. `mode` 0: a and b both `count` values; 1: b one value; 2: a one value.
;;
;; equal: a == b of float32 (ints 0) or int32 (ints 1) tensors, 1 or 0 per value into bytes at out
;; (IEEE equality: NaN equals nothing, -0 equals 0); `mode` as for min_max.
;;
;; channel_op: a (`count` float32 values) with b (`channels` values, repeated along a's last
;; axis): a + b[c] (op 0) or a · b[c] (op 1), float32, as tfjs-wasm's broadcasting Add / Multiply.
;;
;; mean_middle: the mean over the middle axes of x seen as [outer, reduce, inner] (NHWC spatial
;; means: reduce = H·W, inner = C), into out [outer, inner]: each output's float32 sum over the
;; reduce axis in order, then divided by float32(reduce) — tfjs-wasm's Mean after its transpose,
;; four outputs a step (out is the accumulator).
;; Build: node scripts/build-kernels.mjs (writes src/runtime/backend-kernels-wasm.ts).
(module
  (import "env" "memory" (memory 1))
  (func (export "batch_norm") (param $x i32) (param $out i32) (param $count i32) (param $params i32) (param $channels i32)
    (local $end i32) (local $row_end i32) (local $c i32) (local $row i32)
    (local $mean i32) (local $scale i32) (local $norm i32) (local $offset i32) (local $t v128)
    (local.set $row (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $mean (local.get $params))
    (local.set $scale (i32.add (local.get $mean) (local.get $row)))
    (local.set $norm (i32.add (local.get $scale) (local.get $row)))
    (local.set $offset (i32.add (local.get $norm) (i32.shl (local.get $row) (i32.const 1))))
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $next_pixel
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $row_end (i32.add (local.get $x) (local.get $row)))
        (local.set $c (i32.const 0))
        ;; four channels a step: the float32 product, then two float64 pairs
        (block $vectors_done
          (loop $vectors
            (br_if $vectors_done (i32.gt_u (i32.add (local.get $x) (i32.const 16)) (local.get $row_end)))
            (local.set $t
              (f32x4.mul
                (f32x4.sub (v128.load (local.get $x)) (v128.load (i32.add (local.get $mean) (local.get $c))))
                (v128.load (i32.add (local.get $scale) (local.get $c)))))
            (v128.store (local.get $out)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
                (f32x4.demote_f64x2_zero
                  (f64x2.add (v128.load (i32.add (local.get $offset) (i32.shl (local.get $c) (i32.const 1))))
                    (f64x2.div (f64x2.promote_low_f32x4 (local.get $t))
                      (v128.load (i32.add (local.get $norm) (i32.shl (local.get $c) (i32.const 1)))))))
                (f32x4.demote_f64x2_zero
                  (f64x2.add (v128.load offset=16 (i32.add (local.get $offset) (i32.shl (local.get $c) (i32.const 1))))
                    (f64x2.div
                      (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t) (local.get $t)))
                      (v128.load offset=16 (i32.add (local.get $norm) (i32.shl (local.get $c) (i32.const 1)))))))))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $vectors)))
        ;; the last channels of a row, one at a time
        (block $scalars_done
          (loop $scalars
            (br_if $scalars_done (i32.ge_u (local.get $x) (local.get $row_end)))
            (f32.store (local.get $out)
              (f32.demote_f64
                (f64.add (f64.load (i32.add (local.get $offset) (i32.shl (local.get $c) (i32.const 1))))
                  (f64.div
                    (f64.promote_f32
                      (f32.mul
                        (f32.sub (f32.load (local.get $x)) (f32.load (i32.add (local.get $mean) (local.get $c))))
                        (f32.load (i32.add (local.get $scale) (local.get $c)))))
                    (f64.load (i32.add (local.get $norm) (i32.shl (local.get $c) (i32.const 1))))))))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $scalars)))
        (br $next_pixel))))

  (func (export "min_max") (param $a i32) (param $b i32) (param $out i32) (param $count i32) (param $mode i32) (param $op i32)
    (local $end i32) (local $va v128) (local $vb v128) (local $sa f32) (local $sb f32)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))))
    (if (i32.eq (local.get $mode) (i32.const 2)) (then (local.set $va (v128.load32_splat (local.get $a)))))
    (if (i32.eq (local.get $mode) (i32.const 1)) (then (local.set $vb (v128.load32_splat (local.get $b)))))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_u (i32.add (local.get $out) (i32.const 16)) (local.get $end)))
        (if (i32.ne (local.get $mode) (i32.const 2)) (then (local.set $va (v128.load (local.get $a)))
          (local.set $a (i32.add (local.get $a) (i32.const 16)))))
        (if (i32.ne (local.get $mode) (i32.const 1)) (then (local.set $vb (v128.load (local.get $b)))
          (local.set $b (i32.add (local.get $b) (i32.const 16)))))
        (v128.store (local.get $out)
          (select (f32x4.pmax (local.get $va) (local.get $vb)) (f32x4.pmin (local.get $va) (local.get $vb)) (local.get $op)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $vectors)))
    ;; the last values, one at a time
    (block $scalars_done
      (loop $scalars
        (br_if $scalars_done (i32.ge_u (local.get $out) (local.get $end)))
        (local.set $sa (f32.load (local.get $a)))
        (local.set $sb (f32.load (local.get $b)))
        (if (i32.ne (local.get $mode) (i32.const 2)) (then (local.set $a (i32.add (local.get $a) (i32.const 4)))))
        (if (i32.ne (local.get $mode) (i32.const 1)) (then (local.set $b (i32.add (local.get $b) (i32.const 4)))))
        (f32.store (local.get $out)
          (if (result f32) (local.get $op)
            (then (select (local.get $sb) (local.get $sa) (f32.lt (local.get $sa) (local.get $sb))))
            (else (select (local.get $sb) (local.get $sa) (f32.lt (local.get $sb) (local.get $sa))))))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $scalars))))
  (func (export "equal") (param $a i32) (param $b i32) (param $out i32) (param $count i32) (param $mode i32) (param $ints i32)
    (local $end i32) (local $va v128) (local $vb v128) (local $eq v128)
    (local.set $end (i32.add (local.get $out) (local.get $count)))
    (if (i32.eq (local.get $mode) (i32.const 2)) (then (local.set $va (v128.load32_splat (local.get $a)))))
    (if (i32.eq (local.get $mode) (i32.const 1)) (then (local.set $vb (v128.load32_splat (local.get $b)))))
    (block $vectors_done
      (loop $vectors
        (br_if $vectors_done (i32.gt_u (i32.add (local.get $out) (i32.const 4)) (local.get $end)))
        (if (i32.ne (local.get $mode) (i32.const 2)) (then (local.set $va (v128.load (local.get $a)))
          (local.set $a (i32.add (local.get $a) (i32.const 16)))))
        (if (i32.ne (local.get $mode) (i32.const 1)) (then (local.set $vb (v128.load (local.get $b)))
          (local.set $b (i32.add (local.get $b) (i32.const 16)))))
        (local.set $eq (select (i32x4.eq (local.get $va) (local.get $vb)) (f32x4.eq (local.get $va) (local.get $vb)) (local.get $ints)))
        ;; four all-ones / zero lanes to four bytes of 1 / 0
        (local.set $eq (i8x16.narrow_i16x8_s (i16x8.narrow_i32x4_s (local.get $eq) (local.get $eq)) (local.get $eq)))
        (v128.store32_lane 0 (local.get $out) (v128.and (local.get $eq) (v128.const i8x16 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $vectors)))
    (block $scalars_done
      (loop $scalars
        (br_if $scalars_done (i32.ge_u (local.get $out) (local.get $end)))
        (i32.store8 (local.get $out)
          (if (result i32) (local.get $ints)
            (then (i32.eq (i32.load (local.get $a)) (i32.load (local.get $b))))
            (else (f32.eq (f32.load (local.get $a)) (f32.load (local.get $b))))))
        (if (i32.ne (local.get $mode) (i32.const 2)) (then (local.set $a (i32.add (local.get $a) (i32.const 4)))))
        (if (i32.ne (local.get $mode) (i32.const 1)) (then (local.set $b (i32.add (local.get $b) (i32.const 4)))))
        (local.set $out (i32.add (local.get $out) (i32.const 1)))
        (br $scalars))))

  (func (export "channel_op") (param $a i32) (param $b i32) (param $out i32) (param $count i32) (param $channels i32) (param $op i32)
    (local $end i32) (local $row_end i32) (local $c i32) (local $row i32) (local $va v128) (local $vb v128)
    (local.set $row (i32.shl (local.get $channels) (i32.const 2)))
    (local.set $end (i32.add (local.get $a) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $next_row
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $row_end (i32.add (local.get $a) (local.get $row)))
        (local.set $c (local.get $b))
        (block $vectors_done
          (loop $vectors
            (br_if $vectors_done (i32.gt_u (i32.add (local.get $a) (i32.const 16)) (local.get $row_end)))
            (local.set $va (v128.load (local.get $a)))
            (local.set $vb (v128.load (local.get $c)))
            (v128.store (local.get $out)
              (select (f32x4.mul (local.get $va) (local.get $vb)) (f32x4.add (local.get $va) (local.get $vb)) (local.get $op)))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (br $vectors)))
        (block $scalars_done
          (loop $scalars
            (br_if $scalars_done (i32.ge_u (local.get $a) (local.get $row_end)))
            (f32.store (local.get $out)
              (if (result f32) (local.get $op)
                (then (f32.mul (f32.load (local.get $a)) (f32.load (local.get $c))))
                (else (f32.add (f32.load (local.get $a)) (f32.load (local.get $c))))))
            (local.set $a (i32.add (local.get $a) (i32.const 4)))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (br $scalars)))
        (br $next_row))))

  (func (export "mean_middle") (param $x i32) (param $out i32) (param $outer i32) (param $reduce i32) (param $inner i32)
    (local $o i32) (local $r i32) (local $i i32) (local $row i32) (local $acc i32) (local $n v128) (local $nf f32)
    (local.set $row (i32.shl (local.get $inner) (i32.const 2)))
    (local.set $nf (f32.convert_i32_u (local.get $reduce)))
    (local.set $n (f32x4.splat (local.get $nf)))
    (block $done
      (loop $next_outer
        (br_if $done (i32.ge_u (local.get $o) (local.get $outer)))
        (local.set $acc (i32.add (local.get $out) (i32.mul (local.get $o) (local.get $row))))
        (memory.fill (local.get $acc) (i32.const 0) (local.get $row))
        ;; out[o, :] += x[o, r, :] for r in order
        (local.set $r (i32.const 0))
        (block $sums_done
          (loop $next_r
            (br_if $sums_done (i32.ge_u (local.get $r) (local.get $reduce)))
            (local.set $i (i32.const 0))
            (block $v_done
              (loop $v
                (br_if $v_done (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $row)))
                (v128.store (i32.add (local.get $acc) (local.get $i))
                  (f32x4.add (v128.load (i32.add (local.get $acc) (local.get $i))) (v128.load (i32.add (local.get $x) (local.get $i)))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $v)))
            (block $s_done
              (loop $s
                (br_if $s_done (i32.ge_u (local.get $i) (local.get $row)))
                (f32.store (i32.add (local.get $acc) (local.get $i))
                  (f32.add (f32.load (i32.add (local.get $acc) (local.get $i))) (f32.load (i32.add (local.get $x) (local.get $i)))))
                (local.set $i (i32.add (local.get $i) (i32.const 4)))
                (br $s)))
            (local.set $x (i32.add (local.get $x) (local.get $row)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $next_r)))
        ;; the sums divided by float32(reduce)
        (local.set $i (i32.const 0))
        (block $dv_done
          (loop $dv
            (br_if $dv_done (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $row)))
            (v128.store (i32.add (local.get $acc) (local.get $i)) (f32x4.div (v128.load (i32.add (local.get $acc) (local.get $i))) (local.get $n)))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $dv)))
        (block $ds_done
          (loop $ds
            (br_if $ds_done (i32.ge_u (local.get $i) (local.get $row)))
            (f32.store (i32.add (local.get $acc) (local.get $i)) (f32.div (f32.load (i32.add (local.get $acc) (local.get $i))) (local.get $nf)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $ds)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $next_outer))))
)
