import type { PromotionResult } from '../promotion/plan.js'
import { escapeText } from '../report/escape.js'
import { COMMENT_LIMIT } from '../report/markdown.js'
import type { PublishedPromotion, PublishOptions } from './promotionGitHub.js'

// The merged source PR told where its change landed: a section of its sticky comment.

/** Opens and closes the section of the source PR's sticky comment that says where it landed. */
export const LANDED_START = '<!-- hydrate-action:landed -->'
export const LANDED_END = '<!-- /hydrate-action:landed -->'

/** The section of the source PR's comment that says where its change landed. */
export function landedSection(
  result: PromotionResult,
  published: Record<string, PublishedPromotion>,
  options: Pick<PublishOptions, 'branches' | 'serverUrl' | 'dryCommit'>
): string {
  const link = (sha: string) =>
    `[\`${sha.slice(0, 7)}\`](${options.serverUrl}/${options.branches.owner}/${options.branches.repo}/commit/${sha})`
  const rows = result.environments.map(e => {
    const code = (branch: string) => `<code>${escapeText(branch)}</code>`
    const next = e.nextTip ? `${code(e.next)}@${link(e.nextTip)}` : code(e.next)
    const shown = published[e.env]
    const where =
      e.outcome.kind === 'fast-forwarded' || e.outcome.kind === 'in-sync'
        ? `promoted: ${code(e.branch)}@${link(e.outcome.sha)}`
        : e.outcome.kind === 'proposed'
          ? `hydrated to ${next}; ${shown && 'pr' in shown ? `promotion PR [#${shown.pr}](${shown.url})` : 'promotion PR not opened'}`
          : e.outcome.kind === 'waiting'
            ? `hydrated to ${next}; waits for ${escapeText(e.outcome.for)}`
            : `failed: ${escapeText(e.outcome.reason)}`
    return `| ${escapeText(e.env)} | ${where} |`
  })
  return [
    LANDED_START,
    `### Where \`${options.dryCommit.sha.slice(0, 7)}\` landed`,
    '',
    '| Environment | |',
    '| --- | --- |',
    ...rows,
    LANDED_END
  ].join('\n')
}

/**
 * The merged source PR's sticky comment gets (or has replaced) its "landed" section; the
 * rendered diff above it stays (dropped when both would pass GitHub's limit).
 */
export async function backLink(
  result: PromotionResult,
  published: Record<string, PublishedPromotion>,
  options: PublishOptions
): Promise<void> {
  const { github, dryCommit } = options
  const pulls = await github.pullsOfCommit(options.dry, dryCommit.sha)
  const source =
    pulls.find(p => p.mergedAt && p.mergeCommitSha === dryCommit.sha) ?? pulls.find(p => p.mergedAt)
  if (!source) {
    options.logger.info(`no merged pull request contains ${dryCommit.sha.slice(0, 7)}`)
    return
  }
  const section = options.check(landedSection(result, published, options), 'the source PR comment')
  const marker = options.commentMarker
  const outcome = await github.editComment(
    { ...options.dry, number: source.number },
    marker,
    existing => {
      let kept = existing ?? marker
      const start = kept.indexOf(`\n${LANDED_START}`)
      if (start >= 0) kept = kept.slice(0, start)
      kept = kept.trimEnd()
      // Cutting a diff could leave a code fence open around the section: drop it whole.
      if (kept.length + section.length + 3 > COMMENT_LIMIT)
        kept = `${marker}\n_The rendered diff no longer fits next to where the change landed; it is in the PR's workflow run._`
      return `${kept}\n\n${section}\n`
    }
  )
  if (outcome.url)
    options.logger.info(`source PR #${source.number} told where it landed: ${outcome.url}`)
}
