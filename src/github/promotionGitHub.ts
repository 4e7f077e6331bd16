import type { DryCommit } from '../git/dryCommit.js'
import type { Logger } from '../logger.js'
import {
  editStickyComment,
  ownLogin,
  retryOnce,
  type Octokit,
  type PullRequestRef
} from './stickyComment.js'

// The pull request and commit status API that promotion uses, behind an interface (the action
// front passes the Octokit one, tests their own), and the options and outcomes of publishing.

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
