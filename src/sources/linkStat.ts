import fs from 'node:fs'

/**
 * What a directory entry is once its symlinks are followed: undefined for a dangling link and
 * for a link loop (ELOOP), which is neither a file nor a directory to walk, so a repository
 * that holds one is read without it instead of failing with a raw system error.
 */
export function followedStat(absolute: string): fs.Stats | undefined {
  try {
    return fs.statSync(absolute, { throwIfNoEntry: false })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return undefined
    throw error
  }
}
