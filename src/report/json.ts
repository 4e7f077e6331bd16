import type { DiffReport } from '../diff/types.js'

/** The JSON report of DESIGN §8 (secrets are already masked in every diff). */
export function renderJson(report: DiffReport): string {
  return `${JSON.stringify(report, null, 2)}\n`
}
