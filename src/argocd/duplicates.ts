import { isDeepStrictEqual } from 'node:util'
import type { ArgoConsidered, ArgoFinding, Target } from '../config/types.js'
import { formatLocation } from '../errors.js'

// Argo CD keeps one Application per name (per namespace): two files defining `pricelist` do not
// both render there. The pair is skipped, each named with its file and line, and every other
// Application renders. The same object declared twice (copies) is one Application.

export interface DiscoveredApplication {
  target: Target
  /** The Application object: identical copies are one Application. */
  object: Record<string, unknown>
  considered: ArgoConsidered
}

/** The applications to keep, one per name; the others become findings on their entries. */
export function skipDuplicateNames(found: readonly DiscoveredApplication[]): {
  kept: DiscoveredApplication[]
  findings: ArgoFinding[]
} {
  const byName = new Map<string, DiscoveredApplication[]>()
  for (const app of found) {
    const list = byName.get(app.target.name) ?? []
    list.push(app)
    byName.set(app.target.name, list)
  }
  const kept: DiscoveredApplication[] = []
  const findings: ArgoFinding[] = []
  const drop = (app: DiscoveredApplication, finding: ArgoFinding) => {
    findings.push(finding)
    app.considered.findings.push(finding)
    app.considered.targets = app.considered.targets.filter(name => name !== app.target.name)
  }
  for (const app of found) {
    const same = byName.get(app.target.name) as DiscoveredApplication[]
    if (same.length === 1) {
      kept.push(app)
      continue
    }
    const [first] = same as [DiscoveredApplication]
    if (same.every(other => isDeepStrictEqual(other.object, first.object))) {
      if (app === first) kept.push(app)
      else
        drop(app, {
          location: app.target.location,
          subject: app.target.origin ?? `Application ${app.target.name}`,
          kind: 'skipped',
          message: `the same Application as at ${formatLocation(first.target.location)}; rendered once, from there`
        })
      continue
    }
    const others = same.filter(other => other !== app).map(o => formatLocation(o.target.location))
    drop(app, {
      location: app.target.location,
      subject: app.target.origin ?? `Application ${app.target.name}`,
      kind: 'invalid',
      message: `duplicate Application name ${app.target.name}: also defined, differently, at ${others.join(', ')}; Argo CD keeps one Application per name, so none of them is rendered (rename one)`
    })
  }
  return { kept, findings }
}
