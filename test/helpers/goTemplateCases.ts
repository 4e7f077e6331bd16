import {
  caseConversions,
  edges,
  mustForms,
  regexes,
  semvers,
  urls,
  yaml
} from './goTemplateCaseGroups.js'
import type { HelmCase } from './goTemplateHelm.js'

// The expressions the differential suite runs through helm's Go and through our engine.
// Helm's func map is Sprig's GenericFuncMap plus helm's own (include, tpl, required, lookup,
// toYaml, fromYaml, …); none of these cases calls a function whose helm and Argo CD versions
// differ, except where a note says so.

/** Named templates every case may call (`template "inner"`). */
export const HELPERS = '{{- define "inner" }}[{{ . }}]{{ end }}'

export const PARAMS = {
  name: 'Hello World',
  path: { path: 'apps/guest-book', basename: 'guest-book', segments: ['apps', 'guest-book'] },
  cluster: { name: 'in-cluster', server: 'https://kubernetes.default.svc' },
  n: 1000000,
  f: 1.5,
  i: 3,
  zero: 0,
  neg: -2,
  big: 12345678901,
  small: 0.00001,
  t: true,
  fa: false,
  nul: null,
  empty: '',
  l: ['a', 'b', 'c'],
  nums: [3, 1, 2],
  dup: ['a', 'b', 'a', '', 'c', 'b'],
  m: { k: 'v', a: 1, nested: { x: 'y' } },
  values: { replicas: 2, image: { repo: 'nginx', tag: '1.25' }, tags: ['x', 'y'], on: 'yes' },
  mixed: 'Foo_Bar.baz--Qux',
  ws: '  padded  ',
  multi: 'line1\nline2\n',
  unicode: 'héllo wörld ✓',
  words: 'the quick brown fox jumps over the lazy dog and keeps on running far away',
  csv: 'a,b,,c',
  b64: 'aGVsbG8=',
  version: 'v1.2.3',
  num: '42',
  octal: '017'
}

const fields = [
  '{{ .name }}',
  '{{ .path.basename }}',
  '{{ .path.segments }}',
  '{{ index .path.segments 1 }}',
  '{{ .cluster.server }}',
  '{{ .n }}',
  '{{ .f }}',
  '{{ .big }}',
  '{{ .small }}',
  '{{ .t }} {{ .fa }}',
  '{{ .nul }}',
  '{{ .l }}',
  '{{ .m }}',
  '{{ .values }}',
  '{{ . | len }}',
  '{{ $.name }}',
  '{{ $x := .path }}{{ $x.basename }}',
  '{{ $x := "a" }}{{ $x = "b" }}{{ $x }}',
  '{{ (.path).basename }}',
  '{{ with .path }}{{ .basename }}/{{ $.name }}{{ end }}',
  '{{ with .missing }}yes{{ else }}no{{ end }}',
  '{{ with .empty }}yes{{ else with .name }}{{ . }}{{ end }}',
  '{{ index .m "nested" "x" }}',
  '{{ index .values.tags 0 }}',
  '{{ index .name 1 }}',
  '{{ .name | }}'
]

const control = [
  '{{ if .t }}T{{ else }}F{{ end }}',
  '{{ if .fa }}T{{ else if .i }}I{{ else }}F{{ end }}',
  '{{ if and .t .i }}both{{ end }}',
  '{{ if or .fa .zero .empty }}any{{ else }}none{{ end }}',
  '{{ and 1 0 "x" }}|{{ or 0 "" "y" }}|{{ and 1 2 }}|{{ or 0 "" }}',
  '{{ not .t }} {{ not .empty }} {{ not .l }}',
  '{{ range .l }}[{{ . }}]{{ end }}',
  '{{ range $i, $v := .l }}{{ $i }}={{ $v }};{{ end }}',
  '{{ range $k, $v := .m }}{{ $k }}:{{ $v }} {{ end }}',
  '{{ range .nomatch }}x{{ else }}empty{{ end }}',
  '{{ range $i, $v := .l }}{{ if eq $v "b" }}{{ break }}{{ end }}{{ $v }}{{ end }}',
  '{{ range .l }}{{ if eq . "b" }}{{ continue }}{{ end }}{{ . }}{{ end }}',
  '{{ range 3 }}{{ . }}{{ end }}',
  '{{ range $v := .nums }}{{ $v }},{{ end }}',
  'a  {{- " b " -}}  c',
  'x\n  {{- .name }}\n  {{- /* comment */ -}}\ny',
  '{{/* a comment */}}z',
  '{{ $n := 0 }}{{ range .l }}{{ $n = add $n 1 }}{{ end }}{{ $n }}',
  '{{ block "blk" . }}block {{ .name }}{{ end }}',
  '{{ template "inner" .name }}',
  '{{ template "inner" }}'
]

const compare = [
  '{{ eq .name "Hello World" }}',
  '{{ eq .i 3.0 }}',
  '{{ eq 1 2 1 }}',
  '{{ eq .missing .alsoMissing }}',
  '{{ eq .missing "x" }}',
  '{{ ne .path.basename "x" }}',
  '{{ lt 1 2 }} {{ le 2 2 }} {{ gt 3 2 }} {{ ge 1 2 }}',
  '{{ lt .f 2.0 }} {{ gt .n 10.5 }}',
  '{{ lt "a" "b" }} {{ gt "b" "a" }}',
  '{{ eq true .t }}',
  '{{ len .name }} {{ len .l }} {{ len .m }} {{ len .unicode }}'
]

const printing = [
  '{{ print "a" "b" 1 2 "c" }}',
  '{{ print 1 2 }}',
  '{{ println "a" 1 }}',
  '{{ printf "%s-%s" .path.basename .cluster.name }}',
  '{{ printf "%d" 42 }}|{{ printf "%05d" 42 }}|{{ printf "%-5d|" 42 }}|{{ printf "%+d" 5 }}',
  '{{ printf "%x %X %o %b %c %U" 255 255 8 5 65 65 }}',
  '{{ printf "%q" .name }}|{{ printf "%q" 65 }}',
  '{{ printf "%v" .l }}|{{ printf "%v" .m }}',
  '{{ printf "%s" .l }}',
  '{{ printf "%f" .f }}|{{ printf "%.2f" .f }}|{{ printf "%8.3f" .f }}|{{ printf "%e" .n }}',
  '{{ printf "%g" .n }}|{{ printf "%g" .small }}|{{ printf "%.3g" 3.14159 }}',
  '{{ printf "%10s|%-10s|" "ab" "cd" }}',
  '{{ printf "%.2s" "abcdef" }}',
  '{{ printf "%t" .t }}',
  '{{ printf "%d" .f }}',
  '{{ printf "%s" 5 }}',
  '{{ printf "%d %d" 1 }}',
  '{{ printf "%d" 1 2 }}',
  '{{ printf "%T %T %T %T" .name .f 1 .l }}',
  '{{ printf "%v" .nul }}|{{ printf "%s" .nul }}',
  '{{ printf "%5.1f|%-8.2f|" 3.14159 2.5 }}',
  '{{ printf "%x" "hi" }}|{{ printf "% x" "hi" }}',
  '{{ printf "100%%" }}',
  '{{ printf "%v %v" .t .n }}',
  '{{ printf "%03d|%3d|%-3d|" 7 7 7 }}',
  '{{ html "<a href=\'x\'>&</a>" }}',
  '{{ js "it\'s <b> \\"q\\"" }}',
  '{{ urlquery "a b&c=d/é" }}',
  "{{ 1.5 }} {{ 2 }} {{ 1e3 }} {{ 0x10 }} {{ 'a' }}",
  '{{ "quoted\\ttab" }}|{{ `raw\\t` }}'
]

const strings = [
  '{{ .name | lower }}',
  '{{ .name | upper }}',
  '{{ .name | title }}',
  '{{ "hello world" | title }}',
  '{{ "Hello World" | untitle }}',
  '{{ .ws | trim }}|',
  '{{ trimAll "-" "--a-b--" }}',
  '{{ trimPrefix "apps/" .path.path }}',
  '{{ trimSuffix "-book" .path.basename }}',
  '{{ .name | replace " " "-" }}',
  '{{ replace "" "-" "abc" }}',
  '{{ trunc 5 .name }}|{{ trunc -5 .name }}|{{ trunc 50 .name }}',
  '{{ substr 0 5 .name }}|{{ substr 6 -1 .name }}',
  '{{ repeat 3 "ab" }}',
  '{{ nospace .name }}',
  '{{ abbrev 8 .words }}',
  '{{ abbrevboth 5 10 "1234 5678 9123" }}',
  '{{ initials .words }}',
  '{{ swapcase "Hello wORLD" }}',
  '{{ camelcase "foo_bar_baz" }}|{{ camelcase "http_server" }}',
  '{{ wrap 20 .words }}',
  '{{ wrapWith 10 "\\n\\t" .words }}',
  '{{ contains "World" .name }} {{ hasPrefix "Hell" .name }} {{ hasSuffix "x" .name }}',
  '{{ quote .name .i }}|{{ squote .name .f }}',
  '{{ cat "a" .i "b" .nul }}',
  '{{ indent 4 .multi }}',
  '{{ nindent 2 "a\\nb" }}',
  '{{ plural "one" "many" 1 }} {{ plural "one" "many" 2 }}',
  '{{ toString .f }}|{{ toString .l }}',
  '{{ toStrings .nums }}',
  '{{ split "," .csv }}',
  '{{ (split "," .csv)._1 }}',
  '{{ splitList "," .csv }}',
  '{{ splitn "," 2 .csv }}',
  '{{ join "-" .l }}|{{ join "," .nums }}',
  '{{ sortAlpha .dup }}',
  '{{ .unicode | upper }}|{{ trunc 2 .unicode }}',
  '{{ "Foo" | lower | upper | trunc 2 }}'
]

const numbers = [
  '{{ atoi .num }} {{ atoi "x" }}',
  '{{ int .f }} {{ int64 .n }} {{ int "12" }} {{ int .octal }}',
  '{{ float64 "1.25" }} {{ float64 .i }}',
  '{{ add 1 2 3 }} {{ add .i .f }}',
  '{{ add1 .i }} {{ sub 10 .i }} {{ mul 2 3 4 }} {{ div 10 3 }} {{ mod 10 3 }}',
  '{{ max 1 5 3 }} {{ min 4 2 8 }} {{ biggest 1 9 }}',
  '{{ maxf 1.5 2.5 }} {{ minf 1.5 2.5 }}',
  '{{ addf 0.1 0.2 }} {{ subf 1 0.9 }} {{ mulf 1.1 3 }} {{ divf 1 3 }}',
  '{{ add1f 1.5 }}',
  '{{ floor 1.7 }} {{ ceil 1.2 }} {{ round 3.14159 2 }} {{ round 2.5 0 }}',
  '{{ seq 5 }}|{{ seq 2 5 }}|{{ seq 0 2 10 }}|{{ seq 5 2 }}',
  '{{ until 4 }}|{{ untilStep 0 10 3 }}|{{ until -2 }}',
  '{{ toDecimal "777" }}',
  '{{ typeOf (add 1 2) }} {{ typeOf 1 }} {{ typeOf .f }} {{ typeOf .l }} {{ typeOf (list 1) }}'
]

const defaults = [
  '{{ default "dflt" .missing }}|{{ default "dflt" .empty }}|{{ default "dflt" .name }}',
  '{{ .missing | default "piped" }}',
  '{{ default 5 .zero }} {{ default "x" .fa }} {{ default "x" .nul }}',
  '{{ empty .empty }} {{ empty .name }} {{ empty .l }} {{ empty .zero }} {{ empty .missing }}',
  '{{ coalesce .missing .empty .name }}',
  '{{ all .name .i }} {{ all .name .empty }} {{ any .empty .zero .t }}',
  '{{ ternary "yes" "no" .t }} {{ ternary "yes" "no" false }}',
  '{{ toJson .m }}',
  '{{ toJson .values }}',
  '{{ toPrettyJson .m }}',
  '{{ toRawJson (dict "h" "<b>&") }}|{{ toJson (dict "h" "<b>&") }}',
  '{{ (fromJson "{\\"a\\":{\\"b\\":[1,2]}}").a.b }}',
  '{{ toJson (list 1 "two" .t .nul 1.5) }}',
  '{{ mustToJson .l }}'
]

const encoding = [
  '{{ b64enc .name }}|{{ b64dec .b64 }}',
  '{{ b32enc .name }}|{{ b32dec (b32enc "xyz") }}',
  '{{ sha1sum .name }}',
  '{{ sha256sum .name }}',
  '{{ sha512sum "abc" }}',
  '{{ adler32sum .name }}',
  '{{ base .path.path }} {{ dir .path.path }} {{ ext "a/b.yaml" }} {{ clean "a//b/../c/" }} {{ isAbs "/x" }}',
  '{{ base "" }} {{ dir "file" }} {{ clean "" }} {{ ext "noext" }}',
  '{{ regexMatch "^[a-z]+-[a-z]+$" .path.basename }} {{ regexMatch "^x" .name }}',
  '{{ regexQuoteMeta "a.b*c" }}'
]

const lists = [
  '{{ list 1 "a" .t }}',
  '{{ first .l }} {{ last .l }} {{ rest .l }} {{ initial .l }}',
  '{{ append .l "d" }}|{{ prepend .l "z" }}|{{ concat .l .nums }}',
  '{{ reverse .l }}|{{ uniq .dup }}|{{ compact .dup }}',
  '{{ without .dup "a" "b" }}',
  '{{ has "b" .l }} {{ has "z" .l }}',
  '{{ slice .l 1 }}|{{ slice .l 1 2 }}|{{ slice .l }}',
  '{{ chunk 2 .l }}',
  '{{ first (list) }}',
  '{{ len (list 1 2 3) }}',
  '{{ tuple "a" "b" }}',
  '{{ mustFirst .l }} {{ mustLast .nums }}'
]

const dicts = [
  '{{ dict "a" 1 "b" "two" }}',
  '{{ get .m "k" }}|{{ get .m "nope" }}',
  '{{ hasKey .m "k" }} {{ hasKey .m "z" }}',
  '{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $d }}',
  '{{ $d := dict "a" 1 "b" 2 }}{{ $_ := unset $d "a" }}{{ $d }}',
  '{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}',
  '{{ keys .m | sortAlpha }}',
  '{{ pick .m "k" "a" }}|{{ omit .m "k" }}',
  '{{ merge (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "y" 2)) }}',
  '{{ mergeOverwrite (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "x" 5)) }}',
  '{{ deepCopy .m }}',
  '{{ dig "nested" "x" "dflt" .m }}|{{ dig "nested" "q" "dflt" .m }}',
  '{{ kindOf .m }} {{ kindOf .l }} {{ kindOf .name }} {{ kindOf .f }} {{ kindOf .t }} {{ kindOf .nul }}',
  '{{ kindIs "map" .m }} {{ typeIs "string" .name }} {{ typeOf .m }} {{ typeOf (splitList "," "a") }}',
  '{{ deepEqual .l (list "a" "b" "c") }} {{ deepEqual .m .m }}',
  '{{ values (dict "a" 1) }}'
]

export const CASES: HelmCase[] = [
  ...[
    ...fields,
    ...control,
    ...compare,
    ...printing,
    ...strings,
    ...numbers,
    ...defaults,
    ...encoding,
    ...lists,
    ...dicts,
    ...mustForms,
    ...edges,
    ...regexes,
    ...caseConversions,
    ...urls
  ].map(template => ({ template })),
  ...semvers.map(template => ({ template, newerThanHelm3: true as const })),
  ...yaml
]

/** Failing cases that need Argo CD's library versions (semver v3.4): helm 4 only. */
export const NEWER_ERROR_CASES = [
  '{{ semverCompare ">=1.2" "not-a-version" }}',
  '{{ semverCompare "=>>1.2" "1.2.3" }}',
  '{{ semverCompare ">=1.2" "1.2.3-01" }}'
]

/** Cases that fail: Go's error text, compared with the same template file run by helm. */
export const ERROR_CASES: string[] = [
  '{{ urlParse "http://h:port/" }}',
  '{{ urlParse ":x" }}',
  '{{ urlParse "git@github.com:org/repo.git" }}',
  '{{ urlJoin (dict "host" 1) }}',
  '{{ .name.x }}',
  '{{ slice "hello" 1 3 }}',
  '{{ first .nul }}',
  '{{ .nul.x }}',
  '{{ lower 3 }}',
  '{{ 3 | lower }}',
  '{{ lower .f }}',
  '{{ index .l 5 }}',
  '{{ index .l "a" }}',
  '{{ eq .name 1 }}',
  '{{ lt .t .t }}',
  '{{ eq .l .l }}',
  '{{ lt 1 1.5 }}',
  '{{ nosuchfunction . }}',
  '{{ if }}{{ end }}',
  '{{ range .l }}',
  '{{ $undefined }}',
  '{{ break }}',
  '{{ trunc "x" .name }}',
  '{{ repeat .i "x" }}',
  '{{ first .name }}',
  '{{ div 1 0 }}',
  '{{ .name 1 }}',
  '{{ len 3 }}',
  '{{ range .name }}{{ end }}',
  '{{ template "nope" }}',
  '{{ nil }}',
  '{{ printf }}',
  '{{ (1).x }}',
  'line1\n{{ .l.x }}',
  '{{ slice .l 2 1 }}',
  '{{ dig "a" .m }}',
  '{{ mustRegexFind "(" "x" }}',
  '{{ regexReplaceAll "[" "x" "y" }}'
]
