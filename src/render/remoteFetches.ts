import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'yaml'
import type { Target } from '../config/types.js'
import { RenderError } from '../errors.js'
import { RemoteAllowList } from '../security/remoteAllow.js'
import { ChartDownloadError } from './chartCache.js'
import type { RenderContext } from './types.js'

/** Where `helm dependency build` reads dependency repositories from. */
const DEPENDENCY_FILES = ['Chart.yaml', 'Chart.lock', 'requirements.yaml', 'requirements.lock']

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
    for (const file of DEPENDENCY_FILES) {
      let dependencies: unknown
      try {
        const text = fs.readFileSync(path.join(stage, dir, file), 'utf8')
        dependencies = (parse(text) as { dependencies?: unknown } | null)?.dependencies
      } catch {
        continue // absent or unreadable: helm reports what it needs
      }
      if (!Array.isArray(dependencies)) continue
      for (const d of dependencies as Array<{ name?: unknown; repository?: unknown }>) {
        const repository = d?.repository
        if (typeof repository !== 'string' || repository === '') continue
        if (/^(file:\/\/|@|alias:)/.test(repository)) continue
        const refused = (context.remote ?? NOWHERE).refusal(repository)
        if (refused)
          throw new RenderError(
            target.name,
            `${dir ? `${dir}/` : ''}${file}: dependency ${String(d.name)} from ${repository} ${refused}`
          )
      }
    }
}
