import { ConfigError, formatLocation } from '../errors.js'
import { refNameProblem } from '../git/refName.js'
import type { Target } from './types.js'

/** Checks across targets: unique names, unique branch+path, valid branch names. */
export function validateTargets(targets: Target[]): void {
  const fail = (target: Target, message: string): never => {
    throw new ConfigError(target.location, message)
  }
  const byName = new Map<string, Target>()
  for (const target of targets) {
    for (const [what, value] of [
      ['name', target.name],
      ['env', target.env]
    ] as const) {
      const problem = nameProblem(value)
      if (problem) fail(target, `target ${what} ${JSON.stringify(value)} ${problem}`)
    }
    const other = byName.get(target.name)
    if (other)
      fail(
        target,
        `duplicate target name ${JSON.stringify(target.name)} (also at ${formatLocation(other.location)}); set "name" to tell them apart`
      )
    byName.set(target.name, target)
  }
  const byBranch = new Map<string, Target[]>()
  for (const target of targets) {
    const list = byBranch.get(target.branch) ?? []
    for (const other of list) {
      if (other.path === target.path) {
        fail(
          target,
          `targets ${other.name} and ${target.name} both write ${target.branch}:${target.path}; give one a different "path" or "branch"`
        )
      }
      if (target.path.startsWith(`${other.path}/`) || other.path.startsWith(`${target.path}/`)) {
        fail(
          target,
          `target ${target.name} writes ${target.branch}:${target.path}, which nests with ${other.name}'s ${other.path}`
        )
      }
    }
    list.push(target)
    byBranch.set(target.branch, list)
  }
  for (const [branch, list] of byBranch) {
    const problem = branchNameProblem(branch)
    if (problem)
      fail(list[0] as Target, `invalid branch name ${JSON.stringify(branch)}: ${problem}`)
  }
  // git keeps refs as paths: refs/heads/deploy and refs/heads/deploy/dev cannot both exist.
  const branches = [...byBranch.keys()].sort()
  for (const branch of branches) {
    const parent = branches.find(other => branch.startsWith(`${other}/`))
    if (parent) {
      const target = (byBranch.get(branch) as Target[])[0] as Target
      const other = (byBranch.get(parent) as Target[])[0] as Target
      fail(
        target,
        `branch ${JSON.stringify(branch)} of target ${target.name} cannot exist next to branch ${JSON.stringify(parent)} of target ${other.name} (at ${formatLocation(other.location)}): git stores a branch inside the other's name; rename one`
      )
    }
  }
}

/**
 * A branch name git accepts for `git branch` (check-ref-format --branch semantics) without
 * its expansions: `@{-1}` or `@{upstream}` would name another branch, or none.
 */
export function branchNameProblem(branch: string): string | undefined {
  if (branch.includes('@{') || branch === '@')
    return "it uses git's @{…} revision syntax, which is not a branch name"
  if (branch.startsWith('-')) return 'a branch name cannot start with "-"'
  if (branch === 'HEAD') return 'HEAD is not a branch name'
  const problem = refNameProblem(`refs/heads/${branch}`)
  return problem && `git check-ref-format rejects it: ${problem}`
}

/** Names and environments reach logs and comments: no control characters (line breaks). */
export function nameProblem(value: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f]/.test(value) ? 'contains a control character or line break' : undefined
}
