package backup

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/botrunner/botrunner/store"
)

// dataDir makes a data dir as gitd leaves it, with one app in the store.
func dataDir(t *testing.T) (string, *store.Store) {
	t.Helper()
	data := t.TempDir()
	files := map[string]string{
		"instance-id":                          "0123abcd\n",
		"ssh_host_ed25519_key":                 "host key",
		"secret.key":                           "sealing key",
		"repos/my-bot.git/HEAD":                "ref: refs/heads/main\n",
		"repos/my-bot.git/refs/heads/main":     "1111111111111111111111111111111111111111\n",
		"repos/my-bot.git/objects/pack/p.pack": "PACK",
		"repos/my-bot.git/quarantine-1/x.pack": "half a push",
		"logs/my-bot/000001.log":               "v1 hello\n",
		"tmp/botrunner-checkout-1/bot.py":      "print()",
	}
	for name, text := range files {
		p := filepath.Join(data, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	st, err := store.Open(filepath.Join(data, dbName))
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUser(store.User{Name: "admin", Admin: true}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateApp(store.App{Name: "my-bot", Owner: "admin"}, 0); err != nil {
		t.Fatal(err)
	}
	return data, st
}

func TestBackupRestore(t *testing.T) {
	for _, live := range []bool{true, false} {
		t.Run(map[bool]string{true: "from the running gitd", false: "from the file"}[live], func(t *testing.T) {
			data, st := dataDir(t)
			if live {
				l, err := Listen(data)
				if err != nil {
					t.Fatal(err)
				}
				go func() { _ = Serve(l, st) }()
				defer l.Close()
				defer st.Close()
			} else {
				st.Close()
			}
			var buf bytes.Buffer
			sum, err := Create(t.Context(), data, &buf, Options{Version: "test"})
			if err != nil {
				t.Fatal(err)
			}
			if sum.LiveDB != live || sum.IncludeKey {
				t.Errorf("manifest %+v", sum.Manifest)
			}
			to := filepath.Join(t.TempDir(), "restored")
			if _, err := Restore(bytes.NewReader(buf.Bytes()), to); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"instance-id", "ssh_host_ed25519_key", "repos/my-bot.git/HEAD",
				"repos/my-bot.git/refs/heads/main", "repos/my-bot.git/objects/pack/p.pack", "logs/my-bot/000001.log"} {
				want, _ := os.ReadFile(filepath.Join(data, name))
				got, err := os.ReadFile(filepath.Join(to, name))
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s: %q, %v; want %q", name, got, err, want)
				}
			}
			for _, name := range []string{"secret.key", "tmp", "repos/my-bot.git/quarantine-1", SocketName} {
				if _, err := os.Stat(filepath.Join(to, name)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s restored (%v): it must stay out", name, err)
				}
			}
			rst, err := store.Open(filepath.Join(to, dbName))
			if err != nil {
				t.Fatal(err)
			}
			defer rst.Close()
			if apps, err := rst.Apps(); err != nil || len(apps) != 1 || apps[0].Name != "my-bot" {
				t.Errorf("restored apps: %v, %v", apps, err)
			}
		})
	}
}

func TestBackupIncludeKey(t *testing.T) {
	data, st := dataDir(t)
	st.Close()
	var buf bytes.Buffer
	if _, err := Create(t.Context(), data, &buf, Options{IncludeKey: true}); err != nil {
		t.Fatal(err)
	}
	to := t.TempDir()
	m, err := Restore(&buf, to)
	if err != nil || !m.IncludeKey {
		t.Fatalf("restore: %+v, %v", m, err)
	}
	if b, err := os.ReadFile(filepath.Join(to, "secret.key")); err != nil || string(b) != "sealing key" {
		t.Fatalf("secret.key: %q, %v", b, err)
	}
	if fi, _ := os.Stat(filepath.Join(to, "secret.key")); fi.Mode().Perm() != 0o600 {
		t.Errorf("secret.key restored as %v", fi.Mode())
	}
}

func TestRestoreRefuses(t *testing.T) {
	data, st := dataDir(t)
	st.Close()
	var good bytes.Buffer
	if _, err := Create(t.Context(), data, &good, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(bytes.NewReader(good.Bytes()), data); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("into a used data dir: %v", err)
	}
	for name, entry := range map[string]tar.Header{
		"escaping path": {Name: "../evil", Typeflag: tar.TypeReg, Mode: 0o600},
		"absolute path": {Name: "/etc/evil", Typeflag: tar.TypeReg, Mode: 0o600},
		"symlink":       {Name: "repos/link", Typeflag: tar.TypeSymlink, Linkname: "/etc", Mode: 0o777},
	} {
		var buf bytes.Buffer
		gz := gzip.NewWriter(&buf)
		tw := tar.NewWriter(gz)
		m := []byte(`{"format":1}`)
		_ = tw.WriteHeader(&tar.Header{Name: manifestName, Typeflag: tar.TypeReg, Mode: 0o600, Size: int64(len(m))})
		_, _ = tw.Write(m)
		_ = tw.WriteHeader(&tar.Header{Name: "instance-id", Typeflag: tar.TypeReg, Mode: 0o600})
		_ = tw.WriteHeader(&entry)
		_ = tw.Close()
		_ = gz.Close()
		to := filepath.Join(t.TempDir(), "new")
		if _, err := Restore(&buf, to); !errors.Is(err, ErrBadArchive) {
			t.Errorf("%s: %v", name, err)
		}
		if _, err := os.Stat(to); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s: the new data dir was left behind", name)
		}
	}
	if _, err := Restore(bytes.NewReader([]byte("not gzip")), t.TempDir()); !errors.Is(err, ErrBadArchive) {
		t.Errorf("not an archive: %v", err)
	}
}

// A new volume of the gitd image holds the image's marker only: a restore
// into it goes ahead (in Compose, that is where a restore lands).
func TestRestoreIntoNewImageVolume(t *testing.T) {
	data, st := dataDir(t)
	st.Close()
	// The backup of a gitd that ran from the image: its data dir has the marker too.
	if err := os.WriteFile(filepath.Join(data, imageMarker), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	var good bytes.Buffer
	if _, err := Create(t.Context(), data, &good, Options{}); err != nil {
		t.Fatal(err)
	}
	vol := t.TempDir()
	if err := os.WriteFile(filepath.Join(vol, imageMarker), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(bytes.NewReader(good.Bytes()), vol); err != nil {
		t.Fatalf("into a new image volume: %v", err)
	}
	if _, err := os.Stat(filepath.Join(vol, "repos/my-bot.git/HEAD")); err != nil {
		t.Errorf("not restored: %v", err)
	}
}

// failingDB writes part of a database, then fails.
type failingDB struct{}

func (failingDB) Snapshot(w io.Writer) (int64, error) {
	n, _ := w.Write(bytes.Repeat([]byte{0}, 4096))
	return int64(n), errors.New("disk gone")
}

// A snapshot that fails half-way is a failed fetch, not a short database.
func TestFetchOfFailedSnapshotFails(t *testing.T) {
	data := t.TempDir()
	l, err := Listen(data)
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = Serve(l, failingDB{}) }()
	defer l.Close()
	var got bytes.Buffer
	if _, err := fetch(t.Context(), data, &got); err == nil {
		t.Fatalf("fetch of a failed snapshot: no error (%d bytes)", got.Len())
	}
}

// An empty snapshot is refused: opened, it would be a fresh database.
func TestCheckDBRefusesEmpty(t *testing.T) {
	p := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := checkDB(p); err == nil {
		t.Fatal("an empty snapshot passed the check")
	}
}
