import type { NumberNode } from './nodes.js'
import { unquoteGo } from './unquote.js'

// parse.NewNumber: what a number literal is (int, float or both); complex numbers are refused.

/** NewNumber: which of int, float a literal is (complex numbers are refused). */
export function parseNumber(text: string): Omit<NumberNode, 'pos'> | undefined {
  if (text.startsWith("'")) {
    const rune = unquoteGo(text)
    if (rune === undefined || [...rune].length !== 1) return undefined
    const value = BigInt(rune.codePointAt(0) ?? 0)
    return { type: 'number', text, isInt: true, isFloat: true, int: value, float: Number(value) }
  }
  if (text.endsWith('i')) return undefined
  const clean = text.replaceAll('_', '')
  const sign = clean.startsWith('-') ? -1n : 1n
  const body = clean.replace(/^[+-]/, '')
  let int: bigint | undefined
  if (/^0[xX][0-9a-fA-F]+$|^0[bB][01]+$|^0[oO][0-7]+$|^[1-9][0-9]*$|^0$/.test(body))
    int = sign * BigInt(body)
  else if (/^0[0-7]+$/.test(body)) int = sign * BigInt(`0o${body.slice(1)}`)
  const INT64 = 2n ** 63n
  if (int !== undefined && (int >= INT64 || int < -INT64)) int = undefined
  let float: number | undefined
  if (int !== undefined) float = Number(int)
  else if (/^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(body))
    float = Number(sign) * Number(body)
  if (int === undefined && float === undefined) return undefined
  // A float that is integral is also an int (Go: `1e3` is both).
  if (
    int === undefined &&
    float !== undefined &&
    Number.isInteger(float) &&
    Math.abs(float) < 2 ** 63
  )
    int = BigInt(float)
  return {
    type: 'number',
    text,
    isInt: int !== undefined,
    isFloat: float !== undefined,
    int,
    float
  }
}
