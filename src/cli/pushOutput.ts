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
  const outcome = dryRun
    ? 'dry run: nothing committed or pushed'
    : result.pushed
      ? `pushed in 1 atomic push (attempt ${result.attempts})`
      : 'nothing to push'
  lines.push(`${outcome}; ${result.gitProcesses} git processes`)
  return `${lines.join('\n')}\n`
}
