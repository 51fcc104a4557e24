package build

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/botrunner/botrunner/hint"
)

// refusedDockerfiles are ways to make the engine fetch something, each
// with the code it must be refused with.
var refusedDockerfiles = map[string]string{
	"http":             "FROM python:3.11-slim\nADD http://127.0.0.1:8080/secret /s\n",
	"https":            "FROM python:3.11-slim\nADD https://169.254.169.254/latest/meta-data/ /m\n",
	"upper case":       "FROM python:3.11-slim\nadd HTTP://127.0.0.1/secret /s\n",
	"several sources":  "FROM python:3.11-slim\nADD a.txt http://127.0.0.1/secret /d/\n",
	"json form":        "FROM python:3.11-slim\nADD [\"http://127.0.0.1/secret\", \"/s\"]\n",
	"continuation":     "FROM python:3.11-slim\nADD \\\n  http://127.0.0.1/secret \\\n  /s\n",
	"split keyword":    "FROM python:3.11-slim\nAD\\\nD http://127.0.0.1/secret /s\n",
	"comment inside":   "FROM python:3.11-slim\nADD \\\n# a comment\n http://127.0.0.1/secret /s\n",
	"escape directive": "# escape=`\nFROM python:3.11-slim\nADD `\n http://127.0.0.1/secret /s\n",
	"checksum":         "FROM python:3.11-slim\nADD --checksum=sha256:0000 http://127.0.0.1/secret /s\n",
	"checksum local":   "FROM python:3.11-slim\nADD --checksum=sha256:0000 a.txt /s\n",
	"chown flag":       "FROM python:3.11-slim\nADD --chown=1:1 http://127.0.0.1/secret /s\n",
	"git scp":          "FROM python:3.11-slim\nADD git@127.0.0.1:repo.git /src\n",
	"git url":          "FROM python:3.11-slim\nADD git://127.0.0.1/repo.git /src\n",
	"github shorthand": "FROM python:3.11-slim\nADD github.com/moby/moby /src\n",
	"keep git dir":     "FROM python:3.11-slim\nADD --keep-git-dir=true repo /src\n",
	"arg default":      "FROM python:3.11-slim\nARG U=http://127.0.0.1/secret\nADD $U /s\n",
	"arg braces":       "FROM python:3.11-slim\nARG H=127.0.0.1\nADD http://${H}/secret /s\n",
	"meta arg":         "ARG U=http://127.0.0.1/secret\nFROM python:3.11-slim\nARG U\nADD ${U} /s\n",
	"env":              "FROM python:3.11-slim\nENV S=htt P=p://127.0.0.1/x\nADD ${S}${P} /s\n",
	"env old form":     "FROM python:3.11-slim\nENV U http://127.0.0.1/secret\nADD $U /s\n",
	"default expand":   "FROM python:3.11-slim\nADD ${NOPE:-http://127.0.0.1/secret} /s\n",
	"onbuild":          "FROM python:3.11-slim\nONBUILD ADD http://127.0.0.1/secret /s\n",
	"second stage":     "FROM python:3.11-slim AS a\nRUN true\nFROM a\nADD http://127.0.0.1/secret /s\n",
	"ipv6":             "FROM python:3.11-slim\nADD http://[::1]:8080/secret /s\n",
	"unclosed quote":   "FROM python:3.11-slim\nADD \"http://127.0.0.1/secret /s\n",
	"ftp":              "FROM python:3.11-slim\nADD ftp://127.0.0.1/secret /s\n",
	"leading space":    "FROM python:3.11-slim\n   ADD\thttp://127.0.0.1/secret /s\n",
	"crlf":             "FROM python:3.11-slim\r\nADD http://127.0.0.1/secret /s\r\n",
	"bom":              "\ufeffFROM python:3.11-slim\nADD http://127.0.0.1/secret /s\n",

	"heredoc hides add": "FROM python:3.11-slim\nRUN <<EOF\nADD http://127.0.0.1/secret /s\nEOF\n",
	"heredoc copy":      "FROM python:3.11-slim\nCOPY <<EOF /x\nhello\nEOF\n",

	"syntax":         "# syntax=127.0.0.1:5000/frontend\nFROM python:3.11-slim\n",
	"syntax docker":  "# syntax=docker/dockerfile:1\nFROM python:3.11-slim\n",
	"syntax spaced":  "#   SYNTAX = docker/dockerfile:1\nFROM python:3.11-slim\n",
	"syntax shebang": "#!/usr/bin/env docker\n# syntax=docker/dockerfile:1\nFROM python:3.11-slim\n",

	"from registry":      "FROM 127.0.0.1:5000/python:3.11\n",
	"from localhost":     "FROM localhost/python:3.11\n",
	"from private":       "FROM registry.example.com/team/bot:1\n",
	"from ipv6":          "FROM [::1]:5000/python\n",
	"from arg":           "ARG REG=127.0.0.1:5000\nFROM ${REG}/python:3.11\n",
	"from arg default":   "FROM ${REG:-127.0.0.1:5000}/python:3.11\n",
	"copy from image":    "FROM python:3.11-slim\nCOPY --from=127.0.0.1:5000/x /a /b\n",
	"copy from arg":      "FROM python:3.11-slim\nARG I=127.0.0.1:5000/x\nCOPY --from=$I /a /b\n",
	"from platform":      "FROM --platform=linux/amd64 127.0.0.1:5000/python\n",
	"from not reference": "FROM UPPER/Case\n",
}

func TestCheckDockerfileRefuses(t *testing.T) {
	p := dockerfilePolicy{}
	for name, df := range refusedDockerfiles {
		t.Run(name, func(t *testing.T) {
			err := p.check(strings.NewReader(df))
			require.Error(t, err)
			h := hint.Of(err)
			require.NotNil(t, h, "a hint error: %v", err)
			assert.Contains(t, []string{ErrRemoteAdd.Code, ErrDockerfileRegistry.Code, ErrDockerfileFrontend.Code,
				ErrDockerfileHeredoc.Code}, h.Code, "%v", err)
			assert.NotEmpty(t, h.Tip)
		})
	}
}

func TestCheckDockerfileCodes(t *testing.T) {
	p := dockerfilePolicy{}
	for name, code := range map[string]string{
		"http": ErrRemoteAdd.Code, "git scp": ErrRemoteAdd.Code, "checksum local": ErrRemoteAdd.Code,
		"from registry": ErrDockerfileRegistry.Code, "copy from image": ErrDockerfileRegistry.Code,
		"syntax": ErrDockerfileFrontend.Code, "heredoc hides add": ErrDockerfileHeredoc.Code,
	} {
		assert.Equal(t, code, hint.CodeOf(p.check(strings.NewReader(refusedDockerfiles[name]))), name)
	}
}

func TestCheckDockerfileAllows(t *testing.T) {
	p := dockerfilePolicy{registries: []string{"mirror.internal:5000"}, buildArgs: map[string]string{"V": "3.12"}}
	for name, df := range map[string]string{
		"plain":            "FROM python:3.11-slim\nCOPY . /app\nADD a.tar.gz /app/\nRUN pip install -r /app/requirements.txt\n",
		"run download":     "FROM python:3.11-slim\nRUN curl -fsSL http://example.com/x -o /x\n",
		"docker.io":        "FROM docker.io/library/python:3.11-slim\n",
		"allowed registry": "FROM mirror.internal:5000/python:3.11\n",
		"stages":           "FROM python:3.11-slim AS Build\nRUN true\nFROM python:3.11-slim\nCOPY --from=build /a /b\nCOPY --from=0 /a /c\n",
		"scratch":          "FROM scratch\nCOPY bot /bot\n",
		"arg image":        "ARG V=3.11\nFROM python:${V}-slim\n",
		"digest":           "FROM python@sha256:" + strings.Repeat("a", 64) + "\n",
		"local colon file": "FROM python:3.11-slim\nADD a:b /x\n",
		"add dir":          "FROM python:3.11-slim\nADD src/ /app/\n",
		"comment url":      "FROM python:3.11-slim\n# ADD http://127.0.0.1/secret /s\nRUN true\n",
		"url in run":       "FROM python:3.11-slim\nRUN echo 'ADD http://127.0.0.1/x'\n",
		"onbuild copy":     "FROM python:3.11-slim\nONBUILD COPY . /app\n",
	} {
		assert.NoError(t, p.check(strings.NewReader(df)), name)
	}
}

func TestCheckDockerfileTooBig(t *testing.T) {
	df := "FROM python:3.11-slim\n" + strings.Repeat("# pad\n", maxDockerfile/6+1)
	assert.Equal(t, ErrDockerfileInvalid.Code, hint.CodeOf(dockerfilePolicy{}.check(strings.NewReader(df))))
}

var continuation = regexp.MustCompile(`\\[ \t]*(\n|$)`)

// FuzzCheckDockerfile: whatever the input, the check never panics, and a
// Dockerfile it accepts has no ADD the engine would fetch, by a second,
// plainer reading of the parsed instructions.
func FuzzCheckDockerfile(f *testing.F) {
	for _, df := range refusedDockerfiles {
		f.Add(df)
	}
	f.Add("FROM python:3.11-slim\nCOPY . /app\n")
	f.Fuzz(func(t *testing.T, df string) {
		err := dockerfilePolicy{}.check(strings.NewReader(df))
		if err != nil {
			return
		}
		// A backslash ending a line (spaces may follow it) or the input
		// joins the next line, as the parser reads it.
		for _, line := range strings.Split(continuation.ReplaceAllString(df, ""), "\n") {
			f := strings.Fields(line)
			if len(f) < 3 || !strings.EqualFold(f[0], "add") {
				continue
			}
			for _, w := range f[1 : len(f)-1] {
				w = strings.ToLower(strings.TrimLeft(w, `["`)) // the JSON form's word, or a quoted one
				for _, remote := range []string{"http://", "https://", "git://", "git@"} {
					if strings.HasPrefix(w, remote) {
						t.Fatalf("accepted %q", df)
					}
				}
			}
		}
	})
}

func TestCheckDockerfileBases(t *testing.T) {
	f := &fakeEngine{t: t, images: map[string]string{"local/base:1": "sha256:b"}, onbuild: map[string][]string{
		"local/evil:1": {"ADD http://169.254.169.254/latest/meta-data/ /m"}, "local/ok:1": {"COPY . /app"}}}
	for img := range f.onbuild {
		f.images[img] = "sha256:" + img
	}
	check := func(df string, registries ...string) error {
		b := New(f, Options{Registries: registries})
		return b.checkDockerfile(t.Context(), &tree{root: mustRoot(t, writeTree(t, map[string]string{"Dockerfile": df}))})
	}
	assert.NoError(t, check("FROM local/base:1\nCOPY --from=local/ok:1 /a /b\n"))
	assert.NoError(t, check("FROM local/ok:1\n"), "a COPY trigger is fine")
	err := check("FROM local/evil:1\n")
	assert.Equal(t, ErrRemoteAdd.Code, hint.CodeOf(err), "an ONBUILD ADD of a URL in the base image: %v", err)
	assert.Contains(t, err.Error(), "local/evil:1")
	assert.Equal(t, ErrRemoteAdd.Code, hint.CodeOf(check("FROM local/base:1\nCOPY --from=local/evil:1 /a /b\n")))
	err = check("FROM python:3.11-slim\n")
	assert.Equal(t, ErrDockerfileRegistry.Code, hint.CodeOf(err), "not on the engine: it would be pulled")
	assert.NoError(t, check("FROM python:3.11-slim\n", "docker.io"), "pulls from docker.io allowed")
}
