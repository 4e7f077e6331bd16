import fs from 'node:fs'
import path from 'node:path'
import type { ConfigDraft } from './loadConfig.js'
import type { ArgoFinding, Target } from '../config/types.js'
import { renderTargets, type RenderedTarget, type RenderOptions } from '../render/index.js'
import { targetDependencies } from '../targets/dependencyIndex.js'

// Targets declared by the rendered output of other targets: Argo CD's app-of-apps
// (src/engine/discovery.ts) and Flux's nested Kustomizations (src/engine/fluxDiscovery.ts)
// walk the same levels; only what a level is and how a parent's children are read differ.

/** One kind of nesting: where it starts, what marks a parent, how children are read. */
export interface Nesting<Level> {
  /** The targets read from files. */
  first: Level[]
  target(level: Level): Target
  /** Text a target's inputs must mention for its output to be read (an API group). */
  marker: string
  /** What a failed parent's output cannot be read for: `Applications`, `Kustomizations`. */
  objects: string
  findings: ArgoFinding[]
  /** The children a parent's output declares (the callee reports what it leaves out). */
  children(parent: Level, output: RenderedTarget): Level[]
}

/**
 * Renders, level by level, the targets whose inputs mention the nesting's marker, and adds
 * the targets their output declares to the draft. A render that fails here is a finding; the
 * main render reports it again as the target's error.
 */
export async function discoverNested<Level>(
  draft: ConfigDraft,
  options: Omit<RenderOptions, 'repoRoot'>,
  nesting: Nesting<Level>
): Promise<void> {
  let level = nesting.first
  while (level.length > 0) {
    const parents = level.filter(p =>
      mayDeclareObjects(draft.repoRoot, nesting.target(p), nesting.marker)
    )
    if (parents.length === 0) return
    const { rendered, failures } = await renderTargets(parents.map(nesting.target), {
      ...options,
      repoRoot: draft.repoRoot,
      remoteAllow: options.remoteAllow ?? draft.remote.allow
    })
    for (const failure of failures)
      nesting.findings.push({
        location: failure.target.location,
        subject: failure.target.origin ?? failure.target.name,
        kind: 'invalid',
        message: `its output cannot be read for ${nesting.objects}: ${failure.error.message}`
      })
    const next: Level[] = []
    for (const parent of parents) {
      const output = rendered.find(r => r.target === nesting.target(parent))
      if (output) next.push(...nesting.children(parent, output))
    }
    draft.targets.push(...next.map(nesting.target))
    level = next
  }
}

/** Larger files are not read by the pre-check (a template that large is generated data). */
const MAX_SCANNED_BYTES = 4 * 1024 * 1024

/**
 * Can the target's output hold an object of `marker`'s API group? Only when some file it
 * reads mentions it (as an Application's apiVersion names `argoproj.io`): rendering every
 * target at load time would undo incremental hydration. Only files inside the repository
 * are read. A template that assembles the string from pieces is not seen: its objects stay
 * objects on its branch.
 */
export function mayDeclareObjects(repoRoot: string, target: Target, marker: string): boolean {
  if (target.source === undefined) return false // a remote chart: not this repository's
  const deps = targetDependencies(repoRoot, target)
  const realRoot = fs.realpathSync(repoRoot)
  const inside = (absolute: string): string | undefined => {
    try {
      const real = fs.realpathSync(absolute)
      return real === realRoot || real.startsWith(realRoot + path.sep) ? real : undefined
    } catch {
      return undefined
    }
  }
  const seen = new Set<string>()
  const mentions = (relative: string): boolean => {
    const real = inside(path.join(repoRoot, relative))
    if (real === undefined || seen.has(real)) return false
    seen.add(real)
    const stat = fs.statSync(real)
    if (stat.isDirectory())
      return fs
        .readdirSync(real)
        .filter(name => name !== '.git')
        .sort()
        .some(name => mentions(path.posix.join(relative, name)))
    if (!stat.isFile() || stat.size > MAX_SCANNED_BYTES) return false
    return fs.readFileSync(real, 'utf8').includes(marker)
  }
  const definedBy = new Set(target.definedBy ?? [])
  // Its own manifest (an Application, a Kustomization) names the group, but is not rendered.
  return (
    [...deps.files].some(file => !definedBy.has(file) && mentions(file)) ||
    [...deps.directories].some(dir => mentions(dir))
  )
}
