import fs from 'node:fs'
import path from 'node:path'
import { verifyRepository } from '../engine.js'
import { drifted, verifyJson, verifyText } from '../verify/output.js'
import type { CommandContext } from './context.js'
import type { VerifyArgs } from './verifyArgs.js'

/** `hydrate verify`: exit 0 when every branch verifies, 1 on drift (after --repair: what is left). */
export async function verifyCommand(args: VerifyArgs, context: CommandContext): Promise<number> {
  const { engine, stdout } = context
  const report = await verifyRepository({
    ...engine,
    remote: args.remote,
    branches: args.branches,
    toolsFrom: args.toolsFrom,
    repair: args.repair,
    pruneStray: args.pruneStray,
    committer: args.committer
  })
  const text = context.guard.check(
    args.format === 'json' ? verifyJson(report) : verifyText(report),
    `the ${args.format} report`
  )
  if (args.out) {
    const out = path.resolve(args.out)
    fs.mkdirSync(path.dirname(out), { recursive: true })
    fs.writeFileSync(out, text)
    stdout.write(`${drifted(report) ? 'Drift found' : 'Verified'}; report written to ${out}\n`)
  } else stdout.write(text)
  return drifted(report) ? 1 : 0
}
