import type { WriteResult } from '../hydrate/branchWriter.js'
import { counted } from '../plural.js'
import type { RenderedTarget } from '../render/index.js'

/**
 * One line per target whose tools warned, with a count (the lines themselves are logged
 * with -v, and shown in the diff report); nothing when none did.
 */
export function formatToolWarnings(rendered: readonly RenderedTarget[]): string {
  const warned = rendered.filter(r => r.warnings.length > 0)
  if (warned.length === 0) return ''
  const lines = warned.map(r => `  ${r.target.name}: ${counted(r.warnings.length, 'tool warning')}`)
  return `Tool warnings (-v prints them):\n${lines.join('\n')}\n`
}
import type { PromotionResult } from '../promotion/plan.js'

/** What `hydrate push` prints: per branch its outcome, changed targets and paths. */
export function formatWriteResult(result: WriteResult, dryRun: boolean): string {
  const lines: string[] = []
  for (const branch of result.branches) {
    const head =
      branch.status === 'skipped'
        ? `skipped (${branch.reason})`
        : branch.status === 'unchanged'
          ? `unchanged${branch.note ? ' (note added)' : ''}`
          : `${branch.status}${branch.commit ? ` ${branch.commit.slice(0, 12)}` : dryRun ? ' (dry run)' : ''}`
    lines.push(`${branch.branch}: ${head}`)
    const pruned = new Set(branch.pruned.map(p => p.target))
    const changed = branch.changedTargets.filter(name => !pruned.has(name))
    if (changed.length > 0) lines.push(`  targets: ${changed.join(', ')}`)
    for (const { path, target } of branch.pruned)
      lines.push(`  pruned: ${path} (target ${target} removed)`)
    for (const change of branch.changes)
      lines.push(
        `  ${change.change === 'added' ? '+' : change.change === 'removed' ? '-' : '~'} ${change.path}`
      )
  }
  for (const update of result.environments) {
    if (update.action === 'unchanged') continue
    const to = update.pushed ? ` ${update.pushed.slice(0, 12)}` : ''
    lines.push(
      `${update.branch}: ${update.action}${to}${update.reason ? ` (${update.reason})` : ''}`
    )
  }
  const outcome = dryRun
    ? 'dry run: nothing committed or pushed'
    : result.pushed
      ? `pushed in 1 atomic push (attempt ${result.attempts})`
      : 'nothing to push'
  lines.push(`${outcome}; ${result.gitProcesses} git processes`)
  return `${lines.join('\n')}\n`
}

/**
 * Where each environment's promotion stands after `hydrate push`. The CLI has no GitHub
 * token: a due promotion PR is named, and the action opens it.
 */
export function formatPromotion(result: PromotionResult): string {
  const lines = ['promotion:']
  for (const e of result.environments) {
    const o = e.outcome
    const counts = (report: typeof o & { kind: 'proposed' }) => {
      const sum = report.report.targets.reduce(
        (n, t) => ({
          added: n.added + t.counts.added,
          modified: n.modified + t.counts.modified,
          removed: n.removed + t.counts.removed
        }),
        { added: 0, modified: 0, removed: 0 }
      )
      return `+${sum.added} ~${sum.modified} -${sum.removed}`
    }
    const what =
      o.kind === 'fast-forwarded'
        ? `${e.branch} fast-forwarded to ${o.sha.slice(0, 12)}`
        : o.kind === 'in-sync'
          ? `${e.branch} holds ${e.next} (${o.sha.slice(0, 12)})`
          : o.kind === 'proposed'
            ? `promote ${e.next} into ${e.branch} (${counts(o)}): open a pull request, or let the action do it`
            : o.kind === 'waiting'
              ? `waits until ${o.for} carries ${result.drySha.slice(0, 7)}`
              : `failed: ${o.reason}`
    lines.push(`  ${e.env}: ${what}`)
  }
  return `${lines.join('\n')}\n`
}
