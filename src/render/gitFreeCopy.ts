import fs from 'node:fs'
import path from 'node:path'

/**
 * A `.git` entry: a repository's directory, or the `gitdir:` file of a worktree or submodule.
 * Helm loads everything below a chart into `.Files`, `.git/config` (with the token
 * actions/checkout persists) included; a render reads a copy without these entries.
 */
export function isGitEntry(name: string): boolean {
  return name === '.git'
}

/**
 * The `.git` entries below `dirs` (absolute), symlinked directories followed as helm follows
 * them; a directory seen before (a link loop) is not walked again.
 */
export function gitEntriesBelow(dirs: readonly string[]): string[] {
  const found: string[] = []
  const seen = new Set<string>()
  const walk = (dir: string) => {
    let real: string
    try {
      real = fs.realpathSync(dir)
    } catch {
      return
    }
    if (seen.has(real)) return
    seen.add(real)
    let entries: fs.Dirent[]
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      const child = path.join(dir, entry.name)
      if (isGitEntry(entry.name)) found.push(child)
      else if (entry.isDirectory()) walk(child)
      else if (
        entry.isSymbolicLink() &&
        fs.statSync(child, { throwIfNoEntry: false })?.isDirectory()
      )
        walk(child)
    }
  }
  for (const dir of dirs) walk(dir)
  return found
}

/**
 * Copies the tree at `from` to `to` without any `.git` entry, symlinks replaced by what they
 * lead to (the input guard has refused links that leave the repository or enter a `.git`),
 * so that nothing in the copy leads back to the original's `.git`. A link to a directory
 * being copied (a loop) is left out; so are dangling links and special files.
 */
export function copyWithoutGit(from: string, to: string): void {
  const ancestors = new Set<string>()
  const copy = (source: string, destination: string) => {
    const real = fs.realpathSync(source)
    if (ancestors.has(real)) return
    ancestors.add(real)
    fs.mkdirSync(destination, { recursive: true })
    for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
      if (isGitEntry(entry.name)) continue
      const child = path.join(source, entry.name)
      const target = path.join(destination, entry.name)
      const stat = entry.isSymbolicLink() ? fs.statSync(child, { throwIfNoEntry: false }) : entry
      if (stat?.isDirectory()) copy(child, target)
      else if (stat?.isFile()) fs.copyFileSync(child, target)
    }
    ancestors.delete(real)
  }
  copy(from, to)
}
