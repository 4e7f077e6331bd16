import { counted } from '../plural.js'
import { escapeText, fenced } from '../report/escape.js'
import { branchDrifted, isDrift, type Finding, type VerifyReport } from './types.js'

const LABEL: Record<Finding['state'], string> = {
  edited: 'edited',
  stray: 'stray',
  missing: 'missing',
  stale: 'stale',
  'toolchain-skew': 'toolchain skew',
  inconsistent: 'inconsistent'
}

/** Whether the report fails the run (exit 1). */
export function drifted(report: VerifyReport): boolean {
  return report.branches.some(b => branchDrifted(b, report.toolsFrom))
}

/** One line per problem, grouped by branch; diffs indented below their line. */
export function verifyText(report: VerifyReport, options: { diffs?: boolean } = {}): string {
  const lines: string[] = []
  for (const branch of report.branches) {
    const verdict = branchVerdict(report, branch.branch)
    lines.push(`${branch.branch}${branch.head ? ` @ ${branch.head.slice(0, 7)}` : ''}: ${verdict}`)
    for (const finding of branch.findings) {
      const where = finding.path || '(branch)'
      lines.push(
        `  ${LABEL[finding.state]}${finding.repaired ? ' (repaired)' : ''}: ${where}${finding.target ? ` [${finding.target}]` : ''}: ${finding.detail}`
      )
      if (options.diffs !== false && finding.diff)
        for (const line of finding.diff.trimEnd().split('\n')) lines.push(`      ${line}`)
    }
  }
  const paths = report.branches.reduce((n, b) => n + b.equal.length, 0)
  lines.push(
    `${drifted(report) ? 'Drift found' : 'Verified'}: ${counted(report.branches.length, 'branch', 'branches')}, ${counted(paths, 'path')} equal, ${counted(report.renders, 'render')} in ${Math.round(report.durationMs)} ms`
  )
  return `${lines.join('\n')}\n`
}

/** `verified`, or the counts of each state found on the branch. */
export function branchVerdict(report: VerifyReport, name: string): string {
  const branch = report.branches.find(b => b.branch === name)
  if (!branch) return 'not verified'
  const counts = new Map<string, number>()
  for (const f of branch.findings)
    if (!f.repaired) counts.set(LABEL[f.state], (counts.get(LABEL[f.state]) ?? 0) + 1)
  const repaired = branch.findings.filter(f => f.repaired).length
  const parts = [...counts].map(([label, n]) => `${n} ${label}`)
  if (repaired) parts.push(`${repaired} repaired`)
  const state = branchDrifted(branch, report.toolsFrom) ? 'drift' : 'verified'
  return `${state}, ${counted(branch.equal.length, 'path')} equal${parts.length ? `; ${parts.join(', ')}` : ''}`
}

export function verifyJson(report: VerifyReport): string {
  return `${JSON.stringify(
    {
      head: report.head,
      toolsFrom: report.toolsFrom,
      drift: drifted(report),
      renders: report.renders,
      branches: report.branches.map(b => ({
        ...b,
        drift: branchDrifted(b, report.toolsFrom),
        findings: b.findings.map(f => ({ ...f, drift: isDrift(f, report.toolsFrom) }))
      }))
    },
    null,
    2
  )}\n`
}

/** The job summary: a table of branches, then each problem with its diff folded. */
export function verifyMarkdown(report: VerifyReport): string {
  const out = [
    `## hydrate verify: ${drifted(report) ? 'drift found' : 'every branch verified'}`,
    '',
    '| Branch | Head | Verdict |',
    '| --- | --- | --- |',
    ...report.branches.map(
      b =>
        `| ${escapeText(b.branch)} | ${b.head ? `\`${b.head.slice(0, 7)}\`` : '—'} | ${escapeText(branchVerdict(report, b.branch))} |`
    ),
    ''
  ]
  for (const branch of report.branches) {
    if (branch.findings.length === 0) continue
    out.push(`### ${escapeText(branch.branch)}`, '')
    for (const f of branch.findings) {
      out.push(
        `- **${LABEL[f.state]}**${f.repaired ? ' (repaired)' : ''} ${escapeText(f.path || '(branch)')}: ${escapeText(f.detail)}`
      )
      if (f.diff) {
        out.push('', '<details><summary>diff</summary>', '', ...fenced(f.diff.trimEnd(), 'diff'))
        out.push('', '</details>', '')
      }
    }
    out.push('')
  }
  out.push(
    `${report.renders} renders in ${Math.round(report.durationMs)} ms; tools from ${report.toolsFrom}.`
  )
  return `${out.join('\n')}\n`
}
