import fs from 'node:fs'
import path from 'node:path'
import type { Target } from '../config/types.js'
import { ToolNotFoundError } from '../errors.js'
import type { Logger } from '../logger.js'
import { runProcess } from '../process/run.js'

export interface Tool {
  /** Absolute path or a name resolved on PATH. */
  path: string
  version: string
}

export interface KustomizeTool extends Tool {
  /** `kustomize build` (standalone) or `kubectl kustomize`. */
  kind: 'kustomize' | 'kubectl'
}

const HINTS = {
  helm: 'Install Helm 3 or 4 (in a workflow: azure/setup-helm), or set HELM_BIN to its path.',
  kustomize:
    'Install kustomize or kubectl (in a workflow: imranismail/setup-kustomize or azure/setup-kubectl), or set KUSTOMIZE_BIN / KUBECTL_BIN.'
}

export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue
    const candidate = path.join(dir, name)
    try {
      fs.accessSync(candidate, fs.constants.X_OK)
      if (fs.statSync(candidate).isFile()) return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

function fromEnv(variable: string, env: NodeJS.ProcessEnv): string | undefined {
  const value = env[variable]
  if (!value) return undefined
  const resolved = path.isAbsolute(value) ? value : findOnPath(value, env)
  if (!resolved || !fs.existsSync(resolved))
    throw new ToolNotFoundError(`${variable}=${value}`, 'The path it names does not exist.')
  return resolved
}

async function versionOf(
  file: string,
  args: string[],
  pattern: RegExp,
  env: NodeJS.ProcessEnv
): Promise<string> {
  const result = await runProcess(file, args, { env, timeoutMs: 30_000 })
  const match = pattern.exec(result.stdout + result.stderr)
  return match?.[1] ?? 'unknown'
}

/** The tools a render runs (the renderer asks the Toolbox for them by these names). */
export type ToolName = 'helm' | 'kustomize'

/**
 * The tools rendering `target` certainly runs. A plain directory runs kustomize only for
 * kustomization subdirectories, so it is left out: its render finds out.
 */
export function toolsOf(target: Target): ToolName[] {
  if (target.type === 'helm') return ['helm']
  if (target.type === 'kustomize')
    return target.kustomize?.enableHelm ? ['kustomize', 'helm'] : ['kustomize']
  return []
}

/**
 * Finds helm and kustomize once per run and logs their versions once. Lookups are
 * lazy: a repo with only kustomize targets does not need helm. `prepare` starts a lookup
 * early (its version process runs meanwhile); it logs and fails only once it is asked for.
 */
export class Toolbox {
  private readonly lookups = new Map<ToolName, Promise<Tool | KustomizeTool>>()
  private helmPromise?: Promise<Tool>
  private kustomizePromise?: Promise<KustomizeTool>

  constructor(
    private readonly logger: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env
  ) {}

  /** Starts looking up tools a render will certainly need; nothing is logged or thrown here. */
  prepare(names: Iterable<ToolName>): void {
    for (const name of names) this.lookup(name).catch(() => undefined)
  }

  helm(): Promise<Tool> {
    this.helmPromise ??= this.lookup('helm').then(tool => {
      this.logger.info(`helm ${tool.version} (${tool.path})`)
      return tool
    })
    return this.helmPromise
  }

  kustomize(): Promise<KustomizeTool> {
    this.kustomizePromise ??= (this.lookup('kustomize') as Promise<KustomizeTool>).then(tool => {
      this.logger.info(
        `${tool.kind === 'kubectl' ? 'kubectl kustomize' : 'kustomize'} ${tool.version} (${tool.path})`
      )
      return tool
    })
    return this.kustomizePromise
  }

  /** The tools found so far (a lookup that failed or never started is left out). */
  async found(): Promise<Array<{ name: ToolName; tool: Tool | KustomizeTool }>> {
    const found: Array<{ name: ToolName; tool: Tool | KustomizeTool }> = []
    for (const [name, pending] of this.lookups) {
      const tool = await pending.catch(() => undefined)
      if (tool) found.push({ name, tool })
    }
    return found.sort((a, b) => a.name.localeCompare(b.name))
  }

  private lookup(name: 'helm'): Promise<Tool>
  private lookup(name: 'kustomize'): Promise<KustomizeTool>
  private lookup(name: ToolName): Promise<Tool | KustomizeTool>
  private lookup(name: ToolName): Promise<Tool | KustomizeTool> {
    let pending = this.lookups.get(name)
    if (!pending) {
      pending = name === 'helm' ? findHelm(this.env) : findKustomize(this.env)
      this.lookups.set(name, pending)
    }
    return pending
  }
}

export async function findHelm(env: NodeJS.ProcessEnv): Promise<Tool> {
  const file = fromEnv('HELM_BIN', env) ?? findOnPath('helm', env)
  if (!file) throw new ToolNotFoundError('helm', HINTS.helm)
  const version = await versionOf(file, ['version', '--short'], /v?(\d+\.\d+\.\d+[^\s+]*)/, env)
  return { path: file, version }
}

export async function findKustomize(env: NodeJS.ProcessEnv): Promise<KustomizeTool> {
  const standalone =
    fromEnv('KUSTOMIZE_BIN', env) ?? (env.KUBECTL_BIN ? undefined : findOnPath('kustomize', env))
  if (standalone) {
    const version = await versionOf(standalone, ['version'], /v?(\d+\.\d+\.\d+)/, env)
    return { path: standalone, version, kind: 'kustomize' }
  }
  const kubectl = fromEnv('KUBECTL_BIN', env) ?? findOnPath('kubectl', env)
  if (!kubectl) throw new ToolNotFoundError('kustomize', HINTS.kustomize)
  const version = await versionOf(
    kubectl,
    ['version', '--client'],
    /Kustomize Version:\s*v?(\S+)/,
    env
  )
  return { path: kubectl, version, kind: 'kubectl' }
}
