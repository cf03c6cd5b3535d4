;; visionpipe's batch normalisation for tfjs-wasm, channels last, four channels a step
;; (WebAssembly SIMD): out = float32(offset + float32((x - mean) · scale) / norm), the product in
;; float32 and the division and sum in float64 — the operations, precisions and order of
;; tfjs-wasm's own FusedBatchNorm as compiled in its 4.x binaries, so the results are
;; bit-identical. `norm` is sqrt(variance + epsilon) in float32, computed by the caller.
;; `params` holds four rows of `channels` values: mean and scale (float32), norm and offset
;; (float64). x, out and params live in the imported memory (byte offsets); `count` is the number
;; of values in x, a multiple of `channels`.
;; Build: node scripts/build-kernels.mjs (writes src/runtime/batch-norm-kernel-wasm.ts).
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
)
