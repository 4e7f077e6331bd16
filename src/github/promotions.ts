/* eslint-disable max-lines -- split pending (issue 24) */
import { getErrorMessage } from '../errors.js'
import type { DryCommit } from '../git/dryCommit.js'
import type { EnvironmentPromotion, PromotionResult } from '../promotion/plan.js'
import type { Logger } from '../logger.js'
import { escapeText } from '../report/escape.js'
import { COMMENT_LIMIT, renderMarkdownWithin } from '../report/markdown.js'
import {
  editStickyComment,
  httpStatus,
  ownLogin,
  retryOnce,
  type Octokit,
  type PullRequestRef
} from './stickyComment.js'

// The GitHub side of promotion (docs/promotion.md): one promotion PR per environment, a commit
// status per environment on the dry commit, and the merged source PR told where its change
// landed. Calls a token may not make (403 and the like) become warnings.

export interface Repository {
  owner: string
  repo: string
}

export interface PullRequest {
  number: number
  url: string
  title: string
  body: string
  /** The author's login. */
  author: string
}

export type StatusState = 'success' | 'pending' | 'failure' | 'error'

/** The REST calls promotion makes, typed (the action front passes the Octokit one). */
export interface PromotionGitHub {
  /** Open PRs from `head` into `base` of one repository. */
  openPulls(repository: Repository, head: string, base: string): Promise<PullRequest[]>
  createPull(
    repository: Repository,
    pull: { head: string; base: string; title: string; body: string }
  ): Promise<PullRequest>
  updatePull(
    repository: Repository,
    number: number,
    change: { title?: string; body?: string; state?: 'closed' }
  ): Promise<PullRequest>
  setStatus(
    repository: Repository,
    sha: string,
    status: { context: string; state: StatusState; description: string; targetUrl?: string }
  ): Promise<void>
  /** PRs that contain the commit, merged ones with the commit they merged as. */
  pullsOfCommit(
    repository: Repository,
    sha: string
  ): Promise<Array<{ number: number; mergedAt?: string; mergeCommitSha?: string }>>
  /** Edits our sticky comment of a PR (created when it has none). */
  editComment(
    pr: PullRequestRef,
    marker: string,
    edit: (existing: string | undefined) => string
  ): Promise<{ url?: string; skipped?: string }>
  /** The login our token writes as. */
  login(): Promise<string>
}

export function octokitPromotionGitHub(octokit: Octokit, logger: Logger): PromotionGitHub {
  const pull = (data: {
    number: number
    html_url: string
    title: string
    body?: string | null
    user?: { login: string } | null
  }): PullRequest => ({
    number: data.number,
    url: data.html_url,
    title: data.title,
    body: data.body ?? '',
    author: data.user?.login ?? ''
  })
  let login: Promise<string> | undefined
  return {
    async openPulls({ owner, repo }, head, base) {
      const list = await retryOnce(
        () =>
          octokit.paginate(octokit.rest.pulls.list, {
            owner,
            repo,
            state: 'open',
            head: `${owner}:${head}`,
            base,
            per_page: 100
          }),
        logger,
        'listing pull requests'
      )
      return list.map(pull)
    },
    async createPull({ owner, repo }, { head, base, title, body }) {
      const { data } = await octokit.rest.pulls.create({ owner, repo, head, base, title, body })
      return pull(data)
    },
    async updatePull({ owner, repo }, number, change) {
      const { data } = await retryOnce(
        () => octokit.rest.pulls.update({ owner, repo, pull_number: number, ...change }),
        logger,
        'updating a pull request'
      )
      return pull(data)
    },
    async setStatus({ owner, repo }, sha, { context, state, description, targetUrl }) {
      await retryOnce(
        () =>
          octokit.rest.repos.createCommitStatus({
            owner,
            repo,
            sha,
            context,
            state,
            // GitHub keeps 140 characters of a description.
            description: description.length > 140 ? `${description.slice(0, 139)}…` : description,
            ...(targetUrl ? { target_url: targetUrl } : {})
          }),
        logger,
        'setting a commit status'
      )
    },
    async pullsOfCommit({ owner, repo }, sha) {
      const { data } = await retryOnce(
        () =>
          octokit.rest.repos.listPullRequestsAssociatedWithCommit({
            owner,
            repo,
            commit_sha: sha
          }),
        logger,
        'finding the pull request of the dry commit'
      )
      return data.map(p => ({
        number: p.number,
        mergedAt: p.merged_at ?? undefined,
        mergeCommitSha: p.merge_commit_sha ?? undefined
      }))
    },
    async editComment(pr, marker, edit) {
      const outcome = await editStickyComment(octokit, pr, marker, edit, logger)
      return outcome.action === 'skipped' ? { skipped: outcome.reason } : { url: outcome.url }
    },
    login() {
      login ??= ownLogin(octokit, logger)
      return login
    }
  }
}

/** The hidden marker of an environment's promotion PR. */
export function promotionMarker(env: string): string {
  return `<!-- hydrate-action:promotion env=${env.replace(/[^\w.-]/g, '-')} -->`
}

/** Opens and closes the section of the source PR's sticky comment that says where it landed. */
export const LANDED_START = '<!-- hydrate-action:landed -->'
export const LANDED_END = '<!-- /hydrate-action:landed -->'

/** What the action publishes per environment (the `promotions` output). */
export type PublishedPromotion =
  | { pr: number; url: string }
  | { fastForward: string }
  | { waiting: string }
  | { inSync: string }
  | { failed: string }

export interface PublishOptions {
  github: PromotionGitHub
  logger: Logger
  /** Where the environment and promotion branches (and so the promotion PRs) live. */
  branches: Repository
  /** The dry repository: statuses and the source PR. */
  dry: Repository
  dryCommit: DryCommit
  serverUrl: string
  /** The marker of the rendered-diff sticky comment (the `comment-id` input). */
  commentMarker: string
  /** Every text that leaves passes the credential guard. */
  check: (text: string, what: string) => string
}

/**
 * Applies a promotion result on GitHub: per environment its PR (created, updated in place,
 * closed when nothing is left to promote or its environment waits), its commit status, and
 * finally the source PR's sticky comment. Never fails the step for a refused call.
 */
export async function publishPromotions(
  result: PromotionResult,
  options: PublishOptions
): Promise<Record<string, PublishedPromotion>> {
  const { github, logger, branches, dryCommit } = options
  const commitUrl = (sha: string) =>
    `${options.serverUrl}/${branches.owner}/${branches.repo}/commit/${sha}`
  const published: Record<string, PublishedPromotion> = {}
  const refused = (what: string, error: unknown): boolean => {
    const code = httpStatus(error)
    if (code !== 401 && code !== 403 && code !== 404) return false
    logger.warning(
      `${what}: the token may not (HTTP ${code}: ${getErrorMessage(error)}); give the workflow pull-requests: write and statuses: write`
    )
    return true
  }
  const attempt = async <T>(what: string, call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await call()
    } catch (error) {
      if (refused(what, error)) return undefined
      throw error
    }
  }

  for (const environment of result.environments) {
    const { env, outcome } = environment
    let status: { state: StatusState; description: string; targetUrl?: string }
    if (outcome.kind === 'proposed') {
      const pr = await attempt(`the promotion PR of ${env}`, () =>
        proposePromotion(environment, outcome.report, options)
      )
      if (pr) published[env] = { pr: pr.number, url: pr.url }
      status = {
        state: 'success',
        description: `hydrated to ${environment.next}; promotion PR${pr ? ` #${pr.number}` : ''} to ${environment.branch}`,
        targetUrl: pr?.url ?? (environment.nextTip ? commitUrl(environment.nextTip) : undefined)
      }
    } else {
      // Nothing to propose now: an open PR of ours is closed (merged, in sync, or waiting).
      const why =
        outcome.kind === 'waiting'
          ? `${env} waits until ${outcome.for} carries ${dryCommit.sha.slice(0, 7)}; this PR is opened again then`
          : outcome.kind === 'failed'
            ? outcome.reason
            : `${environment.branch} holds everything ${environment.next} holds`
      if (!environment.autoMerge)
        await attempt(`closing the promotion PR of ${env}`, () =>
          closePromotion(environment, why, options)
        )
      if (outcome.kind === 'fast-forwarded' || outcome.kind === 'in-sync') {
        published[env] =
          outcome.kind === 'fast-forwarded' ? { fastForward: outcome.sha } : { inSync: outcome.sha }
        status = {
          state: 'success',
          description:
            outcome.kind === 'fast-forwarded'
              ? `promoted: ${environment.branch} at ${outcome.sha.slice(0, 7)}`
              : `promoted: ${environment.branch} holds ${environment.next}`,
          targetUrl: commitUrl(outcome.sha)
        }
      } else if (outcome.kind === 'waiting') {
        published[env] = { waiting: outcome.for }
        status = {
          state: 'pending',
          description: `waiting: ${outcome.for} does not carry ${dryCommit.sha.slice(0, 7)} yet`,
          targetUrl: environment.nextTip ? commitUrl(environment.nextTip) : undefined
        }
      } else {
        published[env] = { failed: outcome.reason }
        status = { state: 'failure', description: `failed: ${outcome.reason}` }
      }
    }
    await attempt(`the hydrate/${env} commit status`, () =>
      github.setStatus(options.dry, dryCommit.sha, {
        context: `hydrate/${env}`,
        state: status.state,
        description: options.check(status.description, `the hydrate/${env} status`),
        targetUrl: status.targetUrl
      })
    )
  }
  await attempt('telling the source PR where its change landed', () =>
    backLink(result, published, options)
  )
  return published
}

/**
 * A render failure stops the run before anything is pushed: each environment with a failed
 * target gets a failed `hydrate/<env>` status, so the dry commit does not look pending forever.
 */
export async function publishRenderFailures(
  failedByEnv: ReadonlyMap<string, readonly string[]>,
  options: Pick<PublishOptions, 'github' | 'logger' | 'dry' | 'check'> & {
    sha: string
    targetUrl?: string
  }
): Promise<void> {
  for (const [env, targets] of failedByEnv) {
    const description = `failed: ${targets.join(', ')} did not render; nothing was pushed`
    try {
      await options.github.setStatus(options.dry, options.sha, {
        context: `hydrate/${env}`,
        state: 'failure',
        description: options.check(
          description.length > 140 ? `${description.slice(0, 139)}…` : description,
          `the hydrate/${env} status`
        ),
        targetUrl: options.targetUrl
      })
    } catch (error) {
      options.logger.warning(
        `the hydrate/${env} commit status could not be set (${getErrorMessage(error)})`
      )
    }
  }
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

async function proposePromotion(
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

async function closePromotion(
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
async function backLink(
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
