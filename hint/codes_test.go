package hint_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCodesAreUnique walks every non-test Go file of the module and finds
// each place a code is written as a literal — hint.New, hint.Errorf and
// hint.Error{Code: …} — so that a code is declared once, in the package
// that owns the condition. hint.Error.Is matches on the code, so two
// packages sharing a code would make their sentinels equal.
func TestCodesAreUnique(t *testing.T) {
	seen := map[string][]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != ".." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, code := range literalCodes(f) {
			seen[code.name] = append(seen[code.name], fset.Position(code.pos).String())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) < 50 {
		t.Fatalf("found only %d codes: the walk is broken", len(seen))
	}
	for code, at := range seen {
		if len(at) > 1 {
			t.Errorf("code %s is written in %d places (declare one sentinel and reuse it): %s", code, len(at), strings.Join(at, ", "))
		}
	}
}

type codeAt struct {
	name string
	pos  token.Pos
}

// literalCodes finds the string literals used as codes in f.
func literalCodes(f *ast.File) []codeAt {
	var out []codeAt
	add := func(e ast.Expr) {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, _ := strconv.Unquote(lit.Value)
			out = append(out, codeAt{s, lit.Pos()})
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.CallExpr:
			if isHint(n.Fun, "New") || isHint(n.Fun, "Errorf") {
				if len(n.Args) > 0 {
					add(n.Args[0])
				}
			}
		case *ast.CompositeLit:
			if isHint(n.Type, "Error") || isLocal(n.Type, "Error", f) {
				for _, el := range n.Elts {
					if kv, ok := el.(*ast.KeyValueExpr); ok {
						if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "Code" {
							add(kv.Value)
						}
					}
				}
			}
		}
		return true
	})
	return out
}

// isHint reports whether e is hint.<name>.
func isHint(e ast.Expr, name string) bool {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return false
	}
	x, ok := sel.X.(*ast.Ident)
	return ok && x.Name == "hint" && sel.Sel.Name == name
}

// isLocal reports whether e is the unqualified name inside package hint.
func isLocal(e ast.Expr, name string, f *ast.File) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name && f.Name.Name == "hint"
}
