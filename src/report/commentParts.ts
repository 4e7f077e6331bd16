import type { DiffReport } from '../diff/types.js'
import { COMMENT_LIMIT, renderMarkdownWithin, type MarkdownOptions } from './markdown.js'

// A report too long for one comment is posted as numbered parts, each a whole markdown
// document: a collapsed block or code fence cut at a part's end is closed there and opened
// again at the next part's start, so every part renders on its own and together they are whole.

/** At most this many comments: beyond it the diffs are summarized first (the report file has all). */
export const MAX_COMMENT_PARTS = 10

const PART_COUNT = '\u0000parts\u0000'

/** The hidden marker of part `n` (2, 3, …); part 1 keeps the comment's own marker. */
export function partMarker(marker: string, n: number): string {
  return marker.replace(/ -->$/, ` part=${n} -->`)
}

/** Whether `body` opens with a part marker of `marker`, and which part. */
export function partNumber(marker: string, body: string): number | undefined {
  const prefix = marker.replace(/ -->$/, ' part=')
  if (!body.startsWith(prefix)) return undefined
  const match = /^(\d+) -->/.exec(body.slice(prefix.length))
  return match ? Number(match[1]) : undefined
}

interface OpenBlocks {
  details: string[]
  fence?: { opener: string; closer: string }
}

/** Tracks the `<details>` blocks and the code fence open after each line. */
function track(open: OpenBlocks, line: string): void {
  if (open.fence) {
    if (line === open.fence.closer) open.fence = undefined
    return
  }
  const fence = /^(`{3,})[\w-]*$/.exec(line)
  if (fence) open.fence = { opener: line, closer: fence[1] as string }
  else if (line.startsWith('<details')) open.details.push(line)
  else if (line === '</details>' && open.details.length > 0) open.details.pop()
}

function closing(open: OpenBlocks, next: number): string[] {
  return [
    ...(open.fence ? [open.fence.closer] : []),
    ...(open.details.length > 0 ? [''] : []),
    ...open.details.map(() => '</details>'),
    '',
    `<sub>Continued in part ${next} of ${PART_COUNT}.</sub>`
  ]
}

function reopening(open: OpenBlocks): string[] {
  return [
    ...open.details.flatMap(line => [line.replace('</summary>', ' (continued)</summary>'), '']),
    ...(open.fence ? [open.fence.opener] : [])
  ]
}

const size = (lines: readonly string[]) => lines.reduce((n, line) => n + line.length + 1, 0)

/**
 * `text` (whose first line is `marker`) cut at line boundaries into parts of at most `limit`
 * characters each; part n ≥ 2 opens with its own marker and says which part it is.
 */
export function splitIntoParts(text: string, marker: string, limit: number): string[] {
  const slack = 160 // the part count written in at the end, and part 1's note
  const parts: string[][] = []
  const open: OpenBlocks = { details: [] }
  let current: string[] = []
  const header = (n: number) => [
    partMarker(marker, n),
    `<sub>Rendered diff, part ${n} of ${PART_COUNT}: part 1 has the overview.</sub>`,
    ''
  ]
  const budget = limit - slack
  for (const whole of text.split('\n')) {
    // A line longer than a part (a minified value) is cut into pieces that fit.
    const room = Math.floor(budget / 4)
    const pieces =
      whole.length > room
        ? Array.from({ length: Math.ceil(whole.length / room) }, (_, i) =>
            whole.slice(i * room, (i + 1) * room)
          )
        : [whole]
    for (const line of pieces) {
      const after: OpenBlocks = { details: [...open.details], fence: open.fence }
      track(after, line)
      if (size(current) + line.length + 1 + size(closing(after, parts.length + 2)) > budget) {
        parts.push([...current, ...closing(open, parts.length + 2)])
        current = [...header(parts.length + 1), ...reopening(open)]
      }
      current.push(line)
      track(open, line)
    }
  }
  parts.push(current)
  const first = parts[0] as string[]
  const heading = first.findIndex(line => line.startsWith('### '))
  if (parts.length > 1 && heading !== -1)
    // Said under the headline: the reviewer knows at once that more follows.
    first.splice(
      heading + 1,
      0,
      '',
      `<sub>This report is in ${PART_COUNT} comments: the diffs continue in the ones below.</sub>`
    )
  const total = String(parts.length)
  return parts.map(lines => lines.join('\n').split(PART_COUNT).join(total))
}

/**
 * The PR comment of a report, in as many parts as it needs (one when it fits), at most
 * MAX_COMMENT_PARTS: past that, the report is first degraded as a single comment would be
 * (largest diffs summarized, then cut) until its parts fit. Diff mode and comment mode both
 * post exactly this.
 */
export function renderCommentParts(
  report: DiffReport,
  options: MarkdownOptions & { marker: string },
  limit = COMMENT_LIMIT
): string[] {
  const partLimit = limit - 1
  let budget = partLimit * MAX_COMMENT_PARTS
  for (;;) {
    const { text, level } = renderMarkdownWithin(report, budget, options)
    const parts = splitIntoParts(text, options.marker, partLimit)
    if (parts.length <= MAX_COMMENT_PARTS || level === 'table' || budget <= partLimit)
      return parts.slice(0, MAX_COMMENT_PARTS)
    budget = Math.floor(budget * 0.9)
  }
}
