import path from 'node:path'
import type { Target } from '../config/types.js'
import { RenderError } from '../errors.js'
import { RemoteAllowList } from '../security/remoteAllow.js'
import { declaredDependencies } from '../sources/chartDependencyFiles.js'
import { ChartDownloadError } from './chartCache.js'
import type { RenderContext } from './types.js'

const NOWHERE = new RemoteAllowList([])

/** Throws, before any request, when the base does not allow fetching from `location`. */
export function checkFetch(context: RenderContext, what: string, location: string): void {
  const refused = (context.remote ?? NOWHERE).refusal(location)
  if (refused) throw new ChartDownloadError(`${what} ${location} ${refused}`)
}

/**
 * The repositories `helm dependency build` would fetch from, in each staged chart directory
 * (relative to `stage`), checked against the allow-list: all or none. `file://` charts are local;
 * `@name`/`alias:name` name a repository the workflow itself added to helm.
 */
export function checkDependencyRepositories(
  target: Target,
  context: RenderContext,
  stage: string,
  chartDirs: readonly string[]
): void {
  for (const dir of chartDirs)
    for (const { file, name, repository } of declaredDependencies(path.join(stage, dir))) {
      if (repository === '' || /^(file:\/\/|@|alias:)/.test(repository)) continue
      const refused = (context.remote ?? NOWHERE).refusal(repository)
      if (refused)
        throw new RenderError(
          target.name,
          `${dir ? `${dir}/` : ''}${file}: dependency ${String(name)} from ${repository} ${refused}`
        )
    }
}
