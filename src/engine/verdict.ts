import type { DiffReport } from '../diff/types.js'
import { AggregateRenderError, HydrateError } from '../errors.js'
import type { Logger } from '../logger.js'
import { failsOn, formatFinding, type FailOn } from '../policy/index.js'
import type { Finding } from '../policy/types.js'
import type { RepositoryRender } from './render.js'
import { counted } from '../plural.js'

/**
 * What a run's outcome means, decided in one place for every front: which findings fail
 * the run, which only warn, and whether targets failed to render.
 */
export interface Verdict {
  blocking: Finding[]
  warnings: Finding[]
  /** Render failures, reported before any finding. */
  failure?: HydrateError
}

export class PolicyError extends HydrateError {
  constructor(readonly findings: Finding[]) {
    super(
      `${counted(findings.length, 'policy finding')} block${findings.length === 1 ? 's' : ''} this:\n${findings.map(f => `- ${formatFinding(f)}`).join('\n')}`
    )
  }
}

function split(findings: readonly Finding[], deciding: readonly Finding[], failOn: FailOn) {
  const blocking = deciding.filter(f => failsOn([f], failOn))
  return { blocking, warnings: findings.filter(f => !blocking.includes(f)) }
}

/** A render (and a push): every failed target fails the run; findings per `failOn`. */
export function renderVerdict(result: RepositoryRender, failOn: FailOn): Verdict {
  const findings = result.policy.findings
  return {
    ...split(findings, findings, failOn),
    failure: result.errors.length > 0 ? new AggregateRenderError(result.errors) : undefined
  }
}

/** The findings a diff's head introduces (not pre-existing on the base): they decide its status. */
export function newFindings(report: DiffReport): Finding[] {
  return report.findings.filter(f => !f.preExisting)
}

/** A diff: failed targets fail it (they are in the report); only new findings can block. */
export function diffVerdict(report: DiffReport, failOn: FailOn): Verdict {
  const failed = report.targets.filter(t => t.status === 'error').map(t => t.name)
  return {
    ...split(report.findings, newFindings(report), failOn),
    failure:
      failed.length > 0
        ? new HydrateError(
            `${counted(failed.length, 'target')} failed to render (shown in the report): ${failed.join(', ')}`
          )
        : undefined
  }
}

/** Logs the warnings; throws the render failure, else the blocking findings. */
export function enforceVerdict(verdict: Verdict, logger: Logger): void {
  // The logger says "warning"; an error-level finding that does not block still says so.
  for (const finding of verdict.warnings)
    if (finding.severity === 'notice') logger.info(formatFinding(finding))
    else
      logger.warning(
        finding.severity === 'error'
          ? `${formatFinding(finding)} (does not fail this run)`
          : formatFinding(finding, false)
      )
  if (verdict.failure) throw verdict.failure
  if (verdict.blocking.length > 0) throw new PolicyError(verdict.blocking)
}
