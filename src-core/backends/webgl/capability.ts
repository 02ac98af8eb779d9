import { InputError } from '../../errors'

/**
 * What a WebGL compute host can do, as reported before a run (and across the worker boundary, so
 * this file stays free of DOM types). The checks themselves are in `device.ts`.
 */

export interface WebglInfo {
  /** The GPU as the browser names it (WEBGL_debug_renderer_info), e.g. "ANGLE (…, SwiftShader driver)". */
  renderer: string
  vendor: string
  /** True for software rasterizers (SwiftShader, llvmpipe): correct, but no faster than the CPU. */
  software: boolean
  maxTextureSize: number
  /** Most features a model may have on this GPU (parameters travel as shader uniforms). */
  maxFeatures: number
  /** Most rows × ⌈features/4⌉ the data textures can hold. */
  maxTexels: number
}

export type WebglUnavailableReason = 'no-webgl2' | 'no-float-render-targets' | 'incomplete-framebuffer' | 'context-lost'

export type WebglCapability =
  | { available: true; info: WebglInfo }
  | { available: false; reason: WebglUnavailableReason; message: string; hint: string }

export type WebglUnavailable = Extract<WebglCapability, { available: false }>

/** The fallback every unavailable case offers. */
const cpuFallback = 'train on the CPU backend instead (backend "cpu"): it gives the same results in f32 or f64.'
export const cpuFallbackHint = cpuFallback.charAt(0).toUpperCase() + cpuFallback.slice(1)

/** A hint that offers `firstAction` (capitalised, no full stop), then the CPU. */
export function withCpuFallback(firstAction: string): string {
  return `${firstAction}, or ${cpuFallback}`
}

const messages: Record<WebglUnavailableReason, string> = {
  'no-webgl2': 'WebGL2 is not available here, so the WebGL backend cannot run.',
  'no-float-render-targets':
    'This GPU cannot render to 32-bit float textures (the WebGL extension EXT_color_buffer_float is missing), which the WebGL backend needs.',
  'incomplete-framebuffer': 'This GPU reports 32-bit float (RGBA32F) render targets as incomplete, so the WebGL backend cannot compute on it.',
  'context-lost': 'The GPU dropped the WebGL context (the driver was reset, or too many pages use the GPU).',
}

export function unavailable(reason: WebglUnavailableReason, detail?: string): WebglUnavailable {
  const hint = reason === 'context-lost' ? withCpuFallback('Try again in a moment') : cpuFallbackHint
  return { available: false, reason, message: detail ? `${messages[reason]} (${detail})` : messages[reason], hint }
}

/** The unavailable capability as the one error type the UI and the run's `failed` message show. */
export function unavailableError(capability: WebglUnavailable): InputError {
  return new InputError(capability.message, capability.hint)
}

/** A context lost while a run computes (GPU reset, driver crash, too many contexts): the run stops. */
export function contextLostDuringRun(): InputError {
  return new InputError(
    'The GPU dropped the WebGL context during the computation (the driver was reset, or too many pages use the GPU), so the run stopped.',
    withCpuFallback('Start the run again'),
  )
}

/** Texture memory the GPU refused (OUT_OF_MEMORY while allocating a run's textures). */
export function gpuOutOfMemory(megabytes: number): InputError {
  return new InputError(
    `The GPU has not enough free memory for this data set (a ${megabytes.toLocaleString('en-US')} MB texture was refused).`,
    withCpuFallback('Use fewer rows or features, close other GPU-heavy pages'),
  )
}
