import fs from 'node:fs'
import path from 'node:path'
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

/**
 * Finds helm and kustomize once per run and logs their versions once. Lookups are
 * lazy: a repo with only kustomize targets does not need helm.
 */
export class Toolbox {
  private helmPromise?: Promise<Tool>
  private kustomizePromise?: Promise<KustomizeTool>

  constructor(
    private readonly logger: Logger,
    private readonly env: NodeJS.ProcessEnv = process.env
  ) {}

  helm(): Promise<Tool> {
    this.helmPromise ??= (async () => {
      const file = fromEnv('HELM_BIN', this.env) ?? findOnPath('helm', this.env)
      if (!file) throw new ToolNotFoundError('helm', HINTS.helm)
      const version = await versionOf(
        file,
        ['version', '--short'],
        /v?(\d+\.\d+\.\d+[^\s+]*)/,
        this.env
      )
      this.logger.info(`helm ${version} (${file})`)
      return { path: file, version }
    })()
    return this.helmPromise
  }

  kustomize(): Promise<KustomizeTool> {
    this.kustomizePromise ??= (async () => {
      const standalone =
        fromEnv('KUSTOMIZE_BIN', this.env) ??
        (this.env.KUBECTL_BIN ? undefined : findOnPath('kustomize', this.env))
      if (standalone) {
        const version = await versionOf(standalone, ['version'], /v?(\d+\.\d+\.\d+)/, this.env)
        this.logger.info(`kustomize ${version} (${standalone})`)
        return { path: standalone, version, kind: 'kustomize' as const }
      }
      const kubectl = fromEnv('KUBECTL_BIN', this.env) ?? findOnPath('kubectl', this.env)
      if (!kubectl) throw new ToolNotFoundError('kustomize', HINTS.kustomize)
      const version = await versionOf(
        kubectl,
        ['version', '--client'],
        /Kustomize Version:\s*v?(\S+)/,
        this.env
      )
      this.logger.info(`kubectl kustomize ${version} (${kubectl})`)
      return { path: kubectl, version, kind: 'kubectl' as const }
    })()
    return this.kustomizePromise
  }
}
