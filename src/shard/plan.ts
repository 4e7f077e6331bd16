import { createHash } from 'node:crypto'
import type { PromotionEnvironment, Target } from '../config/types.js'
import { UsageError } from '../errors.js'

// Sharding over a GitHub Actions matrix (docs/adr/0019). Pure: targets are grouped by the
// branches they write (every branch has exactly one writer, so each shard's push stays
// atomic and shards never race on a branch), and the groups are balanced over N shards by
// their last render time, or by target count without history. Same inputs, same plan.

/** `I/N`: shard I of N, 1-based. */
export interface ShardId {
  index: number
  count: number
}

export function parseShardId(text: string, what = '--shard'): ShardId {
  const match = /^\s*([1-9][0-9]{0,3})\s*\/\s*([1-9][0-9]{0,3})\s*$/.exec(text)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (!match || index > count)
    throw new UsageError(
      `${what} must be I/N with 1 <= I <= N, e.g. 2/4 (got ${JSON.stringify(text)})`
    )
  return { index, count }
}

export const formatShardId = (id: ShardId): string => `${id.index}/${id.count}`

/** One matrix entry: what one shard job hydrates or diffs. */
export interface ShardEntry {
  /** `I/N`, the value the job passes back as `--shard` / the `shard` input. */
  shard: string
  /** The branches its targets write (with `promotion:`, each promotion branch and its environment branch). */
  branches: string[]
  /** Branches no target writes any more that this shard prunes (retired environments). */
  retired: string[]
  targets: number
  /** The names of those targets, sorted: the only targets the shard's report may hold. */
  targetNames: string[]
  /** The balance weight: the sum of its targets' last render times (ms), or its target count. */
  weight: number
  /** The plan's fingerprint: commit, N and target set; every shard report carries it. */
  fingerprint: string
}

/** What `hydrate plan` prints and the action's `matrix` output holds: `strategy.matrix` as is. */
export interface ShardMatrix {
  include: ShardEntry[]
}

export type PlanBasis = 'render time' | 'target count'

export interface ShardPlan {
  matrix: ShardMatrix
  basis: PlanBasis
  commit: string
  fingerprint: string
  /** Shards asked for; the plan has fewer when there are fewer branch groups. */
  requested: number
}

/**
 * Identifies a plan: the dry commit, the number of shards and the target set (name, branch,
 * path). A shard run checks it before it does anything; the merge refuses reports of another.
 */
export function planFingerprint(commit: string, count: number, targets: readonly Target[]): string {
  const hash = createHash('sha256').update(`hydrate shard plan v1\n${commit}\n${count}\n`)
  for (const line of targets.map(t => `${t.name}\0${t.branch}\0${t.path}\n`).sort())
    hash.update(line)
  return hash.digest('hex').slice(0, 16)
}

interface BranchGroup {
  branches: string[]
  targets: number
  names: string[]
  weight: number
}

/** Branches that must share a writer: a target's branch, and a promotion branch with its environment branch. */
function groupBranches(
  targets: readonly Target[],
  environments: readonly PromotionEnvironment[]
): string[][] {
  const parent = new Map<string, string>()
  const find = (branch: string): string => {
    let root = branch
    while (parent.get(root) !== root) root = parent.get(root) ?? root
    parent.set(branch, root)
    return root
  }
  const add = (branch: string) => {
    if (!parent.has(branch)) parent.set(branch, branch)
  }
  for (const target of targets) add(target.branch)
  for (const { branch, next } of environments) {
    if (!parent.has(next)) continue // an environment no target is hydrated into
    add(branch)
    const [a, b] = [find(branch), find(next)].sort()
    if (a !== b) parent.set(b as string, a as string)
  }
  const groups = new Map<string, string[]>()
  for (const branch of [...parent.keys()].sort()) {
    const root = find(branch)
    groups.set(root, [...(groups.get(root) ?? []), branch])
  }
  return [...groups.values()]
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

/**
 * Plans N shards. Each target weighs its last render time (a target without one: the
 * median of those known); with no render time known at all, every target weighs 1. Groups
 * go heaviest first to the lightest shard (ties: the group's first branch name, the lower
 * shard), which is deterministic and within 4/3 of the best balance. Retired branches go to
 * the shard with the fewest targets.
 */
export function planShards(input: {
  commit: string
  count: number
  targets: readonly Target[]
  environments?: readonly PromotionEnvironment[]
  /** The last render time of a target's path on its branch, when one is recorded. */
  renderMs: (target: Target) => number | undefined
  retired?: readonly string[]
}): ShardPlan {
  const known = input.targets
    .map(t => input.renderMs(t))
    .filter((ms): ms is number => ms !== undefined)
  const basis: PlanBasis = known.length > 0 ? 'render time' : 'target count'
  const fallback = known.length > 0 ? median(known) : 1
  // Every target costs at least 1 ms: a group is never free.
  const weightOf = (t: Target) => Math.max(1, Math.round(input.renderMs(t) ?? fallback))
  const byBranch = new Map<string, Target[]>()
  for (const target of input.targets)
    byBranch.set(target.branch, [...(byBranch.get(target.branch) ?? []), target])
  const groups: BranchGroup[] = groupBranches(input.targets, input.environments ?? []).map(
    branches => {
      const targets = branches.flatMap(b => byBranch.get(b) ?? [])
      return {
        branches,
        targets: targets.length,
        names: targets.map(t => t.name),
        weight:
          basis === 'render time' ? targets.reduce((n, t) => n + weightOf(t), 0) : targets.length
      }
    }
  )
  groups.sort((a, b) =>
    b.weight !== a.weight
      ? b.weight - a.weight
      : (a.branches[0] as string) < (b.branches[0] as string)
        ? -1
        : 1
  )
  const count = Math.max(1, Math.min(input.count, groups.length))
  const fingerprint = planFingerprint(input.commit, count, input.targets)
  const shards = Array.from({ length: count }, (_, i) => ({
    index: i + 1,
    branches: [] as string[],
    retired: [] as string[],
    targets: 0,
    names: [] as string[],
    weight: 0
  }))
  const lightest = (key: 'weight' | 'targets') =>
    shards.reduce((best, shard) => (shard[key] < best[key] ? shard : best))
  for (const group of groups) {
    const shard = lightest('weight')
    shard.branches.push(...group.branches)
    shard.targets += group.targets
    shard.names.push(...group.names)
    shard.weight += group.weight
  }
  for (const branch of [...new Set(input.retired ?? [])].sort())
    lightest('targets').retired.push(branch)
  return {
    matrix: {
      include: shards.map(shard => ({
        shard: formatShardId({ index: shard.index, count }),
        branches: shard.branches.sort(),
        retired: shard.retired,
        targets: shard.targets,
        targetNames: shard.names.sort(),
        weight: shard.weight,
        fingerprint
      }))
    },
    basis,
    commit: input.commit,
    fingerprint,
    requested: input.count
  }
}

/** The matrix as `hydrate plan` prints it (one line: a step output). */
export function serializeMatrix(matrix: ShardMatrix): string {
  return JSON.stringify(matrix)
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every(v => typeof v === 'string')

/** Reads a plan (`hydrate plan`'s output, the `matrix` output); a wrong one is a usage error. */
export function parseMatrix(text: string, what: string): ShardMatrix {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new UsageError(
      `${what} is not JSON (${error instanceof Error ? error.message : String(error)}); pass the output of hydrate plan`
    )
  }
  const include = (data as { include?: unknown } | null)?.include
  if (!Array.isArray(include) || include.length === 0)
    throw new UsageError(`${what} has no "include" list of shards; pass the output of hydrate plan`)
  const entries = include.map((entry: unknown, i) => {
    const e = entry as Partial<ShardEntry> | null
    if (
      !e ||
      typeof e.shard !== 'string' ||
      !isStringArray(e.branches) ||
      !isStringArray(e.retired) ||
      typeof e.fingerprint !== 'string' ||
      typeof e.targets !== 'number' ||
      !isStringArray(e.targetNames) ||
      e.targetNames.length !== e.targets ||
      typeof e.weight !== 'number'
    )
      throw new UsageError(`${what}: shard entry ${i + 1} is not one hydrate plan writes`)
    const id = parseShardId(e.shard, `${what}: shard entry ${i + 1}`)
    if (id.count !== include.length || id.index !== i + 1)
      throw new UsageError(
        `${what}: entry ${i + 1} is shard ${e.shard}, expected ${i + 1}/${include.length}`
      )
    return e as ShardEntry
  })
  if (new Set(entries.map(e => e.fingerprint)).size !== 1)
    throw new UsageError(`${what}: its shards carry different fingerprints`)
  return { include: entries }
}
