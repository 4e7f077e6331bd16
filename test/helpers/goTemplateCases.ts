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

const mustForms = [
  '{{ trimall "-" "--a--" }}',
  '{{ (mustFromJson "{\\"a\\": [1, 2.5]}").a }}',
  '{{ mustToPrettyJson .l }}|{{ mustToRawJson (dict "h" "<x>") }}',
  '{{ typeIsLike "string" .name }} {{ typeIsLike "map[string]interface {}" .m }}',
  '{{ osBase .path.path }} {{ osDir .path.path }} {{ osClean "a/../b" }} {{ osExt "x.tar.gz" }} {{ osIsAbs "x" }}',
  '{{ mustRegexMatch "^[a-z]+$" "abc" }}',
  '{{ mustRest .l }} {{ mustInitial .l }} {{ mustReverse .nums }} {{ mustCompact .dup }} {{ mustUniq .dup }}',
  '{{ mustAppend .l 1 }} {{ push .l 2 }} {{ mustPush .l 3 }} {{ mustPrepend .l 0 }}',
  '{{ mustWithout .l "a" }} {{ mustHas "c" .l }} {{ mustSlice .l 0 1 }} {{ mustChunk 2 .nums }}',
  '{{ mustMerge (dict "a" 1) (dict "b" 2) }} {{ mustMergeOverwrite (dict "a" 1) (dict "a" 2) }} {{ mustDeepCopy .l }}'
]

const edges = [
  '{{ printf "%v|%s|%d" .neg .ws -7 }}',
  '{{ printf "%6.2f|%-8.3e|%+.1f" .f 12345.678 .neg }}',
  '{{ printf "%q" .unicode }}|{{ printf "%+q" .unicode }}|{{ printf "%x" .unicode }}',
  '{{ printf "%#v" .name }}|{{ printf "%#x" 255 }}|{{ printf "%#o" 8 }}',
  '{{ printf "%*d|%-*d|" 5 1 4 2 }}',
  '{{ printf "%.0f %.1f %.3f" 2.5 0.05 1.0005 }}',
  '{{ printf "%g %g %g %g" 100000.0 1000000.0 0.0001 0.00001 }}',
  '{{ printf "%v" .nums }}|{{ printf "%d" .nums }}|{{ printf "%.1f" .nums }}',
  '{{ printf "%s" .m }}',
  '{{ printf "%v %v" (list) (dict) }}',
  '{{ printf "%!" }}|{{ printf "%z" 1 }}',
  '{{ print .nul 1 "a" .t }}',
  '{{ eq .f 1.5 }} {{ eq .i 3.0 }} {{ ne .zero 0.0 }} {{ lt .neg 0.0 }}',
  '{{ eq (len .l) 3 }} {{ eq (add 1 2) (int64 3) }}',
  '{{ eq .name "x" "y" "Hello World" }}',
  '{{ if eq .path.basename "guest-book" }}match{{ end }}',
  '{{ and .t .name }}|{{ or .empty .nul .zero }}',
  '{{ with $x := .path }}{{ $x.basename }}{{ end }}',
  '{{ range $k, $v := .values }}{{ $k }};{{ end }}',
  '{{ range $i, $e := until 3 }}{{ $i }}{{ $e }}{{ end }}',
  '{{ range .m.nested }}{{ . }}{{ end }}',
  '{{ $l := list }}{{ range .l }}{{ $l = append $l (upper .) }}{{ end }}{{ join "," $l }}',
  '{{ index (dict "a" (list 1 2)) "a" 1 }}',
  '{{ (index .values.tags 1) | upper }}',
  '{{ .values.image.repo }}:{{ .values.image.tag }}',
  '{{ "a\\"b" }}|{{ "\\u00e9\\x41" }}',
  '{{ 0o17 }} {{ 0b101 }} {{ 1_000 }} {{ -5 }} {{ +3 }}',
  '{{ 1.0 }} {{ 1e21 }} {{ 1e-7 }} {{ .5 }}',
  '{{ toString 1.0 }} {{ toString .n }} {{ toString .t }}',
  '{{ int64 "0x1F" }} {{ int "1e3" }} {{ int "12.00" }} {{ float64 "abc" }}',
  '{{ sub .neg 10 }} {{ mul .f 2 }} {{ div .n 7 }} {{ mod -7 3 }}',
  '{{ round -2.5 0 }} {{ round 1.2345 3 }} {{ round 5.55 1 0.4 }}',
  '{{ seq -1 }} {{ seq 3 -1 }} {{ seq 1 0 3 }} {{ seq 10 -3 1 }}',
  '{{ untilStep 10 0 -3 }} {{ untilStep 0 10 0 }}',
  '{{ camelcase "_foo_bar" }} {{ camelcase "x" }} {{ camelcase "__" }}',
  '{{ wrap 5 "a b c d e f g" }}|{{ wrap 3 "abcdefgh ij" }}',
  '{{ abbrev 3 "abcdef" }}|{{ abbrev 10 "short" }}|{{ abbrevboth 0 6 "abcdefghij" }}',
  '{{ initials "  many   spaces here" }}|{{ untitle "ABC DEF" }}|{{ title "o' +
    "'" +
    'neil mc-donald" }}',
  '{{ substr 2 100 "abcdef" }}|{{ substr -1 2 "abcdef" }}',
  '{{ trunc 0 "abc" }}|{{ trunc -10 "abc" }}',
  '{{ indent 0 "a\\nb" }}|{{ nindent 0 "x" }}',
  '{{ quote }}|{{ squote }}|{{ quote .nul }}|{{ cat }}',
  '{{ split "" "abc" }}|{{ splitList "" "ab" }}|{{ splitn "," 0 "a,b" }}|{{ splitn "," -1 "a,b" }}',
  '{{ join "," "single" }}|{{ join "," .nul }}|{{ sortAlpha "x" }}|{{ toStrings "x" }}',
  '{{ sortAlpha (list "b" "B" "a" "10" "9") }}',
  '{{ default "x" (list) }}|{{ default "x" (dict) }}|{{ default "x" 0.0 }}',
  '{{ coalesce .nul .zero }}|{{ coalesce }}|{{ all }}|{{ any }}',
  '{{ toJson .nul }}|{{ toJson .small }}|{{ toJson .big }}|{{ toJson "a\u2028b\tc" }}',
  '{{ toPrettyJson (dict) }}|{{ toPrettyJson (list) }}|{{ toPrettyJson (dict "a" (list)) }}',
  '{{ b64dec "not base64!" }}|{{ b64enc "" }}|{{ b32dec "MFRGG===" }}',
  '{{ base "/a/b/" }} {{ base "/" }} {{ dir "/a/b/" }} {{ dir "" }} {{ clean "/../a" }} {{ ext "a.b/c" }}',
  '{{ regexMatch "(" "x" }} {{ regexMatch "\\\\d+" "a1" }} {{ regexQuoteMeta "[x]$" }}',
  '{{ last (list) }}|{{ rest (list) }}|{{ initial (list) }}',
  '{{ uniq (list 1 1.0 "1" (list 1) (list 1)) }}',
  '{{ without (list 1 (dict "a" 1) 2) (dict "a" 1) }}',
  '{{ has 1 (list 1) }} {{ has 1.0 (list 1) }} {{ has .nul (list .nul) }}',
  '{{ slice (list) }}|{{ slice .nums 3 }}',
  '{{ chunk 5 .l }}|{{ chunk 1 (list) }}',
  '{{ concat }}|{{ concat (list) (list 1) }}',
  '{{ get (dict) "x" }}|{{ hasKey (dict "a" .nul) "a" }}',
  '{{ pick .m }}|{{ omit .m "a" "k" "nested" }}',
  '{{ merge (dict "a" "" "b" 0) (dict "a" "x" "b" 5) }}',
  '{{ mergeOverwrite (dict "a" "x") (dict "a" "") }}',
  '{{ dig "a" "b" "c" "d" (dict "a" (dict "b" (dict "c" "found"))) }}',
  '{{ kindOf 1 }} {{ kindOf (add 1 1) }} {{ kindOf (splitList "," "a") }} {{ typeOf (split "," "a") }}',
  '{{ typeOf (until 2) }} {{ typeOf (chunk 1 .l) }} {{ typeOf (keys .m) }} {{ typeOf (b64enc "") }}',
  '{{ deepEqual 1 1.0 }} {{ deepEqual (list) (list) }} {{ deepEqual .nul .missing }}',
  '{{ len "" }} {{ len (dict) }}',
  '{{ not 0 }} {{ not "x" }} {{ not .nul }}',
  '{{ html .nul }}|{{ js 1 2 }}|{{ urlquery "a" "b" }}|{{ html "a" "<" }}',
  '{{ println }}|{{ print }}|{{ printf "" }}'
]

const cases = [
  '{{ snakecase "FirstName" }} {{ snakecase "HTTPServer" }} {{ snakecase "NoHTTPS" }} {{ snakecase "GO_PATH" }} {{ snakecase "GO PATH" }}',
  '{{ snakecase "http2xx" }} {{ snakecase "HTTP20xOK" }} {{ snakecase "Duration2m3s" }} {{ snakecase "Bld4Floor3rd" }}',
  '{{ kebabcase "FirstName" }} {{ kebabcase "HTTPServer" }} {{ kebabcase "GO-PATH" }} {{ kebabcase .mixed }} {{ kebabcase .name }}',
  '{{ snakecase "a.b" }} {{ snakecase "x__y" }} {{ snakecase "ABC" }} {{ snakecase "aB" }} {{ snakecase "-A-" }} {{ kebabcase "Hello, World!" }}',
  '{{ snakecase "v1.2.3" }} {{ kebabcase "myApp_v2Beta" }} {{ snakecase "élan Vital" }} {{ kebabcase "" }}'
]

const semvers = [
  '{{ semverCompare ">=1.2.0" "1.2.3" }} {{ semverCompare ">=1.2.0" "v1.2.3" }} {{ semverCompare ">=1.2.0" "1.2" }} {{ semverCompare ">=1.2.0" "2.0.0" }} {{ semverCompare ">=1.2.0" "1.2.3-beta.1" }} {{ semverCompare ">=1.2.0" "0.2.5" }} {{ semverCompare ">=1.2.0" "0.0.3" }} {{ semverCompare ">=1.2.0" "1.10.0" }} {{ semverCompare ">=1.2.0" "3" }}',
  '{{ semverCompare "^1.2" "1.2.3" }} {{ semverCompare "^1.2" "v1.2.3" }} {{ semverCompare "^1.2" "1.2" }} {{ semverCompare "^1.2" "2.0.0" }} {{ semverCompare "^1.2" "1.2.3-beta.1" }} {{ semverCompare "^1.2" "0.2.5" }} {{ semverCompare "^1.2" "0.0.3" }} {{ semverCompare "^1.2" "1.10.0" }} {{ semverCompare "^1.2" "3" }}',
  '{{ semverCompare "~1.2.0" "1.2.3" }} {{ semverCompare "~1.2.0" "v1.2.3" }} {{ semverCompare "~1.2.0" "1.2" }} {{ semverCompare "~1.2.0" "2.0.0" }} {{ semverCompare "~1.2.0" "1.2.3-beta.1" }} {{ semverCompare "~1.2.0" "0.2.5" }} {{ semverCompare "~1.2.0" "0.0.3" }} {{ semverCompare "~1.2.0" "1.10.0" }} {{ semverCompare "~1.2.0" "3" }}',
  '{{ semverCompare "1.2.x" "1.2.3" }} {{ semverCompare "1.2.x" "v1.2.3" }} {{ semverCompare "1.2.x" "1.2" }} {{ semverCompare "1.2.x" "2.0.0" }} {{ semverCompare "1.2.x" "1.2.3-beta.1" }} {{ semverCompare "1.2.x" "0.2.5" }} {{ semverCompare "1.2.x" "0.0.3" }} {{ semverCompare "1.2.x" "1.10.0" }} {{ semverCompare "1.2.x" "3" }}',
  '{{ semverCompare ">1.2" "1.2.3" }} {{ semverCompare ">1.2" "v1.2.3" }} {{ semverCompare ">1.2" "1.2" }} {{ semverCompare ">1.2" "2.0.0" }} {{ semverCompare ">1.2" "1.2.3-beta.1" }} {{ semverCompare ">1.2" "0.2.5" }} {{ semverCompare ">1.2" "0.0.3" }} {{ semverCompare ">1.2" "1.10.0" }} {{ semverCompare ">1.2" "3" }}',
  '{{ semverCompare "<2" "1.2.3" }} {{ semverCompare "<2" "v1.2.3" }} {{ semverCompare "<2" "1.2" }} {{ semverCompare "<2" "2.0.0" }} {{ semverCompare "<2" "1.2.3-beta.1" }} {{ semverCompare "<2" "0.2.5" }} {{ semverCompare "<2" "0.0.3" }} {{ semverCompare "<2" "1.10.0" }} {{ semverCompare "<2" "3" }}',
  '{{ semverCompare "!=1.2.3" "1.2.3" }} {{ semverCompare "!=1.2.3" "v1.2.3" }} {{ semverCompare "!=1.2.3" "1.2" }} {{ semverCompare "!=1.2.3" "2.0.0" }} {{ semverCompare "!=1.2.3" "1.2.3-beta.1" }} {{ semverCompare "!=1.2.3" "0.2.5" }} {{ semverCompare "!=1.2.3" "0.0.3" }} {{ semverCompare "!=1.2.3" "1.10.0" }} {{ semverCompare "!=1.2.3" "3" }}',
  '{{ semverCompare "=1.2.3" "1.2.3" }} {{ semverCompare "=1.2.3" "v1.2.3" }} {{ semverCompare "=1.2.3" "1.2" }} {{ semverCompare "=1.2.3" "2.0.0" }} {{ semverCompare "=1.2.3" "1.2.3-beta.1" }} {{ semverCompare "=1.2.3" "0.2.5" }} {{ semverCompare "=1.2.3" "0.0.3" }} {{ semverCompare "=1.2.3" "1.10.0" }} {{ semverCompare "=1.2.3" "3" }}',
  '{{ semverCompare "^0.2.3" "1.2.3" }} {{ semverCompare "^0.2.3" "v1.2.3" }} {{ semverCompare "^0.2.3" "1.2" }} {{ semverCompare "^0.2.3" "2.0.0" }} {{ semverCompare "^0.2.3" "1.2.3-beta.1" }} {{ semverCompare "^0.2.3" "0.2.5" }} {{ semverCompare "^0.2.3" "0.0.3" }} {{ semverCompare "^0.2.3" "1.10.0" }} {{ semverCompare "^0.2.3" "3" }}',
  '{{ semverCompare "^0.0.3" "1.2.3" }} {{ semverCompare "^0.0.3" "v1.2.3" }} {{ semverCompare "^0.0.3" "1.2" }} {{ semverCompare "^0.0.3" "2.0.0" }} {{ semverCompare "^0.0.3" "1.2.3-beta.1" }} {{ semverCompare "^0.0.3" "0.2.5" }} {{ semverCompare "^0.0.3" "0.0.3" }} {{ semverCompare "^0.0.3" "1.10.0" }} {{ semverCompare "^0.0.3" "3" }}',
  '{{ semverCompare "~1" "1.2.3" }} {{ semverCompare "~1" "v1.2.3" }} {{ semverCompare "~1" "1.2" }} {{ semverCompare "~1" "2.0.0" }} {{ semverCompare "~1" "1.2.3-beta.1" }} {{ semverCompare "~1" "0.2.5" }} {{ semverCompare "~1" "0.0.3" }} {{ semverCompare "~1" "1.10.0" }} {{ semverCompare "~1" "3" }}',
  '{{ semverCompare "1.2 - 1.4.5" "1.2.3" }} {{ semverCompare "1.2 - 1.4.5" "v1.2.3" }} {{ semverCompare "1.2 - 1.4.5" "1.2" }} {{ semverCompare "1.2 - 1.4.5" "2.0.0" }} {{ semverCompare "1.2 - 1.4.5" "1.2.3-beta.1" }} {{ semverCompare "1.2 - 1.4.5" "0.2.5" }} {{ semverCompare "1.2 - 1.4.5" "0.0.3" }} {{ semverCompare "1.2 - 1.4.5" "1.10.0" }} {{ semverCompare "1.2 - 1.4.5" "3" }}',
  '{{ semverCompare ">=1.0 <1.3 || 2.x" "1.2.3" }} {{ semverCompare ">=1.0 <1.3 || 2.x" "v1.2.3" }} {{ semverCompare ">=1.0 <1.3 || 2.x" "1.2" }} {{ semverCompare ">=1.0 <1.3 || 2.x" "2.0.0" }} {{ semverCompare ">=1.0 <1.3 || 2.x" "1.2.3-beta.1" }} {{ semverCompare ">=1.0 <1.3 || 2.x" "0.2.5" }} {{ semverCompare ">=1.0 <1.3 || 2.x" "0.0.3" }} {{ semverCompare ">=1.0 <1.3 || 2.x" "1.10.0" }} {{ semverCompare ">=1.0 <1.3 || 2.x" "3" }}',
  '{{ semverCompare "*" "1.2.3" }} {{ semverCompare "*" "v1.2.3" }} {{ semverCompare "*" "1.2" }} {{ semverCompare "*" "2.0.0" }} {{ semverCompare "*" "1.2.3-beta.1" }} {{ semverCompare "*" "0.2.5" }} {{ semverCompare "*" "0.0.3" }} {{ semverCompare "*" "1.10.0" }} {{ semverCompare "*" "3" }}',
  '{{ semverCompare ">=1.2.3-alpha" "1.2.3" }} {{ semverCompare ">=1.2.3-alpha" "v1.2.3" }} {{ semverCompare ">=1.2.3-alpha" "1.2" }} {{ semverCompare ">=1.2.3-alpha" "2.0.0" }} {{ semverCompare ">=1.2.3-alpha" "1.2.3-beta.1" }} {{ semverCompare ">=1.2.3-alpha" "0.2.5" }} {{ semverCompare ">=1.2.3-alpha" "0.0.3" }} {{ semverCompare ">=1.2.3-alpha" "1.10.0" }} {{ semverCompare ">=1.2.3-alpha" "3" }}',
  '{{ semverCompare "<=1.2" "1.2.3" }} {{ semverCompare "<=1.2" "v1.2.3" }} {{ semverCompare "<=1.2" "1.2" }} {{ semverCompare "<=1.2" "2.0.0" }} {{ semverCompare "<=1.2" "1.2.3-beta.1" }} {{ semverCompare "<=1.2" "0.2.5" }} {{ semverCompare "<=1.2" "0.0.3" }} {{ semverCompare "<=1.2" "1.10.0" }} {{ semverCompare "<=1.2" "3" }}',
  '{{ semverCompare ">1.x" "1.2.3" }} {{ semverCompare ">1.x" "v1.2.3" }} {{ semverCompare ">1.x" "1.2" }} {{ semverCompare ">1.x" "2.0.0" }} {{ semverCompare ">1.x" "1.2.3-beta.1" }} {{ semverCompare ">1.x" "0.2.5" }} {{ semverCompare ">1.x" "0.0.3" }} {{ semverCompare ">1.x" "1.10.0" }} {{ semverCompare ">1.x" "3" }}',
  '{{ semverCompare "~>1.2" "1.2.3" }} {{ semverCompare "~>1.2" "v1.2.3" }} {{ semverCompare "~>1.2" "1.2" }} {{ semverCompare "~>1.2" "2.0.0" }} {{ semverCompare "~>1.2" "1.2.3-beta.1" }} {{ semverCompare "~>1.2" "0.2.5" }} {{ semverCompare "~>1.2" "0.0.3" }} {{ semverCompare "~>1.2" "1.10.0" }} {{ semverCompare "~>1.2" "3" }}',
  '{{ semverCompare "=>1.0, =<1.9" "1.2.3" }} {{ semverCompare "=>1.0, =<1.9" "v1.2.3" }} {{ semverCompare "=>1.0, =<1.9" "1.2" }} {{ semverCompare "=>1.0, =<1.9" "2.0.0" }} {{ semverCompare "=>1.0, =<1.9" "1.2.3-beta.1" }} {{ semverCompare "=>1.0, =<1.9" "0.2.5" }} {{ semverCompare "=>1.0, =<1.9" "0.0.3" }} {{ semverCompare "=>1.0, =<1.9" "1.10.0" }} {{ semverCompare "=>1.0, =<1.9" "3" }}',
  '{{ semverCompare "!=1.2.x" "1.2.3" }} {{ semverCompare "!=1.2.x" "v1.2.3" }} {{ semverCompare "!=1.2.x" "1.2" }} {{ semverCompare "!=1.2.x" "2.0.0" }} {{ semverCompare "!=1.2.x" "1.2.3-beta.1" }} {{ semverCompare "!=1.2.x" "0.2.5" }} {{ semverCompare "!=1.2.x" "0.0.3" }} {{ semverCompare "!=1.2.x" "1.10.0" }} {{ semverCompare "!=1.2.x" "3" }}',
  '{{ semverCompare ">= 1.2, < 2.0.0" "1.2.3" }} {{ semverCompare ">= 1.2, < 2.0.0" "v1.2.3" }} {{ semverCompare ">= 1.2, < 2.0.0" "1.2" }} {{ semverCompare ">= 1.2, < 2.0.0" "2.0.0" }} {{ semverCompare ">= 1.2, < 2.0.0" "1.2.3-beta.1" }} {{ semverCompare ">= 1.2, < 2.0.0" "0.2.5" }} {{ semverCompare ">= 1.2, < 2.0.0" "0.0.3" }} {{ semverCompare ">= 1.2, < 2.0.0" "1.10.0" }} {{ semverCompare ">= 1.2, < 2.0.0" "3" }}'
]

const regexes = [
  '{{ regexFind "[a-z]+-[a-z]+" .path.path }}|{{ regexFind "x+" "abc" }}',
  '{{ regexFindAll "[a-z]" "a1b2c3" -1 }}|{{ regexFindAll "[a-z]" "a1b2c3" 2 }}|{{ regexFindAll "z" "abc" -1 }}',
  '{{ regexFindAll "a*" "baaab" -1 }}|{{ regexFindAll "" "abc" -1 }}',
  '{{ regexReplaceAll "[^a-z0-9-]" (lower .mixed) "-" }}',
  '{{ regexReplaceAll "(\\\\w+)-(\\\\w+)" .path.basename "${2}_$1" }}|{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }}|{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}',
  '{{ regexReplaceAll "(?P<first>\\\\w+) (?P<second>\\\\w+)" .name "$second $first $$" }}',
  '{{ regexReplaceAll "a*" "baaac" "-" }}|{{ regexReplaceAll "" "abc" "-" }}|{{ regexReplaceAll "^" "abc" ">" }}',
  '{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }}',
  '{{ regexSplit "," .csv -1 }}|{{ regexSplit "," .csv 2 }}|{{ regexSplit "z*" "abc" -1 }}|{{ regexSplit "," "" -1 }}|{{ regexSplit "," "a" 0 }}',
  '{{ regexFind "(?i)HELLO" .name }}|{{ regexFind "\\\\bwor" .name }}|{{ regexFind "(?m)^line2$" .multi }}|{{ regexFind "o." .unicode }}',
  '{{ regexReplaceAll "(a|ab)(c|bcd)(d*)" "abcd" "[$1|$2|$3]" }}|{{ regexFind "a+?" "aaa" }}|{{ regexFind "(a+)(b)?" "aaac" }}',
  '{{ mustRegexFind "b+" "abbc" }}|{{ mustRegexFindAll "b" "abcb" -1 }}|{{ mustRegexReplaceAll "b" "abc" "x" }}|{{ mustRegexReplaceAllLiteral "b" "abc" "$1" }}|{{ mustRegexSplit "b" "abc" -1 }}'
]

const yaml: HelmCase[] = [
  {
    template: '{{ toYaml .values }}',
    note: 'helm and Argo CD: sigs.k8s.io/yaml.Marshal, trailing newline trimmed'
  },
  { template: '{{ toYaml .values | nindent 4 }}' },
  { template: '{{ toYaml .m }}' },
  { template: '{{ toYaml .l }}' },
  {
    template:
      '{{ toYaml (dict "s" "yes" "e" "" "n" "123" "t" "true" "z" "null" "c" "a: b" "h" "#x") }}'
  },
  { template: '{{ toYaml (dict "m" .multi "u" .unicode "w" .words) }}' },
  { template: '{{ toYaml (list (list 1 2) (dict "a" (list "x"))) }}' },
  { template: '{{ toYaml .name }}' },
  { template: '{{ toYaml (dict "n" .n "f" .f "s" .small "b" .big "neg" .neg) }}' },
  { template: '{{ toYaml (dict "a10" 1 "a9" 2 "B" 3 "a" 4) }}' },
  {
    template: '{{ (fromYaml "a: 1\\nb: [x, y]\\nc: yes").b }}',
    note: 'helm and Argo CD: sigs.k8s.io/yaml.Unmarshal'
  },
  { template: '{{ (fromYaml "a: 1\\nb: {c: d}").b.c }}' },
  {
    template: '{{ toYaml (dict "long" (repeat 30 "word ")) }}',
    note: 'go-yaml v2 folds a plain scalar past column 80'
  },
  { template: '{{ toYaml (dict "k" (printf "%s: %s" (repeat 20 "ab ") (repeat 20 "cd "))) }}' },
  {
    template:
      '{{ toYaml (list "- x" "? y" "@at" "`tick" "%p" "a #b" "a: b" " lead" "trail " "tab\\there") }}'
  },
  {
    template:
      '{{ toYaml (list "y" "n" "on" "off" "~" "0x1F" "1e3" "0o17" "1_000" ".5" "12:30" "2024-01-01") }}'
  },
  { template: '{{ toYaml (dict "a" (dict) "b" (list) "c" .nul "d" (list (dict))) }}' },
  { template: '{{ toYaml (list "x\\n" "x\\n\\n" " x\\ny" "x \\ny") }}' },
  { template: '{{ toYaml 1.5 }}|{{ toYaml .t }}|{{ toYaml .nul }}|{{ toYaml (list) }}' },
  { template: '{{ toYaml (dict "é" "ü" "k" "✓ check") }}' }
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
    ...cases
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
