import type { ResourceChange } from '../diff/types.js'
import { counted } from '../plural.js'

const HUNK = /^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@(?: (.*))?$/

/** The YAML path label of each hunk (src/diff/yamlPath.ts); '' when a hunk has none. */
export function hunkLabels(diff: string): string[] {
  return diff
    .split('\n')
    .map(line => HUNK.exec(line))
    .filter(match => match !== null)
    .map(match => match[1] ?? '')
}

/**
 * A resource diff as the report shows it: no `---`/`+++` file lines (the heading names the
 * resource), and hunk headers that name the YAML path instead of line numbers in a file the
 * reviewer cannot open. An added or removed resource's one hunk needs no header at all.
 */
export function displayDiff(resource: ResourceChange): string {
  const whole = resource.change === 'added' || resource.change === 'removed'
  return resource.diff
    .replace(/^--- .*\n\+\+\+ .*\n/, '')
    .split('\n')
    .flatMap(line => {
      const match = HUNK.exec(line)
      if (!match) return [line]
      if (whole) return []
      return [`@@ ${match[1] || '⋯'} @@`]
    })
    .join('\n')
    .trimEnd()
}

/** A modified resource whose every hunk is inside `metadata.labels` (its own or a template's). */
export function isLabelOnly(resource: ResourceChange): boolean {
  if (resource.change !== 'modified') return false
  const labels = hunkLabels(resource.diff)
  return labels.length > 0 && labels.every(label => /(^|\.)metadata\.labels$/.test(label))
}

/** Added and removed lines of a diff (not its file or hunk headers). */
export function lineCounts(diff: string): { added: number; removed: number } {
  let added = 0
  let removed = 0
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ') || line.startsWith('--- ')) continue
    if (line.startsWith('+')) added++
    else if (line.startsWith('-')) removed++
  }
  return { added, removed }
}

function thousands(n: number): string {
  return n.toLocaleString('en-US')
}

/**
 * One line for a diff too large to show: keys for a ConfigMap's or Secret's data
 * (`+3,000 keys`), else lines.
 */
export function summarizeDiff(resource: ResourceChange): string {
  const keyed = /^(data|binaryData|stringData)$/
  const labels = hunkLabels(resource.diff)
  if (
    (resource.kind === 'ConfigMap' || resource.kind === 'Secret') &&
    labels.length > 0 &&
    labels.every(label => keyed.test(label))
  ) {
    const keys = (sign: string) =>
      new Set(
        resource.diff
          .split('\n')
          .filter(line => line.startsWith(`${sign}  `) && !line.startsWith(`${sign}   `))
          .map(line => line.slice(3).split(':')[0])
      )
    const [gone, come] = [keys('-'), keys('+')]
    const changed = [...come].filter(key => gone.has(key)).length
    const parts = [
      come.size - changed > 0 && `+${thousands(come.size - changed)}`,
      gone.size - changed > 0 && `-${thousands(gone.size - changed)}`,
      changed > 0 && `~${thousands(changed)}`
    ].filter(Boolean)
    if (parts.length > 0)
      return `${parts.join(' ')} ${come.size + gone.size - changed === 1 ? 'key' : 'keys'}`
  }
  // A whole ConfigMap or Secret added or removed: its data keys, one level below `data:`.
  if ((resource.kind === 'ConfigMap' || resource.kind === 'Secret') && labels.length <= 1) {
    let inData = false
    let keys = 0
    for (const line of resource.diff.split('\n')) {
      const text = line.slice(1)
      if (!/^[+-]/.test(line) || line.startsWith('+++') || line.startsWith('---')) continue
      if (/^\S/.test(text)) inData = /^(data|binaryData|stringData):/.test(text)
      else if (inData && /^ {2}\S/.test(text)) keys++
    }
    const sign = resource.change === 'removed' ? '-' : '+'
    if (keys > 0 && (resource.change === 'added' || resource.change === 'removed'))
      return `${sign}${thousands(keys)} ${keys === 1 ? 'key' : 'keys'}`
  }
  const { added, removed } = lineCounts(resource.diff)
  return [
    added > 0 && `+${thousands(added)}`,
    removed > 0 && `-${thousands(removed)}`,
    counted(added + removed, 'line').replace(/^\d+ /, '')
  ]
    .filter(Boolean)
    .join(' ')
}
