import type { TargetDiff } from '../diff/types.js'
import { escapeText } from './escape.js'

/** At most this many fields named per target; the JSON report has them all. */
const SHOWN = 10

/**
 * Diff settings a pull request adds are not applied to its own diff (it is shown with the
 * base's): say what they would hide once merged, so a reviewer judges the rule by its effect.
 */
export function wouldHideLines(targets: readonly TargetDiff[]): string[] {
  const hiding = targets.filter(t => t.wouldHide?.length)
  if (hiding.length === 0) return []
  const fields = (t: TargetDiff) => {
    const all = t.wouldHide ?? []
    const more = all.length > SHOWN ? `, … ${all.length - SHOWN} more` : ''
    return `${all.slice(0, SHOWN).map(escapeText).join(', ')}${more}`
  }
  return [
    `> [!NOTE]`,
    `> This change adds diff settings that would hide fields it changes; this diff is shown with the base's settings, and the new ones apply once merged:`,
    ...hiding.map(t => `> - ${escapeText(t.env)} / ${escapeText(t.name)}: ${fields(t)}`),
    ''
  ]
}
