import { OPTIONS } from './args.js'
import { HELP, type Command } from './help.js'

/** An option line of a help text: `  -C DIR`, `  --out FILE`, `  -v, --verbose`. */
const OPTION_LINE = /^ {2}(?:-\w, )?-{1,2}([\w-]+)/

/** The flags a help text documents, in order (long names; `C` for -C). */
export function documentedFlags(help: string): string[] {
  const options = help.slice(help.indexOf('\nOptions:\n'))
  return options.split('\n').flatMap(line => OPTION_LINE.exec(line)?.[1] ?? [])
}

/**
 * A command's help listing exactly the options it takes: the shared option lists cover
 * several commands, and a flag a command ignores must not be offered.
 */
export function commandHelp(command: Command): string {
  const own: Readonly<Record<string, unknown>> = OPTIONS[command]
  let inOptions = false
  let keep = true
  const lines: string[] = []
  for (const line of HELP[command].split('\n')) {
    if (line === 'Options:') inOptions = true
    const option = inOptions ? OPTION_LINE.exec(line) : null
    // A deeper-indented line continues the option above it.
    if (option) keep = option[1] !== undefined && option[1] in own
    else if (!line.startsWith('    ')) keep = true
    if (keep) lines.push(line)
  }
  return lines.join('\n')
}
