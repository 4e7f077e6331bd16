import { getOctokit } from '@actions/github'
import type { DryCommit } from '../git/dryCommit.js'
import { commentMarker } from '../github/stickyComment.js'
import { octokitPromotionGitHub, type PublishedPromotion } from '../github/promotionGitHub.js'
import { publishPromotions } from '../github/promotions.js'
import type { Logger } from '../logger.js'
import type { PromotionResult } from '../promotion/plan.js'
import type { GuardedOutput } from './guardedOutput.js'
import type { ActionSettings } from './settings.js'

// What the hydrate and report modes share: where the branches go and the promotion PRs.

/** The repository that holds the environment branches: this one, or target-repository. */
export function branchRemote(settings: ActionSettings): string {
  return settings.targetRepository
    ? `${settings.serverUrl}/${settings.targetRepository}.git`
    : 'origin'
}

/** With `promotion:`: promotion PRs, commit statuses and the source PR's back-link. */
export async function promote(
  promotion: PromotionResult | undefined,
  dryCommit: DryCommit,
  settings: ActionSettings,
  logger: Logger,
  output: GuardedOutput
): Promise<Record<string, PublishedPromotion> | undefined> {
  if (!promotion) return undefined
  const [dryOwner, dryRepo] = (settings.repository ?? '').split('/')
  const [owner, repo] = (settings.targetRepository ?? settings.repository ?? '').split('/')
  if (!settings.token || !owner || !repo || !dryOwner || !dryRepo) {
    logger.warning(
      'promotion: no token or repository (GITHUB_REPOSITORY) to open promotion PRs and set statuses with; the branches are pushed'
    )
    return undefined
  }
  const octokit = getOctokit(settings.token, {
    baseUrl: settings.apiUrl
  })
  return logger.group('Promotion PRs and statuses', () =>
    publishPromotions(promotion, {
      github: octokitPromotionGitHub(octokit, logger),
      logger,
      branches: { owner, repo },
      dry: { owner: dryOwner, repo: dryRepo },
      dryCommit,
      serverUrl: settings.serverUrl,
      commentMarker: commentMarker(settings.commentId),
      check: (text, what) => output.guard.check(text, what)
    })
  )
}
