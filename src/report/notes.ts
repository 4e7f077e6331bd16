import type { DiffReport } from '../diff/types.js'
import { counted } from '../plural.js'
import { commitLink, link, seconds, type DetailLevel, type Rendering } from './reportParts.js'

// What the comment and the summary both say around the diffs: what was cut, and the footer.

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
