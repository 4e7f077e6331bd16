/** Quotes an argument for a POSIX shell, only when it needs it: for the recorded commands. */
export function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg
  return `'${arg.replace(/'/g, `'\\''`)}'`
}

export function commandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ')
}
