;; visionpipe's similarity-search kernel: the dot product of every row of a float32 matrix with a
;; query, four lanes at a time (WebAssembly SIMD). Rows are `dim` floats, dim a multiple of 4;
;; the matrix, the query and the output live in the imported memory (byte offsets).
;; Build: node scripts/build-kernels.mjs (writes src/pipelines/embeddings/dot-kernel-wasm.ts).
(module
  (import "env" "memory" (memory 1))
  (func (export "scores") (param $matrix i32) (param $rows i32) (param $dim i32) (param $query i32) (param $out i32)
    (local $row i32) (local $i i32) (local $bytes i32) (local $a v128) (local $b v128)
    (local.set $bytes (i32.shl (local.get $dim) (i32.const 2)))
    (block $done
      (loop $next_row
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $a (v128.const f32x4 0 0 0 0))
        (local.set $b (v128.const f32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        ;; two accumulators, 8 floats per step while they fit
        (block $pairs_done
          (loop $pairs
            (br_if $pairs_done (i32.gt_u (i32.add (local.get $i) (i32.const 32)) (local.get $bytes)))
            (local.set $a (f32x4.add (local.get $a)
              (f32x4.mul (v128.load (i32.add (local.get $matrix) (local.get $i))) (v128.load (i32.add (local.get $query) (local.get $i))))))
            (local.set $b (f32x4.add (local.get $b)
              (f32x4.mul (v128.load offset=16 (i32.add (local.get $matrix) (local.get $i))) (v128.load offset=16 (i32.add (local.get $query) (local.get $i))))))
            (local.set $i (i32.add (local.get $i) (i32.const 32)))
            (br $pairs)))
        ;; a last group of 4
        (if (i32.lt_u (local.get $i) (local.get $bytes))
          (then
            (local.set $a (f32x4.add (local.get $a)
              (f32x4.mul (v128.load (i32.add (local.get $matrix) (local.get $i))) (v128.load (i32.add (local.get $query) (local.get $i))))))))
        (local.set $a (f32x4.add (local.get $a) (local.get $b)))
        (f32.store (i32.add (local.get $out) (i32.shl (local.get $row) (i32.const 2)))
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a)))
            (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))
        (local.set $matrix (i32.add (local.get $matrix) (local.get $bytes)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $next_row))))
)
