import fs from 'node:fs'
import path from 'node:path'
import { compileArgoGlob } from '../security/glob.js'
import { findKustomization } from './kind.js'
import { followedStat } from './linkStat.js'

/**
 * What a plain directory holds, in output order: YAML files, and directories with a
 * kustomization file, which kustomize builds (as Flux's kustomize-controller does). Paths are
 * repo-relative.
 */
export interface DirectoryEntry {
  kind: 'file' | 'kustomization'
  path: string
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

/**
 * The entries of a directory target, recursive; dot-files skipped. A directory holding a
 * kustomization file (the target's own too) is one entry and is not descended into. Output
 * order is the byte-wise order of the file paths, a kustomization taking the place its files
 * would have (its path with a trailing `/` sorts just before them). Symlinks are followed
 * while they stay in the repository; the input guard refuses the others before a render.
 */
export function directoryEntries(repoRoot: string, dir: string): DirectoryEntry[] {
  const entries: Array<DirectoryEntry & { key: string }> = []
  const realRoot = fs.realpathSync(repoRoot)
  const ancestors = new Set<string>() // real paths being walked: a symlink loop stops there
  const walk = (relative: string) => {
    const real = fs.realpathSync(path.join(repoRoot, relative))
    // Never walk out of the repository (the input guard refuses such a link with its name).
    const inside = path.relative(realRoot, real)
    if (inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) return
    if (ancestors.has(real)) return
    if (findKustomization(path.join(repoRoot, relative))) {
      entries.push({ kind: 'kustomization', path: relative, key: relative ? `${relative}/` : '' })
      return
    }
    ancestors.add(real)
    for (const entry of fs.readdirSync(path.join(repoRoot, relative), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue
      const child = relative ? `${relative}/${entry.name}` : entry.name
      const stat = entry.isSymbolicLink() ? followedStat(path.join(repoRoot, child)) : entry
      if (stat?.isDirectory()) walk(child)
      else if (stat?.isFile() && /\.ya?ml$/.test(entry.name))
        entries.push({ kind: 'file', path: child, key: child })
    }
    ancestors.delete(real)
  }
  walk(dir)
  return entries
    .sort((a, b) => byteOrder(a.key, b.key))
    .map(({ kind, path: entryPath }) => ({ kind, path: entryPath }))
}

/** The directories of a directory target that kustomize builds. */
export function nestedKustomizations(repoRoot: string, dir: string): string[] {
  return directoryEntries(repoRoot, dir)
    .filter(entry => entry.kind === 'kustomization')
    .map(entry => entry.path)
}

/** Argo CD's directory options (ArgoDirectoryOptions), repeated here to keep sources/ free of config/. */
export interface ArgoDirectorySelection {
  recurse: boolean
  include?: string
  exclude?: string
  /** Every file is a candidate, not only the manifest extensions (Argo CD 3.5). */
  disableExtensionFilter?: boolean
}

/**
 * The files Argo CD's repo-server reads from a directory source: `*.yaml`, `*.yml`, `*.json`
 * and `*.jsonnet` names (any name with disableExtensionFilter), in the order of Go's filepath.Walk (names byte-wise, a directory's
 * files where its name sorts); subdirectories only with `recurse`; `include`/`exclude` matched
 * against the path below the source with Argo CD's glob. Symlinked directories are not
 * entered (Walk does not follow them); `.git` never. Paths are repo-relative.
 */
export function argoDirectoryFiles(
  repoRoot: string,
  dir: string,
  options: ArgoDirectorySelection
): string[] {
  const include = options.include ? argoGlob(options.include) : undefined
  const exclude = options.exclude ? argoGlob(options.exclude) : undefined
  const files: string[] = []
  const walk = (relative: string) => {
    const names = fs.readdirSync(path.join(repoRoot, dir, relative)).sort(byteOrder)
    for (const name of names) {
      const below = relative ? `${relative}/${name}` : name
      const stat = fs.lstatSync(path.join(repoRoot, dir, below))
      if (stat.isDirectory()) {
        if (options.recurse && name !== '.git') walk(below)
        continue
      }
      if (!options.disableExtensionFilter && !/\.(yaml|yml|json|jsonnet)$/.test(name)) continue
      if (exclude?.test(below)) continue
      if (include && !include.test(below)) continue
      const file = dir ? `${dir}/${below}` : below
      if (hasSkipMarker(path.join(repoRoot, file))) continue
      files.push(file)
    }
  }
  walk('')
  return files
}

/** Argo CD skips a file holding this text anywhere (repository.go, skipFileRenderingMarker). */
export const SKIP_FILE_RENDERING_MARKER = '+argocd:skip-file-rendering'

function hasSkipMarker(file: string): boolean {
  try {
    return fs.readFileSync(file).includes(SKIP_FILE_RENDERING_MARKER)
  } catch {
    // Unreadable here (a dangling symlink): the render reports it as it did before.
    return false
  }
}

/** Argo CD's glob.Match, matched in linear time (a pull request writes the pattern). */
export function argoGlob(pattern: string): { test: (path: string) => boolean } {
  return { test: compileArgoGlob(pattern) }
}
