import type { GoValue } from './values.js'

// How a template function looks to the executor: Go's parameter types (arguments are checked
// and converted as text/template's evalArg and validateType do), and the body.

/** The Go parameter types the functions use. `reflect` is reflect.Value (the builtins). */
export type ParamType =
  'any' | 'reflect' | 'string' | 'int' | 'int64' | 'float64' | 'bool' | 'map' | 'slice' | 'strings'

export const PARAM_TYPE_NAMES: Record<ParamType, string> = {
  any: 'interface {}',
  reflect: 'reflect.Value',
  string: 'string',
  int: 'int',
  int64: 'int64',
  float64: 'float64',
  bool: 'bool',
  map: 'map[string]interface {}',
  slice: '[]interface {}',
  strings: '[]string'
}

export interface GoFunc {
  params: ParamType[]
  /** The element type of a final variadic parameter. */
  variadic?: ParamType
  /** Throws an Error for Go's error result (`error calling name: message`). */
  fn: (...args: GoValue[]) => GoValue
}

export type FuncMap = ReadonlyMap<string, GoFunc>

/** A function with fixed parameters. */
export function fixed(params: ParamType[], fn: (...args: never[]) => GoValue): GoFunc {
  return { params, fn: fn as GoFunc['fn'] }
}

/** A function whose last parameter is variadic (`...T`). */
export function variadic(
  params: ParamType[],
  rest: ParamType,
  fn: (...args: never[]) => GoValue
): GoFunc {
  return { params, variadic: rest, fn: fn as GoFunc['fn'] }
}
