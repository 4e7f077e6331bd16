import fs from 'node:fs'
import { exitCodeOf, getErrorMessage, HydrateError, UsageError } from '../errors.js'
import { ConsoleLogger } from '../logger.js'
import {
  CredentialGuard,
  credentialsFromEnvironment,
  credentialsInUrl
} from '../security/credentials.js'
import { persistedCredentials } from '../git/persistedCredentials.js'
import { GuardedLogger } from '../security/guardedLogger.js'
import { signingKeyCredentials } from '../security/signingKey.js'
import { neutralizeWorkflowCommands } from '../security/workflowCommands.js'
import { parseCommand, type CliArgs } from './args.js'
import {
  diffCommand,
  imagesCommand,
  planCommand,
  pushCommand,
  reportCommand,
  renderCommand,
  readSigningKey,
  targetsCommand,
  type CommandContext
} from './commands.js'
import { commandHelp } from './commandHelp.js'
import { doctorCommand } from './doctor.js'
import { HELP, USAGE, type Command } from './help.js'
import { verifyCommand } from './verifyCommand.js'
import { policyCommand } from './policyTest.js'
import { closest } from './suggest.js'
import { HYDRATE_VERSION } from '../version.js'

/** The run's credentials: the environment's, a --remote URL's, the repository's git config's, the signing key. */
async function guardFor(args: CliArgs): Promise<CredentialGuard> {
  const remote =
    args.command === 'diff' ||
    args.command === 'push' ||
    args.command === 'plan' ||
    args.command === 'verify' ||
    args.command === 'images'
      ? args.remote
      : undefined
  return new CredentialGuard([
    ...credentialsFromEnvironment(process.env),
    ...(remote ? credentialsInUrl(remote, 'the --remote URL') : []),
    ...(fs.existsSync(args.repoRoot) ? await persistedCredentials(args.repoRoot) : []),
    ...(args.command === 'push' && args.signingKey
      ? signingKeyCredentials(readSigningKey(args.signingKey))
      : [])
  ])
}

function runCommand(args: CliArgs, context: CommandContext): Promise<number> {
  switch (args.command) {
    case 'render':
      return renderCommand(args, context)
    case 'diff':
      return diffCommand(args, context)
    case 'push':
      return pushCommand(args, context)
    case 'targets':
      return targetsCommand(args, context)
    case 'plan':
      return planCommand(args, context)
    case 'report':
      return reportCommand(args, context)
    case 'verify':
      return verifyCommand(args, context)
    case 'images':
      return imagesCommand(args, context)
    case 'policy':
      return policyCommand(args, context)
    case 'doctor':
      return doctorCommand(args, context)
  }
}

/** The CLI front: arguments → engine → output. The one place errors are reported. */
export async function runCli(
  argv: string[],
  stdout: NodeJS.WritableStream = process.stdout
): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    stdout.write(USAGE)
    return command === undefined ? 2 : 0
  }
  if (command === '--version' || command === 'version') {
    stdout.write(`hydrate ${HYDRATE_VERSION}\n`)
    return 0
  }
  let args: CliArgs | undefined
  // Under Actions the runner parses what we print (both streams) for workflow commands.
  const underActions = process.env.GITHUB_ACTIONS === 'true'
  const printable = underActions ? neutralizeWorkflowCommands : (text: string) => text
  let guard = new CredentialGuard(credentialsFromEnvironment(process.env))
  try {
    if (!(command in HELP)) {
      const nearest = closest(command, Object.keys(HELP))
      throw new UsageError(
        `unknown command ${JSON.stringify(command)}${nearest ? `; did you mean ${nearest}?` : ''}\n\n${USAGE}`
      )
    }
    args = parseCommand(command as Command, rest)
    if (args.help) {
      stdout.write(commandHelp(args.command))
      return 0
    }
    guard = await guardFor(args)
    const logger = new GuardedLogger(new ConsoleLogger(args.verbose), guard, { underActions })
    // Everything printed passes the guard: a credential in it fails the run, unprinted.
    const guarded = {
      write: (text: string) => stdout.write(printable(guard.check(text, 'the output')))
    } as NodeJS.WritableStream
    const { repoRoot, configFile, targetFilter, concurrency, timeoutMs } = args
    const engine = { repoRoot, configFile, targetFilter, concurrency, timeoutMs, logger, guard }
    const code = await runCommand(args, { engine, guard, stdout: guarded })
    if (guard.leak) {
      process.stderr.write(
        `error: a credential of this run reached the log (${guard.leak}); it was redacted there, and the run fails closed\n`
      )
      return 1
    }
    return code
  } catch (error) {
    process.stderr.write(
      printable(`error: ${guard.redact(getErrorMessage(error), 'the error message')}\n`)
    )
    // A stack trace helps only for what we did not expect; our own errors say all there is.
    if (args?.verbose && !(error instanceof HydrateError) && error instanceof Error && error.stack)
      process.stderr.write(printable(`${guard.redact(error.stack, 'the error message')}\n`))
    return exitCodeOf(error)
  }
}
