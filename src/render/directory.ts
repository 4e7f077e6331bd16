import fs from 'node:fs'
import path from 'node:path'
import type { Target } from '../config/types.js'
import { RenderError } from '../errors.js'
import type { ManifestSource } from '../manifests/parse.js'
import { argoManifestFile } from '../sources/argoManifestFile.js'
import { argoDirectoryFiles, directoryEntries } from '../sources/directory.js'
import { shellQuote } from './shellQuote.js'
import type { RawRender, RenderContext } from './types.js'

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/** A file's text without its BOM; bytes that are not UTF-8 are an error naming the file. */
function decodeUtf8(target: Target, file: string, bytes: Buffer): string {
  try {
    return UTF8.decode(bytes)
  } catch {
    const offset = firstInvalidUtf8(bytes)
    throw new RenderError(
      target.name,
      `${file} is not UTF-8 (byte 0x${(bytes[offset] ?? 0).toString(16)} at offset ${offset}); Kubernetes manifests must be UTF-8`
    )
  }
}

/** Byte offset of the first undecodable sequence (where the replacement character lands). */
function firstInvalidUtf8(bytes: Buffer): number {
  const lossy = bytes.toString('utf8')
  return Buffer.byteLength(lossy.slice(0, Math.max(0, lossy.indexOf('\uFFFD'))))
}

/** Builds one directory with kustomize, under the target's render rules. */
export type KustomizeBuild = (dir: string) => Promise<RawRender>

/**
 * A plain directory: every YAML file, and the kustomize build of every directory with a
 * kustomization file, in directoryEntries order, as one stream. Each part is parsed on its
 * own, so that findings name its file.
 */
export async function renderDirectory(
  target: Target,
  context: RenderContext,
  build: KustomizeBuild
): Promise<RawRender> {
  const dir = target.source ?? ''
  const entries = directoryEntries(context.repoRoot, dir)
  if (entries.length === 0)
    throw new RenderError(target.name, `directory ${dir || '.'} holds no *.yaml or *.yml files`)
  const sources: ManifestSource[] = []
  const builds: string[] = []
  const tools: Record<string, string> = {}
  const warnings: string[] = []
  // One build at a time: the target already holds one of the run's concurrency slots.
  for (const entry of entries) {
    if (entry.kind === 'file') {
      const bytes = readSourceFile(target, context.repoRoot, entry.path)
      sources.push({ text: decodeUtf8(target, entry.path, bytes), origin: entry.path })
      continue
    }
    const built = await build(entry.path)
    sources.push({ text: built.text, origin: `${entry.path || '.'} (kustomize build)` })
    builds.push(...built.commands)
    Object.assign(tools, built.tools)
    warnings.push(...built.warnings)
  }
  // Each part starts a new document even when it does not begin with `---`.
  const text = sources
    .map(({ text: part }) => `---\n${part.endsWith('\n') || part === '' ? part : `${part}\n`}`)
    .join('')
  const nested = entries.filter(e => e.kind === 'kustomization').map(e => e.path)
  const commands = entries.some(e => e.kind === 'file') ? [findCommand(dir, nested)] : []
  return {
    text,
    sources,
    commands: [...commands, ...builds],
    tools,
    warnings: [...new Set(warnings)]
  }
}

/** The shell pipeline that prints the plain files as one stream, in the same order. */
function findCommand(dir: string, nested: readonly string[]): string {
  // find prints paths as it was given them: `./x` from the repository root.
  const prune = nested.map(n => ` -not -path ${shellQuote(`${dir ? '' : './'}${n}/*`)}`).join('')
  return `find ${shellQuote(dir || '.')} -type f \\( -name '*.yaml' -o -name '*.yml' \\) -not -path '*/.*'${prune} | LC_ALL=C sort | xargs awk 'FNR==1{print "---"}1'`
}

/**
 * An Argo CD directory source (target.directory): the files argoDirectoryFiles selects, each
 * its own part; `.json` files hold one object each; a YAML file that holds no Kubernetes
 * object is left out as Argo CD leaves it out (argoManifestFile). No kustomize builds: Argo CD
 * reads a `kustomization.yaml` below a directory source as a plain file.
 */
export function renderArgoDirectory(target: Target, context: RenderContext): RawRender {
  const dir = target.source ?? ''
  const options = target.directory ?? { recurse: false }
  const files = argoDirectoryFiles(context.repoRoot, dir, options)
  const sources: ManifestSource[] = []
  const kept: string[] = []
  const warnings: string[] = []
  for (const file of files) {
    if (file.endsWith('.jsonnet'))
      throw new RenderError(target.name, `${file}: hydrate does not evaluate jsonnet`)
    const bytes = readSourceFile(target, context.repoRoot, file)
    if (!file.endsWith('.json')) {
      const verdict = argoManifestFile(bytes)
      if (verdict.kind === 'ignored') {
        warnings.push(
          `${file} ignored: ${verdict.reason}, as Argo CD ignores a file that is not a manifest`
        )
        continue
      }
      if (verdict.kind === 'error')
        throw new RenderError(
          target.name,
          `${file}: ${verdict.reason}; Argo CD fails such a file ("Failed to unmarshal")`
        )
    }
    sources.push({ text: decodeUtf8(target, file, bytes), origin: file })
    kept.push(file)
  }
  if (sources.length === 0)
    throw new RenderError(
      target.name,
      `directory ${dir || '.'} holds no manifests (*.yaml, *.yml or *.json files with Kubernetes objects)`
    )
  const text = sources
    .map(({ text: part }) => `---\n${part.endsWith('\n') || part === '' ? part : `${part}\n`}`)
    .join('')
  return {
    text,
    sources,
    commands: [`awk 'FNR==1{print "---"}1' ${kept.map(shellQuote).join(' ')}`],
    tools: {},
    warnings
  }
}

/** A file of the source, or a render error naming it (never the runner's absolute path). */
function readSourceFile(target: Target, repoRoot: string, file: string): Buffer {
  try {
    return fs.readFileSync(path.join(repoRoot, file))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'ELOOP'
        ? 'a symlink loop (too many levels of symbolic links)'
        : code === 'ENOENT'
          ? 'a symlink to nothing'
          : `unreadable (${code ?? 'error'})`
    throw new RenderError(target.name, `${file}: ${why}`)
  }
}
