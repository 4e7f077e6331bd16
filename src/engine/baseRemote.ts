import path from 'node:path'
import { CONFIG_FILE_NAMES } from '../config/expand.js'
import { readRemote } from '../config/remote.js'
import { YamlReader } from '../config/yamlReader.js'
import type { GitCommandManager } from '../git/commandManager.js'
import type { Logger } from '../logger.js'

/**
 * The base's `remote.allow`: in a pull request's diff, both sides fetch only from there, so a
 * change cannot allow a host for its own review. Undefined when the config file lies outside
 * the repository (the workflow's, which no change controls); empty when the base has none.
 */
export async function baseRemoteAllow(
  git: GitCommandManager,
  baseSha: string,
  configFile: string | undefined,
  logger: Logger
): Promise<readonly string[] | undefined> {
  if (configFile !== undefined) {
    const relative = path.posix.normalize(configFile.split(path.sep).join('/'))
    if (path.isAbsolute(configFile) || relative.startsWith('../')) return undefined
  }
  for (const file of configFile !== undefined ? [configFile] : CONFIG_FILE_NAMES) {
    const shown = await git.exec(['show', `${baseSha}:${file}`], { allowFailure: true })
    if (shown.exitCode !== 0) continue
    try {
      const reader = new YamlReader(file, shown.stdout)
      const top = reader.map(reader.root, 'the config file')
      if (!reader.has(top, 'remote')) return []
      return readRemote(reader, reader.node(top, 'remote') ?? undefined).allow
    } catch {
      logger.warning(`the base's ${file} has no valid remote.allow; no chart is fetched`)
      return []
    }
  }
  return []
}
