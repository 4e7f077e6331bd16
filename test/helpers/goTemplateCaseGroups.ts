import type { HelmCase } from './goTemplateHelm.js'

// More expressions of the differential suite (goTemplateCases.ts assembles them): the must
// forms, fmt and function edge cases, case conversions, semver constraints, regexes, toYaml.

export const mustForms = [
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

export const edges = [
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

export const caseConversions = [
  '{{ snakecase "FirstName" }} {{ snakecase "HTTPServer" }} {{ snakecase "NoHTTPS" }} {{ snakecase "GO_PATH" }} {{ snakecase "GO PATH" }}',
  '{{ snakecase "http2xx" }} {{ snakecase "HTTP20xOK" }} {{ snakecase "Duration2m3s" }} {{ snakecase "Bld4Floor3rd" }}',
  '{{ kebabcase "FirstName" }} {{ kebabcase "HTTPServer" }} {{ kebabcase "GO-PATH" }} {{ kebabcase .mixed }} {{ kebabcase .name }}',
  '{{ snakecase "a.b" }} {{ snakecase "x__y" }} {{ snakecase "ABC" }} {{ snakecase "aB" }} {{ snakecase "-A-" }} {{ kebabcase "Hello, World!" }}',
  '{{ snakecase "v1.2.3" }} {{ kebabcase "myApp_v2Beta" }} {{ snakecase "élan Vital" }} {{ kebabcase "" }}'
]

export const semvers = [
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

export const regexes = [
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

export const yaml: HelmCase[] = [
  {
    template:
      '{{ fromYaml "a: yes\\nb: 010\\nc: 1e3\\nd: ~\\ne: 0x1F\\nf: on\\ng: 1.5\\nh: \\"quoted\\"\\ni: 12345678901234567890" }}'
  },
  {
    template:
      '{{ fromYaml "x: &a {k: v}\\ny: *a\\nz: [1, two, {n: 3}]\\n1: int key\\ntrue: bool key" }}'
  },
  {
    template:
      '{{ fromYamlArray "- a\\n- 1\\n- {b: c}\\n- [d]" }}|{{ fromYaml "" }}|{{ fromYamlArray "" }}'
  },
  { template: '{{ fromYaml "t: 2024-01-02\\nts: 2024-01-02T03:04:05Z" }}' },
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

export const urls = [
  '{{ urlParse "https://kubernetes.default.svc" }}',
  '{{ urlParse "https://user:p%40ss@Example.COM:6443/api/v1?x=1&y=2#frag ment" }}',
  '{{ urlParse "http://[::1]:8080/a%20b" }}',
  '{{ urlParse "mailto:someone@example.com" }}',
  '{{ urlParse "/just/a/path?q" }}',
  '{{ urlParse "ssh://git@host/x" }}',
  '{{ urlParse "https://host/a b" }}',
  '{{ urlParse "HTTPS://Host.example:443" }}',
  '{{ (urlParse .cluster.server).hostname }}|{{ urlJoin (dict "scheme" "https" "host" "example.com:8443" "path" "/a b/c" "query" "x=1" "fragment" "f g" "userinfo" "me:pw") }}',
  '{{ urlJoin (dict "path" "a:b/c") }}|{{ urlJoin (dict "scheme" "mailto" "opaque" "x@y") }}|{{ urlJoin (dict) }}|{{ urlJoin (urlParse "https://u@h/p?q#f") }}'
]
