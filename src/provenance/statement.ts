import crypto from 'node:crypto'
import fs from 'node:fs'
import type { Target } from '../config/types.js'
import type { GitCommandManager } from '../git/commandManager.js'
import type { DryCommit } from '../git/dryCommit.js'
import { readBlobBytes } from '../git/objects.js'
import type { BranchPlan } from '../hydrate/plan.js'
import type { PinnedChart } from '../render/chartCache.js'
import type { Tool, ToolName } from '../render/tools.js'
import { describeRemoteChart } from '../sources/remoteChart.js'

export const STATEMENT_TYPE = 'https://in-toto.io/Statement/v1'
export const SLSA_PROVENANCE = 'https://slsa.dev/provenance/v1'
/** What a push does, for a verifier to know how to read the parameters (docs/provenance.md). */
export const PUSH_BUILD_TYPE =
  'https://github.com/org/hydrate-action/blob/v1/docs/provenance.md#push-v1'

/** An in-toto ResourceDescriptor: at least one of uri, digest. */
export interface ResourceDescriptor {
  uri?: string
  name?: string
  digest?: Record<string, string>
  annotations?: Record<string, string>
}

export interface ProvenanceStatement {
  _type: typeof STATEMENT_TYPE
  subject: Array<{ name: string; digest: { sha256: string } }>
  predicateType: typeof SLSA_PROVENANCE
  predicate: {
    buildDefinition: {
      buildType: string
      externalParameters: Record<string, unknown>
      resolvedDependencies: ResourceDescriptor[]
    }
    runDetails: {
      builder: { id: string; version?: Record<string, string> }
      metadata: { invocationId?: string; startedOn: string; finishedOn: string }
    }
  }
}

/** Who ran the push: the workflow run under GitHub Actions, or the CLI. */
export interface ProvenanceRun {
  /** The builder's URI: the workflow (`<server>/<owner>/<repo>/.github/workflows/x.yml@ref`) or the CLI. */
  builderId: string
  /** The run's URI (`<server>/<owner>/<repo>/actions/runs/<id>/attempts/<n>`), when there is one. */
  invocationId?: string
  /** The ref the dry commit was checked out from, when known (`refs/heads/main`). */
  ref?: string
  hydrateVersion: string
  startedOn: Date
}

export interface ProvenanceInput {
  git: GitCommandManager
  dry: DryCommit
  /** The branches as the push left them (plans with a commit carry their whole tree). */
  branches: readonly BranchPlan[]
  configFile: string | undefined
  targets: readonly Target[]
  tools: ReadonlyArray<{ name: ToolName; tool: Tool }>
  charts: ReadonlyArray<{ chart: PinnedChart; sha256: string }>
  run: ProvenanceRun
  finishedOn?: Date
}

/** A file of ours that carries rendered manifests: `manifest.yaml`, or a `layout: resources` file. */
function isManifestFile(file: string, resourcePaths: readonly string[]): boolean {
  if (file === 'manifest.yaml' || file.endsWith('/manifest.yaml')) return true
  return (
    file.endsWith('.yaml') &&
    resourcePaths.some(dir => file.startsWith(dir === '' || dir === '.' ? '' : `${dir}/`))
  )
}

const sha256 = (bytes: Buffer) => crypto.createHash('sha256').update(bytes).digest('hex')

/** Every manifest file on the branches this push wrote, by `<branch>:<path>`, with its sha256. */
async function subjects(input: ProvenanceInput): Promise<ProvenanceStatement['subject']> {
  const files: Array<{ name: string; id: string }> = []
  for (const plan of input.branches) {
    if (!plan.commit || !plan.files) continue
    const resourcePaths = input.targets
      .filter(t => t.branch === plan.branch && t.layout === 'resources')
      .map(t => t.path)
    for (const [file, entry] of plan.files)
      if (isManifestFile(file, resourcePaths))
        files.push({ name: `${plan.branch}:${file}`, id: entry.id })
  }
  const blobs = await readBlobBytes(
    input.git,
    files.map(f => f.id)
  )
  return files
    .map(({ name, id }) => {
      const bytes = blobs.get(id)
      if (!bytes) throw new Error(`provenance: blob ${id} of ${name} is not in the repository`)
      return { name, digest: { sha256: sha256(bytes) } }
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

function fileSha256(file: string): string | undefined {
  try {
    return sha256(fs.readFileSync(file))
  } catch {
    return undefined
  }
}

/** A repository URL as a URI: scp-like `user@host:path` and local paths get their scheme. */
export function repositoryUri(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url
  const scp = /^([^@/:]+@)?([^/:]+):(.*)$/.exec(url)
  if (scp) return `ssh://${scp[1] ?? ''}${scp[2]}/${(scp[3] ?? '').replace(/^\//, '')}`
  return `file://${encodeURI(url)}`
}

/** The dry commit, the tool binaries and the remote charts the render read. */
function resolvedDependencies(input: ProvenanceInput): ResourceDescriptor[] {
  const dry: ResourceDescriptor = {
    uri: input.dry.repoURL
      ? `git+${repositoryUri(input.dry.repoURL)}${input.run.ref ? `@${input.run.ref}` : ''}`
      : undefined,
    name: 'dry repository',
    digest: { gitCommit: input.dry.sha }
  }
  const tools = input.tools.map(({ name, tool }): ResourceDescriptor => {
    const digest = fileSha256(tool.path)
    const kind = 'kind' in tool && tool.kind === 'kubectl' ? 'kubectl' : name
    return {
      name: kind,
      uri: repositoryUri(tool.path),
      ...(digest ? { digest: { sha256: digest } } : {}),
      annotations: { version: tool.version }
    }
  })
  const charts = input.charts.map(({ chart, sha256: digest }): ResourceDescriptor => ({
    uri: chart.repo ? `${chart.repo.replace(/\/$/, '')}/${chart.chart}` : chart.chart,
    name: describeRemoteChart(chart),
    digest: { sha256: digest },
    annotations: { version: chart.version }
  }))
  return [dry, ...tools, ...charts]
}

/**
 * The in-toto Statement v1 with an SLSA provenance v1 predicate for one push: every manifest
 * the push left on the branches it wrote as a subject, the dry commit, tools and charts as
 * resolved dependencies (docs/provenance.md).
 */
export async function provenanceStatement(input: ProvenanceInput): Promise<ProvenanceStatement> {
  return {
    _type: STATEMENT_TYPE,
    subject: await subjects(input),
    predicateType: SLSA_PROVENANCE,
    predicate: {
      buildDefinition: {
        buildType: PUSH_BUILD_TYPE,
        externalParameters: {
          repository: input.dry.repoURL || undefined,
          ref: input.run.ref,
          config: input.configFile ?? null,
          targets: input.targets.map(t => ({
            name: t.name,
            env: t.env,
            branch: t.branch,
            path: t.path
          }))
        },
        resolvedDependencies: resolvedDependencies(input)
      },
      runDetails: {
        builder: {
          id: input.run.builderId,
          version: { 'hydrate-action': input.run.hydrateVersion }
        },
        metadata: {
          ...(input.run.invocationId ? { invocationId: input.run.invocationId } : {}),
          startedOn: input.run.startedOn.toISOString(),
          finishedOn: (input.finishedOn ?? new Date()).toISOString()
        }
      }
    }
  }
}
