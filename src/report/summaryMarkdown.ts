import type { DiffReport } from '../diff/types.js'
import type { Finding } from '../policy/types.js'
import { counted } from '../plural.js'
import { escapeText } from './escape.js'
import { judge, orderedTargets, type Judged, type Rendering } from './reportParts.js'
import { headline } from './headline.js'
import { cutNote, footer } from './notes.js'
import { overview } from './overview.js'
import { errorDetails, firstShown, targetDetails, warningDetails } from './targetDetails.js'
import { wouldHideLines } from './wouldHide.js'

// The PR job summary, and the findings table it shares with the comment.

/** A finding's Fix, never empty: its own, else how to settle it in the config. */
export function fixOf(f: Finding): string {
  return (
    f.fix ??
    `change the head so that ${f.rule} passes, or set policy.rules.${f.rule} (error, warning or off) if it is expected here`
  )
}

/** Four columns, so that Fix stays in view at comment width: verdict, finding, where, fix. */
export function findingsTable(
  report: DiffReport,
  findings: readonly Finding[],
  judged: Judged
): string[] {
  const envOf = new Map(report.targets.map(t => [t.name, t.env]))
  const verdict = (f: Finding) =>
    judged.blocking.includes(f)
      ? '❌ blocks'
      : f.preExisting
        ? 'pre-existing'
        : `${f.severity === 'notice' ? 'ℹ️' : '⚠️'} ${f.severity}`
  const where = (f: Finding) =>
    [
      `${escapeText(envOf.get(f.target) ?? '')} / ${escapeText(f.target)}`,
      ...(f.resource ? [`<code>${escapeText(f.resource)}</code>`] : []),
      ...(f.field ? [`<code>${escapeText(f.field)}</code>`] : [])
    ].join('<br>')
  return [
    '| | Finding | Where | Fix |',
    '| --- | --- | --- | --- |',
    ...findings.map(
      f =>
        `| ${verdict(f)} | <b>${escapeText(f.rule)}</b>: ${escapeText(f.message)} | ${where(f)} | ${escapeText(fixOf(f))} |`
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

/** The PR job summary: every finding and every target's full diff (the comment has the rest). */
export function renderSummary(report: DiffReport, r: Rendering): string {
  const failOn = r.failOn ?? 'error'
  const judged = judge(report, failOn)
  const targets = orderedTargets(report, r)
  const lines = [`### ${headline(report, judged, r.environmentOrder)}`, '']
  if (r.withOverview)
    // No comment to point at (a fork's read-only token): the summary carries its overview.
    lines.push(
      '_The pull request comment could not be posted: the overview is here._',
      '',
      ...overview(report, r, judged, targets)
    )
  else
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
