import fs from 'node:fs'
import path from 'node:path'
import type { Target } from '../config/types.js'
import { RenderError } from '../errors.js'
import { shellQuote } from './shellQuote.js'
import type { RawRender, RenderContext } from './types.js'

/** Repo-relative paths of the YAML files below `dir`, recursive, byte-wise sorted; dot-files skipped. */
export function listYamlFiles(repoRoot: string, dir: string): string[] {
  const files: string[] = []
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(repoRoot, relative), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue
      const child = relative ? `${relative}/${entry.name}` : entry.name
      if (entry.isDirectory()) walk(child)
      else if (entry.isFile() && /\.ya?ml$/.test(entry.name)) files.push(child)
    }
  }
  walk(dir)
  return files.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))
}

/** A plain directory: every YAML file, in sorted order, as one stream. */
export async function renderDirectory(target: Target, context: RenderContext): Promise<RawRender> {
  const dir = target.source ?? ''
  const files = listYamlFiles(context.repoRoot, dir)
  if (files.length === 0)
    throw new RenderError(target.name, `directory ${dir || '.'} holds no *.yaml or *.yml files`)
  const parts = files.map(file => {
    const text = fs.readFileSync(path.join(context.repoRoot, file), 'utf8')
    return text.endsWith('\n') ? text : `${text}\n`
  })
  // Each file starts a new document even when it does not begin with `---`.
  const text = parts.map(p => `---\n${p}`).join('')
  const command = `find ${shellQuote(dir || '.')} -type f \\( -name '*.yaml' -o -name '*.yml' \\) -not -path '*/.*' | LC_ALL=C sort | xargs awk 'FNR==1{print "---"}1'`
  return { text, commands: [command], tools: {} }
}
