/**
 * Text from rendered content (kinds, names, paths, messages) is hostile: it must not open or
 * close HTML, start a heading or a list, mention a team, or forge our hidden marker. These
 * escapes hold in markdown text, table cells and inline HTML alike.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '|': '&#124;',
  '\\': '&#92;',
  '`': '&#96;',
  '*': '&#42;',
  _: '&#95;',
  '[': '&#91;',
  ']': '&#93;',
  '#': '&#35;',
  '~': '&#126;',
  '!': '&#33;'
}

/** Between `@` and a name: GitHub's mention filter sees no mention, a reader sees no change. */
const WORD_JOINER = '\u2060'

/** One line of text, safe in markdown and in HTML: entities for markup, no mentions, no line breaks. */
export function escapeText(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[&<>"'|\\`*_[\]#~!]/g, c => ENTITIES[c] as string)
    .replace(/@(?=\w)/g, `@${WORD_JOINER}`)
}

/**
 * Content shown in a fenced code block is literal, except that a `<!--` inside it would
 * still be found by a plain-text search for our hidden marker: break it.
 */
export function neutralizeMarkers(text: string): string {
  return text.replace(/<!--/g, `<!${WORD_JOINER}--`)
}

/** A code fence longer than any backtick run inside, so content can never close it. */
export function fence(content: string): string {
  const longest = Math.max(0, ...[...content.matchAll(/`+/g)].map(m => m[0].length))
  return '`'.repeat(Math.max(3, longest + 1))
}

/** `content` in a fenced block of `language`, markers broken, fence unclosable. */
export function fenced(content: string, language: string): string[] {
  const text = neutralizeMarkers(content)
  const f = fence(text)
  return [`${f}${language}`, text, f]
}
