import { isObject } from './manifests.js'
import { setOwn } from '../security/ownProperty.js'

// How the ApplicationSet controller turns a git file's values into default-mode parameters
// (applicationset/generators/git.go): flatten.Flatten with DotStyle (maps and arrays both
// become `a.b`, `tags.0`; empty ones vanish), then fmt.Sprintf("%v") of each leaf, whose
// numbers are JSON's float64.

/** flatten.Flatten(value, "", flatten.DotStyle), each leaf as `%v` prints it. */
export function flattenDotStyle(value: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (item: unknown, key: string) => {
    if (isObject(item)) for (const [k, v] of Object.entries(item)) walk(v, key ? `${key}.${k}` : k)
    else if (Array.isArray(item)) item.forEach((v, i) => walk(v, key ? `${key}.${i}` : String(i)))
    else setOwn(out, key, goSprintV(item))
  }
  walk(value, '')
  return out
}

/** fmt.Sprintf("%v", v) for a JSON scalar: float64 numbers in %g form, nil as `<nil>`. */
export function goSprintV(value: unknown): string {
  if (value === null || value === undefined) return '<nil>'
  if (typeof value === 'number') return goFloat(value)
  return String(value)
}

/**
 * strconv.FormatFloat(f, 'g', -1, 64) as %v uses it: the shortest digits, in exponent form
 * when the exponent is below -4 or at least 6 (1000000 → 1e+06, 0.00001 → 1e-05).
 */
export function goFloat(value: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0' : '0'
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf'
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string]
  const exponent = Number(exponentText)
  if (exponent < -4 || exponent >= 6)
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`
  // Within that range JavaScript prints the same shortest digits without an exponent.
  return String(value)
}
