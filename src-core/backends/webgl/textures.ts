import { gpuOutOfMemory, unavailable, unavailableError } from './capability'
import type { WebglDevice } from './device'

/**
 * Textures as linear arrays of texels: texel `index` lives at (index mod rowTexels,
 * index div rowTexels). A buffer of `count` texels is one row of `count` texels when it fits,
 * else full rows plus a partial last row — the shape every pass renders into.
 */
export interface TexelBuffer {
  texture: WebGLTexture
  /** Texels it can hold. */
  capacity: number
  /** Framebuffer with the texture as colour attachment 0; null for buffers never rendered into. */
  framebuffer: WebGLFramebuffer | null
}

export type TexelFormat = 'rgba32f' | 'r32f' | 'r32ui'

// Read from the context, not the WebGL2RenderingContext global: a host without WebGL2 must still
// load this module to report why.
function formatOf(gl: WebGL2RenderingContext, format: TexelFormat) {
  switch (format) {
    case 'rgba32f':
      return { internal: gl.RGBA32F, format: gl.RGBA, type: gl.FLOAT, channels: 4 }
    case 'r32f':
      return { internal: gl.R32F, format: gl.RED, type: gl.FLOAT, channels: 1 }
    case 'r32ui':
      return { internal: gl.R32UI, format: gl.RED_INTEGER, type: gl.UNSIGNED_INT, channels: 1 }
  }
}

/** Width and height of the rectangle that holds `count` texels. */
export function extent(device: WebglDevice, count: number): { width: number; height: number } {
  const n = Math.max(1, count)
  return n <= device.rowTexels ? { width: n, height: 1 } : { width: device.rowTexels, height: Math.ceil(n / device.rowTexels) }
}

export function createTexelBuffer(device: WebglDevice, format: TexelFormat, capacity: number, renderTarget: boolean): TexelBuffer {
  const { gl } = device
  const { width, height } = extent(device, capacity)
  const texture = gl.createTexture()
  gl.bindTexture(gl.TEXTURE_2D, texture)
  // texelFetch still needs a complete texture: one level, no filtering (integer textures forbid LINEAR).
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST)
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST)
  const { internal, channels } = formatOf(gl, format)
  gl.texStorage2D(gl.TEXTURE_2D, 1, internal, width, height)
  // One synchronous getError per texture, at load only: the sizes were checked against the
  // limits, so an error here is the driver running out of memory.
  if (gl.getError() === gl.OUT_OF_MEMORY) {
    gl.deleteTexture(texture)
    throw gpuOutOfMemory(Math.ceil((width * height * channels * 4) / 2 ** 20))
  }
  let framebuffer: WebGLFramebuffer | null = null
  if (renderTarget) {
    framebuffer = gl.createFramebuffer()
    gl.bindFramebuffer(gl.FRAMEBUFFER, framebuffer)
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, texture, 0)
    const status = gl.checkFramebufferStatus(gl.FRAMEBUFFER)
    gl.bindFramebuffer(gl.FRAMEBUFFER, null)
    if (status !== gl.FRAMEBUFFER_COMPLETE && !gl.isContextLost()) {
      gl.deleteFramebuffer(framebuffer)
      gl.deleteTexture(texture)
      throw unavailableError(unavailable('incomplete-framebuffer', `${format} ${width}×${height}, status 0x${status.toString(16)}`))
    }
  }
  return { texture, capacity, framebuffer }
}

/** Writes `count` texels from `data` (channels per texel as the format says) at texel 0. */
export function uploadTexels(device: WebglDevice, buffer: TexelBuffer, format: TexelFormat, data: Float32Array | Uint32Array, count: number): void {
  const { gl, rowTexels } = device
  const { format: glFormat, type, channels } = formatOf(gl, format)
  if (count > buffer.capacity || data.length < count * channels) throw new Error(`WebGL backend: upload of ${count} texels does not fit`)
  gl.bindTexture(gl.TEXTURE_2D, buffer.texture)
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1)
  const fullRows = Math.floor(count / rowTexels)
  const rest = count - fullRows * rowTexels
  if (count <= rowTexels) {
    if (count > 0) gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, count, 1, glFormat, type, data, 0)
    return
  }
  // Straight from the caller's array (srcOffset in elements): no padded copy of a large upload.
  gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, rowTexels, fullRows, glFormat, type, data, 0)
  if (rest > 0) gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, fullRows, rest, 1, glFormat, type, data, fullRows * rowTexels * channels)
}

export function deleteTexelBuffer(gl: WebGL2RenderingContext, buffer: TexelBuffer | null): void {
  if (!buffer) return
  gl.deleteFramebuffer(buffer.framebuffer)
  gl.deleteTexture(buffer.texture)
}

export interface Program {
  program: WebGLProgram
  uniform(name: string): WebGLUniformLocation | null
}

/** Compiles and links; a compile error is a bug in our GLSL, reported with the driver's log. */
export function createProgram(gl: WebGL2RenderingContext, vertexSource: string, fragmentSource: string): Program {
  const program = gl.createProgram()
  const shaders = [
    [gl.VERTEX_SHADER, vertexSource],
    [gl.FRAGMENT_SHADER, fragmentSource],
  ] as const
  for (const [kind, source] of shaders) {
    const shader = gl.createShader(kind)
    if (!shader) throw new Error('WebGL backend: createShader failed')
    gl.shaderSource(shader, source)
    gl.compileShader(shader)
    gl.attachShader(program, shader)
    gl.deleteShader(shader) // flagged; freed with the program
  }
  gl.linkProgram(program)
  if (!gl.getProgramParameter(program, gl.LINK_STATUS) && !gl.isContextLost()) {
    const log = gl.getProgramInfoLog(program) ?? ''
    const shaderLogs = gl.getAttachedShaders(program)?.map((s) => gl.getShaderInfoLog(s) ?? '').join('\n') ?? ''
    gl.deleteProgram(program)
    throw new Error(`WebGL backend: shader program failed to link: ${log}\n${shaderLogs}`)
  }
  const locations = new Map<string, WebGLUniformLocation | null>()
  return {
    program,
    uniform(name) {
      if (!locations.has(name)) locations.set(name, gl.getUniformLocation(program, name))
      return locations.get(name)!
    },
  }
}
