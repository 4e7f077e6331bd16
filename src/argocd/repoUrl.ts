import fs from 'node:fs'
import path from 'node:path'

/**
 * A repository URL reduced to what names the repository: host and path, lower case, without
 * scheme, user info, port of an ssh URL, trailing `/` or `.git` (as Argo CD's
 * NormalizeGitURL compares them). `git@github.com:Org/Repo.git`,
 * `ssh://git@github.com/org/repo` and `https://github.com/org/repo/` are one repository.
 * A local path stays a path (`file:///srv/repo.git` and `/srv/repo` are one).
 */
export function normalizeRepoURL(url: string): string {
  let rest = url.trim()
  const scp = /^([^/@:]+@)?([^/:]+):(?!\/\/)(.+)$/.exec(rest)
  let host = ''
  let repoPath: string
  if (scp && !/^[a-z]+:\/\//i.test(rest) && !rest.startsWith('/')) {
    host = scp[2] as string
    repoPath = scp[3] as string
  } else {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(rest)
    if (scheme) {
      const kind = (scheme[1] as string).toLowerCase()
      rest = rest.slice(scheme[0].length)
      if (kind === 'file') {
        host = ''
        repoPath = rest
      } else {
        const slash = rest.indexOf('/')
        const authority = slash === -1 ? rest : rest.slice(0, slash)
        repoPath = slash === -1 ? '' : rest.slice(slash + 1)
        host = authority.replace(/^.*@/, '')
        // ssh and git ports say how to connect, not which repository.
        if (kind !== 'http' && kind !== 'https') host = host.replace(/:\d+$/, '')
        host = host.replace(/:(443|80)$/, '')
      }
    } else {
      repoPath = rest
    }
  }
  repoPath = repoPath
    .replace(/\/+$/, '')
    .replace(/\.git$/i, '')
    .replace(/\/+$/, '')
  const joined = host ? `${host}/${repoPath.replace(/^\/+/, '')}` : path.posix.normalize(repoPath)
  return joined.toLowerCase()
}

/**
 * The URLs of the repository's git remotes (`remote.*.url` and `pushurl`), read from its git
 * config (a worktree's shared config too), without running git: discovery happens while the
 * config loads. Returned as written; callers compare them normalized.
 */
export function gitRemoteURLs(repoRoot: string): string[] {
  const gitDir = findGitDir(path.resolve(repoRoot))
  if (gitDir === undefined) return []
  let configDir = gitDir
  const commonDir = readText(path.join(gitDir, 'commondir'))?.trim()
  if (commonDir) configDir = path.resolve(gitDir, commonDir)
  const text = readText(path.join(configDir, 'config'))
  return text === undefined ? [] : remoteURLsOf(text)
}

/** `url` and `pushurl` values of `[remote "…"]` sections of a git config file. */
export function remoteURLsOf(configText: string): string[] {
  const urls: string[] = []
  let inRemote = false
  for (const raw of configText.split(/\r?\n/)) {
    const line = raw.trim()
    if (line.startsWith('[')) {
      inRemote = /^\[remote\s+"/i.test(line)
      continue
    }
    if (!inRemote) continue
    const match = /^(url|pushurl)\s*=\s*(.*)$/i.exec(line)
    if (match) urls.push((match[2] as string).replace(/^"(.*)"$/, '$1'))
  }
  return urls
}

function findGitDir(start: string): string | undefined {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, '.git')
    const stat = fs.statSync(dotGit, { throwIfNoEntry: false })
    if (stat?.isDirectory()) return dotGit
    if (stat?.isFile()) {
      const pointer = /^gitdir:\s*(.+)$/m.exec(readText(dotGit) ?? '')
      if (pointer) return path.resolve(dir, (pointer[1] as string).trim())
    }
    if (path.dirname(dir) === dir) return undefined
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}
