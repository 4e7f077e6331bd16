import * as core from '@actions/core'
import type { RepositoryHydration } from '../engine.js'
import type { PublishedPromotion } from '../github/promotionGitHub.js'
import { formatImageChange } from '../images/containerImages.js'
import { changedCount, type ResourceCounts } from '../manifests/resourceChanges.js'
import { escapeText } from '../report/escape.js'
import type { GuardedOutput } from './guardedOutput.js'
import type { ActionSettings } from './settings.js'

/** Job summary of a hydration: one row per branch with its targets, resources and commit. */
export async function writeHydrateSummary(
  result: RepositoryHydration,
  settings: ActionSettings,
  output: GuardedOutput,
  promotions?: Record<string, PublishedPromotion>
): Promise<void> {
  if (!settings.stepSummary) return
  const repository = settings.targetRepository ?? settings.repository
  const link = (sha: string) =>
    repository
      ? `<a href="${settings.serverUrl}/${repository}/commit/${sha}"><code>${sha.slice(0, 7)}</code></a>`
      : `<code>${sha.slice(0, 7)}</code>`
  const compare = (from: string, to: string) =>
    repository
      ? ` (<a href="${settings.serverUrl}/${repository}/compare/${from}...${to}">compare</a>)`
      : ''
  const icon: Record<string, string> = { created: '🆕 ', updated: '✏️ ' }
  const rows = result.write.branches.map(branch => {
    const layout = result.render.layouts.find(l => l.branch === branch.branch)
    // What this push changed: resources added, modified and removed, counted by the engine.
    const counts = result.images?.resources[branch.branch]
    const pruned = branch.pruned.map(
      p => `pruned <code>${escapeText(p.path)}</code> (target ${escapeText(p.target)} removed)`
    )
    const status = [
      branch.status === 'skipped' ? `skipped: ${escapeText(branch.reason ?? '')}` : branch.status,
      ...pruned
    ].join('<br>')
    return [
      `${icon[branch.status] ?? ''}<code>${escapeText(branch.branch)}</code>`,
      (layout?.targets ?? [])
        .map(t =>
          branch.changedTargets.includes(t.target.name)
            ? `<b>${escapeText(t.target.name)}</b>`
            : escapeText(t.target.name)
        )
        .join(', '),
      counts ? formatCounts(counts) : branch.status === 'unchanged' ? '0' : '–',
      status, // its parts are escaped above
      branch.commit
        ? `${link(branch.commit)}${branch.previous ? compare(branch.previous, branch.commit) : ''}`
        : branch.previous
          ? `${link(branch.previous)} (unchanged)`
          : ''
    ]
  })
  const dry = result.render.dry
  core.summary
    .addHeading('Hydrated environment branches', 2)
    // A blank line after the text: without it GitHub reads the table as part of the paragraph.
    .addRaw(`From dry commit ${link(dry.sha)}: ${escapeText(dry.subject)}\n`, true)
    .addTable([
      [
        { data: 'Branch', header: true },
        { data: 'Targets (changed in bold)', header: true },
        { data: 'Resources changed', header: true },
        { data: 'Status', header: true },
        { data: 'Commit', header: true }
      ],
      ...rows
    ])
    .addRaw('\n')
    .addRaw(
      result.write.pushed
        ? `Pushed in one atomic push (attempt ${result.write.attempts}).`
        : settings.push
          ? 'Nothing to push.'
          : 'push: false — nothing was pushed.',
      true
    )
  const changes = result.images?.changes ?? []
  if (changes.length > 0)
    core.summary
      .addHeading('Images that changed', 3)
      .addList(changes.map(change => escapeText(formatImageChange(change))))
  if (result.promotion) {
    core.summary.addHeading('Promotion', 3).addTable([
      [
        { data: 'Environment', header: true },
        { data: 'Branches', header: true },
        { data: 'Promotion', header: true }
      ],
      ...result.promotion.environments.map(e => {
        const outcome = e.outcome
        const published = promotions?.[e.env]
        const what =
          outcome.kind === 'fast-forwarded'
            ? `fast-forwarded to ${link(outcome.sha)}`
            : outcome.kind === 'in-sync'
              ? `up to date at ${link(outcome.sha)}`
              : outcome.kind === 'proposed'
                ? published && 'pr' in published
                  ? `promotion PR <a href="${published.url}">#${published.pr}</a>`
                  : 'promotion PR due (not opened: see the warnings)'
                : outcome.kind === 'waiting'
                  ? `waiting for ${escapeText(outcome.for)} to carry ${link(dry.sha)}`
                  : `failed: ${escapeText(outcome.reason)}`
        return [
          escapeText(e.env),
          `<code>${escapeText(e.next)}</code> → <code>${escapeText(e.branch)}</code>${e.autoMerge ? ' (autoMerge)' : ''}`,
          what
        ]
      })
    ])
  }
  await output.summary()
}

/** `3 (1 added, 2 modified)`: the total, then its non-zero parts. */
function formatCounts(counts: ResourceCounts): string {
  const parts = (['added', 'modified', 'removed'] as const)
    .filter(kind => counts[kind] > 0)
    .map(kind => `${counts[kind]} ${kind}`)
  return parts.length > 1 ? `${changedCount(counts)} (${parts.join(', ')})` : (parts[0] ?? '0')
}
