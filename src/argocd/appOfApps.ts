import { isDeepStrictEqual } from 'node:util'
import type { ArgoConsidered, ArgoFinding, Target } from '../config/types.js'
import type { SourceLocation } from '../errors.js'
import { getErrorMessage } from '../errors.js'
import type { Resource } from '../manifests/resource.js'
import {
  applicationName,
  applicationTarget,
  type ApplicationContext,
  type ApplicationOrigin,
  type KnownApplication
} from './application.js'
import { applicationSetApplications } from './discover.js'
import { ExpansionLimitError } from './expansionLimit.js'
import { UnsupportedGenerator } from './applicationSet.js'

// App-of-apps: an Application whose rendered output holds Applications (or ApplicationSets).
// Argo CD syncs those objects and then renders each; hydrate maps them as it maps the
// Applications of files (src/argocd/application.ts). The rendering itself is the engine's
// (src/engine/discovery.ts); this module only reads the parent's output.

/** Applications declared by Applications declared by …: read this many levels below a file. */
export const MAX_APP_OF_APPS_DEPTH = 3

/** A discovered target with the names of the Applications that led to it (file-declared first). */
export interface DiscoveredTarget {
  target: Target
  chain: string[]
}

/** Where a child is reported: the output of its parent target (it has no file of its own). */
export function outputLocation(parent: Target): SourceLocation {
  return { file: `${parent.name} output` }
}

/**
 * The targets the Applications and ApplicationSets in a parent's output describe, and what
 * was left out. `known` holds every Application read so far (files, earlier levels) and is
 * extended: an Application is one object per name, as in Argo CD's namespace.
 */
export function childTargets(
  parent: DiscoveredTarget,
  resources: readonly Resource[],
  context: ApplicationContext,
  known: Map<string, KnownApplication>
): { children: DiscoveredTarget[]; findings: ArgoFinding[]; considered: ArgoConsidered[] } {
  const location = outputLocation(parent.target)
  const parentName = parent.target.name
  const children: DiscoveredTarget[] = []
  const findings: ArgoFinding[] = []
  const considered: ArgoConsidered[] = []
  const note = (entry: ArgoConsidered, finding: ArgoFinding) => {
    findings.push(finding)
    entry.findings.push(finding)
  }
  const argo = resources.filter(
    r => r.group === 'argoproj.io' && (r.kind === 'Application' || r.kind === 'ApplicationSet')
  )
  if (argo.length === 0) return { children, findings, considered }
  if (parent.chain.length > MAX_APP_OF_APPS_DEPTH) {
    findings.push({
      location,
      subject: `Application ${parentName}`,
      kind: 'unsupported',
      message: `its output declares ${argo.length} Argo CD object(s) ${MAX_APP_OF_APPS_DEPTH + 1} app-of-apps levels below a file (${parent.chain.join(' → ')}); hydrate reads ${MAX_APP_OF_APPS_DEPTH} levels`
    })
    return { children, findings, considered }
  }

  const add = (entry: ArgoConsidered, app: Record<string, unknown>, where: ApplicationOrigin) => {
    const name = applicationName(app)
    const seen = name ? known.get(name) : undefined
    if (seen) {
      const cycle = parent.chain.includes(name)
      if (cycle || !isDeepStrictEqual(seen.object, app))
        note(entry, {
          location,
          subject: where.origin,
          kind: cycle ? 'skipped' : 'invalid',
          message: cycle
            ? `cycle: ${[...parent.chain, name].join(' → ')}; ${name} is rendered once, as declared at ${describe(seen.where)}`
            : `Application ${name} is also declared at ${describe(seen.where)}, differently; that one is rendered`
        })
      // The same object seen again (a file the parent also renders) is the same Application.
      else entry.sameAs = seen.where.location
      return
    }
    const chain = [...parent.chain, name]
    if (name) known.set(name, { object: app, where, chain })
    const { target, finding } = applicationTarget(app, where, context)
    if (target) {
      children.push({ target: { ...target, appOfApps: parentName }, chain })
      entry.targets.push(target.name)
    }
    if (finding) note(entry, finding)
  }

  for (const resource of argo) {
    const object = resource.object
    const entry: ArgoConsidered = {
      location,
      subject: `${resource.kind} ${resource.name} (output of ${parentName})`,
      targets: [],
      findings: []
    }
    considered.push(entry)
    if (resource.kind === 'Application') {
      add(entry, object, {
        location,
        origin: `Application ${resource.name} (output of ${parentName})`,
        definedBy: []
      })
      continue
    }
    try {
      const generated = applicationSetApplications(
        { name: resource.name, object, location, locate: () => location },
        context
      )
      for (const { app, where } of generated)
        add(entry, app, {
          ...where,
          origin: `${where.origin} (output of ${parentName})`,
          definedBy: []
        })
    } catch (error) {
      if (error instanceof ExpansionLimitError) throw error
      note(entry, {
        location,
        subject: `ApplicationSet ${resource.name} (output of ${parentName})`,
        kind: error instanceof UnsupportedGenerator ? 'unsupported' : 'invalid',
        message: getErrorMessage(error)
      })
    }
  }
  return { children, findings, considered }
}

function describe(where: ApplicationOrigin): string {
  const { file, line } = where.location
  return line === undefined ? file : `${file}:${line}`
}
