import fs from 'node:fs'
import path from 'node:path'
import type { Target } from '../config/types.js'
import { RenderError } from '../errors.js'
import { shellQuote } from './shellQuote.js'
import type { RawRender, RenderContext } from './types.js'

/**
 * Repo-relative paths of the YAML files below `dir`, recursive, byte-wise sorted; dot-files
 * skipped. Symlinks are followed (the input guard has checked they stay in the repository).
 */
export function listYamlFiles(repoRoot: string, dir: string): string[] {
  const files: string[] = []
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(repoRoot, relative), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue
      const child = relative ? `${relative}/${entry.name}` : entry.name
      const stat = entry.isSymbolicLink()
        ? fs.statSync(path.join(repoRoot, child), { throwIfNoEntry: false })
        : entry
      if (stat?.isDirectory()) walk(child)
      else if (stat?.isFile() && /\.ya?ml$/.test(entry.name)) files.push(child)
    }
  }
  walk(dir)
  return files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
}

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

/** A plain directory: every YAML file, in sorted order, as one stream. */
export async function renderDirectory(target: Target, context: RenderContext): Promise<RawRender> {
  const dir = target.source ?? ''
  const files = listYamlFiles(context.repoRoot, dir)
  if (files.length === 0)
    throw new RenderError(target.name, `directory ${dir || '.'} holds no *.yaml or *.yml files`)
  const parts = files.map(file => {
    const text = decodeUtf8(target, file, fs.readFileSync(path.join(context.repoRoot, file)))
    return text.endsWith('\n') ? text : `${text}\n`
  })
  // Each file starts a new document even when it does not begin with `---`.
  const text = parts.map(p => `---\n${p}`).join('')
  const command = `find ${shellQuote(dir || '.')} -type f \\( -name '*.yaml' -o -name '*.yml' \\) -not -path '*/.*' | LC_ALL=C sort | xargs awk 'FNR==1{print "---"}1'`
  return { text, commands: [command], tools: {}, warnings: [] }
}
