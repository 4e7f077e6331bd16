// Command argo-template executes ApplicationSet Go templates as Argo CD's
// applicationset/utils Render.Replace does, for the cases on stdin (a JSON array of
// {template, params, options}): text/template with sprig's GenericFuncMap minus env,
// expandenv and getHostByName, plus normalize, toYaml, fromYaml and fromYamlArray
// (applicationset/utils/template_functions.go at 37ee0097cf851bc2dd7665fc081bbce61a7e836e,
// Apache-2.0), each goTemplateOptions entry applied with Option. Parameters are decoded by
// encoding/json, so numbers are float64 as the generators give them. It prints one
// {output} or {error} per case. It is the reference for test/go-template-reference.test.ts.
//
// Written here from reading that source: no Argo CD code is imported. slugify (gosimple/slug)
// is not registered: Debian has no package of it.
//
// Built from Debian's packages (GOPATH mode, no module downloads); see test/helpers/argoReference.ts.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig"
	"sigs.k8s.io/yaml"
)

type templateCase struct {
	Template string         `json:"template"`
	Params   map[string]any `json:"params"`
	Options  []string       `json:"options"`
}

type templateResult struct {
	Output *string `json:"output,omitempty"`
	Error  *string `json:"error,omitempty"`
}

var invalidNameCharacters = regexp.MustCompile("[^-a-z0-9.]")

// normalize: lower case, every rune outside [-a-z0-9.] becomes "-", at most 253 bytes,
// then "-" and "." trimmed from both ends.
func normalize(name string) string {
	name = invalidNameCharacters.ReplaceAllString(strings.ToLower(name), "-")
	if len(name) > 253 {
		name = name[:253]
	}
	return strings.Trim(name, "-.")
}

// toYaml: sigs.k8s.io/yaml's Marshal without its final newline.
func toYaml(value any) (string, error) {
	data, err := yaml.Marshal(value)
	if err != nil {
		return "", err
	}
	return strings.TrimSuffix(string(data), "\n"), nil
}

func fromYaml(text string) (map[string]any, error) {
	out := map[string]any{}
	if err := yaml.Unmarshal([]byte(text), &out); err != nil {
		return nil, err
	}
	return out, nil
}

func fromYamlArray(text string) ([]any, error) {
	out := []any{}
	if err := yaml.Unmarshal([]byte(text), &out); err != nil {
		return nil, err
	}
	return out, nil
}

func functions() template.FuncMap {
	funcs := sprig.GenericFuncMap()
	delete(funcs, "env")
	delete(funcs, "expandenv")
	delete(funcs, "getHostByName")
	funcs["normalize"] = normalize
	funcs["toYaml"] = toYaml
	funcs["fromYaml"] = fromYaml
	funcs["fromYamlArray"] = fromYamlArray
	return funcs
}

func run(c templateCase, base *template.Template) templateResult {
	cloned, err := base.Clone()
	if err != nil {
		message := err.Error()
		return templateResult{Error: &message}
	}
	for _, option := range c.Options {
		cloned = cloned.Option(option)
	}
	parsed, err := cloned.Parse(c.Template)
	if err != nil {
		message := fmt.Sprintf("failed to parse template %s: %v", c.Template, err)
		return templateResult{Error: &message}
	}
	var out bytes.Buffer
	if err := parsed.Execute(&out, c.Params); err != nil {
		message := fmt.Sprintf("failed to execute go template %s: %v", c.Template, err)
		return templateResult{Error: &message}
	}
	text := out.String()
	return templateResult{Output: &text}
}

func main() {
	var cases []templateCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	base := template.New("base").Funcs(functions())
	results := make([]templateResult, 0, len(cases))
	for _, c := range cases {
		results = append(results, run(c, base))
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
