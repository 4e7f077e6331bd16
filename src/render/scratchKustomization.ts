import fs from 'node:fs'
import path from 'node:path'
import { parse, stringify } from 'yaml'
import { applyKustomizeEdits, KustomizeEditError, kustomizeEditCommands } from './kustomizeEdit.js'
import { isObject } from '../manifests/isObject.js'
import type { KustomizeEdits, Target } from '../config/types.js'
import { getErrorMessage, RenderError } from '../errors.js'
import { findKustomization } from '../sources/kind.js'
import { commandLine } from './shellQuote.js'
import type { RenderContext } from './types.js'

export interface StagedKustomization {
  /** Absolute directory to build. */
  buildDir: string
  /** What a person would run, at the repository root, to get the same kustomization. */
  commands: string[]
}

/**
 * Applies Argo CD's kustomize options as its repo-server does — by editing the source's
 * kustomization — but on a scratch copy: the source directory is copied into temp space at
 * the same relative path, and every other entry on the way there is a symlink to the
 * repository, so `../base` and components resolve as they would in place. The repository is
 * never written; what the build reads beyond the copy is the repository itself, which the
 * input guard checked before this render.
 */
export function stageEditedKustomization(
  target: Target,
  context: RenderContext,
  dir: string,
  edits: KustomizeEdits
): StagedKustomization {
  const realRoot = fs.realpathSync(context.repoRoot)
  // kustomize resolves a kustomization's references from its real directory.
  const realDir = path
    .relative(realRoot, fs.realpathSync(path.join(context.repoRoot, dir)))
    .split(path.sep)
    .join('/')
  const stage = fs.mkdtempSync(path.join(context.tempDir, 'kustomize-'))
  const segments = realDir === '' ? [] : realDir.split('/')
  for (let depth = 0; depth <= segments.length; depth++) {
    const relative = segments.slice(0, depth).join('/')
    const next = segments[depth]
    for (const name of fs.readdirSync(path.join(realRoot, relative))) {
      if (name === '.git' || name === next) continue
      const from = path.join(realRoot, relative, name)
      const to = path.join(stage, relative, name)
      if (depth === segments.length)
        fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true })
      else fs.symlinkSync(from, to)
    }
    if (next !== undefined) fs.mkdirSync(path.join(stage, relative, next))
  }
  const buildDir = path.join(stage, realDir)
  const file = findKustomization(buildDir)
  if (!file) throw new RenderError(target.name, `${dir || '.'} has no kustomization file`)
  let kustomization: unknown
  try {
    kustomization = parse(fs.readFileSync(path.join(buildDir, file), 'utf8'))
  } catch (error) {
    throw new RenderError(target.name, `${dir}/${file} does not parse: ${getErrorMessage(error)}`)
  }
  if (!isObject(kustomization))
    throw new RenderError(target.name, `${dir}/${file} is not a mapping`)
  try {
    fs.writeFileSync(
      path.join(buildDir, file),
      // YAML 1.1 output quotes strings such as "yes" and "on" that 1.1 readers take as booleans.
      stringify(applyKustomizeEdits(kustomization, edits), { version: '1.1' })
    )
  } catch (error) {
    if (error instanceof KustomizeEditError)
      throw new RenderError(target.name, `kustomize edit in ${dir || '.'}: ${error.message}`)
    throw error
  }
  const cd = commandLine(['cd', dir || '.'])
  return {
    buildDir,
    commands: [
      '# Argo CD edits the kustomization before it builds; run these on a scratch copy:',
      ...kustomizeEditCommands(edits).map(c => (c.startsWith('#') ? c : `(${cd} && ${c})`))
    ]
  }
}
