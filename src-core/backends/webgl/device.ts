import { unavailable, type WebglCapability, type WebglInfo, type WebglUnavailable } from './capability'

/**
 * Opens the WebGL2 context the backend computes in — on an OffscreenCanvas, so it works in a Web
 * Worker (and in a page) — and checks, in order, everything the backend relies on: WebGL2
 * itself, EXT_color_buffer_float (render targets in 32-bit float), a complete RGBA32F
 * framebuffer whose value reads back bit-exact, and a live context. The first failure becomes the
 * reason the user sees (capability.ts), with the CPU offered instead.
 */
export interface WebglDevice {
  readonly gl: WebGL2RenderingContext
  readonly info: WebglInfo
  /**
   * Texels per texture row. A power of two, so shaders turn a linear texel index into (x, y) with
   * a mask and a shift; every buffer is laid out row-major in rows of this many texels.
   */
  readonly rowTexels: number
  readonly log2RowTexels: number
  /** Texture rows available (MAX_TEXTURE_SIZE, bounded by the viewport height we render into). */
  readonly maxRows: number
}

export type OpenResult = { ok: true; device: WebglDevice } | { ok: false; unavailable: WebglUnavailable }

/** Uniform vectors kept free for the scalars every shader declares besides the weights. */
const RESERVED_UNIFORM_VECTORS = 16

const contextAttributes: WebGLContextAttributes = {
  alpha: false,
  antialias: false,
  depth: false,
  stencil: false,
  premultipliedAlpha: false,
  preserveDrawingBuffer: false,
  powerPreference: 'high-performance',
}

export function openWebglDevice(): OpenResult {
  if (typeof OffscreenCanvas === 'undefined') return { ok: false, unavailable: unavailable('no-webgl2', 'this browser has no OffscreenCanvas') }
  let gl: WebGL2RenderingContext | null
  try {
    gl = new OffscreenCanvas(1, 1).getContext('webgl2', contextAttributes)
  } catch (e) {
    return { ok: false, unavailable: unavailable('no-webgl2', (e as Error)?.message) }
  }
  if (!gl) return { ok: false, unavailable: unavailable('no-webgl2') }
  if (gl.isContextLost()) return { ok: false, unavailable: unavailable('context-lost') }
  // Without this extension RGBA32F is a valid texture format but not a valid render target.
  if (!gl.getExtension('EXT_color_buffer_float')) return { ok: false, unavailable: unavailable('no-float-render-targets') }
  const framebufferProblem = checkFloatFramebuffer(gl)
  if (framebufferProblem) return { ok: false, unavailable: framebufferProblem }
  if (gl.isContextLost()) return { ok: false, unavailable: unavailable('context-lost') }

  const maxTextureSize = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number
  const viewport = gl.getParameter(gl.MAX_VIEWPORT_DIMS) as Int32Array
  const rowTexels = floorPowerOfTwo(Math.min(maxTextureSize, viewport[0]!))
  const maxRows = Math.min(maxTextureSize, viewport[1]!)
  const uniformVectors = gl.getParameter(gl.MAX_FRAGMENT_UNIFORM_VECTORS) as number
  // Chromium masks RENDERER as "WebKit WebGL"; the debug extension still names the real GPU.
  const debug = gl.getExtension('WEBGL_debug_renderer_info')
  const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER))
  const vendor = String(gl.getParameter(debug ? debug.UNMASKED_VENDOR_WEBGL : gl.VENDOR))
  const info: WebglInfo = {
    renderer,
    vendor,
    software: /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer),
    maxTextureSize,
    maxFeatures: Math.max(0, uniformVectors - RESERVED_UNIFORM_VECTORS) * 4,
    maxTexels: rowTexels * maxRows,
  }
  return { ok: true, device: { gl, info, rowTexels, log2RowTexels: Math.log2(rowTexels), maxRows } }
}

/** A 1×1 RGBA32F render target must be complete and must read back a cleared value bit-exactly. */
function checkFloatFramebuffer(gl: WebGL2RenderingContext): WebglUnavailable | null {
  const texture = gl.createTexture()
  const framebuffer = gl.createFramebuffer()
  try {
    gl.bindTexture(gl.TEXTURE_2D, texture)
    gl.texStorage2D(gl.TEXTURE_2D, 1, gl.RGBA32F, 1, 1)
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer)
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0)
    const status = gl.checkFramebufferStatus(gl.FRAMEBUFFER)
    if (status !== gl.FRAMEBUFFER_COMPLETE) return unavailable('incomplete-framebuffer', `status 0x${status.toString(16)}`)
    // 1 + 2⁻²³, 2⁻¹²⁶ and 1e30 need f32's full mantissa and exponent range: a 16-bit float path
    // (what some drivers quietly use) would read back 1, 0 and Infinity.
    const probe = new Float32Array([1 + 2 ** -23, -3.5, 2 ** -126, 1e30])
    gl.clearBufferfv(gl.COLOR, 0, probe)
    const back = new Float32Array(4)
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, back)
    if (gl.isContextLost()) return unavailable('context-lost')
    if (!probe.every((v, i) => v === back[i])) return unavailable('no-float-render-targets', `a 32-bit float value read back as ${back[0]}`)
    return null
  } finally {
    gl.bindFramebuffer(gl.FRAMEBUFFER, null)
    gl.deleteFramebuffer(framebuffer)
    gl.deleteTexture(texture)
  }
}

function floorPowerOfTwo(n: number): number {
  return 2 ** Math.floor(Math.log2(n))
}

let shared: WebglDevice | null = null

/**
 * The thread's one context, opened on first use and reopened after a loss. Backends share it and
 * free only their own textures and programs: Chromium keeps a handful of live WebGL contexts per
 * process and silently drops the oldest beyond that.
 */
export function sharedWebglDevice(): OpenResult {
  if (shared && !shared.gl.isContextLost()) return { ok: true, device: shared }
  shared = null
  const opened = openWebglDevice()
  if (opened.ok) shared = opened.device
  return opened
}

/** Drops a device whose context was lost, so the next run opens a new one. */
export function forgetWebglDevice(device: WebglDevice): void {
  if (shared === device) shared = null
}

/** What a host reports before offering WebGL: available with the GPU's name, or why not. */
export function probeWebgl(): WebglCapability {
  const opened = sharedWebglDevice()
  return opened.ok ? { available: true, info: opened.device.info } : opened.unavailable
}
