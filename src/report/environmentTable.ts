import { isChange, type DiffReport, type TargetDiff } from '../diff/types.js'
import { counted } from '../plural.js'
import { escapeText } from './escape.js'
import {
  countsText,
  environments,
  groupBy,
  nameList,
  STATUS_ICON,
  targetLink,
  type Judged,
  type Rendering
} from './reportParts.js'

/** New findings of a target, as an icon and a count. */
export function findingMark(target: string, judged: Judged): string {
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
export function environmentTable(report: DiffReport, r: Rendering, judged: Judged): string[] {
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
export function unchangedLine(report: DiffReport, r: Rendering, judged: Judged): string[] {
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
export function ignoredOnlyLines(report: DiffReport): string[] {
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
