import { describeResource } from '../manifests/resource.js'
import { isChange, type DiffReport, type ResourceChange, type TargetDiff } from '../diff/types.js'
import type { Finding } from '../policy/types.js'
import { counted } from '../plural.js'
import { displayDiff, isLabelOnly, summarizeDiff } from './diffText.js'
import { escapeText, fenced } from './escape.js'
import { findingMark } from './environmentTable.js'
import { sharedDiffKey, sharedDiffs } from './sharedChanges.js'
import {
  countsText,
  errorKey,
  groupBy,
  STATUS_ICON,
  targetNames,
  type Judged,
  type Rendering
} from './reportParts.js'

// Below the table: one collapsed block per changed target, render errors and tool warnings.

/** One block per distinct render error, open (it is what to fix first), naming every target it hit. */
export function errorDetails(targets: readonly TargetDiff[]): string[] {
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

/**
 * Every target that has each resource diff, the first showing it: a change a base edit makes
 * in several environments (namespace and name affix aside) is shown once, naming all of them.
 */
export function firstShown(targets: readonly TargetDiff[]): Map<string, TargetDiff[]> {
  return sharedDiffs(targets)
}

function where(targets: readonly TargetDiff[]): string {
  return targets.map(t => `<b>${escapeText(t.env)} / ${escapeText(t.name)}</b>`).join(', ')
}

export const WORKLOADS = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Pod',
  'ReplicaSet'
])

/** Workloads first (what runs), then the rest in report order. */
export function reviewOrder(resources: readonly ResourceChange[]): ResourceChange[] {
  const rank = (r: ResourceChange) => (WORKLOADS.has(r.kind) ? 0 : 1)
  return resources
    .map((resource, index) => ({ resource, index }))
    .sort((a, b) => rank(a.resource) - rank(b.resource) || a.index - b.index)
    .map(({ resource }) => resource)
}

export function resourceFindings(
  report: DiffReport,
  t: TargetDiff,
  resource: ResourceChange
): Finding[] {
  const name = describeResource(resource)
  return report.findings.filter(f => f.target === t.name && f.resource === name && !f.preExisting)
}

export function resourceHeading(
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

export function targetDetails(
  report: DiffReport,
  t: TargetDiff,
  r: Rendering,
  shown: Map<string, TargetDiff[]>,
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
  const elsewhere = new Map<TargetDiff, ResourceChange[]>()
  for (const resource of resources) {
    if (folded.includes(resource)) continue
    if (r.level === 'names') {
      lines.push(`- ${resource.change} ${escapeText(describeResource(resource))}`)
      continue
    }
    const heading = resourceHeading(report, t, resource, judged)
    const holders = r.purpose === 'summary' ? [t] : (shown.get(sharedDiffKey(t, resource)) ?? [t])
    const first = holders[0] as TargetDiff
    if (first !== t) {
      elsewhere.set(first, [...(elsewhere.get(first) ?? []), resource])
      continue
    }
    const also = holders.slice(1)
    if (also.length > 0) lines.push(heading, '', `_The same change in ${where(also)}._`)
    else lines.push(heading)
    if (r.summarized.has(resource)) {
      lines.push('', `_${summarizeDiff(resource)}: too large to show here._`, '')
      continue
    }
    let body = displayDiff(resource).split('\n')
    let cut = 0
    if (r.level === 'truncated' && body.length > r.maxLines) {
      cut = body.length - r.maxLines
      body = body.slice(0, r.maxLines)
    }
    lines.push('', ...fenced(body.join('\n'), 'diff'))
    if (cut > 0) lines.push(`_… ${counted(cut, 'more line')} cut_`)
    lines.push('')
  }
  if (r.level === 'names' && resources.length > folded.length) lines.push('')
  for (const [first, same] of elsewhere)
    lines.push(
      `The same change as in ${where([first])}, shown there: ${same.map(s => escapeText(describeResource(s))).join(', ')}`,
      ''
    )
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
export function warningDetails(targets: readonly TargetDiff[], r: Rendering): string[] {
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
