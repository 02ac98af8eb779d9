/**
 * GLSL ES 3.00 kernels of the WebGL backend. Every buffer is a texture read with texelFetch at a
 * linear texel index laid out row-major in rows of 2^LOG2_ROW texels; every pass draws one
 * triangle over the viewport and each fragment writes the texel whose linear index it owns.
 *
 * One loss-and-gradient step over the slots k = 0…m−1 of a row range (slot k is row
 * order[start + k], or start + k in natural order):
 *   1. residual pass:  r_k = (b − y_i) + Σ_g x_i,g · w_g, one fragment per slot;
 *   2. product pass:   fragment (block, g) sums r_k · x_i,g (g < GROUPS) or (r_k, r_k², 0, 1)
 *                      (g = GROUPS: the loss group) over its block of FAN slots;
 *   3. reduce passes:  each sums FAN blocks of the level below, until one block is left:
 *                      GROUPS + 1 texels = Σ r·x (the gradient's numerator), then Σ r, Σ r², 0
 *                      and the row count m.
 * Inside a fragment the FAN values are added as a balanced binary tree, so the whole reduction is
 * pairwise summation of the m terms (padded with exact zeros to a power of FAN).
 */

/** Values summed per fragment per level: a tree of depth log2(FAN) inside each fragment. */
export const FAN = 16

export interface ShaderShape {
  /** Feature texels per row: ⌈features / 4⌉. */
  groups: number
  log2RowTexels: number
}

function header(shape: ShaderShape): string {
  return `#version 300 es
precision highp float;
precision highp int;
precision highp sampler2D;
precision highp usampler2D;
#define GROUPS ${shape.groups}
#define LOG2_ROW ${shape.log2RowTexels}
#define ROW_MASK ${2 ** shape.log2RowTexels - 1}
#define FAN ${FAN}
ivec2 texelAt(int index) { return ivec2(index & ROW_MASK, index >> LOG2_ROW); }
int fragmentIndex() { return (int(gl_FragCoord.y) << LOG2_ROW) + int(gl_FragCoord.x); }
// Balanced binary tree over t[0…FAN): ((t0 + t1) + (t2 + t3)) + …, i.e. pairwise summation.
vec4 pairwiseSum(vec4 t[FAN]) {
  for (int s = 1; s < FAN; s <<= 1)
    for (int k = 0; k < FAN; k += s << 1) t[k] += t[k + s];
  return t[0];
}
`
}

/** One triangle covering the viewport; no vertex buffers (gl_VertexID 0, 1, 2 → corners). */
export const fullViewportVertexShader = `#version 300 es
void main() {
  gl_Position = vec4(float((gl_VertexID & 1) << 2) - 1.0, float((gl_VertexID & 2) << 1) - 1.0, 0.0, 1.0);
}
`

/** Pass 1: r_k = (b − y_i) + Σ_g dot(x_i,g, w_g) — the CPU backend's order of operations. */
export function residualShader(shape: ShaderShape): string {
  return `${header(shape)}
uniform sampler2D features;
uniform sampler2D targets;
uniform usampler2D rowOrder;
uniform vec4 weights[GROUPS];
uniform float bias;
uniform int start;
uniform int count;
uniform bool ordered;
out float residual;
void main() {
  int k = fragmentIndex();
  if (k >= count) { residual = 0.0; return; }
  int i = ordered ? int(texelFetch(rowOrder, texelAt(start + k), 0).r) : start + k;
  float r = bias - texelFetch(targets, texelAt(i), 0).r;
  int base = i * GROUPS;
  for (int g = 0; g < GROUPS; g++) r += dot(texelFetch(features, texelAt(base + g), 0), weights[g]);
  residual = r;
}
`
}

/**
 * Pass 2: products and the first reduction level. Output texel (block, g) at block·outGroups + g;
 * outGroups is GROUPS + 1 (gradient and loss) or 1 (the loss group alone, for `loss()`).
 */
export function productShader(shape: ShaderShape): string {
  return `${header(shape)}
uniform sampler2D features;
uniform sampler2D residuals;
uniform usampler2D rowOrder;
uniform int start;
uniform int count;
uniform bool ordered;
uniform int outGroups;
uniform int blocks;
out vec4 sum;
vec4 term(int k, int g) {
  if (k >= count) return vec4(0.0); // exact zero: padding leaves the pairwise sums unchanged
  float r = texelFetch(residuals, texelAt(k), 0).r;
  if (g == GROUPS) return vec4(r, r * r, 0.0, 1.0); // w counts the rows: proof the readback is fresh
  int i = ordered ? int(texelFetch(rowOrder, texelAt(start + k), 0).r) : start + k;
  return r * texelFetch(features, texelAt(i * GROUPS + g), 0);
}
void main() {
  int index = fragmentIndex();
  int block = index / outGroups;
  if (block >= blocks) { sum = vec4(0.0); return; }
  int g = outGroups == 1 ? GROUPS : index - block * outGroups;
  vec4 t[FAN];
  for (int k = 0; k < FAN; k++) t[k] = term(block * FAN + k, g);
  sum = pairwiseSum(t);
}
`
}

/** Pass 3…: sums FAN consecutive blocks of the level below, group by group. */
export function reduceShader(shape: ShaderShape): string {
  return `${header(shape)}
uniform sampler2D partials;
uniform int inBlocks;
uniform int outGroups;
uniform int blocks;
out vec4 sum;
void main() {
  int index = fragmentIndex();
  int block = index / outGroups;
  if (block >= blocks) { sum = vec4(0.0); return; }
  int g = index - block * outGroups;
  vec4 t[FAN];
  for (int k = 0; k < FAN; k++) {
    int source = block * FAN + k;
    t[k] = source < inBlocks ? texelFetch(partials, texelAt(source * outGroups + g), 0) : vec4(0.0);
  }
  sum = pairwiseSum(t);
}
`
}
