import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from '@jest/globals'
import { OPTIONS } from '../../src/cli/args.js'
import { commandHelp, documentedFlags } from '../../src/cli/commandHelp.js'
import { HELP, USAGE, type Command } from '../../src/cli/help.js'
import { runCli } from '../../src/cli/run.js'
import { closest, editDistance } from '../../src/cli/suggest.js'
import { captureStderr, outputSink } from '../helpers/cli.js'

const ROOT = path.resolve(import.meta.dirname, '..', '..')
const commands = Object.keys(HELP) as Command[]

/** Runs the CLI in-process: exit code, standard output, standard error. */
async function cli(...argv: string[]) {
  const out = outputSink()
  let code = -1
  const err = await captureStderr(async () => {
    code = await runCli(argv, out.stream)
  })
  return { code, stdout: out.text(), stderr: err }
}

describe('hydrate --version', () => {
  it("prints package.json's version and exits 0", async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
    expect(await cli('--version')).toEqual({ code: 0, stdout: `hydrate ${version}\n`, stderr: '' })
  })
})

describe('per-command option lists', () => {
  it.each(commands)('hydrate %s --help lists exactly the options the command takes', async c => {
    const { code, stdout } = await cli(c, '--help')
    expect(code).toBe(0)
    expect(documentedFlags(stdout).sort()).toEqual(Object.keys(OPTIONS[c]).sort())
  })

  it('drops the render options from targets, plan and report, with their continuation lines', () => {
    for (const c of ['targets', 'plan', 'report'] as const) {
      const help = commandHelp(c)
      expect(help).not.toMatch(/--concurrency|--timeout/)
      expect(help).not.toContain('(default: number of CPUs + 1)')
    }
    expect(commandHelp('report')).toContain('--fail-on')
    expect(commandHelp('report')).not.toMatch(/--config|--target|-C DIR/)
    expect(commandHelp('push')).toContain('--allow-rollback')
    expect(commandHelp('render')).toContain('(a push is always blocked by error findings)')
  })

  it('refuses a flag the command does not take, naming the command it belongs to', async () => {
    const { code, stderr } = await cli('targets', '--concurrency', '3')
    expect(code).toBe(2)
    expect(stderr).toBe(
      'error: --concurrency is not an option of hydrate targets; it is one of hydrate render, diff, images, verify, push\n'
    )
  })
})

describe('did you mean', () => {
  it('suggests the closest flag of the command for a typo', async () => {
    const { code, stderr } = await cli('diff', '--fromat', 'json', '--base', 'main')
    expect(code).toBe(2)
    expect(stderr).toBe('error: unknown option --fromat for hydrate diff; did you mean --format?\n')
    expect((await cli('push', '--allow-rolback')).stderr).toBe(
      'error: unknown option --allow-rolback for hydrate push; did you mean --allow-rollback?\n'
    )
    expect((await cli('push', '--dry')).stderr).toContain('did you mean --dry-run?')
  })

  it('lists the options when nothing is close', async () => {
    const { code, stderr } = await cli('doctor', '--frobnicate')
    expect(code).toBe(2)
    expect(stderr).toBe(
      'error: unknown option --frobnicate for hydrate doctor; its options: --verbose --help -C (hydrate doctor --help)\n'
    )
  })

  it('suggests a command for a mistyped one', async () => {
    const { code, stderr } = await cli('pusj')
    expect(code).toBe(2)
    expect(stderr).toMatch(/^error: unknown command "pusj"; did you mean push\?\n/)
  })

  it('measures edits', () => {
    expect(editDistance('fromat', 'format')).toBe(2)
    expect(editDistance('', 'abc')).toBe(3)
    expect(closest('tagret', ['target', 'timeout'])).toBe('target')
    expect(closest('xyz', ['target', 'timeout'])).toBeUndefined()
  })
})

describe('exit codes', () => {
  it('are stated in the help', () => {
    expect(USAGE).toContain(
      '2  usage or configuration error (a bad flag, hydrate.yaml, -C not a git repository)'
    )
    expect(USAGE).toMatch(
      /1 {2}a render or push failed; diff and report merge found policy findings/
    )
    expect(commandHelp('diff')).toContain('Exits 1 when a policy finding at the --fail-on')
  })
})
