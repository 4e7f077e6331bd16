import { isChange, type DiffReport, type TargetDiff } from '../diff/types.js'
import type { FailOn } from '../policy/index.js'
import type { Finding } from '../policy/types.js'
import { counted } from '../plural.js'
import { escapeText } from './escape.js'
import { envList } from './whatChanges.js'
import { sharedFindingKey, sharedResource } from './sharedChanges.js'
import {
  ALERT_LINES,
  environments,
  errorKey,
  groupBy,
  targetNames,
  type Judged
} from './reportParts.js'

// The top of the report: the one-line headline and the alerts under it.

/** The one line that says how risky the change is, then how much changes. */
export function headline(report: DiffReport, judged: Judged, order?: readonly string[]): string {
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
  if (judged.blocking.length > 0)
    parts.push(
      `${counted(findingGroups(report, judged.blocking).length, 'blocking finding')}${findingEnvs(report, judged.blocking)}`
    )
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
  if (judged.nonBlocking.length > 0) {
    const n = findingGroups(report, judged.nonBlocking).length
    parts.push(
      `${counted(n, 'finding')} that do${n === 1 ? 'es' : ''} not block${findingEnvs(report, judged.nonBlocking)}`
    )
  } else if (judged.blocking.length === 0 && failed.length === 0) parts.push('no findings')
  return `${icon} ${parts.join(' · ')}`
}

/**
 * Findings grouped by rule and resource: the same finding in several targets (a base edit,
 * each overlay with its own namespace) is one, as the alerts show it and the headline counts it.
 */
export function findingGroups(report: DiffReport, findings: readonly Finding[]): Finding[][] {
  const envOf = new Map(report.targets.map(t => [t.name, t.env]))
  return groupBy(findings, f => sharedFindingKey(f, envOf.get(f.target) ?? ''))
}

/** ` in 3 environments` when the findings are in more than one. */
function findingEnvs(report: DiffReport, findings: readonly Finding[]): string {
  const envOf = new Map(report.targets.map(t => [t.name, t.env]))
  const envs = new Set(findings.map(f => envOf.get(f.target) ?? ''))
  return envs.size > 1 ? ` in ${counted(envs.size, 'environment')}` : ''
}

/** One alert line per finding group, naming every target it is in. */
export function findingLines(report: DiffReport, findings: readonly Finding[]): string[] {
  const envOf = new Map(report.targets.map(t => [t.name, t.env]))
  return findingGroups(report, findings).map(group => {
    const f = group[0] as Finding
    const where = targetNames(group.map(g => ({ env: envOf.get(g.target) ?? '?', name: g.target })))
    const names = new Set(group.map(g => g.resource))
    const shown =
      names.size > 1 ? sharedResource(f.resource, envOf.get(f.target) ?? '') : f.resource
    const resource = f.resource ? ` · <code>${escapeText(shown)}</code>` : ''
    const field = f.field ? ` <code>${escapeText(f.field)}</code>` : ''
    const fix = f.fix ? ` <b>Fix:</b> ${escapeText(f.fix)}.` : ''
    return `<b>${escapeText(f.rule)}</b> · ${where}${resource}${field}: ${escapeText(f.message)}.${fix}`
  })
}

export function capped(lines: readonly string[], where: string): string[] {
  if (lines.length <= ALERT_LINES) return [...lines]
  return [...lines.slice(0, ALERT_LINES), `… ${lines.length - ALERT_LINES} more ${where}`]
}

/** The first line of a render error, for the alert; the whole text is in its block below. */
export function errorSummary(t: TargetDiff): string {
  const first = (t.error ?? '').split('\n').find(line => line.trim() !== '') ?? ''
  return first.length > 200 ? `${first.slice(0, 200)}…` : first
}

/** `> [!CAUTION]` for what blocks (findings per fail-on, render errors), `> [!WARNING]` for the rest. */
export function alerts(
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
