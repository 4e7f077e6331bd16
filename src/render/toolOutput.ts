import fs from 'node:fs'
import path from 'node:path'
import { generatorSources } from '../sources/kustomization.js'
import type { Target } from '../config/types.js'
import { getErrorMessage, RenderError } from '../errors.js'
import { runProcess, type ProcessResult } from '../process/run.js'
import type { Obj, TargetDependencies } from '../targets/dependencies.js'
import type { RenderContext } from './types.js'

const REDACTED = '<redacted>'

/** Shorter values would redact ordinary words; a whole literal (`key:value`) is longer anyway. */
const MIN_SECRET_LENGTH = 4

function readText(repoRoot: string, dir: string, ref: string): string | undefined {
  try {
    return fs.readFileSync(path.join(repoRoot, dir, ref), 'utf8')
  } catch {
    return undefined
  }
}

/**
 * Everything a target's secretGenerators would put into a Secret: literals (whole and
 * value), env-file lines (whole and value) and file contents. Tools echo these in their
 * errors (`invalid literal source password:VALUE`), so error text is redacted with them.
 */
export function secretGeneratorValues(
  repoRoot: string,
  deps: TargetDependencies,
  parsed: ReadonlyMap<string, Obj | undefined>
): string[] {
  const values = new Set<string>()
  const add = (text: string) => {
    const trimmed = text.trim()
    if (trimmed.length >= MIN_SECRET_LENGTH) values.add(trimmed)
  }
  const addPair = (pair: string) => {
    add(pair)
    const at = pair.search(/[=:]/)
    if (at !== -1) add(pair.slice(at + 1))
  }
  for (const file of deps.kustomizations) {
    const k = parsed.get(file)
    if (!k) continue
    const dir = path.posix.dirname(file)
    const { literals, envs, files } = generatorSources(k, 'secretGenerator')
    for (const literal of literals) addPair(literal)
    for (const env of envs)
      for (const line of (readText(repoRoot, dir, env) ?? '').split(/\r?\n/)) addPair(line)
    for (const ref of files) {
      const content = readText(repoRoot, dir, ref)
      for (const line of (content ?? '').split(/\r?\n/)) add(line)
      if (content !== undefined) add(content)
    }
  }
  return [...values].sort((a, b) => b.length - a.length)
}

/** The text a value takes when Go prints its bytes with %v: `[112 97 115 115]`. */
function decimalBytes(value: string): string {
  return `[${[...Buffer.from(value, 'utf8')].join(' ')}]`
}

/**
 * Tool output (stderr of a failed render) with known secret values removed, and every
 * printed byte array (`[80 65 83 83 …]`, how kustomize shows a line it cannot decode).
 */
export function redactToolOutput(text: string, secrets: readonly string[]): string {
  let result = text
  for (const secret of secrets) {
    result = result.split(secret).join(REDACTED)
    result = result.split(decimalBytes(secret)).join(REDACTED)
  }
  return result.replace(/\[\d{1,3}(?: \d{1,3}){3,}\]/g, '[<redacted bytes>]')
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/**
 * Absolute paths of this run made relative: the repository root (as given and as resolved,
 * since tools print resolved symlinks) and a chart's scratch copy are dropped, so
 * `<root>/apps/web` reads `apps/web`; other scratch paths become `<scratch>`. Also keeps the
 * text the same from run to run (the scratch directory's name is random).
 */
function relativePaths(text: string, context: RenderContext): string {
  const literal = (paths: string[], to: string) =>
    [...new Set(paths)].map(p => ({ from: escapeRegExp(p), to, length: p.length }))
  const scratch = [context.tempDir, realPath(context.tempDir)]
  const prefixes = [
    // A staged chart: <scratch>/chart-XXXX/<source> is <source> in the repository.
    ...literal(scratch, '.').map(p => ({ ...p, from: `${p.from}/chart-[^/\\s]+` })),
    ...[
      ...literal([context.repoRoot, realPath(context.repoRoot)], '.'),
      ...literal(scratch, '<scratch>')
    ].sort((a, b) => b.length - a.length)
  ]
  let result = text
  for (const { from, to } of prefixes) {
    // `<root>/x` → `x`; `<root>` alone → `.`; never inside a longer name (`<root>-other`).
    result = result
      .replace(new RegExp(`${from}/(?=[^\\s/])`, 'g'), to === '.' ? '' : `${to}/`)
      .replace(new RegExp(`${from}(?![\\w.-])`, 'g'), to)
  }
  return result
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file)
  } catch {
    return file
  }
}

/**
 * What a tool printed on stderr while it succeeded (kustomize's deprecations, helm's
 * symlink notes): redacted as error output is, workspace paths relative, one entry per
 * distinct non-blank line, in the order printed.
 */
export function toolWarnings(
  stderr: string,
  context: RenderContext,
  secrets: readonly string[]
): string[] {
  const text = relativePaths(redactToolOutput(stderr, secrets), context)
  const lines = text.split(/\r?\n/).map(line => line.trimEnd())
  return [...new Set(lines.filter(line => line.trim() !== ''))]
}

/**
 * A failed render's stderr as the report shows it: redacted, and workspace paths relative as
 * in warnings (a reviewer cannot open the runner's /home/runner/work/…, and the report stays
 * the same from run to run).
 */
export function toolErrorOutput(
  stderr: string,
  context: RenderContext,
  secrets: readonly string[]
): string {
  return relativePaths(redactToolOutput(stderr, secrets), context)
}

/**
 * Runs a render tool (helm, kustomize, kubectl) in the render environment; a process that
 * cannot start or times out is this target's RenderError. A non-zero exit is returned.
 */
export async function runRenderTool(
  target: Target,
  context: RenderContext,
  tool: { name: string; path: string },
  args: readonly string[],
  cwd: string
): Promise<ProcessResult> {
  return runProcess(tool.path, args, {
    cwd,
    env: context.env,
    extraEnv: context.extraEnv,
    timeoutMs: context.timeoutMs
  }).catch((error: unknown) => {
    throw new RenderError(
      target.name,
      `${tool.name} ${args[0] ?? ''} failed: ${getErrorMessage(error)}`
    )
  })
}
