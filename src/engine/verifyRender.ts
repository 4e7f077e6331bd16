import type { Target } from '../config/types.js'
import { getErrorMessage } from '../errors.js'
import type { GitCommandManager } from '../git/commandManager.js'
import { resolveCommit, TemporaryWorktree } from '../git/revisions.js'
import { buildBranchLayouts } from '../hydrate/layout.js'
import type { OwnedPath } from '../hydrate/state.js'
import { renderTargets } from '../render/index.js'
import type { ExpectedPath, OwnedPathRef } from '../verify/compare.js'
import { loadRepository, type EngineOptions } from './render.js'

/** `branch\0path`: one owned path of one branch. */
export const pathKey = (branch: string, dir: string) => `${branch}\u0000${dir}`

/**
 * Each owned path re-rendered at the dry commit it records, as a push at that commit would
 * write it: one render per path, the paths of one dry commit rendered together (in parallel)
 * from the working tree when it is that commit, else from a temporary worktree of it.
 */
export async function renderRecorded(options: {
  git: GitCommandManager
  engine: EngineOptions
  paths: readonly OwnedPathRef[]
  /** HEAD of the working tree, when it is clean (then it serves its own commit). */
  cleanHead: string | undefined
}): Promise<{ expected: Map<string, ExpectedPath>; renders: number }> {
  const { git, engine } = options
  const byDry = new Map<string, OwnedPathRef[]>()
  for (const ref of options.paths)
    byDry.set(ref.owned.drySha, [...(byDry.get(ref.owned.drySha) ?? []), ref])
  const expected = new Map<string, ExpectedPath>()
  let renders = 0
  for (const [drySha, refs] of [...byDry].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const fail = (reason: string) => {
      for (const ref of refs) expected.set(pathKey(ref.branch, ref.path), { error: reason })
    }
    const worktree = drySha === options.cleanHead ? undefined : new TemporaryWorktree(git, drySha)
    try {
      let dir = engine.repoRoot
      if (worktree) {
        // A depth-1 clone may lack it: fetched from the dry repository (origin).
        await resolveCommit(git, drySha)
        dir = await worktree.dir()
      }
      const loaded = await loadRepository({
        ...engine,
        repoRoot: dir,
        targetFilter: undefined,
        shard: undefined
      })
      const targets: Target[] = []
      for (const ref of refs) {
        const target = targetOf(loaded.config.allTargets, ref)
        if (typeof target === 'string') {
          expected.set(pathKey(ref.branch, ref.path), {
            error: `${target} at ${drySha.slice(0, 7)}`
          })
        } else targets.push(target)
      }
      const outcome = await renderTargets(targets, { ...engine, repoRoot: dir })
      renders += targets.length
      for (const failure of outcome.failures)
        expected.set(pathKey(failure.target.branch, failure.target.path), {
          error: `does not render at ${drySha.slice(0, 7)}: ${getErrorMessage(failure.error)}`
        })
      for (const layout of buildBranchLayouts(loaded.dry, outcome.rendered))
        for (const rendered of layout.targets) {
          const prefix = `${rendered.target.path}/`
          const files = new Map<string, string>()
          for (const [file, content] of layout.files)
            if (file.startsWith(prefix) && typeof content === 'string')
              files.set(file.slice(prefix.length), content)
          expected.set(pathKey(layout.branch, rendered.target.path), {
            files,
            tools: rendered.tools
          })
        }
    } catch (error) {
      fail(`cannot render at ${drySha.slice(0, 7)}: ${getErrorMessage(error)}`)
    } finally {
      await worktree?.remove()
    }
  }
  return { expected, renders }
}

/** The target of the config at the recorded commit that wrote this path, or why none. */
function targetOf(targets: readonly Target[], ref: OwnedPathRef): Target | string {
  const owned: OwnedPath = ref.owned
  const target = targets.find(t => t.name === owned.target)
  if (!target) return `the config has no target ${owned.target}`
  if (target.branch !== ref.branch || target.path !== ref.path)
    return `target ${owned.target} writes ${target.branch}:${target.path}, not this path,`
  return target
}
