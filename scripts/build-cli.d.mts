import type { BuildResult } from 'esbuild'

export declare const cliOutDir: string
export declare function buildCli(): Promise<BuildResult>
export declare function cliBuildIsCurrent(): boolean
export declare function ensureCliBuilt(): Promise<void>
