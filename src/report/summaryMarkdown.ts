import type { DiffReport } from '../diff/types.js'
import type { Finding } from '../policy/types.js'
import { counted } from '../plural.js'
import { escapeText } from './escape.js'
import {
  commitLink,
  judge,
  link,
  orderedTargets,
  seconds,
  type DetailLevel,
  type Judged,
  type Rendering
} from './reportParts.js'
import { headline } from './headline.js'
import { errorDetails, firstShown, targetDetails, warningDetails } from './targetDetails.js'
import { wouldHideLines } from './wouldHide.js'

// The PR job summary, and the notes and footer it shares with the comment.

export function findingsTable(
  report: DiffReport,
  findings: readonly Finding[],
  judged: Judged
): string[] {
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
export function preExistingSection(report: DiffReport, judged: Judged): string[] {
  if (judged.preExisting.length === 0) return []
  return [
    `<details><summary>${counted(judged.preExisting.length, 'pre-existing finding')} (the base has them too; not introduced here)</summary>`,
    '',
    ...findingsTable(report, judged.preExisting, judged),
    '</details>',
    ''
  ]
}

export function cutNote(r: Rendering): string[] {
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

export function footer(report: DiffReport, r: Rendering): string[] {
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

/** `2 renders (head 1, base 1)`, and how many bases came from their branch instead. */
export function renderingNote(rendering: NonNullable<DiffReport['rendering']>): string {
  const { base, head } = rendering.rendered
  const note = `${counted(base + head, 'render')} (head ${head}, base ${base})`
  return rendering.fromBranches > 0
    ? `${note}, ${rendering.fromBranches} base${rendering.fromBranches === 1 ? '' : 's'} from ${rendering.fromBranches === 1 ? 'its branch' : 'their branches'}`
    : note
}

/** The PR job summary: every finding and every target's full diff (the comment has the rest). */
export function renderSummary(report: DiffReport, r: Rendering): string {
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
