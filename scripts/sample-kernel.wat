;; visionpipe's frame-sampling kernel: bilinear samples of a uint8, int32 or float32 picture (3 or 4
;; interleaved channels) written as a normalised float32 or int32 model input, one output pixel
;; per step with its channels in the four lanes of a vector (WebAssembly SIMD). It imports the
;; memory of tfjs's wasm backend, so the frame tensor, the input tensor and the tables below are
;; all read and written where tfjs keeps them (byte offsets into that memory). Same arithmetic
;; as the JavaScript loop in src/preprocess/sampling/region-sample.ts, in float32.
;; Build: node scripts/build-kernels.mjs (writes src/preprocess/sampling/sample-kernel-wasm.ts).
;; Two exports: `sample` (crop regions and fits, below) and `affine` (rotated crops, at the end).
;;
;; sample(src, header, cols, ncols, rows, nrows, out, right, down, pixel, s0, s1, s2, flags, row)
;;   src     the frame's first value
;;   header  gains (f32 × 4) then offsets (f32 × 4), per output slot 0–2: value · gain + offset
;;   cols    ncols × { left: i32 bytes from a row's start, tx: f32 } for the inside columns
;;   rows    nrows × { top: i32 bytes from src, ty: f32, at: i32 bytes from out } for the inside
;;           rows; `at` is where the row's first inside column is written
;;   out     the output's first value
;;   right, down  bytes to the right and lower neighbours
;;   pixel   bytes between output pixels of a row; s0, s1, s2 bytes of the three values from it
;;   flags   1: float32 frame; 2: uint8 frame (else int32); 4: int32 output rounded half to even;
;;           8: int32 output truncated (else float32); 16: values at s = 0, 4, 8 (RGB NHWC):
;;           one vector store per pixel but the last
;;   row     16 · ncols bytes of scratch: each output row is blended there first (a vector per
;;           pixel), then converted and stored, so every loop is free of per-pixel branches
;;           (which cost V8's SIMD code more than the extra pass over a row in cache)
;; The frame must have 3 or 4 channels: a vector load at a pixel reads its 3 values (and one
;; more); at the last pixel of a 3-channel frame that is one value (4 bytes; uint8: 1 byte) past
;; the frame, which the caller checks is inside memory.
(module
  (import "env" "memory" (memory 1))

  (func (export "sample")
    (param $src i32) (param $header i32) (param $cols i32) (param $ncols i32) (param $rows i32) (param $nrows i32)
    (param $out i32) (param $right i32) (param $down i32) (param $pixel i32)
    (param $s0 i32) (param $s1 i32) (param $s2 i32) (param $flags i32) (param $row i32)
    (local $gain v128) (local $offset v128) (local $x v128) (local $y v128)
    (local $upper v128) (local $lower v128) (local $v v128)
    (local $rowsEnd i32) (local $colsEnd i32) (local $rowEnd i32) (local $lastPixel i32) (local $col i32)
    (local $top i32) (local $at i32) (local $p i32) (local $q i32)
    (local.set $gain (v128.load (local.get $header)))
    (local.set $offset (v128.load offset=16 (local.get $header)))
    (local.set $rowsEnd (i32.add (local.get $rows) (i32.mul (local.get $nrows) (i32.const 12))))
    (local.set $colsEnd (i32.add (local.get $cols) (i32.shl (local.get $ncols) (i32.const 3))))
    (local.set $rowEnd (i32.add (local.get $row) (i32.shl (local.get $ncols) (i32.const 4))))
    (local.set $lastPixel (i32.sub (local.get $rowEnd) (i32.const 16)))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_u (local.get $rows) (local.get $rowsEnd)))
        (local.set $top (i32.add (local.get $src) (i32.load (local.get $rows))))
        (local.set $y (f32x4.splat (f32.load offset=4 (local.get $rows))))
        (local.set $at (i32.add (local.get $out) (i32.load offset=8 (local.get $rows))))

        ;; 1. blend: upper + (lower − upper) · y, each of them left + (right − left) · x, then
        ;; · gain + offset; int32 frames are converted to float first, uint8 ones widened (4 bytes
        ;; loaded: a pixel's values and one more) and converted
        (local.set $col (local.get $cols))
        (local.set $q (local.get $row))
        (if (i32.and (local.get $flags) (i32.const 1))
          (then
            (block $done
              (loop $next
                (br_if $done (i32.ge_u (local.get $col) (local.get $colsEnd)))
                (local.set $p (i32.add (local.get $top) (i32.load (local.get $col))))
                (local.set $x (f32x4.splat (f32.load offset=4 (local.get $col))))
                (local.set $upper (v128.load (local.get $p)))
                (local.set $upper (f32x4.add (local.get $upper) (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $p) (local.get $right))) (local.get $upper)) (local.get $x))))
                (local.set $p (i32.add (local.get $p) (local.get $down)))
                (local.set $lower (v128.load (local.get $p)))
                (local.set $lower (f32x4.add (local.get $lower) (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $p) (local.get $right))) (local.get $lower)) (local.get $x))))
                (local.set $v (f32x4.add (local.get $upper) (f32x4.mul (f32x4.sub (local.get $lower) (local.get $upper)) (local.get $y))))
                (v128.store (local.get $q) (f32x4.add (f32x4.mul (local.get $v) (local.get $gain)) (local.get $offset)))
                (local.set $q (i32.add (local.get $q) (i32.const 16)))
                (local.set $col (i32.add (local.get $col) (i32.const 8)))
                (br $next))))
          (else
            (if (i32.and (local.get $flags) (i32.const 2))
              (then
                (block $done
                  (loop $next
                    (br_if $done (i32.ge_u (local.get $col) (local.get $colsEnd)))
                    (local.set $p (i32.add (local.get $top) (i32.load (local.get $col))))
                    (local.set $x (f32x4.splat (f32.load offset=4 (local.get $col))))
                    (local.set $upper (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $p))))))
                    (local.set $upper (f32x4.add (local.get $upper) (f32x4.mul (f32x4.sub (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (i32.add (local.get $p) (local.get $right)))))) (local.get $upper)) (local.get $x))))
                    (local.set $p (i32.add (local.get $p) (local.get $down)))
                    (local.set $lower (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $p))))))
                    (local.set $lower (f32x4.add (local.get $lower) (f32x4.mul (f32x4.sub (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (i32.add (local.get $p) (local.get $right)))))) (local.get $lower)) (local.get $x))))
                    (local.set $v (f32x4.add (local.get $upper) (f32x4.mul (f32x4.sub (local.get $lower) (local.get $upper)) (local.get $y))))
                    (v128.store (local.get $q) (f32x4.add (f32x4.mul (local.get $v) (local.get $gain)) (local.get $offset)))
                    (local.set $q (i32.add (local.get $q) (i32.const 16)))
                    (local.set $col (i32.add (local.get $col) (i32.const 8)))
                    (br $next))))
              (else
                (block $done
                  (loop $next
                    (br_if $done (i32.ge_u (local.get $col) (local.get $colsEnd)))
                    (local.set $p (i32.add (local.get $top) (i32.load (local.get $col))))
                    (local.set $x (f32x4.splat (f32.load offset=4 (local.get $col))))
                    (local.set $upper (f32x4.convert_i32x4_s (v128.load (local.get $p))))
                    (local.set $upper (f32x4.add (local.get $upper) (f32x4.mul (f32x4.sub (f32x4.convert_i32x4_s (v128.load (i32.add (local.get $p) (local.get $right)))) (local.get $upper)) (local.get $x))))
                    (local.set $p (i32.add (local.get $p) (local.get $down)))
                    (local.set $lower (f32x4.convert_i32x4_s (v128.load (local.get $p))))
                    (local.set $lower (f32x4.add (local.get $lower) (f32x4.mul (f32x4.sub (f32x4.convert_i32x4_s (v128.load (i32.add (local.get $p) (local.get $right)))) (local.get $lower)) (local.get $x))))
                    (local.set $v (f32x4.add (local.get $upper) (f32x4.mul (f32x4.sub (local.get $lower) (local.get $upper)) (local.get $y))))
                    (v128.store (local.get $q) (f32x4.add (f32x4.mul (local.get $v) (local.get $gain)) (local.get $offset)))
                    (local.set $q (i32.add (local.get $q) (i32.const 16)))
                    (local.set $col (i32.add (local.get $col) (i32.const 8)))
                    (br $next)))))))

        ;; 2. int32 outputs: round half to even (f32x4.nearest) or truncate, in place
        (if (i32.and (local.get $flags) (i32.const 12))
          (then
            (local.set $q (local.get $row))
            (if (i32.and (local.get $flags) (i32.const 4))
              (then
                (block $done
                  (loop $next
                    (br_if $done (i32.ge_u (local.get $q) (local.get $rowEnd)))
                    (v128.store (local.get $q) (i32x4.trunc_sat_f32x4_s (f32x4.nearest (v128.load (local.get $q)))))
                    (local.set $q (i32.add (local.get $q) (i32.const 16)))
                    (br $next))))
              (else
                (block $done
                  (loop $next
                    (br_if $done (i32.ge_u (local.get $q) (local.get $rowEnd)))
                    (v128.store (local.get $q) (i32x4.trunc_sat_f32x4_s (v128.load (local.get $q))))
                    (local.set $q (i32.add (local.get $q) (i32.const 16)))
                    (br $next)))))))

        ;; 3. store: a vector per pixel where its values are adjacent (the fourth lane lands on
        ;; the next pixel's first value, written next), the last pixel (or every pixel) by lanes
        (local.set $q (local.get $row))
        (if (i32.and (local.get $flags) (i32.const 16))
          (then
            (block $done
              (loop $next
                (br_if $done (i32.ge_u (local.get $q) (local.get $lastPixel)))
                (v128.store (local.get $at) (v128.load (local.get $q)))
                (local.set $at (i32.add (local.get $at) (local.get $pixel)))
                (local.set $q (i32.add (local.get $q) (i32.const 16)))
                (br $next)))))
        (block $done
          (loop $next
            (br_if $done (i32.ge_u (local.get $q) (local.get $rowEnd)))
            (i32.store (i32.add (local.get $at) (local.get $s0)) (i32.load (local.get $q)))
            (i32.store (i32.add (local.get $at) (local.get $s1)) (i32.load offset=4 (local.get $q)))
            (i32.store (i32.add (local.get $at) (local.get $s2)) (i32.load offset=8 (local.get $q)))
            (local.set $at (i32.add (local.get $at) (local.get $pixel)))
            (local.set $q (i32.add (local.get $q) (i32.const 16)))
            (br $next)))

        (local.set $rows (i32.add (local.get $rows) (i32.const 12)))
        (br $next_row))))

  ;; affine(src, header, segs, nsegs, a, b, c, d, e, f, rowBytes, pixBytes, pixel, s0, s1, s2, flags)
  ;; Bilinear samples along an affine map (a rotated crop) for the output pixels whose four
  ;; neighbours all lie inside the frame, as the JavaScript loop of affine-sample.ts computes
  ;; them (positions in float64, x = a·j + (b·i + c), y = d·j + (e·i + f); the blend in float32,
  ;; along x then along y):
  ;;   segs   nsegs × { i: i32 output row, j0: i32, j1: i32 (columns [j0, j1)), at: i32 bytes
  ;;          from the output start of pixel (i, j0) } — the caller finds the inside run of each row
  ;;   src    the frame's first value; rowBytes, pixBytes: bytes per frame row and pixel
  ;;   header, pixel, s0–s2, flags (1 float32, 2 uint8, else int32 frame; 16 RGB NHWC: one
  ;;          vector store per pixel, whose fourth lane lands on the next pixel — written later
  ;;          by this kernel or the caller's border loop; the caller keeps the output's very last
  ;;          pixel out of the runs): as for `sample`; the output is float32
  ;; Positions are computed two pixels at a time (f64x2, the same float64 operations per lane);
  ;; each pixel then reads lane 0, the odd one after a shift. Inside a run x, y ≥ 0, so
  ;; truncation is the floor.
  (func (export "affine")
    (param $src i32) (param $header i32) (param $segs i32) (param $nsegs i32) (param $out i32)
    (param $a f64) (param $b f64) (param $c f64) (param $d f64) (param $e f64) (param $f f64)
    (param $rowBytes i32) (param $pixBytes i32) (param $pixel i32)
    (param $s0 i32) (param $s1 i32) (param $s2 i32) (param $flags i32)
    (local $gain v128) (local $offset v128) (local $v v128) (local $w v128)
    (local $p00 v128) (local $p01 v128) (local $p10 v128) (local $p11 v128)
    (local $segsEnd i32) (local $i f64) (local $j i32) (local $j1 i32) (local $at i32) (local $p i32) (local $odd i32)
    (local $jj v128) (local $aa v128) (local $dd v128) (local $rowX v128) (local $rowY v128) (local $xs v128) (local $ys v128)
    (local $xi v128) (local $yi v128) (local $fx v128) (local $fy v128) (local $off v128)
    (local.set $gain (v128.load (local.get $header)))
    (local.set $offset (v128.load offset=16 (local.get $header)))
    (local.set $aa (f64x2.splat (local.get $a)))
    (local.set $dd (f64x2.splat (local.get $d)))
    (local.set $segsEnd (i32.add (local.get $segs) (i32.shl (local.get $nsegs) (i32.const 4))))
    (block $segs_done
      (loop $next_seg
        (br_if $segs_done (i32.ge_u (local.get $segs) (local.get $segsEnd)))
        (local.set $i (f64.convert_i32_s (i32.load (local.get $segs))))
        (local.set $j (i32.load offset=4 (local.get $segs)))
        (local.set $j1 (i32.load offset=8 (local.get $segs)))
        (local.set $at (i32.add (local.get $out) (i32.load offset=12 (local.get $segs))))
        (local.set $rowX (f64x2.splat (f64.add (f64.mul (local.get $b) (local.get $i)) (local.get $c))))
        (local.set $rowY (f64x2.splat (f64.add (f64.mul (local.get $e) (local.get $i)) (local.get $f))))
        (local.set $jj (f64x2.replace_lane 1 (f64x2.splat (f64.convert_i32_s (local.get $j))) (f64.convert_i32_s (i32.add (local.get $j) (i32.const 1)))))
        (local.set $odd (i32.const 0))
        (block $done
          (loop $next
            (br_if $done (i32.ge_s (local.get $j) (local.get $j1)))
            (if (local.get $odd)
              (then
                ;; the odd pixel: lane 1 of the pair moved to lane 0
                (local.set $off (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $off) (local.get $off)))
                (local.set $fx (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $fx) (local.get $fx)))
                (local.set $fy (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $fy) (local.get $fy))))
              (else
                ;; positions of pixels j, j + 1: floors, fractions (float32) and byte offsets
                (local.set $xs (f64x2.add (f64x2.mul (local.get $aa) (local.get $jj)) (local.get $rowX)))
                (local.set $ys (f64x2.add (f64x2.mul (local.get $dd) (local.get $jj)) (local.get $rowY)))
                (local.set $xi (i32x4.trunc_sat_f64x2_s_zero (local.get $xs)))
                (local.set $yi (i32x4.trunc_sat_f64x2_s_zero (local.get $ys)))
                (local.set $fx (f32x4.demote_f64x2_zero (f64x2.sub (local.get $xs) (f64x2.convert_low_i32x4_s (local.get $xi)))))
                (local.set $fy (f32x4.demote_f64x2_zero (f64x2.sub (local.get $ys) (f64x2.convert_low_i32x4_s (local.get $yi)))))
                (local.set $off (i32x4.add (i32x4.mul (local.get $yi) (i32x4.splat (local.get $rowBytes))) (i32x4.mul (local.get $xi) (i32x4.splat (local.get $pixBytes)))))
                (local.set $jj (f64x2.add (local.get $jj) (f64x2.splat (f64.const 2))))))
            (local.set $odd (i32.xor (local.get $odd) (i32.const 1)))
            (local.set $p (i32.add (local.get $src) (i32x4.extract_lane 0 (local.get $off))))
            (if (i32.and (local.get $flags) (i32.const 1))
              (then
                (local.set $p00 (v128.load (local.get $p)))
                (local.set $p01 (v128.load (i32.add (local.get $p) (local.get $pixBytes))))
                (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
                (local.set $p10 (v128.load (local.get $p)))
                (local.set $p11 (v128.load (i32.add (local.get $p) (local.get $pixBytes)))))
              (else
                (if (i32.and (local.get $flags) (i32.const 2))
                  (then
                    (local.set $p00 (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $p))))))
                    (local.set $p01 (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (i32.add (local.get $p) (local.get $pixBytes)))))))
                    (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
                    (local.set $p10 (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $p))))))
                    (local.set $p11 (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (i32.add (local.get $p) (local.get $pixBytes))))))))
                  (else
                    (local.set $p00 (f32x4.convert_i32x4_s (v128.load (local.get $p))))
                    (local.set $p01 (f32x4.convert_i32x4_s (v128.load (i32.add (local.get $p) (local.get $pixBytes)))))
                    (local.set $p (i32.add (local.get $p) (local.get $rowBytes)))
                    (local.set $p10 (f32x4.convert_i32x4_s (v128.load (local.get $p))))
                    (local.set $p11 (f32x4.convert_i32x4_s (v128.load (i32.add (local.get $p) (local.get $pixBytes)))))))))
            ;; top = p00 + (p01 − p00)·fx, bottom likewise, then top + (bottom − top)·fy; · gain + offset
            (local.set $w (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $fx) (local.get $fx)))
            (local.set $p00 (f32x4.add (local.get $p00) (f32x4.mul (f32x4.sub (local.get $p01) (local.get $p00)) (local.get $w))))
            (local.set $p10 (f32x4.add (local.get $p10) (f32x4.mul (f32x4.sub (local.get $p11) (local.get $p10)) (local.get $w))))
            (local.set $v (f32x4.add (local.get $p00)
              (f32x4.mul (f32x4.sub (local.get $p10) (local.get $p00)) (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $fy) (local.get $fy)))))
            (local.set $v (f32x4.add (f32x4.mul (local.get $v) (local.get $gain)) (local.get $offset)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (if (i32.and (local.get $flags) (i32.const 16))
              (then (v128.store (local.get $at) (local.get $v)))
              (else
                (f32.store (i32.add (local.get $at) (local.get $s0)) (f32x4.extract_lane 0 (local.get $v)))
                (f32.store (i32.add (local.get $at) (local.get $s1)) (f32x4.extract_lane 1 (local.get $v)))
                (f32.store (i32.add (local.get $at) (local.get $s2)) (f32x4.extract_lane 2 (local.get $v)))))
            (local.set $at (i32.add (local.get $at) (local.get $pixel)))
            (br $next)))
        (local.set $segs (i32.add (local.get $segs) (i32.const 16)))
        (br $next_seg))))
)
