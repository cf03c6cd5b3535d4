/**
 * The WGSL compute shader that turns a picture on the GPU into a model input in one pass:
 * each invocation is one output pixel of a {@link SamplePlan} — bilinear between the four
 * texels around its source position (the same taps and blend as the in-memory sampler), or the
 * pad outside the picture — then channel order, normalisation, layout (NHWC / NCHW) and dtype.
 */

/** How the shader writes values: float32, or int32 truncated (a tfjs cast) or rounded half to even. */
export type ShaderOutput = 'float32' | 'int32-truncate' | 'int32-round';

/** Bytes of the uniform block {@link sampleShaderSource} reads (a multiple of 16). */
export const PARAMS_BYTES = 80;

/** Invocations per workgroup along x and y. */
export const WORKGROUP_SIZE = 8;

/**
 * The shader's source for a picture bound as a plain texture (`copyExternalImageToTexture`) or
 * an external texture (`importExternalTexture`), writing float32 or int32 values.
 *
 * Uniform layout (`PARAMS_BYTES`): `vec4<u32>` (source width, height, output width, height),
 * `vec4<u32>` (pixel stride, row stride, 0, 0), `vec4<u32>` output slots of R, G, B, then
 * `vec4<f32>` gains and `vec4<f32>` offsets. The storage buffer `positions` holds the plan's
 * x positions, its y positions (negative: outside) and the three normalised pad values.
 *
 * @example
 * ```ts
 * const module = device.createShaderModule({ code: sampleShaderSource('texture', 'float32') });
 * ```
 */
export function sampleShaderSource(picture: 'texture' | 'external', output: ShaderOutput): string {
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
};

@group(0) @binding(0) var src: ${textureType};
// output width x positions, then output height y positions (source pixels; < 0: outside), then the 3 normalised pad values
@group(0) @binding(1) var<storage, read> positions: array<f32>;
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
  let px = positions[id.x];
  let py = positions[outW + id.y];
  var v: vec3<f32>;
  if (px < 0.0 || py < 0.0) {
    let pads = outW + outH;
    v = vec3<f32>(positions[pads], positions[pads + 1u], positions[pads + 2u]);
  } else {
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
    v = (upper + (lower - upper) * ty) * p.gains.xyz + p.offsets.xyz;
  }
  let o = id.y * p.stride.y + id.x * p.stride.x;
  put(o + p.slots.x, v.x);
  put(o + p.slots.y, v.y);
  put(o + p.slots.z, v.z);
}
`;
}
