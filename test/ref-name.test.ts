import { spawnSync } from 'node:child_process'
import { describe, expect, it } from '@jest/globals'
import { refNameProblem } from '../src/git/refName.js'

/** Our pure check against git's own, on names that each rule accepts or refuses. */
const NAMES = [
  'env/dev',
  'env/dev-next',
  'deploy',
  'a/b/c',
  'v1.2.3',
  'release@2',
  'x@{-1}',
  '@',
  'a..b',
  'a/.hidden',
  '.hidden',
  'a.lock',
  'a/b.lock/c',
  'a.',
  'a/',
  '/a',
  'a//b',
  'with space',
  'tab\tname',
  'tilde~1',
  'caret^',
  'colon:x',
  'q?',
  'star*',
  'br[acket',
  'back\\slash',
  'unicode-ünïcode',
  'emoji-🚀',
  'dash-',
  '-lead'
]

describe('refNameProblem matches git check-ref-format', () => {
  it.each(NAMES)('%j', name => {
    const ref = `refs/heads/${name}`
    const git = spawnSync('git', ['check-ref-format', ref]).status === 0
    expect({ name, accepted: refNameProblem(ref) === undefined }).toEqual({ name, accepted: git })
  })
})
