package pyindex

import (
	"fmt"
	"html"
	"net/http"
	"sort"
	"strings"
)

// Index is a PEP 503 "simple" repository over a fixed set of wheels:
//
//	/simple/             every project
//	/simple/<project>/   its files, each link with a #sha256= fragment
//	/packages/<file>     the wheel itself
//	/healthz             "ok"
type Index struct {
	projects map[string][]Wheel // normalized name → wheels
	files    map[string]Wheel   // filename → wheel
	mux      *http.ServeMux
}

// New builds the wheels for projects and returns an index serving them.
func New(projects []Project) (*Index, error) {
	ix := &Index{projects: map[string][]Wheel{}, files: map[string]Wheel{}, mux: http.NewServeMux()}
	for _, p := range projects {
		w, err := BuildWheel(p)
		if err != nil {
			return nil, err
		}
		name := Normalize(p.Name)
		ix.projects[name] = append(ix.projects[name], w)
		ix.files[w.Filename] = w
	}
	ix.mux.HandleFunc("GET /simple/{$}", ix.root)
	ix.mux.HandleFunc("GET /simple/{project}/{$}", ix.project)
	ix.mux.HandleFunc("GET /simple/{project}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/simple/"+r.PathValue("project")+"/", http.StatusMovedPermanently)
	})
	ix.mux.HandleFunc("GET /packages/{file}", ix.file)
	ix.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "ok")
	})
	return ix, nil
}

// Wheels returns every wheel the index serves, sorted by file name.
func (ix *Index) Wheels() []Wheel {
	out := make([]Wheel, 0, len(ix.files))
	for _, w := range ix.files {
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Filename < out[j].Filename })
	return out
}

func (ix *Index) ServeHTTP(w http.ResponseWriter, r *http.Request) { ix.mux.ServeHTTP(w, r) }

// page writes the HTML shell pip expects (PEP 503, with the PEP 629
// repository version).
func page(w http.ResponseWriter, title string, links []string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!DOCTYPE html>\n<html>\n<head>\n"+
		"<meta name=\"pypi:repository-version\" content=\"1.0\">\n"+
		"<title>%s</title>\n</head>\n<body>\n", html.EscapeString(title))
	for _, l := range links {
		fmt.Fprintln(w, l+"<br>")
	}
	fmt.Fprintln(w, "</body>\n</html>")
}

func (ix *Index) root(w http.ResponseWriter, _ *http.Request) {
	names := make([]string, 0, len(ix.projects))
	for name := range ix.projects {
		names = append(names, name)
	}
	sort.Strings(names)
	links := make([]string, len(names))
	for i, n := range names {
		links[i] = fmt.Sprintf(`<a href="/simple/%s/">%s</a>`, n, n)
	}
	page(w, "Simple index", links)
}

func (ix *Index) project(w http.ResponseWriter, r *http.Request) {
	asked := r.PathValue("project")
	name := Normalize(asked)
	if name != asked {
		// PEP 503: redirect to the normalized URL.
		http.Redirect(w, r, "/simple/"+name+"/", http.StatusMovedPermanently)
		return
	}
	wheels, ok := ix.projects[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	links := make([]string, len(wheels))
	for i, wh := range wheels {
		links[i] = fmt.Sprintf(`<a href="/packages/%s#sha256=%s" data-requires-python="%s">%s</a>`,
			wh.Filename, wh.SHA256, html.EscapeString(">=3.8"), wh.Filename)
	}
	page(w, "Links for "+name, links)
}

func (ix *Index) file(w http.ResponseWriter, r *http.Request) {
	wh, ok := ix.files[r.PathValue("file")]
	if !ok || strings.Contains(r.PathValue("file"), "/") {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", fmt.Sprint(len(wh.Data)))
	_, _ = w.Write(wh.Data)
}
