import type { DiffReport, ResourceChange, TargetDiff } from '../diff/types.js'
import { failsOn, type FailOn } from '../policy/index.js'
import type { Finding } from '../policy/types.js'
import { isLabelOnly } from './diffText.js'
import { escapeText } from './escape.js'

// What every part of the rendered report shares: options, the detail level, names and links.

/**
 * Detail levels, from the full report down to the table alone (docs/rendered-diff.md:
 * size): the largest diffs summarized first, then every diff cut, then names, then the table.
 */
export type DetailLevel = 'full' | 'summarized' | 'truncated' | 'names' | 'table'

/** Where a reader goes from the report; each is left out when unknown. */
export interface ReportLinks {
  /** `https://github.com/owner/repo`: the base and head commits. */
  repositoryUrl?: string
  /** The repository that holds the environment branches (`target-repository`), when another. */
  branchesUrl?: string
  /** The workflow run that rendered the report. */
  runUrl?: string
  /** The uploaded report artifact. */
  artifactUrl?: string
}

export interface MarkdownOptions {
  /** Hidden marker that identifies the sticky comment. */
  marker?: string
  links?: ReportLinks
  /** Where the full report is, said when something is cut. */
  fullReportHint?: string
  timings?: { baseMs: number; headMs: number; totalMs: number }
  /** Which findings block (the run's `fail-on`); `error` when not said. */
  failOn?: FailOn
  /**
   * Environments in this order (promotion order); the others after them, in report order.
   * Hook for `promotion.order` (docs/promotion.md): the caller passes it when the config has one.
   */
  environmentOrder?: readonly string[]
  /**
   * `comment` (default): the headline, alerts, what changes, the table and the diffs.
   * `summary` (the PR job summary, next to the comment): every finding in a table and every
   * target's full diff, collapsed: what the comment leaves out, not a copy of it.
   */
  purpose?: 'comment' | 'summary'
  /** With `summary`: no comment could be posted, so the summary opens with its overview. */
  withOverview?: boolean
}

export interface Rendering extends MarkdownOptions {
  level: DetailLevel
  maxLines: number
  /** Resource diffs shown as one line (the largest, when over budget). */
  summarized: ReadonlySet<ResourceChange>
}

export const STATUS_ICON: Record<TargetDiff['status'], string> = {
  changed: '🟡',
  added: '🆕',
  removed: '🗑️',
  unchanged: '',
  'ignored-only': '⚪',
  error: '❌'
}

/** How many alert lines of one kind the comment shows; the job summary has them all. */
export const ALERT_LINES = 10

/** Targets grouped by a key, in report order: one block or line per group. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>()
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item])
  return [...groups.values()]
}

/** At most 50 names in one line, then how many more. */
export function nameList(targets: readonly TargetDiff[]): string {
  const names = targets.map(t => escapeText(t.name))
  return `${names.slice(0, 50).join(', ')}${names.length > 50 ? `, … ${names.length - 50} more` : ''}`
}

/** `3 modified (2 only in labels), 1 renamed`: the resource counts that are not zero. */
export function countsText(t: TargetDiff): string {
  const { added, modified, removed, renamed } = t.counts
  const labels = t.resources.filter(isLabelOnly).length
  const labelNote =
    labels === 0 ? '' : labels === modified ? ' (labels only)' : ` (${labels} only in labels)`
  return [
    modified && `${modified} modified${labelNote}`,
    added && `${added} added`,
    removed && `${removed} removed`,
    renamed && `${renamed} renamed`
  ]
    .filter(Boolean)
    .join(', ')
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

export function short(sha: string): string {
  return sha.slice(0, 7)
}

/** A URL path from parts a config names (branch, path): each segment encoded, then escaped. */
export function urlPath(...parts: string[]): string {
  return parts
    .flatMap(part => part.split('/'))
    .filter(Boolean)
    .map(segment =>
      encodeURIComponent(segment).replace(
        /[()'!*]/g,
        c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
      )
    )
    .join('/')
}

export function link(url: string | undefined, html: string): string {
  return url ? `<a href="${escapeText(url)}">${html}</a>` : html
}

export function commitLink(r: Rendering, sha: string): string {
  const url = r.links?.repositoryUrl && `${r.links.repositoryUrl}/commit/${urlPath(sha)}`
  return link(url, `<code>${short(sha)}</code>`)
}

export function targetLink(r: Rendering, t: TargetDiff): string {
  // A new target has no branch content yet: nothing to link.
  const repository = r.links?.branchesUrl ?? r.links?.repositoryUrl
  const url =
    repository && t.status !== 'added'
      ? `${repository}/tree/${urlPath(t.branch, t.path)}`
      : undefined
  return link(url, escapeText(t.name))
}

/** The environments in promotion order when given, else in the order the report first names them. */
export function environments(report: DiffReport, order: readonly string[] = []): string[] {
  const seen = [...new Set(report.targets.map(t => t.env))]
  const rank = (env: string) => (order.includes(env) ? order.indexOf(env) : order.length)
  return seen
    .map((env, index) => ({ env, index }))
    .sort((a, b) => rank(a.env) - rank(b.env) || a.index - b.index)
    .map(({ env }) => env)
}

/** The report's targets, environment by environment. */
export function orderedTargets(report: DiffReport, r: Rendering): TargetDiff[] {
  return environments(report, r.environmentOrder).flatMap(env =>
    report.targets.filter(t => t.env === env)
  )
}

export interface Judged {
  fresh: Finding[]
  blocking: Finding[]
  nonBlocking: Finding[]
  preExisting: Finding[]
}

export function judge(report: DiffReport, failOn: FailOn): Judged {
  const fresh = report.findings.filter(f => !f.preExisting)
  const blocking = fresh.filter(f => failsOn([f], failOn))
  return {
    fresh,
    blocking,
    nonBlocking: fresh.filter(f => !blocking.includes(f)),
    preExisting: report.findings.filter(f => f.preExisting)
  }
}

/** `dev / web-dev, prod / web-prod` */
export function targetNames(targets: readonly { env: string; name: string }[]): string {
  return targets.map(t => `${escapeText(t.env)} / ${escapeText(t.name)}`).join(', ')
}

/** A render error with its target's name taken out: targets failing alike share it. */
export function errorKey(t: TargetDiff): string {
  return (t.error ?? '').split(t.name).join('\u0000')
}
