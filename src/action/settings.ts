import path from 'node:path'
import * as core from '@actions/core'
import { UsageError } from '../errors.js'
import { provenanceRun } from '../provenance/run.js'
import type { ProvenanceRun } from '../provenance/statement.js'
import { HYDRATE_VERSION } from '../version.js'
import type { RemoteAuth } from '../git/auth.js'
import type { FailOn } from '../policy/index.js'

export type Mode = 'auto' | 'diff' | 'hydrate' | 'comment' | 'plan' | 'report' | 'verify'

/** Every action input, parsed and validated once. */
export interface ActionSettings {
  workingDirectory: string
  config?: string
  mode: Mode
  token: string
  comment: boolean
  commentId: string
  push: boolean
  full: boolean
  targets?: string[]
  concurrency?: number
  failOn: FailOn
  repoURL?: string
  /** owner/name of the repository that receives the branches (default: this one). */
  targetRepository?: string
  committer: { name: string; email: string }
  /** The private key that signs every commit (docs/provenance.md). */
  signingKey?: string
  /** Who runs a push, for its provenance statement: the workflow and run. */
  provenanceRun: ProvenanceRun
  eventName: string
  /** The `base` input: what to compare with instead of the pull request's base. */
  base?: string
  serverUrl: string
  repository?: string
  /** Comment mode: the diff run's JSON report, the PR it is for, the head it rendered. */
  reportFile?: string
  /** The former saved-comment input: refused (comment mode renders the comment itself). */
  commentFile?: string
  prNumber?: number
  headSha?: string
  /** Plan mode: how many shards (docs/adr/0019). */
  shards?: number
  /** A shard job: `I/N`, with `plan` (the plan job's `matrix` output). */
  shard?: string
  plan?: string
  /** Report mode: the directory of the downloaded shard reports. */
  reports?: string
  // The runner's environment, read here once with the inputs (as actions/checkout does).
  apiUrl: string
  /** The event payload file (GITHUB_EVENT_PATH). */
  eventPath?: string
  /** The commit the workflow runs for (GITHUB_SHA). */
  sha?: string
  runId?: string
  /** GITHUB_STEP_SUMMARY is set: there is a job summary to write. */
  stepSummary: boolean
  /** The runner's temporary directory (RUNNER_TEMP): credential files go there. */
  runnerTemp?: string
  /** Where the report files go: under RUNNER_TEMP, else under the working directory. */
  reportDirectory: string
}

export const ACTIONS_BOT = {
  name: 'github-actions[bot]',
  email: '41898282+github-actions[bot]@users.noreply.github.com'
}

function oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
  const value = core.getInput(name).trim() || fallback
  if (!allowed.includes(value as T))
    throw new UsageError(
      `input ${name} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`
    )
  return value as T
}

function booleanInput(name: string, fallback: boolean): boolean {
  return core.getInput(name).trim() === '' ? fallback : core.getBooleanInput(name)
}

export function getSettings(env: NodeJS.ProcessEnv = process.env): ActionSettings {
  const token = core.getInput('token')
  if (token) {
    core.setSecret(token)
    core.setSecret(Buffer.from(`x-access-token:${token}`).toString('base64'))
  }
  const concurrencyText = core.getInput('concurrency').trim()
  const concurrency = concurrencyText ? Number(concurrencyText) : undefined
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new UsageError(
      `input concurrency must be a positive whole number (got ${JSON.stringify(concurrencyText)})`
    )
  }
  const targets = core
    .getInput('targets')
    .split(/[\n,]/)
    .map(s => s.trim())
    .filter(Boolean)
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd()
  const targetRepository = core.getInput('target-repository').trim()
  if (targetRepository && !/^[\w.-]+\/[\w.-]+$/.test(targetRepository)) {
    throw new UsageError(
      `input target-repository must be owner/name (got ${JSON.stringify(targetRepository)})`
    )
  }
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
  const prText = core.getInput('pr-number').trim()
  if (prText && !/^[1-9][0-9]{0,9}$/.test(prText))
    throw new UsageError(`input pr-number must be digits (got ${JSON.stringify(prText)})`)
  const headSha = core.getInput('head-sha').trim()
  if (headSha && !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(headSha))
    throw new UsageError(
      `input head-sha must be a full commit SHA (got ${JSON.stringify(headSha)})`
    )
  const shardsText = core.getInput('shards').trim()
  const shards = shardsText ? Number(shardsText) : undefined
  if (shards !== undefined && (!Number.isInteger(shards) || shards < 1 || shards > 256))
    throw new UsageError(
      `input shards must be a whole number from 1 to 256, GitHub's matrix limit (got ${JSON.stringify(shardsText)})`
    )
  const shard = core.getInput('shard').trim() || undefined
  const plan = core.getInput('plan').trim() || undefined
  if (shard !== undefined && plan === undefined)
    throw new UsageError(
      'input shard needs the plan input too: shard: ${{ matrix.shard }} and plan: ${{ needs.plan.outputs.matrix }}'
    )
  const reports = core.getInput('reports').trim()
  const base = core.getInput('base').trim()
  if (base.startsWith('-'))
    throw new UsageError(`input base must be a branch, tag or commit (got ${JSON.stringify(base)})`)
  const workingDirectory = path.resolve(workspace, core.getInput('working-directory') || '.')
  return {
    workingDirectory,
    config: core.getInput('config') || undefined,
    mode: oneOf(
      'mode',
      ['auto', 'diff', 'hydrate', 'comment', 'plan', 'report', 'verify'] as const,
      'auto'
    ),
    token,
    comment: booleanInput('comment', true),
    commentId: core.getInput('comment-id') || 'default',
    push: booleanInput('push', true),
    full: booleanInput('full', false),
    targets: targets.length > 0 ? targets : undefined,
    concurrency,
    failOn: oneOf('fail-on', ['error', 'warning', 'never'] as const, 'error'),
    repoURL: env.GITHUB_REPOSITORY ? `${server}/${env.GITHUB_REPOSITORY}` : undefined,
    targetRepository: targetRepository || undefined,
    committer: {
      name: core.getInput('committer-name') || ACTIONS_BOT.name,
      email: core.getInput('committer-email') || ACTIONS_BOT.email
    },
    signingKey: core.getInput('signing-key').trim() || undefined,
    provenanceRun: provenanceRun(env, HYDRATE_VERSION, new Date()),
    eventName: env.GITHUB_EVENT_NAME ?? '',
    base: base || undefined,
    serverUrl: server,
    repository: env.GITHUB_REPOSITORY,
    reportFile: core.getInput('report-file').trim() || undefined,
    commentFile: core.getInput('comment-file').trim() || undefined,
    prNumber: prText ? Number(prText) : undefined,
    headSha: headSha || undefined,
    shards,
    shard,
    plan,
    reports: reports ? path.resolve(workspace, reports) : undefined,
    apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    eventPath: env.GITHUB_EVENT_PATH || undefined,
    sha: env.GITHUB_SHA || undefined,
    runId: env.GITHUB_RUN_ID || undefined,
    stepSummary: !!env.GITHUB_STEP_SUMMARY,
    runnerTemp: env.RUNNER_TEMP || undefined,
    reportDirectory: path.join(env.RUNNER_TEMP || workingDirectory, 'hydrate-report')
  }
}

/** The token for the branches' remote; its temporary git config goes under RUNNER_TEMP. */
export function remoteAuth(settings: ActionSettings): RemoteAuth | undefined {
  return settings.token
    ? { token: settings.token, serverUrl: settings.serverUrl, tempDir: settings.runnerTemp }
    : undefined
}

/** The event decides the mode unless `mode` says otherwise. */
export function resolveMode(settings: ActionSettings): Exclude<Mode, 'auto'> {
  if (settings.mode !== 'auto') return settings.mode
  if (['pull_request', 'pull_request_target'].includes(settings.eventName)) return 'diff'
  if (['push', 'workflow_dispatch', 'schedule'].includes(settings.eventName)) return 'hydrate'
  throw new UsageError(
    `cannot choose a mode for the ${JSON.stringify(settings.eventName)} event; set the mode input to diff or hydrate`
  )
}
