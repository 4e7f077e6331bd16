import { parseDocument } from 'yaml'
import { fixed, type GoFunc, variadic } from './funcs.js'
import { type GoValue, goType, isMap, typed } from './values.js'
import { marshalYaml } from './yamlV2.js'
import { setOwn } from '../security/ownProperty.js'

// The five functions Argo CD adds to Sprig's (applicationset/utils/utils.go and
// template_functions.go): normalize, slugify, toYaml, fromYaml, fromYamlArray.

/** SanitizeName: lower case, [^-a-z0-9.] as `-`, at most 253 bytes, `-` and `.` trimmed. */
export function sanitizeName(name: string): string {
  let out = name.toLowerCase().replace(/[^-a-z0-9.]/gu, '-')
  const bytes = Buffer.from(out, 'utf8')
  if (bytes.length > 253) out = bytes.subarray(0, 253).toString('utf8')
  return out.replace(/^[-.]+|[-.]+$/g, '')
}

/** SlugifyName: SanitizeName, then gosimple/slug's Make with MaxLength and smart truncation. */
function slugify(...args: GoValue[]): string {
  let maxSize = 50
  let smart = true
  let name = ''
  const conversion = (v: GoValue, want: string) =>
    new Error(
      `interface conversion: interface {} is ${v === null || v === undefined ? 'nil' : goType(v)}, not ${want}`
    )
  args.forEach((arg, index) => {
    if (index === args.length - 1) {
      if (typeof arg !== 'string') throw conversion(arg, 'string')
      name = arg
    } else if (index === 0) {
      if (typeof arg !== 'bigint') throw conversion(arg, 'int')
      maxSize = Number(arg)
    } else if (index === 1) {
      if (typeof arg !== 'boolean') throw conversion(arg, 'bool')
      smart = arg
    }
  })
  // What SanitizeName leaves is [-a-z0-9.]: slug.Make turns `.` into `-`, joins runs of `-`
  // and trims `-` and `_` at both ends.
  let slug = sanitizeName(name)
    .replaceAll('.', '-')
    .replace(/-+/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
  if (maxSize > 0 && slug.length > maxSize) {
    if (smart) {
      let cut = slug.slice(0, maxSize)
      for (let i = maxSize; i >= 0; i--)
        if (slug[i] === '-') {
          cut = slug.slice(0, i)
          break
        }
      slug = cut
    } else slug = slug.slice(0, maxSize)
  }
  return slug.replace(/^[-_]+|[-_]+$/g, '')
}

/** sigs.k8s.io/yaml.Unmarshal: YAML 1.1 (go-yaml v2) to JSON, JSON to Go values. */
/**
 * sigs.k8s.io/yaml's YAMLToJSON then json.Unmarshal: YAML 1.1 scalars (go-yaml v2), string
 * keys, float64 numbers; timestamps stay text, as v2 decodes them into interface{}.
 */
export function yamlToJsonValue(text: string): GoValue {
  const doc = parseDocument(text, {
    version: '1.1',
    uniqueKeys: false,
    customTags: tags =>
      tags.filter(t => typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:timestamp')
  })
  if (doc.errors.length > 0)
    throw new Error(`error converting YAML to JSON: yaml: ${doc.errors[0]?.message.split('\n')[0]}`)
  return jsonValue(doc.toJS({ maxAliasCount: 100 }) as unknown)
}

function unmarshalYaml(text: string, into: 'map' | 'slice'): GoValue {
  const value = yamlToJsonValue(text)
  if (value === null)
    return into === 'map' ? typed({}, 'map[string]interface {}') : typed([], '[]interface {}')
  const fits = into === 'map' ? isMap(value) : Array.isArray(value)
  if (!fits)
    throw new Error(
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(value) ? 'array' : isMap(value) ? 'object' : typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'bool' : 'number'} into Go value of type ${into === 'map' ? 'map[string]interface {}' : '[]interface {}'}`
    )
  return value
}

/** What the YAML-to-JSON-to-Go round trip gives: string keys, float64 numbers. */
function jsonValue(value: unknown): GoValue {
  if (value === undefined || value === null) return null
  if (typeof value === 'string' || typeof value === 'boolean') return value
  if (typeof value === 'number') return value
  if (typeof value === 'bigint') return Number(value)
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return typed(value.map(jsonValue), '[]interface {}')
  if (value instanceof Map) {
    const out: Record<string, GoValue> = {}
    for (const [k, v] of value) setOwn(out, String(k), jsonValue(v))
    return typed(out, 'map[string]interface {}')
  }
  if (typeof value === 'object') {
    const out: Record<string, GoValue> = {}
    for (const [k, v] of Object.entries(value)) setOwn(out, k, jsonValue(v))
    return typed(out, 'map[string]interface {}')
  }
  return null
}

export const ARGO_FUNCS: Record<string, GoFunc> = {
  normalize: fixed(['string'], sanitizeName),
  slugify: variadic([], 'any', slugify),
  toYaml: fixed(['any'], (v: GoValue) =>
    marshalYaml(v === undefined ? null : v).replace(/\n$/, '')
  ),
  fromYaml: fixed(['string'], (s: string) => unmarshalYaml(s, 'map')),
  fromYamlArray: fixed(['string'], (s: string) => unmarshalYaml(s, 'slice'))
}
