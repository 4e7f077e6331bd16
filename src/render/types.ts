import type { Target } from '../config/types.js'

/** What a renderer produced for one target, before it is parsed. */
export interface RawRender {
  /** The tool's stdout: a multi-document YAML stream. */
  text: string
  /** What a person would type at the repo root to reproduce it (no absolute paths). */
  commands: string[]
  /** Tool name → version, for the per-path README. */
  tools: Record<string, string>
}

export interface RenderContext {
  repoRoot: string
  timeoutMs: number
  /** Scratch space; removed by the caller. */
  tempDir: string
}

export type Renderer = (target: Target, context: RenderContext) => Promise<RawRender>
