import type { DiffReport, ResourceChange } from '../diff/types.js'
import { describeResource } from '../manifests/resource.js'
import { isChange } from '../diff/types.js'
import { isLabelOnly } from './diffText.js'
import { headline } from './headline.js'
import { footer } from './notes.js'
import { overview } from './overview.js'
import {
  judge,
  orderedTargets,
  type DetailLevel,
  type MarkdownOptions,
  type Rendering
} from './reportParts.js'
import { preExistingSection, renderSummary } from './summaryMarkdown.js'
import { errorDetails, firstShown, targetDetails, warningDetails } from './targetDetails.js'

export type { DetailLevel, MarkdownOptions, ReportLinks } from './reportParts.js'

export const COMMENT_LIMIT = 65_536
export const SUMMARY_LIMIT = 1024 * 1024

function renderComment(report: DiffReport, r: Rendering): string {
  const judged = judge(report, r.failOn ?? 'error')
  const targets = orderedTargets(report, r)
  const lines: string[] = []
  if (r.marker) lines.push(r.marker)
  lines.push(`### ${headline(report, judged, r.environmentOrder)}`, '')
  lines.push(...overview(report, r, judged, targets))
  if (r.level !== 'table') {
    lines.push(...errorDetails(targets))
    const shown = firstShown(targets)
    for (const t of targets) lines.push(...targetDetails(report, t, r, shown, judged))
    lines.push(...warningDetails(targets, r))
  }
  lines.push(...preExistingSection(report, judged), ...footer(report, r))
  return lines.join('\n')
}

function render(report: DiffReport, r: Rendering): string {
  return r.purpose === 'summary' ? renderSummary(report, r) : renderComment(report, r)
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
