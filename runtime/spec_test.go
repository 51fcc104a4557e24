package runtime_test

import (
	"errors"
	"testing"

	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/runtime"
)

func TestCheckUser(t *testing.T) {
	for _, tc := range []struct {
		user string
		root bool
	}{
		{"", true}, {"root", true}, {"0", true}, {"0:0", true}, {"root:root", true},
		{"0:1000", true}, {"00", true}, {":1000", true},
		{"1000", false}, {"1000:1000", false}, {"65534:65534", false}, {"bot", false}, {"1000:0", false},
	} {
		err := runtime.CheckUser(tc.user)
		if got := errors.Is(err, runtime.ErrRootUser); got != tc.root {
			t.Errorf("CheckUser(%q) = %v, want root=%v", tc.user, err, tc.root)
		}
		if err != nil && hint.TipOf(err) == "" {
			t.Errorf("CheckUser(%q): error without a hint", tc.user)
		}
	}
}

func TestWithDefaults(t *testing.T) {
	in := runtime.Spec{Image: "img", User: "1000", Labels: map[string]string{"a": "1"}, Limits: runtime.Limits{Pids: 7}}
	s := in.WithDefaults()
	want := runtime.Limits{Memory: 256 << 20, NanoCPUs: 5e8, Pids: 7}
	if s.Limits != want {
		t.Errorf("limits = %+v, want %+v", s.Limits, want)
	}
	if s.TmpfsSize != "64m" || s.LogMaxSize != "10m" || s.LogMaxFile != 3 || s.Network != runtime.DefaultNetwork {
		t.Errorf("defaults not applied: %+v", s)
	}
	s.Labels["b"] = "2"
	if len(in.Labels) != 1 {
		t.Error("WithDefaults shares the labels map with its input")
	}
	if err := s.Validate(); err != nil {
		t.Errorf("Validate(defaulted) = %v", err)
	}
}

func TestValidate(t *testing.T) {
	ok := runtime.Spec{Image: "img", User: "1000:1000"}.WithDefaults()
	for name, mut := range map[string]func(*runtime.Spec){
		"no image":         func(s *runtime.Spec) { s.Image = "" },
		"tmpfs injection":  func(s *runtime.Spec) { s.TmpfsSize = "64m,exec" },
		"log size":         func(s *runtime.Spec) { s.LogMaxSize = "ten" },
		"host network":     func(s *runtime.Spec) { s.Network = "host" },
		"container net":    func(s *runtime.Spec) { s.Network = "container:abc" },
		"negative pids":    func(s *runtime.Spec) { s.Limits.Pids = -1 },
		"tiny memory":      func(s *runtime.Spec) { s.Limits.Memory = 1 << 20 },
		"env without name": func(s *runtime.Spec) { s.Env = []string{"=x"} },
		"max-file":         func(s *runtime.Spec) { s.LogMaxFile = -1 },
	} {
		s := ok
		mut(&s)
		if err := s.Validate(); !errors.Is(err, runtime.ErrInvalidSpec) {
			t.Errorf("%s: Validate = %v, want ErrInvalidSpec", name, err)
		}
	}
	root := ok
	root.User = "0:0"
	if err := root.Validate(); !errors.Is(err, runtime.ErrRootUser) {
		t.Errorf("root: Validate = %v, want ErrRootUser", err)
	}
}

func TestLabels(t *testing.T) {
	l := runtime.Labels("my-bot", "alice", 3)
	if l[runtime.LabelApp] != "my-bot" || l[runtime.LabelOwner] != "alice" || l[runtime.LabelRelease] != "3" || len(l) != 3 {
		t.Errorf("Labels = %v", l)
	}
}
