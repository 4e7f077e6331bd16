// A typed validator for JSON from outside the trusted job (shard reports, the diff report a
// fork's workflow uploads). Each check returns the value narrowed to its type or throws a
// SchemaError naming the place (`targets[2].counts.added`); unknown keys are refused, so
// nothing unchecked reaches a renderer.

export class SchemaError extends Error {
  constructor(
    readonly at: string,
    readonly expected: string
  ) {
    super(`${at || 'the document'} must be ${expected}`)
  }
}

export type Check<T> = (value: unknown, at: string) => T

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const child = (at: string, key: string | number) =>
  typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${key}` : key

/** Text of at most `max` characters (1 MiB by default: a report is never a dump). */
export const text =
  (max = 1 << 20): Check<string> =>
  (value, at) => {
    if (typeof value !== 'string' || value.length > max)
      throw new SchemaError(at, `a string of at most ${max} characters`)
    return value
  }

/** A name, path or id: one line, nothing invisible that could forge layout. */
export const name: Check<string> = (value, at) => {
  const s = text(1024)(value, at)
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(s))
    throw new SchemaError(at, 'one line without control characters')
  return s
}

/** A count, a timing, a position: a non-negative safe integer, never text. */
export const count: Check<number> = (value, at) => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new SchemaError(at, 'a non-negative integer')
  return value
}

export const bool: Check<boolean> = (value, at) => {
  if (typeof value !== 'boolean') throw new SchemaError(at, 'true or false')
  return value
}

/** A full git object id (SHA-1 or SHA-256), lowercase hex. */
export const sha: Check<string> = (value, at) => {
  if (typeof value !== 'string' || !/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value))
    throw new SchemaError(at, 'a full commit SHA (lowercase hex)')
  return value
}

export const hex: Check<string> = (value, at) => {
  if (typeof value !== 'string' || !/^[0-9a-f]{1,64}$/.test(value))
    throw new SchemaError(at, 'lowercase hex')
  return value
}

export const oneOf =
  <const T extends string>(values: readonly T[]): Check<T> =>
  (value, at) => {
    if (typeof value !== 'string' || !values.includes(value as T))
      throw new SchemaError(at, `one of ${values.join(', ')}`)
    return value as T
  }

export const nullable =
  <T>(check: Check<T>): Check<T | null> =>
  (value, at) =>
    value === null ? null : check(value, at)

export const arrayOf =
  <T>(item: Check<T>, max = 100_000): Check<T[]> =>
  (value, at) => {
    if (!Array.isArray(value) || value.length > max)
      throw new SchemaError(at, `a list of at most ${max} items`)
    return value.map((v, i) => item(v, child(at, i)))
  }

/** An object of `key → check`: keys a document may name in any order. */
export const recordOf =
  <T>(item: Check<T>): Check<Record<string, T>> =>
  (value, at) => {
    if (!isRecord(value)) throw new SchemaError(at, 'an object')
    const out: Record<string, T> = {}
    for (const [key, v] of Object.entries(value)) {
      name(key, child(at, key))
      // defineProperty: a `__proto__` key stays data, never the object's prototype.
      Object.defineProperty(out, key, {
        value: item(v, child(at, key)),
        enumerable: true,
        writable: true,
        configurable: true
      })
    }
    return out
  }

type Shape = Record<string, Check<unknown>>
type Out<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> }
type Partial_<S extends Shape> = { [K in keyof S]?: ReturnType<S[K]> }

/** An object with exactly these keys (`optional` ones may be absent); any other key is refused. */
export function object<R extends Shape, O extends Shape = Record<never, never>>(
  required: R,
  optional?: O
): Check<Out<R> & Partial_<O>> {
  return (value, at) => {
    if (!isRecord(value)) throw new SchemaError(at, 'an object')
    const out: Record<string, unknown> = {}
    for (const [key, check] of Object.entries(required)) {
      if (!Object.hasOwn(value, key)) throw new SchemaError(child(at, key), 'present')
      out[key] = check(value[key], child(at, key))
    }
    for (const key of Object.keys(value)) {
      if (Object.hasOwn(required, key)) continue
      const check = optional && Object.hasOwn(optional, key) ? optional[key] : undefined
      if (!check) throw new SchemaError(child(at, key), 'absent (not a field of this report)')
      if (value[key] !== undefined) out[key] = check(value[key], child(at, key))
    }
    return out as Out<R> & Partial_<O>
  }
}
