/**
 * The GitHub Actions runner reads workflow commands from every line a step prints: the legacy
 * `##[name]` form anywhere in a line, and `::name::` at the start of a line once it has trimmed
 * the whitespace .NET's `char.IsWhiteSpace` knows — which includes U+0085, absent from a
 * JavaScript `\s`. Text from a repository (names, values, tool output) must start neither.
 */

/** .NET's whitespace, plus U+FEFF (JavaScript's \s has it; harmless to break at it too). */
const DOTNET_SPACE =
  '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff'
const LEGACY = /##\[/g
/** `::` at the start of a line (the runner splits lines at \r and \n) after trimmed space. */
const COMMAND_START = new RegExp(`(^|[\\r\\n])([${DOTNET_SPACE}]*):(?=:)`, 'g')
const BREAK = '\u200b'

/**
 * `text` with every workflow command the runner would find broken by a zero-width space,
 * which the runner does not trim and a reader does not see. Idempotent.
 */
export function neutralizeWorkflowCommands(text: string): string {
  return text.replace(LEGACY, `#${BREAK}#[`).replace(COMMAND_START, `$1$2:${BREAK}`)
}
