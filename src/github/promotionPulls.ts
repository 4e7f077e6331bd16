import type { DryCommit } from '../git/dryCommit.js'
import type { EnvironmentPromotion } from '../promotion/plan.js'
import { escapeText } from '../report/escape.js'
import { COMMENT_LIMIT, renderMarkdownWithin } from '../report/markdown.js'
import type { PublishOptions, PullRequest } from './promotionGitHub.js'

// An environment's promotion PR, from its promotion branch into its environment branch: opened
// or updated with the rendered diff, closed when nothing is left to promote. Only our own PR
// (marker and author) is touched.

/** The hidden marker of an environment's promotion PR. */
export function promotionMarker(env: string): string {
  return `<!-- hydrate-action:promotion env=${env.replace(/[^\w.-]/g, '-')} -->`
}

function promotionTitle(environment: EnvironmentPromotion, dry: DryCommit): string {
  const line = dry.subject.replace(/\s+/g, ' ')
  const subject = line.length > 120 ? `${line.slice(0, 119)}…` : line
  return `Promote ${environment.env}: ${dry.sha.slice(0, 7)} ${subject}`.trim()
}

/** The open PRs from the promotion branch into the environment branch: ours, and others'. */
async function openPromotionPulls(
  environment: EnvironmentPromotion,
  options: PublishOptions
): Promise<{ ours?: PullRequest; others: PullRequest[] }> {
  const marker = promotionMarker(environment.env)
  const open = await options.github.openPulls(
    options.branches,
    environment.next,
    environment.branch
  )
  const login = await options.github.login()
  const isOurs = (p: PullRequest) => p.body.startsWith(marker) && p.author === login
  return { ours: open.find(isOurs), others: open.filter(p => !isOurs(p)) }
}

export async function proposePromotion(
  environment: EnvironmentPromotion,
  report: Parameters<typeof renderMarkdownWithin>[0],
  options: PublishOptions
): Promise<PullRequest> {
  const { github, dryCommit } = options
  const marker = promotionMarker(environment.env)
  const intro = [
    marker,
    `Merging this pull request promotes \`${escapeText(environment.next)}\` into \`${escapeText(environment.branch)}\`: ${escapeText(environment.env)} then runs what dry commit [\`${dryCommit.sha.slice(0, 7)}\`](${options.serverUrl}/${options.dry.owner}/${options.dry.repo}/commit/${dryCommit.sha}) (${escapeText(dryCommit.subject)}) rendered.`,
    ''
  ].join('\n')
  const diff = renderMarkdownWithin(report, COMMENT_LIMIT - intro.length - 1, {
    fullReportHint: `Compare \`${escapeText(environment.branch)}...${escapeText(environment.next)}\` for the whole change.`
  })
  const body = options.check(`${intro}\n${diff.text}`, `the promotion PR of ${environment.env}`)
  const title = options.check(
    promotionTitle(environment, dryCommit),
    `the promotion PR title of ${environment.env}`
  )
  const { ours: existing, others } = await openPromotionPulls(environment, options)
  // GitHub allows one open PR per head and base: someone else's is left as it is.
  if (!existing && others[0]) {
    options.logger.warning(
      `${environment.env}: pull request #${others[0].number} from ${environment.next} into ${environment.branch} was not opened by hydrate; it is left as it is`
    )
    return others[0]
  }
  if (existing) {
    if (existing.title === title && existing.body === body) {
      options.logger.info(`${environment.env}: promotion PR #${existing.number} is up to date`)
      return existing
    }
    const updated = await github.updatePull(options.branches, existing.number, { title, body })
    options.logger.info(`${environment.env}: promotion PR #${updated.number} updated`)
    return updated
  }
  const created = await github.createPull(options.branches, {
    head: environment.next,
    base: environment.branch,
    title,
    body
  })
  options.logger.info(`${environment.env}: promotion PR #${created.number} opened: ${created.url}`)
  return created
}

export async function closePromotion(
  environment: EnvironmentPromotion,
  why: string,
  options: PublishOptions
): Promise<void> {
  const { ours: existing } = await openPromotionPulls(environment, options)
  if (!existing) return
  const body = options.check(
    `${promotionMarker(environment.env)}\nClosed by hydrate: ${escapeText(why)}.\n`,
    `the promotion PR of ${environment.env}`
  )
  await options.github.updatePull(options.branches, existing.number, { body, state: 'closed' })
  options.logger.info(`${environment.env}: promotion PR #${existing.number} closed (${why})`)
}
