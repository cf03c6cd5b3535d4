;; visionpipe's frame-sampling kernel: bilinear samples of an int32 or float32 picture (1–4
;; interleaved channels) written as a normalised float32 or int32 model input, one output pixel
;; per step with its channels in the four lanes of a vector (WebAssembly SIMD). It imports the
;; memory of tfjs's wasm backend, so the frame tensor, the input tensor and the tables below are
;; all read and written where tfjs keeps them (byte offsets into that memory). Same arithmetic
;; as the JavaScript loop in src/preprocess/sampling/region-sample.ts, in float32.
;; Build: node scripts/build-sample-kernel.mjs (writes src/preprocess/sampling/sample-kernel-wasm.ts).
;;
;; sample(src, header, cols, ncols, rows, nrows, out, right, down, pixel, s0, s1, s2, flags)
;;   src     the frame's first value
;;   header  gains (f32 × 4) then offsets (f32 × 4), per output slot 0–2: value · gain + offset
;;   cols    ncols × { left: i32 bytes from a row's start, tx: f32 } for the inside columns
;;   rows    nrows × { top: i32 bytes from src, ty: f32, at: i32 bytes from out } for the inside
;;           rows; `at` is where the row's first inside column is written
;;   out     the output's first value
;;   right, down  bytes to the right and lower neighbours
;;   pixel   bytes between output pixels of a row; s0, s1, s2 bytes of the three values from it
;;   flags   1: float32 frame (else int32); 2: one channel read three times (grey);
;;           4: int32 output rounded half to even; 8: int32 output truncated (else float32);
;;           16: values at s = 0, 4, 8 (RGB NHWC): one vector store per pixel but the last
(module
  (import "env" "memory" (memory 1))

  ;; four values at `at`, as floats: a vector load, or one value in every lane (grey)
  (func $texel (param $at i32) (param $flags i32) (result v128)
    (local $v v128)
    (if (i32.and (local.get $flags) (i32.const 2))
      (then (local.set $v (v128.load32_splat (local.get $at))))
      (else (local.set $v (v128.load (local.get $at)))))
    (if (result v128) (i32.and (local.get $flags) (i32.const 1))
      (then (local.get $v))
      (else (f32x4.convert_i32x4_s (local.get $v)))))

  (func (export "sample")
    (param $src i32) (param $header i32) (param $cols i32) (param $ncols i32) (param $rows i32) (param $nrows i32)
    (param $out i32) (param $right i32) (param $down i32) (param $pixel i32)
    (param $s0 i32) (param $s1 i32) (param $s2 i32) (param $flags i32)
    (local $gain v128) (local $offset v128) (local $x v128) (local $y v128)
    (local $tl v128) (local $tr v128) (local $bl v128) (local $br v128) (local $upper v128) (local $v v128)
    (local $rowsEnd i32) (local $colsEnd i32) (local $lastCol i32) (local $col i32)
    (local $top i32) (local $at i32) (local $p i32) (local $vectorStore i32)
    (local.set $gain (v128.load (local.get $header)))
    (local.set $offset (v128.load offset=16 (local.get $header)))
    (local.set $rowsEnd (i32.add (local.get $rows) (i32.mul (local.get $nrows) (i32.const 12))))
    (local.set $colsEnd (i32.add (local.get $cols) (i32.shl (local.get $ncols) (i32.const 3))))
    (local.set $lastCol (i32.sub (local.get $colsEnd) (i32.const 8)))
    (local.set $vectorStore (i32.and (local.get $flags) (i32.const 16)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_u (local.get $rows) (local.get $rowsEnd)))
        (local.set $top (i32.add (local.get $src) (i32.load (local.get $rows))))
        (local.set $y (f32x4.splat (f32.load offset=4 (local.get $rows))))
        (local.set $at (i32.add (local.get $out) (i32.load offset=8 (local.get $rows))))
        (local.set $col (local.get $cols))
        (block $cols_done
          (loop $next_col
            (br_if $cols_done (i32.ge_u (local.get $col) (local.get $colsEnd)))
            (local.set $p (i32.add (local.get $top) (i32.load (local.get $col))))
            (local.set $x (f32x4.splat (f32.load offset=4 (local.get $col))))
            (local.set $tl (call $texel (local.get $p) (local.get $flags)))
            (local.set $tr (call $texel (i32.add (local.get $p) (local.get $right)) (local.get $flags)))
            (local.set $p (i32.add (local.get $p) (local.get $down)))
            (local.set $bl (call $texel (local.get $p) (local.get $flags)))
            (local.set $br (call $texel (i32.add (local.get $p) (local.get $right)) (local.get $flags)))
            ;; upper + (lower − upper) · y, each row tl + (tr − tl) · x, then · gain + offset
            (local.set $upper (f32x4.add (local.get $tl) (f32x4.mul (f32x4.sub (local.get $tr) (local.get $tl)) (local.get $x))))
            (local.set $v (f32x4.add (local.get $bl) (f32x4.mul (f32x4.sub (local.get $br) (local.get $bl)) (local.get $x))))
            (local.set $v (f32x4.add (local.get $upper) (f32x4.mul (f32x4.sub (local.get $v) (local.get $upper)) (local.get $y))))
            (local.set $v (f32x4.add (f32x4.mul (local.get $v) (local.get $gain)) (local.get $offset)))
            (if (i32.and (local.get $flags) (i32.const 4))
              (then (local.set $v (i32x4.trunc_sat_f32x4_s (f32x4.nearest (local.get $v))))))
            (if (i32.and (local.get $flags) (i32.const 8))
              (then (local.set $v (i32x4.trunc_sat_f32x4_s (local.get $v)))))
            ;; the fourth lane of a vector store lands on the next pixel's first value, written next
            (if (i32.and (local.get $vectorStore) (i32.lt_u (local.get $col) (local.get $lastCol)))
              (then (v128.store (local.get $at) (local.get $v)))
              (else
                (i32.store (i32.add (local.get $at) (local.get $s0)) (i32x4.extract_lane 0 (local.get $v)))
                (i32.store (i32.add (local.get $at) (local.get $s1)) (i32x4.extract_lane 1 (local.get $v)))
                (i32.store (i32.add (local.get $at) (local.get $s2)) (i32x4.extract_lane 2 (local.get $v)))))
            (local.set $at (i32.add (local.get $at) (local.get $pixel)))
            (local.set $col (i32.add (local.get $col) (i32.const 8)))
            (br $next_col)))
        (local.set $rows (i32.add (local.get $rows) (i32.const 12)))
        (br $next_row))))
)
