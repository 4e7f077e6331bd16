import { describeResource } from '../manifests/resource.js'
import { isChange, type DiffReport, type ResourceChange, type TargetDiff } from '../diff/types.js'
import { escapeText, fenced } from './escape.js'
import { counted } from '../plural.js'

export const COMMENT_LIMIT = 65_536
export const SUMMARY_LIMIT = 1024 * 1024

/** Detail levels, from the full report down to the table alone (README "The rendered diff": size). */
export type DetailLevel = 'full' | 'truncated' | 'names' | 'table'

export interface MarkdownOptions {
  /** Hidden marker that identifies the sticky comment. */
  marker?: string
  /** Link to the head commit, when known. */
  headUrl?: string
  /** Where the full report is, said when something is cut. */
  fullReportHint?: string
  timings?: { baseMs: number; headMs: number; totalMs: number }
}

interface Rendering extends MarkdownOptions {
  level: DetailLevel
  maxLines: number
}

const STATUS_ICON: Record<TargetDiff['status'], string> = {
  changed: '🟡 changed',
  added: '🟢 added',
  removed: '🔴 removed',
  unchanged: 'unchanged',
  'ignored-only': '⚪ ignored fields only',
  error: '❌ error'
}

/** Targets named in a compact line instead of a table row (when they have no new findings). */
const QUIET: ReadonlyArray<TargetDiff['status']> = ['unchanged', 'ignored-only']

/** Targets grouped by a key, in report order: one block or line per group. */
function groupBy(targets: readonly TargetDiff[], key: (t: TargetDiff) => string): TargetDiff[][] {
  const groups = new Map<string, TargetDiff[]>()
  for (const t of targets) groups.set(key(t), [...(groups.get(key(t)) ?? []), t])
  return [...groups.values()]
}

/** At most 50 names in one line, then how many more. */
function nameList(targets: readonly TargetDiff[]): string {
  const names = targets.map(t => escapeText(t.name))
  return `${names.slice(0, 50).join(', ')}${names.length > 50 ? `, … ${names.length - 50} more` : ''}`
}

function counts(t: TargetDiff): string {
  const { added, modified, removed, renamed } = t.counts
  return `+${added} ~${modified} -${removed}${renamed ? ` ↻${renamed}` : ''}`
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}

/** New findings of a target: pre-existing ones (on the base too) are collapsed elsewhere. */
function findingsCount(report: DiffReport, target: string): string {
  const list = report.findings.filter(f => f.target === target && !f.preExisting)
  if (list.length === 0) return ''
  const errors = list.filter(f => f.severity === 'error').length
  const warnings = list.length - errors
  return [errors && counted(errors, 'error'), warnings && counted(warnings, 'warning')]
    .filter(Boolean)
    .join(', ')
}

function table(report: DiffReport): string[] {
  const interesting = report.targets.filter(
    t => !QUIET.includes(t.status) || findingsCount(report, t.name)
  )
  const unchanged = report.targets.filter(
    t => t.status === 'unchanged' && !findingsCount(report, t.name)
  )
  const lines: string[] = []
  if (interesting.length > 0) {
    lines.push(
      '| Environment | Target | Branch:path | Changes | Status | Findings |',
      '| --- | --- | --- | --- | --- | --- |'
    )
    for (const t of interesting) {
      lines.push(
        `| ${escapeText(t.env)} | ${escapeText(t.name)} | <code>${escapeText(`${t.branch}:${t.path}`)}</code> | ${t.status === 'error' ? '' : counts(t)} | ${STATUS_ICON[t.status]} | ${findingsCount(report, t.name)} |`
      )
    }
    lines.push('')
  }
  lines.push(...ignoredOnlyLines(report))
  if (unchanged.length > 0)
    lines.push(`Unchanged (${unchanged.length}): ${nameList(unchanged)}`, '')
  return lines
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

/** One block per distinct render error, naming every target it hit. */
function errorDetails(report: DiffReport): string[] {
  const failed = report.targets.filter(t => t.status === 'error')
  return groupBy(failed, errorKey).flatMap(group => {
    const first = group[0] as TargetDiff
    const names = group.map(t => `<b>${escapeText(t.env)} / ${escapeText(t.name)}</b>`)
    const others = group.length > 1 ? ` (the same error in ${counted(group.length, 'target')})` : ''
    return [
      `<details><summary>❌ render error: ${names.join(', ')}${others}</summary>`,
      '',
      ...fenced((first.error ?? '').trimEnd(), 'text'),
      '',
      '</details>',
      ''
    ]
  })
}

/** The hunks of a resource diff without its file headers (which name the namespace). */
function hunks(diff: string): string {
  return diff.replace(/^--- .*\n\+\+\+ .*\n/, '')
}

/** Two resources with the same kind, name, change and hunks show the same diff. */
function diffKey(resource: ResourceChange): string {
  return [resource.kind, resource.name, resource.change, hunks(resource.diff)].join('\u0000')
}

/**
 * Where each resource diff is shown first: a change a base edit makes identically in several
 * environments is shown once, and the others point at it.
 */
function firstShown(report: DiffReport): Map<string, TargetDiff> {
  const first = new Map<string, TargetDiff>()
  for (const t of report.targets)
    for (const resource of t.resources) {
      if (!first.has(diffKey(resource))) first.set(diffKey(resource), t)
    }
  return first
}

function targetDetails(t: TargetDiff, r: Rendering, shown: Map<string, TargetDiff>): string[] {
  if (!isChange(t.status)) return []
  const lines = [
    `<details><summary><b>${escapeText(t.env)} / ${escapeText(t.name)}</b> <code>${escapeText(`${t.branch}:${t.path}`)}</code> ${counts(t)}</summary>`,
    ''
  ]
  for (const resource of t.resources) {
    const name = escapeText(describeResource(resource))
    const was = resource.previousName ? ` (renamed from ${escapeText(resource.previousName)})` : ''
    if (r.level === 'names') {
      lines.push(`- ${resource.change} ${name}${was}`)
      continue
    }
    const earlier = shown.get(diffKey(resource))
    if (earlier && earlier !== t) {
      lines.push(
        `#### ${name}`,
        '',
        `_${resource.change}${was}: the same diff as in <b>${escapeText(earlier.env)} / ${escapeText(earlier.name)}</b>_`,
        ''
      )
      continue
    }
    lines.push(`#### ${name}`, '', `_${resource.change}${was}_`, '')
    let body = resource.diff.trimEnd().split('\n')
    let cut = 0
    if (r.level === 'truncated' && body.length > r.maxLines) {
      cut = body.length - r.maxLines
      body = body.slice(0, r.maxLines)
    }
    lines.push(...fenced(body.join('\n'), 'diff'))
    if (cut > 0) lines.push(`_… ${counted(cut, 'more line')} cut_`)
    lines.push('')
  }
  if (r.level === 'names' && t.resources.length > 0) lines.push('')
  lines.push('</details>', '')
  return lines
}

/**
 * The render tools' warnings, below every diff: one collapsed block per distinct set of
 * lines, naming each target that printed it (a shared base warns in every environment).
 */
function warningDetails(report: DiffReport, r: Rendering): string[] {
  const text = (t: TargetDiff) => (t.warnings ?? []).join('\n')
  const warned = report.targets.filter(t => t.warnings?.length)
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

function findingsTable(findings: DiffReport['findings']): string[] {
  return [
    '| Severity | Rule | Target | Resource | Message |',
    '| --- | --- | --- | --- | --- |',
    ...findings.map(
      f =>
        `| ${f.severity === 'error' ? '❌' : '⚠️'} ${f.severity} | ${f.rule} | ${escapeText(f.target)} | ${escapeText(f.resource)} | ${escapeText(f.message)} |`
    ),
    ''
  ]
}

/** New findings in a table; those the base has too, collapsed in one line with a count. */
function findingsSection(report: DiffReport): string[] {
  const fresh = report.findings.filter(f => !f.preExisting)
  const old = report.findings.filter(f => f.preExisting)
  const lines: string[] = []
  if (fresh.length > 0) lines.push('#### Policy findings', '', ...findingsTable(fresh))
  if (old.length > 0)
    lines.push(
      `<details><summary>${counted(old.length, 'pre-existing finding')} (the base has them too; not introduced here)</summary>`,
      '',
      ...findingsTable(old),
      '</details>',
      ''
    )
  return lines
}

function cutNote(r: Rendering): string[] {
  const what: Record<DetailLevel, string> = {
    full: '',
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

/** The title after "Rendered diff: ", with counts that add up to what a push would do. */
function title(changed: number, ignoredOnly: number, failed: number, total: number): string {
  if (changed + ignoredOnly + failed === 0) return 'no changes'
  return [
    `${changed} of ${counted(total, 'target')} change`,
    ...(ignoredOnly > 0 ? [`${ignoredOnly} only in ignored fields`] : []),
    ...(failed > 0 ? [`${failed} failed to render`] : [])
  ].join(', ')
}

function render(report: DiffReport, r: Rendering): string {
  const changed = report.targets.filter(t => isChange(t.status))
  const ignoredOnly = report.targets.filter(t => t.status === 'ignored-only')
  const failed = report.targets.filter(t => t.status === 'error')
  const total = report.targets.reduce(
    (sum, t) => ({
      added: sum.added + t.counts.added,
      modified: sum.modified + t.counts.modified,
      removed: sum.removed + t.counts.removed,
      renamed: sum.renamed + t.counts.renamed
    }),
    { added: 0, modified: 0, removed: 0, renamed: 0 }
  )
  const head = r.headUrl
    ? `[\`${report.head.slice(0, 7)}\`](${r.headUrl})`
    : `\`${report.head.slice(0, 7)}\``
  const lines: string[] = []
  if (r.marker) lines.push(r.marker)
  lines.push(
    `### Rendered diff: ${title(changed.length, ignoredOnly.length, failed.length, report.targets.length)}`,
    '',
    `Base \`${report.base.slice(0, 7)}\` → head ${head}`,
    ''
  )
  if (changed.length === 0 && failed.length === 0)
    lines.push(
      ignoredOnly.length === 0
        ? 'This pull request changes no rendered manifest in any environment.'
        : `This pull request changes no field the diff shows, but merging it rewrites the manifests of ${counted(ignoredOnly.length, 'target')}: their changes are only in ignored fields.`,
      ''
    )
  lines.push(...cutNote(r), ...table(report), ...findingsSection(report))
  if (r.level !== 'table') {
    lines.push(...errorDetails(report))
    const shown = firstShown(report)
    for (const t of report.targets) lines.push(...targetDetails(t, r, shown))
    lines.push(...warningDetails(report, r))
  }
  const footer = [
    counted(report.targets.length, 'target'),
    `${changed.length} changed`,
    ...(ignoredOnly.length > 0 ? [`${ignoredOnly.length} only in ignored fields`] : []),
    ...(failed.length > 0 ? [`${failed.length} failed`] : []),
    `resources +${total.added} ~${total.modified} -${total.removed} ↻${total.renamed}`,
    ...(report.findings.length ? [counted(report.findings.length, 'finding')] : []),
    ...(report.rendering ? [renderingNote(report.rendering)] : []),
    ...(r.timings
      ? [
          `rendered in ${seconds(r.timings.totalMs)} (base ${seconds(r.timings.baseMs)}, head ${seconds(r.timings.headMs)})`
        ]
      : [])
  ]
  lines.push('---', `<sub>${footer.join(' · ')} · hydrate-action</sub>`, '')
  return lines.join('\n')
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

/** The full report, with no budget: for the report file. */
export function renderMarkdown(report: DiffReport, options: MarkdownOptions = {}): string {
  return render(report, { ...options, level: 'full', maxLines: Infinity })
}

/**
 * The report within `limit` characters, degrading step by step: full → per-resource diffs
 * cut (fences closed) → resource names only → the table alone.
 */
export function renderMarkdownWithin(
  report: DiffReport,
  limit: number,
  options: MarkdownOptions = {}
): { text: string; level: DetailLevel } {
  const attempts: Rendering[] = [
    { ...options, level: 'full', maxLines: Infinity },
    ...[200, 100, 50, 20, 10, 5].map(maxLines => ({
      ...options,
      level: 'truncated' as const,
      maxLines
    })),
    { ...options, level: 'names', maxLines: 0 },
    { ...options, level: 'table', maxLines: 0 }
  ]
  for (const attempt of attempts) {
    const text = render(report, attempt)
    if (text.length <= limit) return { text, level: attempt.level }
  }
  // Even the table is too long (thousands of targets): cut at a line boundary.
  const text = render(report, attempts[attempts.length - 1] as Rendering)
  const note = '\n\n_… cut: the table alone exceeds the size limit; see the full report._\n'
  return { text: text.slice(0, text.lastIndexOf('\n', limit - note.length)) + note, level: 'table' }
}
