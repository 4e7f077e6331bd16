// Command argo-metadata prints what Argo CD's source hydrator writes besides manifest.yaml
// for the cases on stdin (a JSON array): the root and per-path hydrator.metadata, the
// per-path README.md and the commit message before `git commit -m` cleans it, and the
// answers of the Go standard library checks it applies to reference trailers. It is the
// reference for test/argo-metadata.test.ts.
//
// The two templates are Argo CD's defaults (util/settings/settings.go at
// 37ee0097cf851bc2dd7665fc081bbce61a7e836e, Apache-2.0), executed by text/template with
// sprig's functions as Argo CD does; the structs carry the JSON tags of Argo CD's types.
// Everything else is written here from reading that source: no Argo CD code is imported.
//
// Built from Debian's packages (GOPATH mode, no module downloads); see test/helpers/argoReference.ts.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/Masterminds/sprig"
)

const commitMessageTemplate = `{{.metadata.drySha | trunc 7}}: {{ .metadata.subject }}
{{- if .metadata.body }}

{{ .metadata.body }}
{{- end }}
{{ range $ref := .metadata.references }}
{{- if and $ref.commit $ref.commit.author }}
Co-authored-by: {{ $ref.commit.author }}
{{- end }}
{{- end }}
{{- if .metadata.author }}
Co-authored-by: {{ .metadata.author }}
{{- end }}
`

const readmeTemplate = `# Manifest Hydration

To hydrate the manifests in this repository, run the following commands:

` + "```shell" + `
git clone {{ .RepoURL }}
# cd into the cloned directory
git checkout {{ .DrySHA }}
{{ range $command := .Commands -}}
{{ $command }}
{{ end -}}` + "```" + `
{{ if .References -}}

## References

{{ range $ref := .References -}}
{{ if $ref.Commit -}}
* [{{ $ref.Commit.SHA | mustRegexFind "[0-9a-f]+" | trunc 7 }}]({{ $ref.Commit.RepoURL }}): {{ $ref.Commit.Subject }} ({{ $ref.Commit.Author }})
{{ end -}}
{{ end -}}
{{ end -}}`

// CommitMetadata and RevisionReference: the JSON tags of Argo CD's appv1 types.
type CommitMetadata struct {
	Author  string `json:"author,omitempty"`
	Date    string `json:"date,omitempty"`
	Subject string `json:"subject,omitempty"`
	Body    string `json:"body,omitempty"`
	SHA     string `json:"sha,omitempty"`
	RepoURL string `json:"repoUrl,omitempty"`
}

type RevisionReference struct {
	Commit *CommitMetadata `json:"commit,omitempty"`
}

// HydratorCommitMetadata: the fields and tags of Argo CD's util/hydrator type.
type HydratorCommitMetadata struct {
	RepoURL    string              `json:"repoURL,omitempty"`
	DrySHA     string              `json:"drySha,omitempty"`
	Commands   []string            `json:"commands,omitempty"`
	Author     string              `json:"author,omitempty"`
	Date       string              `json:"date,omitempty"`
	Subject    string              `json:"subject,omitempty"`
	Body       string              `json:"body,omitempty"`
	References []RevisionReference `json:"references,omitempty"`
}

type input struct {
	Kind       string   `json:"kind"`
	Value      string   `json:"value"`
	Sha        string   `json:"sha"`
	Author     string   `json:"author"`
	AuthorTime int64    `json:"authorTime"`
	Message    string   `json:"message"`
	RepoURL    string   `json:"repoURL"`
	Commands   []string `json:"commands"`
}

type output struct {
	OK      bool   `json:"ok"`
	Value   string `json:"value"`
	Root    string `json:"root,omitempty"`
	Path    string `json:"path,omitempty"`
	Readme  string `json:"readme,omitempty"`
	Message string `json:"message,omitempty"`
}

var shaRegex = regexp.MustCompile(`^[0-9a-f]{5,40}$`)

type reference struct {
	author                            mail.Address
	date, subject, body, sha, repoURL string
}

// getReferences: the reference the valid Argocd-reference-commit-* lines describe, and the
// text without them, read line by line with bufio.Scanner.
func getReferences(text string) ([]RevisionReference, string) {
	var rest strings.Builder
	var ref reference
	scanner := bufio.NewScanner(strings.NewReader(text))
	for scanner.Scan() {
		line := scanner.Text()
		if !update(&ref, line) {
			rest.WriteString(line + "\n")
		}
	}
	if ref == (reference{}) {
		return nil, rest.String()
	}
	return []RevisionReference{{Commit: &CommitMetadata{
		Author: ref.author.String(), Date: ref.date, Subject: ref.subject,
		Body: ref.body, SHA: ref.sha, RepoURL: ref.repoURL,
	}}}, rest.String()
}

func update(ref *reference, line string) bool {
	if !strings.HasPrefix(line, "Argocd-reference-commit-") {
		return false
	}
	parts := strings.SplitN(line, ": ", 2)
	if len(parts) != 2 {
		return false
	}
	value := parts[1]
	switch parts[0] {
	case "Argocd-reference-commit-repourl":
		if _, err := url.Parse(value); err != nil {
			return false
		}
		ref.repoURL = value
	case "Argocd-reference-commit-author":
		address, err := mail.ParseAddress(value)
		if err != nil || address == nil {
			return false
		}
		ref.author = *address
	case "Argocd-reference-commit-date":
		t, err := time.Parse(time.RFC3339, value)
		if err != nil {
			return false
		}
		ref.date = t.Format(time.RFC3339)
	case "Argocd-reference-commit-subject":
		ref.subject = value
	case "Argocd-reference-commit-body":
		body := ""
		if err := json.Unmarshal([]byte(value), &body); err != nil {
			return false
		}
		ref.body = body
	case "Argocd-reference-commit-sha":
		if !shaRegex.MatchString(value) {
			return false
		}
		ref.sha = value
	default:
		return false
	}
	return true
}

func encode(v interface{}) string {
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetIndent("", "  ")
	e.SetEscapeHTML(false)
	if err := e.Encode(v); err != nil {
		fail("encode: %v", err)
	}
	return buf.String()
}

// trailers: what Argo CD's repo server reads references from.
func trailers(message string) string {
	cmd := exec.Command("git", "interpret-trailers", "--parse")
	cmd.Stdin = strings.NewReader(message)
	out, err := cmd.Output()
	if err != nil {
		fail("git interpret-trailers: %v", err)
	}
	return string(out)
}

func hydrate(in input) output {
	message := strings.TrimSpace(in.Message)
	subject, body, _ := strings.Cut(message, "\n\n")
	references, _ := getReferences(trailers(message))
	_, body = getReferences(body)
	root := HydratorCommitMetadata{
		RepoURL: in.RepoURL, DrySHA: in.Sha, Author: in.Author, Subject: subject, Body: body,
		Date:       time.Unix(in.AuthorTime, 0).Format(time.RFC3339),
		References: references,
	}
	path := HydratorCommitMetadata{Commands: in.Commands, DrySHA: in.Sha, RepoURL: in.RepoURL}

	var readme bytes.Buffer
	t := template.Must(template.New("readme").Funcs(sprig.GenericFuncMap()).Parse(readmeTemplate))
	if err := t.Execute(&readme, path); err != nil {
		fail("readme: %v", err)
	}

	var asMap map[string]interface{}
	raw, _ := json.Marshal(root)
	if err := json.Unmarshal(raw, &asMap); err != nil {
		fail("map: %v", err)
	}
	var commit bytes.Buffer
	m := template.Must(template.New("commit").Funcs(sprig.GenericFuncMap()).Parse(commitMessageTemplate))
	if err := m.Execute(&commit, map[string]interface{}{"metadata": asMap}); err != nil {
		fail("commit message: %v", err)
	}
	return output{OK: true, Root: encode(root), Path: encode(path), Readme: readme.String(), Message: commit.String()}
}

func check(in input) output {
	switch in.Kind {
	case "url":
		_, err := url.Parse(in.Value)
		return output{OK: err == nil}
	case "mail":
		address, err := mail.ParseAddress(in.Value)
		if err != nil {
			return output{}
		}
		return output{OK: true, Value: address.String()}
	case "time":
		t, err := time.Parse(time.RFC3339, in.Value)
		if err != nil {
			return output{}
		}
		return output{OK: true, Value: t.Format(time.RFC3339)}
	case "jsonString":
		s := ""
		if err := json.Unmarshal([]byte(in.Value), &s); err != nil {
			return output{}
		}
		return output{OK: true, Value: s}
	case "encode":
		return output{OK: true, Value: encode(in.Value)}
	case "references":
		refs, rest := getReferences(in.Value)
		raw, _ := json.Marshal(refs)
		return output{OK: true, Value: rest, Root: string(raw)}
	case "hydrate":
		return hydrate(in)
	}
	fail("unknown kind %q", in.Kind)
	return output{}
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "argo-metadata: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	// Argo CD's containers run in UTC: the commit time is formatted there.
	time.Local = time.UTC
	var cases []input
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fail("read cases: %v", err)
	}
	results := make([]output, len(cases))
	for i, c := range cases {
		results[i] = check(c)
	}
	out := json.NewEncoder(os.Stdout)
	out.SetEscapeHTML(false)
	if err := out.Encode(results); err != nil {
		fail("write: %v", err)
	}
}
