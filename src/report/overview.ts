import { isChange, type DiffReport, type TargetDiff } from '../diff/types.js'
import { counted } from '../plural.js'
import { environmentTable, ignoredOnlyLines, unchangedLine } from './environmentTable.js'
import { alerts } from './headline.js'
import type { Judged, Rendering } from './reportParts.js'
import { cutNote } from './notes.js'
import { whatChanges } from './whatChanges.js'
import { wouldHideLines } from './wouldHide.js'

/**
 * What a reviewer reads under the headline: the alerts, what changes, and one row per
 * environment. The comment opens with it; the job summary too when there is no comment.
 */
export function overview(
  report: DiffReport,
  r: Rendering,
  judged: Judged,
  targets: readonly TargetDiff[]
): string[] {
  const failOn = r.failOn ?? 'error'
  const changed = targets.filter(t => isChange(t.status))
  const ignoredOnly = targets.filter(t => t.status === 'ignored-only')
  const lines = [...alerts(report, targets, judged, failOn), ...wouldHideLines(targets)]
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
  return lines
}
