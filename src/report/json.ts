import type { DiffReport } from '../diff/types.js'

/** The JSON report (docs/rendered-diff.md) (secrets are already masked in every diff). */
export function renderJson(report: DiffReport): string {
  return `${JSON.stringify(report, null, 2)}\n`
}
