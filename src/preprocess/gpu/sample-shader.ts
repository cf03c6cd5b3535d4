/**
 * The WGSL compute shader that turns a picture on the GPU into a model input in one pass:
 * each invocation is one output pixel of a {@link SamplePlan} — bilinear between the four
 * texels around its source position (the same taps and blend as the in-memory sampler), or the
 * pad outside the picture — or of an affine map (a rotated crop: bilinear, each of the four
 * texels outside the picture black, as the in-memory affine sampler and OpenCV's
 * `warpAffine`), then channel order, normalisation, layout (NHWC / NCHW) and dtype.
 */

/** How the shader writes values: float32, or int32 truncated (a tfjs cast) or rounded half to even. @example `const output: ShaderOutput = 'int32-round';` */
export type ShaderOutput = 'float32' | 'int32-truncate' | 'int32-round';

/**
 * Where output pixels read the picture: at the positions of a sample plan (a storage buffer),
 * or along the affine map in the uniform block.
 *
 * @example `const mapping: ShaderMapping = rotated ? 'affine' : 'plan';`
 */
export type ShaderMapping = 'plan' | 'affine';

/** Bytes of the uniform block {@link sampleShaderSource} reads (a multiple of 16). @example `device.createBuffer({ size: PARAMS_BYTES, usage })` */
export const PARAMS_BYTES = 112;

/** Invocations per workgroup along x and y. @example `pass.dispatchWorkgroups(Math.ceil(width / WORKGROUP_SIZE), Math.ceil(height / WORKGROUP_SIZE))` */
export const WORKGROUP_SIZE = 8;

const PLAN_POSITIONS = /* wgsl */ `// output width x positions, then output height y positions (source pixels; < 0: outside), then the 3 normalised pad values
@group(0) @binding(1) var<storage, read> positions: array<f32>;`;

/** A plan's output pixel: the pad outside the picture, else bilinear with the taps clamped to the picture. */
const PLAN_VALUE = /* wgsl */ `fn planValue(j: u32, i: u32, outW: u32, outH: u32) -> vec3<f32> {
  let px = positions[j];
  let py = positions[outW + i];
  if (px < 0.0 || py < 0.0) {
    let pads = outW + outH;
    return vec3<f32>(positions[pads], positions[pads + 1u], positions[pads + 2u]);
  }
  let w = i32(p.size.x);
  let h = i32(p.size.y);
  let x0 = min(i32(floor(px)), max(w - 2, 0));
  let y0 = min(i32(floor(py)), max(h - 2, 0));
  let tx = select(0.0, px - f32(x0), w > 1);
  let ty = select(0.0, py - f32(y0), h > 1);
  let x1 = min(x0 + 1, w - 1);
  let y1 = min(y0 + 1, h - 1);
  let tl = texel(x0, y0);
  let tr = texel(x1, y0);
  let bl = texel(x0, y1);
  let br = texel(x1, y1);
  let upper = tl + (tr - tl) * tx;
  let lower = bl + (br - bl) * tx;
  return (upper + (lower - upper) * ty) * p.gains.xyz + p.offsets.xyz;
}`;

/**
 * An affine map's output pixel: the four texels around the mapped position, each weighted where
 * it lies inside the picture and black where it does not (the position is clamped to just
 * beyond the picture first, so that far-away positions convert to i32 safely).
 */
const AFFINE_VALUE = /* wgsl */ `fn affineValue(j: u32, i: u32) -> vec3<f32> {
  let w = i32(p.size.x);
  let h = i32(p.size.y);
  let at = vec2<f32>(f32(j), f32(i));
  let x = clamp(dot(p.affineX.xy, at) + p.affineX.z, -2.0, f32(w) + 1.0);
  let y = clamp(dot(p.affineY.xy, at) + p.affineY.z, -2.0, f32(h) + 1.0);
  let fx = floor(x);
  let fy = floor(y);
  let tx = x - fx;
  let ty = y - fy;
  let x0 = i32(fx);
  let y0 = i32(fy);
  var sum = vec3<f32>(0.0);
  for (var n = 0; n < 4; n++) {
    let px = x0 + (n & 1);
    let py = y0 + (n >> 1u);
    if (px >= 0 && px < w && py >= 0 && py < h) {
      let weight = select(1.0 - tx, tx, (n & 1) == 1) * select(1.0 - ty, ty, (n >> 1u) == 1);
      sum += weight * texel(px, py);
    }
  }
  return sum * p.gains.xyz + p.offsets.xyz;
}`;

/**
 * The shader's source for a picture bound as a plain texture (`copyExternalImageToTexture`) or
 * an external texture (`importExternalTexture`), writing float32 or int32 values.
 *
 * Uniform layout (`PARAMS_BYTES`): `vec4<u32>` (source width, height, output width, height),
 * `vec4<u32>` (pixel stride, row stride, 0, 0), `vec4<u32>` output slots of R, G, B, then
 * `vec4<f32>` gains, `vec4<f32>` offsets and the affine map's rows `vec4<f32>` (a, b, c, 0)
 * and (d, e, f, 0): output pixel (j, i) reads source position (a·j + b·i + c, d·j + e·i + f).
 * With the `plan` mapping the storage buffer `positions` holds the plan's x positions, its y
 * positions (negative: outside) and the three normalised pad values; the `affine` mapping has
 * no such buffer (binding 1 is absent).
 *
 * @example
 * ```ts
 * const module = device.createShaderModule({ code: sampleShaderSource('texture', 'float32', 'affine') });
 * ```
 */
export function sampleShaderSource(picture: 'texture' | 'external', output: ShaderOutput, mapping: ShaderMapping = 'plan'): string {
  const textureType = picture === 'external' ? 'texture_external' : 'texture_2d<f32>';
  const load = picture === 'external' ? 'textureLoad(src, vec2<i32>(x, y))' : 'textureLoad(src, vec2<i32>(x, y), 0)';
  const element = output === 'float32' ? 'f32' : 'i32';
  const store = output === 'float32' ? 'v' : output === 'int32-round' ? 'i32(roundHalfEven(v))' : 'i32(trunc(v))';
  return /* wgsl */ `
struct Params {
  size: vec4<u32>,    // source width, height; output width, height
  stride: vec4<u32>,  // pixel stride, row stride
  slots: vec4<u32>,   // output offsets of R, G, B within a pixel
  gains: vec4<f32>,
  offsets: vec4<f32>,
  affineX: vec4<f32>, // a, b, c: source x of output pixel (j, i) = a·j + b·i + c
  affineY: vec4<f32>, // d, e, f: source y = d·j + e·i + f
};

@group(0) @binding(0) var src: ${textureType};
${mapping === 'plan' ? PLAN_POSITIONS : ''}
@group(0) @binding(2) var<storage, read_write> result: array<${element}>;
@group(0) @binding(3) var<uniform> p: Params;

fn texel(x: i32, y: i32) -> vec3<f32> {
  return round(${load}.rgb * 255.0);
}

// half to even written out (as tf.round and the CPU samplers do): drivers differ on WGSL round() at ties
fn roundHalfEven(v: f32) -> f32 {
  let r = floor(v + 0.5);
  let tie = (r - v) == 0.5;
  let odd = (r - 2.0 * floor(r * 0.5)) != 0.0;
  return select(r, r - 1.0, tie && odd);
}

${mapping === 'plan' ? PLAN_VALUE : AFFINE_VALUE}

fn put(o: u32, v: f32) {
  result[o] = ${store};
}

@compute @workgroup_size(${WORKGROUP_SIZE}, ${WORKGROUP_SIZE})
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let outW = p.size.z;
  let outH = p.size.w;
  if (id.x >= outW || id.y >= outH) {
    return;
  }
  let v = ${mapping === 'plan' ? 'planValue(id.x, id.y, outW, outH)' : 'affineValue(id.x, id.y)'};
  let o = id.y * p.stride.y + id.x * p.stride.x;
  put(o + p.slots.x, v.x);
  put(o + p.slots.y, v.y);
  put(o + p.slots.z, v.z);
}
`;
}
