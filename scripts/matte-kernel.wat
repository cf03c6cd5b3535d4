;; visionpipe's matte kernels (WebAssembly SIMD, four pixels per step), both of which finish a
;; bilinear upsampling whose rows were already interpolated across to the full width in
;; JavaScript, by interpolating down between two such rows:
;;   apply      the full-size pass of the fast guided filter, q = a·luma(I) + b (a and b
;;              interpolated down), with an 8-bit guide (grey, RGB or RGBA interleaved) — the
;;              JavaScript loop of src/postprocess/masks/fast-guided-filter.ts, in float32
;;   lerp_rows  a plane's rows interpolated down — the vertical pass of `resizePlane`
;;              (src/postprocess/masks/upsample.ts), in float32
;; and the passes before them and beside them:
;;   across     rows of a plane interpolated across to the full width (bilinear taps per output
;;              column) — the first pass of both upsamplings, scalar float32
;;   smooth     temporal smoothing of a matte with the previous one, the uncertainty read from a
;;              table (src/postprocess/masks/temporal-smoothing.ts), in float32
;;   subsample  an 8-bit guide's luma sampled bilinearly onto the filter's coarse grid, in float64
;;              with the operations and order of `subsampleGuide` (fast-guided-filter.ts:
;;              bit-identical results)
;; and the fast guided filter's coefficients on its grid, in float64 with the very operations
;; and order of src/postprocess/masks/guided-filter.ts (bit-identical results):
;;   widen      guide and input (float32) to float64, with their products and squares
;;   box_mean   a (2r+1)² box mean with mirrored borders (running sums; rows scalar, columns f64x2)
;;   fit        the linear coefficients a, b of each window
;;   across64   float64 rows interpolated across (in float64, as JavaScript does) into float32
;; Build: node scripts/build-kernels.mjs (writes src/postprocess/masks/matte-kernel-wasm.ts).
;;
;; apply(acrossA, acrossB, rows, guide, out, width, height, channels, clamp, wr, wg, wb)
;;   acrossA, acrossB  the coefficient rows, `width` float32 values each
;;   rows    height × { upper: i32, lower: i32 (bytes from a coefficient plane's start to its
;;           rows above and below), ty: f32 (weight of the lower row) }
;;   guide   the guide's first byte; `channels` (1, 3 or 4) bytes per pixel, rows contiguous
;;   out     the output's first value (float32, rows contiguous)
;;   clamp   1: q clamped to [0, 1], NaN to 0
;;   wr, wg, wb  the luma weights (the guide's scale folded in; grey: wr, 0, 0)
;; A step reads and writes four pixels: the last step of a row may read up to 16 bytes past the
;; coefficient rows and the guide, and write up to 12 bytes past the output, which the caller
;; keeps inside memory (what it writes past a row's end is the next row's start, written after).
;;
;; lerp_rows(across, rows, out, width, height)
;;   across  the plane's rows interpolated across, `width` float32 values each
;;   rows, out, width, height  as for `apply` (the same reads and writes past the ends)
;;
;; across(plane, rowList, count, taps, width, dst)
;;   plane    the source plane's first value (float32)
;;   rowList  `count` i32: byte offsets from `plane` to the source rows to interpolate
;;   taps     `width` × { left: i32, right: i32 (byte offsets within a source row), w: f32
;;            (weight of the right one) }
;;   dst      `count` rows of `width` float32 values, one after another
;;
;; widen(guide, input, guide64, input64, products, squares, count)
;;   guide, input  `count` float32; the rest `count` float64: guide, input, guide·input, guide²
;;
;; box_mean(values, rows, sums, out, width, height, xs, ys, window, area)
;;   values, rows, out  width×height float64 (rows: scratch); sums: `width` float64 (scratch)
;;   xs  width + window − 1 i32: byte offsets within a row of the padded columns −r … width−1+r
;;   ys  height + window − 1 i32: byte offsets of the padded rows' starts
;;   window = 2r + 1, area = window² (each mean is a sum divided by it)
;;   The column pass reads and writes up to 8 bytes past rows, sums and out.
;;
;; fit(meanI, meanP, corrIp, corrI, count, epsilon)
;;   a = (corrIp − meanI·meanP) / (corrI − meanI² + ε) into corrIp, b = meanP − a·meanI into
;;   corrI; two values a step (up to 8 bytes past each plane)
;;
;; across64(plane, rowList, count, taps, width, dst)
;;   as `across`, with a float64 plane (taps' offsets in bytes of float64 values), the blend in
;;   float64 and the result rounded to float32
;;
;; subsample(guide, xs, ys, out, lowWidth, lowHeight, k1, k2, wr, wg, wb)
;;   guide   the guide's first byte (8-bit, interleaved, rows contiguous)
;;   xs      lowWidth × { left: i32, right: i32 (byte offsets of the two pixels within a row),
;;           w: f32 (weight of the right one) }
;;   ys      lowHeight × { top: i32, bottom: i32 (byte offsets of the two rows), w: f32 }
;;   out     lowWidth × lowHeight float32
;;   k1, k2  byte offsets of G and B within a pixel (grey: 0, 0 with wg = wb = 0)
;;   each value ((R·wr + G·wg) + B·wb) in float64, blended across then down, rounded to float32
;;
;; smooth(current, previous, out, count, table, steps, ratio)
;;   out[i] = p + (previous[i] − p)·u·ratio with p = current[i] and u the table's value at
;;   t = clamp(p, 0, 1)·steps, linear between entries k = min(trunc(t), steps − 1) and k + 1
;;   (`table`: steps + 1 float32). `out` may be `previous` (each value is read before it is
;;   written). Four values a step: reads and writes up to 12 bytes past the planes' ends.
(module
  (import "env" "memory" (memory 1))
  (func (export "apply")
    (param $acrossA i32) (param $acrossB i32) (param $rows i32) (param $guide i32) (param $out i32)
    (param $width i32) (param $height i32) (param $channels i32) (param $clamp i32)
    (param $wr f32) (param $wg f32) (param $wb f32)
    (local $y i32) (local $x i32) (local $upper i32) (local $lower i32) (local $ty v128)
    (local $px i32) (local $q i32) (local $pixels v128) (local $zero v128)
    (local $a v128) (local $b v128) (local $u v128) (local $r v128) (local $g v128) (local $bl v128)
    (local $vr v128) (local $vg v128) (local $vb v128) (local $one v128) (local $v v128)
    (local.set $vr (f32x4.splat (local.get $wr)))
    (local.set $vg (f32x4.splat (local.get $wg)))
    (local.set $vb (f32x4.splat (local.get $wb)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $zero (v128.const i32x4 0 0 0 0))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $y) (local.get $height)))
        (local.set $upper (i32.load (local.get $rows)))
        (local.set $lower (i32.load offset=4 (local.get $rows)))
        (local.set $ty (f32x4.splat (f32.load offset=8 (local.get $rows))))
        (local.set $x (i32.const 0))
        (block $row_done
          (loop $next
            (br_if $row_done (i32.ge_s (local.get $x) (local.get $width)))
            ;; a and b of four pixels: upper + (lower − upper)·ty
            (local.set $q (i32.shl (local.get $x) (i32.const 2)))
            (local.set $u (v128.load (i32.add (i32.add (local.get $acrossA) (local.get $upper)) (local.get $q))))
            (local.set $a (f32x4.add (local.get $u)
              (f32x4.mul (f32x4.sub (v128.load (i32.add (i32.add (local.get $acrossA) (local.get $lower)) (local.get $q))) (local.get $u)) (local.get $ty))))
            (local.set $u (v128.load (i32.add (i32.add (local.get $acrossB) (local.get $upper)) (local.get $q))))
            (local.set $b (f32x4.add (local.get $u)
              (f32x4.mul (f32x4.sub (v128.load (i32.add (i32.add (local.get $acrossB) (local.get $lower)) (local.get $q))) (local.get $u)) (local.get $ty))))
            ;; four pixels' channels, each byte moved to the low byte of its own 32-bit lane
            (local.set $pixels (v128.load (i32.add (local.get $guide) (i32.mul (local.get $x) (local.get $channels)))))
            (if (i32.eq (local.get $channels) (i32.const 3))
              (then
                (local.set $r (i8x16.shuffle 0 16 16 16 3 16 16 16 6 16 16 16 9 16 16 16 (local.get $pixels) (local.get $zero)))
                (local.set $g (i8x16.shuffle 1 16 16 16 4 16 16 16 7 16 16 16 10 16 16 16 (local.get $pixels) (local.get $zero)))
                (local.set $bl (i8x16.shuffle 2 16 16 16 5 16 16 16 8 16 16 16 11 16 16 16 (local.get $pixels) (local.get $zero))))
              (else
                (if (i32.eq (local.get $channels) (i32.const 4))
                  (then
                    (local.set $r (i8x16.shuffle 0 16 16 16 4 16 16 16 8 16 16 16 12 16 16 16 (local.get $pixels) (local.get $zero)))
                    (local.set $g (i8x16.shuffle 1 16 16 16 5 16 16 16 9 16 16 16 13 16 16 16 (local.get $pixels) (local.get $zero)))
                    (local.set $bl (i8x16.shuffle 2 16 16 16 6 16 16 16 10 16 16 16 14 16 16 16 (local.get $pixels) (local.get $zero))))
                  (else
                    (local.set $r (i8x16.shuffle 0 16 16 16 1 16 16 16 2 16 16 16 3 16 16 16 (local.get $pixels) (local.get $zero)))
                    (local.set $g (local.get $r))
                    (local.set $bl (local.get $r))))))
            ;; q = a·(R·wr + G·wg + B·wb) + b
            (local.set $v (f32x4.add
              (f32x4.mul (local.get $a)
                (f32x4.add (f32x4.add
                  (f32x4.mul (f32x4.convert_i32x4_s (local.get $r)) (local.get $vr))
                  (f32x4.mul (f32x4.convert_i32x4_s (local.get $g)) (local.get $vg)))
                  (f32x4.mul (f32x4.convert_i32x4_s (local.get $bl)) (local.get $vb))))
              (local.get $b)))
            (if (local.get $clamp)
              ;; pmax(0, v) is 0 for NaN as well (0 < NaN is false), as the loop's clamp
              (then (local.set $v (f32x4.pmin (f32x4.pmax (local.get $zero) (local.get $v)) (local.get $one)))))
            (v128.store (i32.add (local.get $out) (local.get $q)) (local.get $v))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (br $next)))
        (local.set $guide (i32.add (local.get $guide) (i32.mul (local.get $width) (local.get $channels))))
        (local.set $out (i32.add (local.get $out) (i32.shl (local.get $width) (i32.const 2))))
        (local.set $rows (i32.add (local.get $rows) (i32.const 12)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $next_row))))
  (func (export "lerp_rows")
    (param $across i32) (param $rows i32) (param $out i32) (param $width i32) (param $height i32)
    (local $y i32) (local $x i32) (local $upper i32) (local $lower i32) (local $ty v128) (local $q i32) (local $u v128)
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_s (local.get $y) (local.get $height)))
        (local.set $upper (i32.add (local.get $across) (i32.load (local.get $rows))))
        (local.set $lower (i32.add (local.get $across) (i32.load offset=4 (local.get $rows))))
        (local.set $ty (f32x4.splat (f32.load offset=8 (local.get $rows))))
        (local.set $x (i32.const 0))
        (block $row_done
          (loop $next
            (br_if $row_done (i32.ge_s (local.get $x) (local.get $width)))
            (local.set $q (i32.shl (local.get $x) (i32.const 2)))
            (local.set $u (v128.load (i32.add (local.get $upper) (local.get $q))))
            (v128.store (i32.add (local.get $out) (local.get $q))
              (f32x4.add (local.get $u) (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $lower) (local.get $q))) (local.get $u)) (local.get $ty))))
            (local.set $x (i32.add (local.get $x) (i32.const 4)))
            (br $next)))
        (local.set $out (i32.add (local.get $out) (i32.shl (local.get $width) (i32.const 2))))
        (local.set $rows (i32.add (local.get $rows) (i32.const 12)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $next_row))))

  (func (export "across")
    (param $plane i32) (param $rowList i32) (param $count i32) (param $taps i32) (param $width i32) (param $dst i32)
    (local $r i32) (local $row i32) (local $t i32) (local $tapsEnd i32) (local $a f32)
    (local.set $tapsEnd (i32.add (local.get $taps) (i32.mul (local.get $width) (i32.const 12))))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $count)))
        (local.set $row (i32.add (local.get $plane) (i32.load (i32.add (local.get $rowList) (i32.shl (local.get $r) (i32.const 2))))))
        (local.set $t (local.get $taps))
        (block $row_done
          (loop $next
            (br_if $row_done (i32.ge_u (local.get $t) (local.get $tapsEnd)))
            ;; left + (right − left)·w
            (local.set $a (f32.load (i32.add (local.get $row) (i32.load (local.get $t)))))
            (f32.store (local.get $dst)
              (f32.add (local.get $a)
                (f32.mul (f32.sub (f32.load (i32.add (local.get $row) (i32.load offset=4 (local.get $t)))) (local.get $a)) (f32.load offset=8 (local.get $t)))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (local.set $t (i32.add (local.get $t) (i32.const 12)))
            (br $next)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))
  (func (export "subsample")
    (param $guide i32) (param $xs i32) (param $ys i32) (param $out i32) (param $lowWidth i32) (param $lowHeight i32)
    (param $k1 i32) (param $k2 i32) (param $wr f64) (param $wg f64) (param $wb f64)
    (local $i i32) (local $top i32) (local $bottom i32) (local $ty f64) (local $t i32) (local $tEnd i32)
    (local $l i32) (local $r i32) (local $tx f64) (local $tl f64) (local $tr f64) (local $bl f64) (local $br f64)
    (local $upper f64) (local $lower f64) (local $at i32)
    (local.set $tEnd (i32.add (local.get $xs) (i32.mul (local.get $lowWidth) (i32.const 12))))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_u (local.get $i) (local.get $lowHeight)))
        (local.set $top (i32.add (local.get $guide) (i32.load (local.get $ys))))
        (local.set $bottom (i32.add (local.get $guide) (i32.load offset=4 (local.get $ys))))
        (local.set $ty (f64.promote_f32 (f32.load offset=8 (local.get $ys))))
        (local.set $t (local.get $xs))
        (block $row_done
          (loop $next
            (br_if $row_done (i32.ge_u (local.get $t) (local.get $tEnd)))
            (local.set $l (i32.load (local.get $t)))
            (local.set $r (i32.load offset=4 (local.get $t)))
            (local.set $tx (f64.promote_f32 (f32.load offset=8 (local.get $t))))
            (local.set $at (i32.add (local.get $top) (local.get $l)))
            (local.set $tl (f64.add
              (f64.add
                (f64.mul (f64.convert_i32_u (i32.load8_u (local.get $at))) (local.get $wr))
                (f64.mul (f64.convert_i32_u (i32.load8_u (i32.add (local.get $at) (local.get $k1)))) (local.get $wg)))
              (f64.mul (f64.convert_i32_u (i32.load8_u (i32.add (local.get $at) (local.get $k2)))) (local.get $wb))))
            (local.set $at (i32.add (local.get $top) (local.get $r)))
            (local.set $tr (f64.add
              (f64.add
                (f64.mul (f64.convert_i32_u (i32.load8_u (local.get $at))) (local.get $wr))
                (f64.mul (f64.convert_i32_u (i32.load8_u (i32.add (local.get $at) (local.get $k1)))) (local.get $wg)))
              (f64.mul (f64.convert_i32_u (i32.load8_u (i32.add (local.get $at) (local.get $k2)))) (local.get $wb))))
            (local.set $at (i32.add (local.get $bottom) (local.get $l)))
            (local.set $bl (f64.add
              (f64.add
                (f64.mul (f64.convert_i32_u (i32.load8_u (local.get $at))) (local.get $wr))
                (f64.mul (f64.convert_i32_u (i32.load8_u (i32.add (local.get $at) (local.get $k1)))) (local.get $wg)))
              (f64.mul (f64.convert_i32_u (i32.load8_u (i32.add (local.get $at) (local.get $k2)))) (local.get $wb))))
            (local.set $at (i32.add (local.get $bottom) (local.get $r)))
            (local.set $br (f64.add
              (f64.add
                (f64.mul (f64.convert_i32_u (i32.load8_u (local.get $at))) (local.get $wr))
                (f64.mul (f64.convert_i32_u (i32.load8_u (i32.add (local.get $at) (local.get $k1)))) (local.get $wg)))
              (f64.mul (f64.convert_i32_u (i32.load8_u (i32.add (local.get $at) (local.get $k2)))) (local.get $wb))))
            (local.set $upper (f64.add (local.get $tl) (f64.mul (f64.sub (local.get $tr) (local.get $tl)) (local.get $tx))))
            (local.set $lower (f64.add (local.get $bl) (f64.mul (f64.sub (local.get $br) (local.get $bl)) (local.get $tx))))
            (f32.store (local.get $out)
              (f32.demote_f64 (f64.add (local.get $upper) (f64.mul (f64.sub (local.get $lower) (local.get $upper)) (local.get $ty)))))
            (local.set $out (i32.add (local.get $out) (i32.const 4)))
            (local.set $t (i32.add (local.get $t) (i32.const 12)))
            (br $next)))
        (local.set $ys (i32.add (local.get $ys) (i32.const 12)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next_row))))

  (func (export "smooth")
    (param $current i32) (param $previous i32) (param $out i32) (param $count i32) (param $table i32) (param $steps i32) (param $ratio f32)
    (local $i i32) (local $end i32) (local $addr i32)
    (local $p v128) (local $t v128) (local $k v128) (local $lo v128) (local $hi v128)
    (local $vsteps v128) (local $vlast v128) (local $vratio v128) (local $zero v128) (local $one v128)
    (local.set $vsteps (f32x4.splat (f32.convert_i32_s (local.get $steps))))
    (local.set $vlast (i32x4.splat (i32.sub (local.get $steps) (i32.const 1))))
    (local.set $vratio (f32x4.splat (local.get $ratio)))
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $p (v128.load (i32.add (local.get $current) (local.get $i))))
        ;; t = clamp(p, 0, 1)·steps (NaN stays NaN and reads entry 0: the result is NaN as p is), k = min(trunc t, steps − 1)
        (local.set $t (f32x4.mul (f32x4.pmin (f32x4.pmax (local.get $p) (local.get $zero)) (local.get $one)) (local.get $vsteps)))
        (local.set $k (i32x4.min_s (i32x4.trunc_sat_f32x4_s (local.get $t)) (local.get $vlast)))
        (local.set $t (f32x4.sub (local.get $t) (f32x4.convert_i32x4_s (local.get $k))))
        (local.set $k (i32x4.add (i32x4.shl (local.get $k) (i32.const 2)) (i32x4.splat (local.get $table))))
        ;; table[k] and table[k + 1] of the four lanes
        (local.set $addr (i32x4.extract_lane 0 (local.get $k)))
        (local.set $lo (v128.load32_zero (local.get $addr)))
        (local.set $hi (v128.load32_zero offset=4 (local.get $addr)))
        (local.set $addr (i32x4.extract_lane 1 (local.get $k)))
        (local.set $lo (v128.load32_lane 1 (local.get $addr) (local.get $lo)))
        (local.set $hi (v128.load32_lane offset=4 1 (local.get $addr) (local.get $hi)))
        (local.set $addr (i32x4.extract_lane 2 (local.get $k)))
        (local.set $lo (v128.load32_lane 2 (local.get $addr) (local.get $lo)))
        (local.set $hi (v128.load32_lane offset=4 2 (local.get $addr) (local.get $hi)))
        (local.set $addr (i32x4.extract_lane 3 (local.get $k)))
        (local.set $lo (v128.load32_lane 3 (local.get $addr) (local.get $lo)))
        (local.set $hi (v128.load32_lane offset=4 3 (local.get $addr) (local.get $hi)))
        ;; p + (previous − p)·(lo + (hi − lo)·frac)·ratio
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.add (local.get $p)
            (f32x4.mul
              (f32x4.mul
                (f32x4.sub (v128.load (i32.add (local.get $previous) (local.get $i))) (local.get $p))
                (f32x4.add (local.get $lo) (f32x4.mul (f32x4.sub (local.get $hi) (local.get $lo)) (local.get $t))))
              (local.get $vratio))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))

  (func (export "widen")
    (param $guide i32) (param $input i32) (param $guide64 i32) (param $input64 i32) (param $products i32) (param $squares i32) (param $count i32)
    (local $i i32) (local $g f64) (local $p f64) (local $at i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $g (f64.promote_f32 (f32.load (i32.add (local.get $guide) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $p (f64.promote_f32 (f32.load (i32.add (local.get $input) (i32.shl (local.get $i) (i32.const 2))))))
        (local.set $at (i32.shl (local.get $i) (i32.const 3)))
        (f64.store (i32.add (local.get $guide64) (local.get $at)) (local.get $g))
        (f64.store (i32.add (local.get $input64) (local.get $at)) (local.get $p))
        (f64.store (i32.add (local.get $products) (local.get $at)) (f64.mul (local.get $g) (local.get $p)))
        (f64.store (i32.add (local.get $squares) (local.get $at)) (f64.mul (local.get $g) (local.get $g)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
  (func (export "box_mean")
    (param $values i32) (param $rows i32) (param $sums i32) (param $out i32) (param $width i32) (param $height i32)
    (param $xs i32) (param $ys i32) (param $window i32) (param $area f64)
    (local $y i32) (local $x i32) (local $k i32) (local $row i32) (local $rowOut i32) (local $sum f64)
    (local $rowBytes i32) (local $enter i32) (local $leave i32) (local $varea v128)
    (local.set $rowBytes (i32.shl (local.get $width) (i32.const 3)))
    ;; along each row: the first window summed, then one value in and one out per column
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_u (local.get $y) (local.get $height)))
        (local.set $row (i32.add (local.get $values) (i32.mul (local.get $y) (local.get $rowBytes))))
        (local.set $rowOut (i32.add (local.get $rows) (i32.mul (local.get $y) (local.get $rowBytes))))
        (local.set $sum (f64.const 0))
        (local.set $k (i32.const 0))
        (block $window_done
          (loop $next_k
            (br_if $window_done (i32.ge_u (local.get $k) (local.get $window)))
            (local.set $sum (f64.add (local.get $sum) (f64.load (i32.add (local.get $row) (i32.load (i32.add (local.get $xs) (i32.shl (local.get $k) (i32.const 2))))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $next_k)))
        (f64.store (local.get $rowOut) (local.get $sum))
        (local.set $x (i32.const 1))
        (block $row_done
          (loop $next_x
            (br_if $row_done (i32.ge_u (local.get $x) (local.get $width)))
            ;; sum + (values[xs[x + 2r]] − values[xs[x − 1]])
            (local.set $sum (f64.add (local.get $sum)
              (f64.sub
                (f64.load (i32.add (local.get $row) (i32.load (i32.add (local.get $xs) (i32.shl (i32.sub (i32.add (local.get $x) (local.get $window)) (i32.const 1)) (i32.const 2))))))
                (f64.load (i32.add (local.get $row) (i32.load (i32.add (local.get $xs) (i32.shl (i32.sub (local.get $x) (i32.const 1)) (i32.const 2)))))))))
            (f64.store (i32.add (local.get $rowOut) (i32.shl (local.get $x) (i32.const 3))) (local.get $sum))
            (local.set $x (i32.add (local.get $x) (i32.const 1)))
            (br $next_x)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $next_row)))
    ;; down the columns, two at a time: the first window of rows summed, then one row in and one out
    (local.set $varea (f64x2.splat (local.get $area)))
    (local.set $x (i32.const 0))
    (block $zero_done
      (loop $zero
        (br_if $zero_done (i32.ge_u (local.get $x) (local.get $rowBytes)))
        (v128.store (i32.add (local.get $sums) (local.get $x)) (f64x2.splat (f64.const 0)))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (br $zero)))
    (local.set $k (i32.const 0))
    (block $first_done
      (loop $next_first
        (br_if $first_done (i32.ge_u (local.get $k) (local.get $window)))
        (local.set $row (i32.add (local.get $rows) (i32.load (i32.add (local.get $ys) (i32.shl (local.get $k) (i32.const 2))))))
        (local.set $x (i32.const 0))
        (block $add_done
          (loop $add
            (br_if $add_done (i32.ge_u (local.get $x) (local.get $rowBytes)))
            (v128.store (i32.add (local.get $sums) (local.get $x))
              (f64x2.add (v128.load (i32.add (local.get $sums) (local.get $x))) (v128.load (i32.add (local.get $row) (local.get $x)))))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (br $add)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next_first)))
    (local.set $y (i32.const 0))
    (block $cols_done
      (loop $next_out_row
        (local.set $rowOut (i32.add (local.get $out) (i32.mul (local.get $y) (local.get $rowBytes))))
        (local.set $x (i32.const 0))
        (block $div_done
          (loop $div
            (br_if $div_done (i32.ge_u (local.get $x) (local.get $rowBytes)))
            (v128.store (i32.add (local.get $rowOut) (local.get $x)) (f64x2.div (v128.load (i32.add (local.get $sums) (local.get $x))) (local.get $varea)))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (br $div)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br_if $cols_done (i32.ge_u (local.get $y) (local.get $height)))
        ;; sums + (rows[ys[y + 2r]] − rows[ys[y − 1]]), y counted from the row just written + 1
        (local.set $enter (i32.add (local.get $rows) (i32.load (i32.add (local.get $ys) (i32.shl (i32.sub (i32.add (local.get $y) (local.get $window)) (i32.const 1)) (i32.const 2))))))
        (local.set $leave (i32.add (local.get $rows) (i32.load (i32.add (local.get $ys) (i32.shl (i32.sub (local.get $y) (i32.const 1)) (i32.const 2))))))
        (local.set $x (i32.const 0))
        (block $slide_done
          (loop $slide
            (br_if $slide_done (i32.ge_u (local.get $x) (local.get $rowBytes)))
            (v128.store (i32.add (local.get $sums) (local.get $x))
              (f64x2.add (v128.load (i32.add (local.get $sums) (local.get $x)))
                (f64x2.sub (v128.load (i32.add (local.get $enter) (local.get $x))) (v128.load (i32.add (local.get $leave) (local.get $x))))))
            (local.set $x (i32.add (local.get $x) (i32.const 16)))
            (br $slide)))
        (br $next_out_row))))
  (func (export "fit")
    (param $meanI i32) (param $meanP i32) (param $corrIp i32) (param $corrI i32) (param $count i32) (param $epsilon f64)
    (local $at i32) (local $end i32) (local $mi v128) (local $mp v128) (local $a v128) (local $veps v128)
    (local.set $veps (f64x2.splat (local.get $epsilon)))
    (local.set $end (i32.shl (local.get $count) (i32.const 3)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $mi (v128.load (i32.add (local.get $meanI) (local.get $at))))
        (local.set $mp (v128.load (i32.add (local.get $meanP) (local.get $at))))
        ;; (corrIp − mi·mp) / ((corrI − mi·mi) + ε)
        (local.set $a (f64x2.div
          (f64x2.sub (v128.load (i32.add (local.get $corrIp) (local.get $at))) (f64x2.mul (local.get $mi) (local.get $mp)))
          (f64x2.add (f64x2.sub (v128.load (i32.add (local.get $corrI) (local.get $at))) (f64x2.mul (local.get $mi) (local.get $mi))) (local.get $veps))))
        (v128.store (i32.add (local.get $corrIp) (local.get $at)) (local.get $a))
        (v128.store (i32.add (local.get $corrI) (local.get $at)) (f64x2.sub (local.get $mp) (f64x2.mul (local.get $a) (local.get $mi))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next))))
  (func (export "across64")
    (param $plane i32) (param $rowList i32) (param $count i32) (param $taps i32) (param $width i32) (param $dst i32)
    (local $r i32) (local $row i32) (local $t i32) (local $tapsEnd i32) (local $a f64)
    (local.set $tapsEnd (i32.add (local.get $taps) (i32.mul (local.get $width) (i32.const 12))))
    (block $rows_done
      (loop $next_row
        (br_if $rows_done (i32.ge_u (local.get $r) (local.get $count)))
        (local.set $row (i32.add (local.get $plane) (i32.load (i32.add (local.get $rowList) (i32.shl (local.get $r) (i32.const 2))))))
        (local.set $t (local.get $taps))
        (block $row_done
          (loop $next
            (br_if $row_done (i32.ge_u (local.get $t) (local.get $tapsEnd)))
            (local.set $a (f64.load (i32.add (local.get $row) (i32.load (local.get $t)))))
            (f32.store (local.get $dst)
              (f32.demote_f64 (f64.add (local.get $a)
                (f64.mul (f64.sub (f64.load (i32.add (local.get $row) (i32.load offset=4 (local.get $t)))) (local.get $a)) (f64.promote_f32 (f32.load offset=8 (local.get $t)))))))
            (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
            (local.set $t (i32.add (local.get $t) (i32.const 12)))
            (br $next)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $next_row))))
)
