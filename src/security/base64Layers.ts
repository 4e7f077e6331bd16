/**
 * Runs of base64 text (either alphabet), which may wrap: whitespace and the `\n` escapes of
 * JSON strings between the pieces are dropped before decoding. A separator run is given back
 * at most once, so matching is linear.
 */
const RUN = /[A-Za-z0-9+/_-](?:(?:\s|\\[nr])*[A-Za-z0-9+/_-])*={0,2}/g
const SEPARATORS = /\s|\\[nr]/g

/** Shorter runs cannot hold a credential (8 characters at least encode to 11). */
const MIN_RUN = 11

/** What decoding may cost, relative to the text checked, before the check gives up. */
const BUDGET_FACTOR = 8
const BUDGET_BASE = 1 << 20

/** The base64 runs of `text`, separators dropped, with where they are. */
export function base64Runs(text: string): Array<{ index: number; length: number; run: string }> {
  const runs: Array<{ index: number; length: number; run: string }> = []
  for (const match of text.matchAll(RUN)) {
    const run = match[0].replace(SEPARATORS, '')
    if (run.length >= MIN_RUN) runs.push({ index: match.index, length: match[0].length, run })
  }
  return runs
}

/** A run decoded from each of its four possible starts (text before it may share its first group). */
function decodings(run: string): string[] {
  const texts: string[] = []
  for (let start = 0; start < 4; start++) {
    const body = run.slice(start, start + Math.floor((run.length - start) / 4) * 4)
    if (body.length >= 8) texts.push(Buffer.from(body, 'base64').toString('utf8'))
  }
  return texts
}

/**
 * Looks for what `matches` finds in `text` and in everything its base64 runs decode to, at
 * any depth (`b64enc | b64enc` of a file holding a token). Returns what `matches` returned,
 * `'budget'` when the layers cost more than the budget to decode (the caller fails closed),
 * or undefined.
 */
export function findInBase64Layers<T>(
  text: string,
  matches: (layer: string) => T | undefined,
  budgetBase = BUDGET_BASE
): T | 'budget' | undefined {
  let budget = BUDGET_FACTOR * text.length + budgetBase
  const seen = new Set<string>()
  const queue = [text]
  for (let layer = queue.pop(); layer !== undefined; layer = queue.pop()) {
    const found = matches(layer)
    if (found !== undefined) return found
    for (const { run } of base64Runs(layer))
      for (const decoded of decodings(run)) {
        if (seen.has(decoded)) continue
        seen.add(decoded)
        budget -= decoded.length
        if (budget < 0) return 'budget'
        queue.push(decoded)
      }
  }
  return undefined
}
