import fs from 'node:fs'
import path from 'node:path'

// The repository as the git generators see it (files and the directories holding them).

/** Directories below the root holding at least one file, dot-entries skipped, sorted. */
export function repositoryDirectories(repoRoot: string): string[] {
  const dirs = new Set<string>()
  for (const file of repositoryFiles(repoRoot)) {
    for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir))
      dirs.add(dir)
  }
  return [...dirs].sort()
}

/** Every file below the root (no symlinked directories, no dot-entries), sorted. */
export function repositoryFiles(repoRoot: string): string[] {
  const files: string[] = []
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(repoRoot, relative), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue
      const child = relative ? `${relative}/${entry.name}` : entry.name
      if (entry.isDirectory()) walk(child)
      else files.push(child)
    }
  }
  walk('')
  return files.sort()
}
