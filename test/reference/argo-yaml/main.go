// Command argo-yaml prints the manifest.yaml that Argo CD's source hydrator would write for
// the objects on stdin: each decoded from JSON with integers kept (as Kubernetes'
// unstructured objects are), then written by one go-yaml v3 Encoder with an indent of 2, one
// Encode per object. It is the reference for test/argo-yaml.test.ts; it shares no code with
// Argo CD.
//
// -in json (default): stdin is a stream of JSON objects, the hydrator's input.
// -in yaml: stdin is rendered YAML (helm template, kustomize build). It is first read the way
// Argo CD's repo server reads tool output: split into documents, converted to JSON by
// sigs.k8s.io/yaml (go-yaml v2, YAML 1.1), decoded into an object and encoded as JSON again.
//
// Built from Debian's packages (GOPATH mode, no module downloads); see test/helpers/argoReference.ts.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	yaml3 "gopkg.in/yaml.v3"
	kjson "sigs.k8s.io/json"
	sigsyaml "sigs.k8s.io/yaml"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "argo-yaml: "+format+"\n", args...)
	os.Exit(1)
}

// decode is how an unstructured object reads JSON: numbers without a fraction stay int64.
func decode(data []byte) map[string]interface{} {
	object := map[string]interface{}{}
	if err := kjson.UnmarshalCaseSensitivePreserveInts(data, &object); err != nil {
		fail("decoding %s: %v", data, err)
	}
	if kind, _ := object["kind"].(string); kind == "" {
		fail("object without kind: %s", data)
	}
	return object
}

func jsonObjects(input []byte) [][]byte {
	var out [][]byte
	decoder := json.NewDecoder(bytes.NewReader(input))
	for {
		var raw json.RawMessage
		if err := decoder.Decode(&raw); err == io.EOF {
			return out
		} else if err != nil {
			fail("reading JSON: %v", err)
		}
		out = append(out, raw)
	}
}

// yamlDocuments splits a stream on `---` lines, as Kubernetes' YAML reader does.
func yamlDocuments(input []byte) [][]byte {
	var docs [][]byte
	var current bytes.Buffer
	scanner := bufio.NewScanner(bytes.NewReader(input))
	scanner.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	for scanner.Scan() {
		line := scanner.Text()
		if strings.HasPrefix(line, "---") {
			rest := strings.TrimSpace(line[3:])
			if rest == "" || strings.HasPrefix(rest, "#") {
				docs = append(docs, append([]byte(nil), current.Bytes()...))
				current.Reset()
				continue
			}
		}
		current.WriteString(line)
		current.WriteByte('\n')
	}
	if err := scanner.Err(); err != nil {
		fail("reading YAML: %v", err)
	}
	return append(docs, current.Bytes())
}

// fromYAML is the repo server's side: tool output to the JSON of each object.
func fromYAML(input []byte) [][]byte {
	var out [][]byte
	for _, doc := range yamlDocuments(input) {
		data, err := sigsyaml.YAMLToJSON(doc)
		if err != nil {
			fail("converting YAML: %v\n%s", err, doc)
		}
		data = bytes.TrimSpace(data)
		if len(data) == 0 || string(data) == "null" {
			continue
		}
		// Read into an object (sigs.k8s.io/yaml reads the JSON as YAML again), then marshalled.
		again, err := sigsyaml.YAMLToJSON(data)
		if err != nil {
			fail("converting JSON: %v", err)
		}
		encoded, err := json.Marshal(decode(again))
		if err != nil {
			fail("encoding JSON: %v", err)
		}
		out = append(out, encoded)
	}
	return out
}

func main() {
	in := flag.String("in", "json", "json or yaml")
	flag.Parse()
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail("reading stdin: %v", err)
	}
	var manifests [][]byte
	switch *in {
	case "json":
		manifests = jsonObjects(input)
	case "yaml":
		manifests = fromYAML(input)
	default:
		fail("-in must be json or yaml")
	}
	out := bufio.NewWriter(os.Stdout)
	encoder := yaml3.NewEncoder(out)
	encoder.SetIndent(2)
	for _, manifest := range manifests {
		object := decode(manifest)
		if err := encoder.Encode(&object); err != nil {
			fail("encoding YAML: %v", err)
		}
	}
	if len(manifests) > 0 {
		if err := encoder.Close(); err != nil {
			fail("closing the encoder: %v", err)
		}
	}
	if err := out.Flush(); err != nil {
		fail("writing stdout: %v", err)
	}
}
