import { getErrorMessage } from '../errors.js'

/** A command's flags as node:util parseArgs takes them (long name → short letter, if any). */
export type OptionTable = Readonly<
  Record<string, Readonly<Record<string, { type: string; short?: string }>>>
>

/** Levenshtein distance: how many single-character edits turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      )
    previous = current
  }
  return previous[b.length] ?? 0
}

/** The candidate `word` is most likely a typo of: close in edits, or the start of it. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate)
    const likely =
      distance <= Math.max(1, Math.floor(candidate.length / 3)) ||
      (word.length >= 3 && candidate.startsWith(word))
    if (likely && (!best || distance < best.distance)) best = { candidate, distance }
  }
  return best?.candidate
}

const flag = (name: string) => (name.length === 1 ? `-${name}` : `--${name}`)

/**
 * node:util's parseArgs error, said for a person: an unknown flag gets the closest of the
 * command's flags, or the commands it belongs to.
 */
export function parseErrorMessage(error: unknown, command: string, table: OptionTable): string {
  // parseArgs' errors may come from another realm (a VM context): read their fields.
  const { code, message: text } = (error ?? {}) as { code?: string; message?: unknown }
  const message = typeof text === 'string' ? text : getErrorMessage(error)
  const unknown = /^Unknown option '(-{1,2})([^'=]+)/.exec(message)
  if (code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || !unknown?.[2]) return message
  const given = `${unknown[1]}${unknown[2]}`
  const name = unknown[2]
  const own = table[command] ?? {}
  const names = Object.keys(own)
  const shorts = Object.values(own).flatMap(o => (o.short ? [o.short] : []))
  const nearest = closest(name, unknown[1] === '-' ? shorts : names)
  if (nearest)
    return `unknown option ${given} for hydrate ${command}; did you mean ${flag(nearest)}?`
  const elsewhere = Object.keys(table).filter(
    other => other !== command && name in (table[other] ?? {})
  )
  if (elsewhere.length > 0)
    return `${given} is not an option of hydrate ${command}; it is one of hydrate ${elsewhere.join(', ')}`
  return `unknown option ${given} for hydrate ${command}; its options: ${names.map(flag).join(' ')} (hydrate ${command} --help)`
}
