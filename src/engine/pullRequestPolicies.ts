import { policyFilesAmong, readObjects } from '../admission/load.js'
import { checkPullRequestPolicies, type PolicySide } from '../admission/pullRequest.js'
import type { GitCommandManager } from '../git/commandManager.js'
import { withSchemaSetting } from '../policy/index.js'
import type { Finding } from '../policy/types.js'
import type { RenderedTarget } from '../render/index.js'
import type { RepositoryRender } from './render.js'

const isAdmission = (f: Finding) => f.rule.startsWith('policy/')

function environmentsOf(rendered: readonly RenderedTarget[]): PolicySide['environments'] {
  const envs = new Map<string, PolicySide['environments'][number]['targets']>()
  for (const item of rendered) {
    const targets = envs.get(item.target.env) ?? []
    targets.push({ name: item.target.name, resources: item.resources })
    envs.set(item.target.env, targets)
  }
  return [...envs].map(([env, targets]) => ({ env, targets }))
}

/** The `policy.files` of the base, read from its commit (the base may share the head's tree). */
async function baseFiles(git: GitCommandManager, sha: string, base: RepositoryRender) {
  const globs = base.config.policy.files ?? []
  if (globs.length === 0) return []
  const listed = (await git.output(['ls-tree', '-r', '--name-only', '-z', sha])).split('\0')
  const files = policyFilesAmong(listed.filter(Boolean), globs, base.config.file)
  const objects = []
  for (const file of files)
    objects.push(...readObjects(file, await git.output(['show', `${sha}:${file}`])))
  return objects
}

/**
 * The diff's admission findings (the renders leave them out): the head checked against the
 * base's policies, the base against its own (docs/policies.md).
 */
export async function withPullRequestPolicies(
  git: GitCommandManager,
  baseSha: string,
  head: RepositoryRender,
  base: RepositoryRender | undefined
): Promise<{ head: Finding[]; base: Finding[] }> {
  const headOwn = head.policy.findings.filter(f => !isAdmission(f))
  const baseOwn = (base?.policy.findings ?? []).filter(f => !isAdmission(f))
  const fromOutput = (base?.config.policy ?? head.config.policy).fromOutput ?? true
  const checked = checkPullRequestPolicies(
    { environments: environmentsOf(head.rendered), files: head.policyFiles },
    {
      environments: environmentsOf(base?.rendered ?? []),
      files: base ? await baseFiles(git, baseSha, base) : []
    },
    fromOutput
  )
  const settled = (found: Finding[], side: RepositoryRender) =>
    withSchemaSetting(found, side.config.targets, side.config.policy)
  return {
    head: [...headOwn, ...settled(checked.head, head)],
    base: [...baseOwn, ...(base ? settled(checked.base, base) : [])]
  }
}
