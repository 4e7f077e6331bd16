import type { Target } from '../config/types.js'
import type { JsonObject } from '../manifests/resource.js'
import type { TargetDependencies } from './dependencies.js'
import { DependencyWalk, FileFacts } from './dependencyWalk.js'
import { helmChart, remoteChart } from './helmDependencies.js'
import { kustomization, kustomizeEdits, nestedKustomizations } from './kustomizeDependencies.js'

// What each target reads, by its kind: a helm chart, a kustomization, a plain or Argo CD
// directory; computed once per tree.

/**
 * Each target's dependencies in one tree, computed once: kustomizations and file system facts
 * are shared across targets (overlays share their bases). `recorded` holds dependencies known
 * to hold for this tree without reading it (docs/adr/0020); the rest are computed.
 */
export class DependencyIndex {
  private readonly parsed = new Map<string, JsonObject | undefined>()
  private readonly facts = new FileFacts()
  private readonly known = new Map<string, TargetDependencies>()

  constructor(
    readonly repoRoot: string,
    private readonly recorded: ReadonlyMap<string, TargetDependencies> = new Map()
  ) {}

  /** The target's dependencies; treat as read-only (they are shared). */
  of(target: Target): TargetDependencies {
    let deps = this.known.get(target.name)
    if (!deps) {
      deps =
        this.recorded.get(target.name) ??
        targetDependencies(this.repoRoot, target, this.parsed, this.facts)
      this.known.set(target.name, deps)
    }
    return deps
  }
}

/** Everything a target's render reads (docs/adr/0005). Pass one `parsed` map for many targets. */
export function targetDependencies(
  repoRoot: string,
  target: Target,
  parsed = new Map<string, JsonObject | undefined>(),
  facts = new FileFacts()
): TargetDependencies {
  const walk = new DependencyWalk(repoRoot, parsed, facts)
  const { deps } = walk
  // An Argo CD Application's manifest holds its options: a change to it is a change to the target.
  for (const file of target.definedBy ?? []) walk.addFile(file)
  if (target.type === 'helm') {
    // A remote chart is named in hydrate.yaml, whose every change affects all targets.
    if (target.source === undefined)
      remoteChart(
        walk,
        { repo: target.helm?.repo, chart: target.helm?.chart ?? '', version: target.helm?.version },
        target.location.file
      )
    else helmChart(walk, target.source)
    for (const file of target.helm?.valueFiles ?? []) walk.addFile(file)
    // A file added to (or removed from) what a value file glob lists changes the value files.
    for (const dir of target.helm?.valueFileLookups?.directories ?? [])
      walk.addDirectory(dir, false)
    for (const file of target.helm?.valueFileLookups?.files ?? []) walk.addFile(file)
    // Argo CD's helm.fileParameters are read like value files.
    for (const parameter of target.helm?.fileParameters ?? []) walk.addFile(parameter.path)
  } else if (target.type === 'kustomize') {
    kustomization(walk, target.source ?? '')
    if (target.kustomize?.edits) kustomizeEdits(walk, target.source ?? '', target.kustomize.edits)
  } else if (target.directory) {
    // An Argo CD directory source reads its files as they are: no kustomize builds.
    walk.addDirectory(target.source ?? '', true)
  } else {
    // Plain directories: the renderer follows symlinks that stay inside the repository.
    walk.addDirectory(target.source ?? '', true)
    // Its kustomization directories may read files outside it (`resources: [../../base]`).
    nestedKustomizations(walk, target.source ?? '')
  }
  return deps
}
