import type { ProvenanceRun } from './statement.js'

/** The CLI's builder id outside a workflow run. */
export const CLI_BUILDER = 'https://github.com/org/hydrate-action/cli'

/**
 * Who runs this push, read from the variables the GitHub Actions runner sets: the workflow
 * (`GITHUB_WORKFLOW_REF`) as the builder and the run attempt as the invocation; outside a
 * workflow, the CLI.
 */
export function provenanceRun(
  env: Readonly<Record<string, string | undefined>>,
  hydrateVersion: string,
  startedOn: Date
): ProvenanceRun {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
  const { GITHUB_WORKFLOW_REF: workflow, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env
  const inActions = env.GITHUB_ACTIONS === 'true' && workflow && repository && runId
  return {
    builderId: inActions ? `${server}/${workflow}` : `${CLI_BUILDER}@v${hydrateVersion}`,
    invocationId: inActions
      ? `${server}/${repository}/actions/runs/${runId}/attempts/${env.GITHUB_RUN_ATTEMPT ?? '1'}`
      : undefined,
    ref: env.GITHUB_REF || undefined,
    hydrateVersion,
    startedOn
  }
}
