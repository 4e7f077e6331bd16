import { getErrorMessage } from '../errors.js'
import type { PromotionResult } from '../promotion/plan.js'
import type { PublishedPromotion, PublishOptions, StatusState } from './promotionGitHub.js'
import { backLink } from './promotionLanded.js'
import { closePromotion, proposePromotion } from './promotionPulls.js'
import { httpStatus } from './stickyComment.js'

// The GitHub side of promotion (docs/promotion.md): one promotion PR per environment, a commit
// status per environment on the dry commit, and the merged source PR told where its change
// landed. Calls a token may not make (403 and the like) become warnings.

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
