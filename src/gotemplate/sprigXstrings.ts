// huandu/xstrings' ToSnakeCase and ToKebabCase (convert.go): words by kind (upper case, lower
// case, digits, punctuation, connectors), joined by the connector in lower case.

type WordType = 'invalid' | 'number' | 'upper' | 'alphabet' | 'connector' | 'punct' | 'other'

const isUpper = (r: string) => /\p{Lu}/u.test(r)
const isNumber = (r: string) => /\p{N}/u.test(r)
const isPunct = (r: string) => /\p{P}/u.test(r)
const isSpace = (r: string) => /^[\t\n\v\f\r \u0085\u00A0\p{Zs}\u2028\u2029]$/u.test(r)
const isConnector = (r: string) => r === '-' || r === '_' || isSpace(r)
/** A letter, CJK ideographs excepted. */
const isAlphabet = (r: string) => /\p{L}/u.test(r) && !/\p{Script=Han}/u.test(r)

/** The runes from `start` on: a view, so that walking a long text word by word stays linear. */
class Runes {
  constructor(
    readonly all: readonly string[],
    readonly start: number
  ) {}
  get length(): number {
    return this.all.length - this.start
  }
  at(index: number): string | undefined {
    return this.all[this.start + index]
  }
}

interface Word {
  type: WordType
  word: string[]
  rest: Runes
}

/** nextWord: the next run of one kind ("HTTPStatus" → "HTTP", then "Status"). */
function nextWord(runes: Runes): Word {
  if (runes.length === 0) return { type: 'invalid', word: [], rest: runes }
  const first = runes.at(0) as string
  let end = 1
  const take = (keep: (r: string) => boolean) => {
    while (end < runes.length && keep(runes.at(end) as string)) end++
  }
  let type: WordType
  if (isConnector(first)) {
    type = 'connector'
    take(isConnector)
  } else if (isPunct(first)) {
    type = 'punct'
    take(isPunct)
  } else if (isUpper(first)) {
    type = 'upper'
    const second = runes.at(1)
    if (second !== undefined && isUpper(second)) {
      take(isUpper)
      // "HTTPStatus": the last capital starts the next word.
      if (end < runes.length && isAlphabet(runes.at(end) as string)) end--
    } else if (second !== undefined && isAlphabet(second)) take(r => isAlphabet(r) && !isUpper(r))
  } else if (isAlphabet(first)) {
    type = 'alphabet'
    take(r => isAlphabet(r) && !isUpper(r))
  } else if (isNumber(first)) {
    type = 'number'
    take(isNumber)
  } else {
    type = 'other'
    take(r => !(isConnector(r) || isAlphabet(r) || isNumber(r) || isPunct(r)))
  }
  return {
    type,
    word: runes.all.slice(runes.start, runes.start + end),
    rest: new Runes(runes.all, runes.start + end)
  }
}

function lower(out: string[], type: WordType, word: string[], connector: string): void {
  if (type !== 'upper' && type !== 'connector') {
    out.push(...word)
    return
  }
  for (const r of word) out.push(isConnector(r) ? connector : isUpper(r) ? r.toLowerCase() : r)
}

/** camelCaseToLowerCase. */
export function camelCaseToLowerCase(text: string, connector: string): string {
  if (text === '') return ''
  const out: string[] = []
  let w = nextWord(new Runes([...text], 0))
  while (w.rest.length > 0) {
    if (w.type !== 'connector') lower(out, w.type, w.word, connector)
    const prev = w
    w = nextWord(w.rest)
    if (prev.type === 'number') {
      while (w.type === 'alphabet' || w.type === 'number') {
        lower(out, w.type, w.word, connector)
        w = nextWord(w.rest)
      }
      if (w.type !== 'invalid' && w.type !== 'punct' && w.type !== 'connector') out.push(connector)
    } else if (prev.type === 'connector') lower(out, prev.type, prev.word, connector)
    else if (prev.type !== 'punct') {
      if (w.type !== 'number') {
        if (w.type !== 'connector' && w.type !== 'punct') out.push(connector)
        continue
      }
      if (w.rest.length === 0) continue
      const number = w.word
      w = nextWord(w.rest)
      // A number then lower case letters belongs to the previous word ("Bld4Floor").
      if (w.type !== 'alphabet') {
        lower(out, 'number', number, connector)
        if (w.type !== 'connector' && w.type !== 'punct') out.push(connector)
        continue
      }
      // Lower case letters after a number: the number starts a new word ("HTTP2xx").
      out.push(connector)
      lower(out, 'number', number, connector)
      while (w.type === 'alphabet' || w.type === 'number') {
        lower(out, w.type, w.word, connector)
        w = nextWord(w.rest)
      }
      if (w.type !== 'invalid' && w.type !== 'connector' && w.type !== 'punct') out.push(connector)
    }
  }
  lower(out, w.type, w.word, connector)
  return out.join('')
}
