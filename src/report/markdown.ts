/* eslint-disable max-lines -- split pending (issue 24) */
import { describeResource } from '../manifests/resource.js'
import { isChange, type DiffReport, type ResourceChange, type TargetDiff } from '../diff/types.js'
import { failsOn, type FailOn } from '../policy/index.js'
import type { Finding } from '../policy/types.js'
import { counted } from '../plural.js'
import { displayDiff, isLabelOnly, summarizeDiff } from './diffText.js'
import { escapeText, fenced } from './escape.js'
import { envList, whatChanges } from './whatChanges.js'
import { wouldHideLines } from './wouldHide.js'

export const COMMENT_LIMIT = 65_536
export const SUMMARY_LIMIT = 1024 * 1024

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
}

interface Rendering extends MarkdownOptions {
  level: DetailLevel
  maxLines: number
  /** Resource diffs shown as one line (the largest, when over budget). */
  summarized: ReadonlySet<ResourceChange>
}

const STATUS_ICON: Record<TargetDiff['status'], string> = {
  changed: '🟡',
  added: '🆕',
  removed: '🗑️',
  unchanged: '',
  'ignored-only': '⚪',
  error: '❌'
}

/** How many alert lines of one kind the comment shows; the job summary has them all. */
const ALERT_LINES = 10

/** Targets grouped by a key, in report order: one block or line per group. */
function groupBy<T>(items: readonly T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>()
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item])
  return [...groups.values()]
}

/** At most 50 names in one line, then how many more. */
function nameList(targets: readonly TargetDiff[]): string {
  const names = targets.map(t => escapeText(t.name))
  return `${names.slice(0, 50).join(', ')}${names.length > 50 ? `, … ${names.length - 50} more` : ''}`
}

/** `3 modified (2 only in labels), 1 renamed`: the resource counts that are not zero. */
function countsText(t: TargetDiff): string {
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

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

function short(sha: string): string {
  return sha.slice(0, 7)
}

/** A URL path from parts a config names (branch, path): each segment encoded, then escaped. */
function urlPath(...parts: string[]): string {
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

function link(url: string | undefined, html: string): string {
  return url ? `<a href="${escapeText(url)}">${html}</a>` : html
}

function commitLink(r: Rendering, sha: string): string {
  const url = r.links?.repositoryUrl && `${r.links.repositoryUrl}/commit/${urlPath(sha)}`
  return link(url, `<code>${short(sha)}</code>`)
}

function targetLink(r: Rendering, t: TargetDiff): string {
  // A new target has no branch content yet: nothing to link.
  const repository = r.links?.branchesUrl ?? r.links?.repositoryUrl
  const url =
    repository && t.status !== 'added'
      ? `${repository}/tree/${urlPath(t.branch, t.path)}`
      : undefined
  return link(url, escapeText(t.name))
}

/** The environments in promotion order when given, else in the order the report first names them. */
function environments(report: DiffReport, order: readonly string[] = []): string[] {
  const seen = [...new Set(report.targets.map(t => t.env))]
  const rank = (env: string) => (order.includes(env) ? order.indexOf(env) : order.length)
  return seen
    .map((env, index) => ({ env, index }))
    .sort((a, b) => rank(a.env) - rank(b.env) || a.index - b.index)
    .map(({ env }) => env)
}

/** The report's targets, environment by environment. */
function orderedTargets(report: DiffReport, r: Rendering): TargetDiff[] {
  return environments(report, r.environmentOrder).flatMap(env =>
    report.targets.filter(t => t.env === env)
  )
}

interface Judged {
  fresh: Finding[]
  blocking: Finding[]
  nonBlocking: Finding[]
  preExisting: Finding[]
}

function judge(report: DiffReport, failOn: FailOn): Judged {
  const fresh = report.findings.filter(f => !f.preExisting)
  const blocking = fresh.filter(f => failsOn([f], failOn))
  return {
    fresh,
    blocking,
    nonBlocking: fresh.filter(f => !blocking.includes(f)),
    preExisting: report.findings.filter(f => f.preExisting)
  }
}

/** The one line that says how risky the change is, then how much changes. */
function headline(report: DiffReport, judged: Judged, order?: readonly string[]): string {
  const changed = report.targets.filter(t => isChange(t.status))
  const ignoredOnly = report.targets.filter(t => t.status === 'ignored-only')
  const failed = report.targets.filter(t => t.status === 'error')
  const total = report.targets.length
  const icon =
    judged.blocking.length > 0 || failed.length > 0
      ? '❌'
      : judged.nonBlocking.length > 0
        ? '⚠️'
        : '✅'
  const parts: string[] = []
  if (judged.blocking.length > 0) parts.push(counted(judged.blocking.length, 'blocking finding'))
  if (failed.length > 0) parts.push(`${counted(failed.length, 'target')} failed to render`)
  if (changed.length > 0) {
    const envs = environments(report, order).filter(env => changed.some(t => t.env === env))
    const how =
      changed.length === total
        ? counted(total, 'target')
        : `${changed.length} of ${counted(total, 'target')}`
    parts.push(
      `${how} change${changed.length === 1 ? 's' : ''}${envs.length <= 5 ? ` in ${envList(envs)}` : ''}${ignoredOnly.length > 0 ? `, ${ignoredOnly.length} only in ignored fields` : ''}`
    )
  } else if (ignoredOnly.length > 0) {
    // Never "no change" when a push would commit (docs/adr/0014).
    parts.push(
      `0 of ${counted(total, 'target')} change, ${ignoredOnly.length} only in ignored fields`
    )
  } else if (failed.length === 0) {
    parts.push('no rendered changes')
  }
  if (judged.nonBlocking.length > 0)
    parts.push(
      `${counted(judged.nonBlocking.length, 'finding')} that do${judged.nonBlocking.length === 1 ? 'es' : ''} not block`
    )
  else if (judged.blocking.length === 0 && failed.length === 0) parts.push('no findings')
  return `${icon} ${parts.join(' · ')}`
}

/** `dev / web-dev, prod / web-prod` */
function targetNames(targets: readonly { env: string; name: string }[]): string {
  return targets.map(t => `${escapeText(t.env)} / ${escapeText(t.name)}`).join(', ')
}

/** One alert line per finding; the same finding in several targets (a base edit) once. */
function findingLines(report: DiffReport, findings: readonly Finding[]): string[] {
  const envOf = new Map(report.targets.map(t => [t.name, t.env]))
  const key = (f: Finding) =>
    [f.rule, f.severity, f.resource.replace(/ [^ /]+\//, ' '), f.field, f.message, f.fix].join(
      '\u0000'
    )
  return groupBy(findings, key).map(group => {
    const f = group[0] as Finding
    const where = targetNames(group.map(g => ({ env: envOf.get(g.target) ?? '?', name: g.target })))
    const resource = f.resource ? ` · <code>${escapeText(f.resource)}</code>` : ''
    const field = f.field ? ` <code>${escapeText(f.field)}</code>` : ''
    const fix = f.fix ? ` <b>Fix:</b> ${escapeText(f.fix)}.` : ''
    return `<b>${escapeText(f.rule)}</b> · ${where}${resource}${field}: ${escapeText(f.message)}.${fix}`
  })
}

function capped(lines: readonly string[], where: string): string[] {
  if (lines.length <= ALERT_LINES) return [...lines]
  return [...lines.slice(0, ALERT_LINES), `… ${lines.length - ALERT_LINES} more ${where}`]
}

/** The first line of a render error, for the alert; the whole text is in its block below. */
function errorSummary(t: TargetDiff): string {
  const first = (t.error ?? '').split('\n').find(line => line.trim() !== '') ?? ''
  return first.length > 200 ? `${first.slice(0, 200)}…` : first
}

/** `> [!CAUTION]` for what blocks (findings per fail-on, render errors), `> [!WARNING]` for the rest. */
function alerts(
  report: DiffReport,
  targets: readonly TargetDiff[],
  judged: Judged,
  failOn: FailOn
): string[] {
  const failed = targets.filter(t => t.status === 'error')
  const errorGroups = groupBy(failed, errorKey).map(
    group =>
      `<b>render error</b> · ${targetNames(group)}: ${escapeText(errorSummary(group[0] as TargetDiff))} (below)`
  )
  const quote = (lines: string[]) => lines.map(line => (line ? `> ${line}` : '>'))
  const out: string[] = []
  const blocking = [...errorGroups, ...findingLines(report, judged.blocking)]
  if (blocking.length > 0)
    out.push(
      ...quote([
        '[!CAUTION]',
        `<b>Blocks this change</b> (<code>fail-on: ${failOn}</code>${failed.length > 0 ? '; a failed render always blocks' : ''}):`,
        ...capped(blocking, 'in the job summary').map(line => `- ${line}`)
      ]),
      ''
    )
  const warnings = findingLines(report, judged.nonBlocking)
  if (warnings.length > 0)
    out.push(
      ...quote([
        '[!WARNING]',
        `<b>Does not block</b> (<code>fail-on: ${failOn}</code>):`,
        ...capped(warnings, 'in the job summary').map(line => `- ${line}`)
      ]),
      ''
    )
  return out
}

/** New findings of a target, as an icon and a count. */
function findingMark(target: string, judged: Judged): string {
  const blocking = judged.blocking.filter(f => f.target === target).length
  const other = judged.nonBlocking.filter(f => f.target === target).length
  return [
    blocking && `❌ ${counted(blocking, 'finding')}`,
    other && `⚠️ ${counted(other, 'finding')}`
  ]
    .filter(Boolean)
    .join(' ')
}

/** One row per environment with its targets that change, fail, or have new findings. */
function environmentTable(report: DiffReport, r: Rendering, judged: Judged): string[] {
  const rows: string[] = []
  for (const env of environments(report, r.environmentOrder)) {
    const shown = report.targets.filter(
      t =>
        t.env === env &&
        (isChange(t.status) || t.status === 'error' || findingMark(t.name, judged) !== '')
    )
    if (shown.length === 0) continue
    const cells = shown.map(t => {
      const what =
        t.status === 'error'
          ? 'failed to render'
          : t.status === 'added'
            ? `new: ${countsText(t) || 'no resources'}`
            : t.status === 'removed'
              ? `removed: ${countsText(t) || 'no resources'}`
              : countsText(t) || (t.status === 'ignored-only' ? 'ignored fields only' : 'unchanged')
      const mark = findingMark(t.name, judged)
      return `${STATUS_ICON[t.status]} ${targetLink(r, t)} ${what}${mark ? ` · ${mark}` : ''}`.trim()
    })
    rows.push(`| <b>${escapeText(env)}</b> | ${cells.join('<br>')} |`)
  }
  return rows.length > 0
    ? ['| Environment | Targets that change |', '| --- | --- |', ...rows, '']
    : []
}

/** `Unchanged: 12 targets (dev 4 · staging 4 · prod 4)` */
function unchangedLine(report: DiffReport, r: Rendering, judged: Judged): string[] {
  const quiet = report.targets.filter(
    t => t.status === 'unchanged' && findingMark(t.name, judged) === ''
  )
  if (quiet.length === 0) return []
  const perEnv = environments(report, r.environmentOrder)
    .map(env => ({ env, n: quiet.filter(t => t.env === env).length }))
    .filter(({ n }) => n > 0)
    .map(({ env, n }) => `${escapeText(env)} ${n}`)
  return [`Unchanged: ${counted(quiet.length, 'target')} (${perEnv.join(' · ')})`, '']
}

/**
 * Targets whose output changes only in ignored fields: merging rewrites their manifests,
 * so they are named apart from the unchanged ones, grouped by the fields that differ.
 */
function ignoredOnlyLines(report: DiffReport): string[] {
  const targets = report.targets.filter(t => t.status === 'ignored-only')
  if (targets.length === 0) return []
  const fields = (t: TargetDiff) => (t.ignoredFields ?? []).map(escapeText).join(', ')
  return [
    `Changes only in ignored fields (${targets.length}): the diff hides them, merging rewrites these manifests`,
    '',
    ...groupBy(targets, fields).map(
      group => `- ${nameList(group)}: ${fields(group[0] as TargetDiff)}`
    ),
    ''
  ]
}

/** A render error with its target's name taken out: targets failing alike share it. */
function errorKey(t: TargetDiff): string {
  return (t.error ?? '').split(t.name).join('\u0000')
}

/** One block per distinct render error, open (it is what to fix first), naming every target it hit. */
function errorDetails(targets: readonly TargetDiff[]): string[] {
  const failed = targets.filter(t => t.status === 'error')
  return groupBy(failed, errorKey).flatMap(group => {
    const first = group[0] as TargetDiff
    const others = group.length > 1 ? ` (the same error in ${counted(group.length, 'target')})` : ''
    return [
      `<details open><summary>❌ render error: <b>${targetNames(group)}</b>${others}</summary>`,
      '',
      ...fenced((first.error ?? '').trimEnd(), 'text'),
      '',
      '</details>',
      ''
    ]
  })
}

/** Two resources with the same kind, name, change and hunks show the same diff. */
function diffKey(resource: ResourceChange): string {
  return [resource.kind, resource.name, resource.change, displayDiff(resource)].join('\u0000')
}

/**
 * Where each resource diff is shown first: a change a base edit makes identically in several
 * environments is shown once, and the others point at it.
 */
function firstShown(targets: readonly TargetDiff[]): Map<string, TargetDiff> {
  const first = new Map<string, TargetDiff>()
  for (const t of targets)
    for (const resource of t.resources) {
      if (!first.has(diffKey(resource))) first.set(diffKey(resource), t)
    }
  return first
}

const WORKLOADS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Pod',
  'ReplicaSet'
])

/** Workloads first (what runs), then the rest in report order. */
function reviewOrder(resources: readonly ResourceChange[]): ResourceChange[] {
  const rank = (r: ResourceChange) => (WORKLOADS.has(r.kind) ? 0 : 1)
  return resources
    .map((resource, index) => ({ resource, index }))
    .sort((a, b) => rank(a.resource) - rank(b.resource) || a.index - b.index)
    .map(({ resource }) => resource)
}

function resourceFindings(report: DiffReport, t: TargetDiff, resource: ResourceChange): Finding[] {
  const name = describeResource(resource)
  return report.findings.filter(f => f.target === t.name && f.resource === name && !f.preExisting)
}

function resourceHeading(
  report: DiffReport,
  t: TargetDiff,
  resource: ResourceChange,
  judged: Judged
): string {
  const was = resource.previousName ? ` (was ${escapeText(resource.previousName)})` : ''
  const marks = resourceFindings(report, t, resource).map(
    f => `${judged.blocking.includes(f) ? '❌' : '⚠️'} ${escapeText(f.rule)}`
  )
  return `#### ${escapeText(describeResource(resource))} · ${resource.change}${was}${[...new Set(marks)].map(m => ` · ${m}`).join('')}`
}

function targetDetails(
  report: DiffReport,
  t: TargetDiff,
  r: Rendering,
  shown: Map<string, TargetDiff>,
  judged: Judged
): string[] {
  if (!isChange(t.status)) return []
  const mark = findingMark(t.name, judged)
  const lines = [
    `<details><summary>${STATUS_ICON[t.status]} <b>${escapeText(t.env)} / ${escapeText(t.name)}</b> · ${countsText(t) || 'no resources'}${mark ? ` · ${mark}` : ''}</summary>`,
    ''
  ]
  const resources = reviewOrder(t.resources)
  // Label-only changes (a version label on every object) fold into one line in the comment.
  const folded = r.purpose === 'summary' ? [] : resources.filter(isLabelOnly)
  for (const resource of resources) {
    if (folded.includes(resource)) continue
    if (r.level === 'names') {
      lines.push(`- ${resource.change} ${escapeText(describeResource(resource))}`)
      continue
    }
    const heading = resourceHeading(report, t, resource, judged)
    const earlier = r.purpose === 'summary' ? undefined : shown.get(diffKey(resource))
    if (earlier && earlier !== t) {
      lines.push(
        heading,
        '',
        `_The same diff as in <b>${escapeText(earlier.env)} / ${escapeText(earlier.name)}</b>._`,
        ''
      )
      continue
    }
    if (r.summarized.has(resource)) {
      lines.push(heading, '', `_${summarizeDiff(resource)}: too large to show here._`, '')
      continue
    }
    let body = displayDiff(resource).split('\n')
    let cut = 0
    if (r.level === 'truncated' && body.length > r.maxLines) {
      cut = body.length - r.maxLines
      body = body.slice(0, r.maxLines)
    }
    lines.push(heading, '', ...fenced(body.join('\n'), 'diff'))
    if (cut > 0) lines.push(`_… ${counted(cut, 'more line')} cut_`)
    lines.push('')
  }
  if (r.level === 'names' && resources.length > folded.length) lines.push('')
  if (folded.length > 0)
    lines.push(
      `Labels only (${folded.length}): ${folded.map(f => escapeText(describeResource(f))).join(', ')}`,
      ''
    )
  lines.push('</details>', '')
  return lines
}

/**
 * The render tools' warnings, below every diff: one collapsed block per distinct set of
 * lines, naming each target that printed it (a shared base warns in every environment).
 */
function warningDetails(targets: readonly TargetDiff[], r: Rendering): string[] {
  const text = (t: TargetDiff) => (t.warnings ?? []).join('\n')
  const warned = targets.filter(t => t.warnings?.length)
  return groupBy(warned, text).flatMap(group => {
    const first = group[0] as TargetDiff
    const count = counted(first.warnings?.length ?? 0, 'tool warning')
    const names = group.map(t => `<b>${escapeText(t.env)} / ${escapeText(t.name)}</b>`)
    const summary = `<details><summary>⚠️ ${count}: ${names.join(', ')}</summary>`
    if (r.level === 'names') return [`- ⚠️ ${count}: ${names.join(', ')}`, '']
    let body = text(first).split('\n')
    let cut = 0
    if (r.level === 'truncated' && body.length > r.maxLines) {
      cut = body.length - r.maxLines
      body = body.slice(0, r.maxLines)
    }
    return [
      summary,
      '',
      ...fenced(body.join('\n'), 'text'),
      ...(cut > 0 ? [`_… ${counted(cut, 'more line')} cut_`] : []),
      '',
      '</details>',
      ''
    ]
  })
}

function findingsTable(report: DiffReport, findings: readonly Finding[], judged: Judged): string[] {
  const envOf = new Map(report.targets.map(t => [t.name, t.env]))
  return [
    '| | Rule | Target | Resource | Field | Finding | Fix |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...findings.map(
      f =>
        `| ${judged.blocking.includes(f) ? '❌ blocks' : f.preExisting ? 'pre-existing' : `${f.severity === 'notice' ? 'ℹ️' : '⚠️'} ${f.severity}`} | ${escapeText(f.rule)} | ${escapeText(envOf.get(f.target) ?? '')} / ${escapeText(f.target)} | ${escapeText(f.resource)} | ${escapeText(f.field ?? '')} | ${escapeText(f.message)} | ${escapeText(f.fix ?? '')} |`
    ),
    ''
  ]
}

/** Findings the base has too, collapsed in one line with a count: not introduced here. */
function preExistingSection(report: DiffReport, judged: Judged): string[] {
  if (judged.preExisting.length === 0) return []
  return [
    `<details><summary>${counted(judged.preExisting.length, 'pre-existing finding')} (the base has them too; not introduced here)</summary>`,
    '',
    ...findingsTable(report, judged.preExisting, judged),
    '</details>',
    ''
  ]
}

function cutNote(r: Rendering): string[] {
  const what: Record<DetailLevel, string> = {
    full: '',
    summarized: 'the largest diffs are summarized in one line each',
    truncated: `each resource's diff is cut to ${r.maxLines} lines`,
    names: 'only the names of the changed resources are listed',
    table: 'only the summary table is shown'
  }
  if (r.level === 'full') return []
  return [
    `> [!NOTE]`,
    `> The rendered diff is too large to show in full here: ${what[r.level]}.${r.fullReportHint ? ` ${r.fullReportHint}` : ''}`,
    ''
  ]
}

function footer(report: DiffReport, r: Rendering): string[] {
  const links = [
    `Base ${commitLink(r, report.base)} → head ${commitLink(r, report.head)}`,
    ...(r.links?.runUrl ? [link(r.links.runUrl, 'workflow run')] : []),
    ...(r.links?.artifactUrl ? [link(r.links.artifactUrl, 'full report')] : []),
    ...(report.rendering ? [renderingNote(report.rendering)] : []),
    ...(r.timings
      ? [
          `rendered in ${seconds(r.timings.totalMs)} (base ${seconds(r.timings.baseMs)}, head ${seconds(r.timings.headMs)})`
        ]
      : []),
    'hydrate-action'
  ]
  return ['---', `<sub>${links.join(' · ')}</sub>`, '']
}

function renderComment(report: DiffReport, r: Rendering): string {
  const failOn = r.failOn ?? 'error'
  const judged = judge(report, failOn)
  const targets = orderedTargets(report, r)
  const changed = targets.filter(t => isChange(t.status))
  const ignoredOnly = targets.filter(t => t.status === 'ignored-only')
  const lines: string[] = []
  if (r.marker) lines.push(r.marker)
  lines.push(`### ${headline(report, judged, r.environmentOrder)}`, '')
  lines.push(...alerts(report, targets, judged, failOn), ...wouldHideLines(targets))
  if (changed.length === 0 && !targets.some(t => t.status === 'error'))
    lines.push(
      ignoredOnly.length === 0
        ? 'This pull request changes no rendered manifest in any environment.'
        : `This pull request changes no field the diff shows, but merging it rewrites the manifests of ${counted(ignoredOnly.length, 'target')}: their changes are only in ignored fields.`,
      ''
    )
  const facts = whatChanges(report, targets)
  if (facts.length > 0) lines.push('<b>What changes</b>', '', ...facts, '')
  lines.push(
    ...cutNote(r),
    ...environmentTable(report, r, judged),
    ...ignoredOnlyLines(report),
    ...unchangedLine(report, r, judged)
  )
  if (r.level !== 'table') {
    lines.push(...errorDetails(targets))
    const shown = firstShown(targets)
    for (const t of targets) lines.push(...targetDetails(report, t, r, shown, judged))
    lines.push(...warningDetails(targets, r))
  }
  lines.push(...preExistingSection(report, judged), ...footer(report, r))
  return lines.join('\n')
}

/** The PR job summary: every finding and every target's full diff (the comment has the rest). */
function renderSummary(report: DiffReport, r: Rendering): string {
  const failOn = r.failOn ?? 'error'
  const judged = judge(report, failOn)
  const targets = orderedTargets(report, r)
  const lines = [`### ${headline(report, judged, r.environmentOrder)}`, '']
  lines.push(
    'The pull request comment has the overview; here are every finding and every diff in full.',
    '',
    ...wouldHideLines(targets),
    ...cutNote(r)
  )
  if (report.findings.length > 0)
    lines.push(
      `#### ${counted(report.findings.length, 'finding')}`,
      '',
      ...findingsTable(
        report,
        [...judged.blocking, ...judged.nonBlocking, ...judged.preExisting],
        judged
      )
    )
  if (r.level !== 'table') {
    lines.push(...errorDetails(targets))
    const shown = firstShown(targets)
    for (const t of targets) lines.push(...targetDetails(report, t, r, shown, judged))
    lines.push(...warningDetails(targets, r))
  }
  lines.push(...footer(report, r))
  return lines.join('\n')
}

function render(report: DiffReport, r: Rendering): string {
  return r.purpose === 'summary' ? renderSummary(report, r) : renderComment(report, r)
}

/** `2 renders (head 1, base 1)`, and how many bases came from their branch instead. */
function renderingNote(rendering: NonNullable<DiffReport['rendering']>): string {
  const { base, head } = rendering.rendered
  const note = `${counted(base + head, 'render')} (head ${head}, base ${base})`
  return rendering.fromBranches > 0
    ? `${note}, ${rendering.fromBranches} base${rendering.fromBranches === 1 ? '' : 's'} from ${rendering.fromBranches === 1 ? 'its branch' : 'their branches'}`
    : note
}

/** Two renderings of one report are the same when they differ only in the footer's timings. */
export function sameReport(a: string, b: string): boolean {
  const withoutTimings = (text: string) =>
    text.replace(/rendered in [\d.]+ s \(base [\d.]+ s, head [\d.]+ s\)/g, 'rendered in …')
  return withoutTimings(a) === withoutTimings(b)
}

const NONE: ReadonlySet<ResourceChange> = new Set()

/** The full report, with no budget: for the report file. */
export function renderMarkdown(report: DiffReport, options: MarkdownOptions = {}): string {
  return render(report, { ...options, level: 'full', maxLines: Infinity, summarized: NONE })
}

/**
 * Resource diffs that may be summarized when over budget, largest first: not those with a
 * new finding on them (small risky diffs stay whole), nor label-only ones (already one line).
 */
function summarizable(report: DiffReport): ResourceChange[] {
  return report.targets
    .filter(t => isChange(t.status))
    .flatMap(t =>
      t.resources.filter(
        resource =>
          !isLabelOnly(resource) &&
          !report.findings.some(
            f => !f.preExisting && f.target === t.name && f.resource === describeResource(resource)
          )
      )
    )
    .sort((a, b) => b.diff.length - a.diff.length)
}

/**
 * The report within `limit` characters, degrading the biggest first: the largest resource
 * diffs become one line each (`ConfigMap big-table: +3,000 keys`) until it fits, keeping
 * small and risky diffs whole → then every remaining diff cut (fences closed) → resource
 * names only → the table alone.
 */
export function renderMarkdownWithin(
  report: DiffReport,
  limit: number,
  options: MarkdownOptions = {}
): { text: string; level: DetailLevel } {
  const full = renderMarkdown(report, options)
  if (full.length <= limit) return { text: full, level: 'full' }
  const candidates = summarizable(report)
  const summarized = new Set<ResourceChange>()
  let text = full
  let next = 0
  while (next < candidates.length) {
    // Summarize the largest until their text would make up the excess, then measure again.
    let saving = 0
    while (next < candidates.length && saving < text.length - limit) {
      const resource = candidates[next++] as ResourceChange
      summarized.add(resource)
      saving += Math.max(resource.diff.length - 120, 0)
    }
    text = render(report, { ...options, level: 'summarized', maxLines: Infinity, summarized })
    if (text.length <= limit) return { text, level: 'summarized' }
  }
  const attempts: Rendering[] = [
    ...[200, 100, 50, 20, 10, 5].map(maxLines => ({
      ...options,
      level: 'truncated' as const,
      maxLines,
      summarized
    })),
    { ...options, level: 'names', maxLines: 0, summarized },
    { ...options, level: 'table', maxLines: 0, summarized }
  ]
  for (const attempt of attempts) {
    text = render(report, attempt)
    if (text.length <= limit) return { text, level: attempt.level }
  }
  // Even the table is too long (thousands of targets): cut at a line boundary.
  const note = '\n\n_… cut: the table alone exceeds the size limit; see the full report._\n'
  return { text: text.slice(0, text.lastIndexOf('\n', limit - note.length)) + note, level: 'table' }
}
