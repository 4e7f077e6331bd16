import type { ManifestSource } from '../manifests/parse.js'
import type { Obj } from '../targets/dependencies.js'
import type { RemoteAllowList } from '../security/remoteAllow.js'
import type { ChartCache } from './chartCache.js'

/** What a renderer produced for one target, before it is parsed. */
export interface RawRender {
  /** The tool's stdout: a multi-document YAML stream. */
  text: string
  /** The same text in parts, each named in findings (a plain directory's files); else `text` is parsed. */
  sources?: ManifestSource[]
  /** What a person would type at the repo root to reproduce it (no absolute paths). */
  commands: string[]
  /** Tool name → version, for the per-path README. */
  tools: Record<string, string>
  /** What the tools printed on stderr while succeeding: redacted, paths relative, distinct lines. */
  warnings: string[]
}

export interface RenderContext {
  repoRoot: string
  timeoutMs: number
  /** Scratch space; removed by the caller. */
  tempDir: string
  /** Where the render processes' allow-listed environment is taken from. */
  env: NodeJS.ProcessEnv
  /** Set by us for every render: an empty HELM_PLUGINS, so no plugin from anywhere runs. */
  extraEnv: NodeJS.ProcessEnv
  /** Parsed kustomization files, shared by the targets of one run. */
  kustomizations: Map<string, Obj | undefined>
  /** Pinned remote charts, fetched once (docs/adr/0013). */
  chartCache: ChartCache
  /** Where a render may fetch charts from (the base's `remote.allow`); absent: nowhere. */
  remote?: RemoteAllowList
}
