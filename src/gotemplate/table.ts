import { ARGO_FUNCS } from './argo.js'
import { BUILTINS } from './builtins.js'
import type { GoFunc } from './funcs.js'
import { DEFAULT_FUNCS } from './sprigDefaults.js'
import { DICT_FUNCS } from './sprigDicts.js'
import { ENCODING_FUNCS } from './sprigEncoding.js'
import { LIST_FUNCS } from './sprigLists.js'
import { MATH_FUNCS } from './sprigMath.js'
import { REFLECT_FUNCS } from './sprigReflect.js'
import { REGEX_FUNCS } from './sprigRegex.js'
import { SEMVER_FUNCS } from './sprigSemver.js'
import { URL_FUNCS } from './sprigUrl.js'
import { STRING_FUNCS } from './sprigStrings.js'

// Every name of Sprig v3.3's GenericFuncMap (the map Argo CD v3.5 starts from), with what
// hydrate does with it. docs/argocd-semantics.md lists the same table; a test keeps the two
// and the implementations in step.

export type FunctionStatus =
  /** Rendered as Argo CD renders it. */
  | 'supported'
  /** Output changes from run to run (time, randomness): refused by name. */
  | 'not deterministic'
  /** Deterministic, but not implemented here: refused by name. */
  | 'not supported'
  /** Deleted from the map by Argo CD: a template using it does not parse, as in Argo CD. */
  | 'removed by Argo CD'

const NOT_DETERMINISTIC = [
  'now',
  'ago',
  'randAlphaNum',
  'randAlpha',
  'randAscii',
  'randNumeric',
  'randInt',
  'randBytes',
  'shuffle',
  'uuidv4',
  'genPrivateKey',
  'genCA',
  'genCAWithKey',
  'genSelfSignedCert',
  'genSelfSignedCertWithKey',
  'genSignedCert',
  'genSignedCertWithKey',
  'buildCustomCert',
  'encryptAES',
  'bcrypt',
  'htpasswd'
]

/** Deterministic but not implemented; each with why, for the message and the docs. */
const NOT_SUPPORTED: Record<string, string> = {
  date: "formats in the controller's local time zone",
  date_in_zone: 'Go time layouts are not implemented',
  dateInZone: 'Go time layouts are not implemented',
  date_modify: 'Go time values are not implemented',
  dateModify: 'Go time values are not implemented',
  must_date_modify: 'Go time values are not implemented',
  mustDateModify: 'Go time values are not implemented',
  duration: 'Go durations are not implemented',
  durationRound: 'Go durations are not implemented',
  htmlDate: "formats in the controller's local time zone",
  htmlDateInZone: 'Go time layouts are not implemented',
  toDate: 'Go time values are not implemented',
  mustToDate: 'Go time values are not implemented',
  unixEpoch: 'Go time values are not implemented',
  derivePassword: 'not implemented',
  decryptAES: 'not implemented',
  semver: 'returns a Go object with methods, which hydrate does not model'
}

const REMOVED_BY_ARGO = ['env', 'expandenv', 'getHostByName']

/** The functions a template can call: Go's builtins, then Sprig's and Argo CD's over them. */
export const FUNCTIONS: ReadonlyMap<string, GoFunc> = new Map<string, GoFunc>([
  ...BUILTINS,
  ...Object.entries({
    ...STRING_FUNCS,
    ...MATH_FUNCS,
    ...DEFAULT_FUNCS,
    ...REFLECT_FUNCS,
    ...ENCODING_FUNCS,
    ...REGEX_FUNCS,
    ...SEMVER_FUNCS,
    ...URL_FUNCS,
    ...LIST_FUNCS,
    ...DICT_FUNCS,
    ...ARGO_FUNCS
  })
])

/** Every GenericFuncMap name (Sprig v3.3) and Argo CD's five, with its status. */
export const FUNCTION_TABLE: ReadonlyMap<string, FunctionStatus> = new Map<string, FunctionStatus>([
  ...[...FUNCTIONS.keys()]
    .filter(n => !BUILTINS.has(n) || n === 'slice')
    .map(n => [n, 'supported'] as const),
  ...NOT_DETERMINISTIC.map(n => [n, 'not deterministic'] as const),
  ...Object.keys(NOT_SUPPORTED).map(n => [n, 'not supported'] as const),
  ...REMOVED_BY_ARGO.map(n => [n, 'removed by Argo CD'] as const)
])

/** The refusal of a function Argo CD has and hydrate will not run, or undefined. */
export function refusalOf(name: string): string | undefined {
  if (NOT_DETERMINISTIC.includes(name))
    return `template function ${name} is not deterministic; hydrate refuses it (the same commit must render the same output)`
  const why = Object.hasOwn(NOT_SUPPORTED, name) ? NOT_SUPPORTED[name] : undefined
  if (why !== undefined) return `template function ${name} is not supported (${why})`
  return undefined
}

export function notSupportedReason(name: string): string | undefined {
  return Object.hasOwn(NOT_SUPPORTED, name) ? NOT_SUPPORTED[name] : undefined
}
