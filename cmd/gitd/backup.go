package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"slices"

	"github.com/botrunner/botrunner/backup"
	"github.com/botrunner/botrunner/bytesize"
	"github.com/botrunner/botrunner/config"
	"github.com/botrunner/botrunner/hint"
	"github.com/botrunner/botrunner/store"
)

var errUsage = hint.New("BAD_SUBCOMMAND_ARGS", "wrong arguments",
	"gitd backup FILE [--include-key] [--data DIR]; gitd restore FILE --data DIR")

// serveBackups lets `gitd backup` take its database snapshot from this
// gitd (backup.SocketName in the data dir). Without the socket, backups
// of a running gitd fail, but gitd serves all the same.
func serveBackups(data string, st *store.Store, log *slog.Logger) func() {
	l, err := backup.Listen(data)
	if err != nil {
		log.Warn("no backup socket: gitd backup cannot run while this gitd does", "err", err)
		return func() {}
	}
	go func() {
		if err := backup.Serve(l, st); err != nil {
			log.Warn("backup socket", "err", err)
		}
	}()
	return func() { l.Close() }
}

// fileArg splits `FILE [flags…]`, taking out the boolean flag named.
func fileArg(args []string, flag string) (file string, set bool, rest []string, err error) {
	if len(args) == 0 || args[0] == "" || (args[0][0] == '-' && args[0] != "-") {
		return "", false, nil, errUsage
	}
	rest = slices.Clone(args[1:])
	set = slices.Contains(rest, flag)
	rest = slices.DeleteFunc(rest, func(a string) bool { return a == flag })
	return args[0], set, rest, nil
}

// runBackup is `gitd backup FILE [--include-key] [gitd's flags]`.
func runBackup(args []string) error {
	file, withKey, rest, err := fileArg(args, "--include-key")
	if err != nil {
		return err
	}
	cfg, err := config.Parse(rest, version)
	if err != nil {
		return err
	}
	if withKey {
		fmt.Fprintln(os.Stderr, "warning: --include-key: the backup holds secret.key, which opens every app's config "+
			"values (bot tokens). Keep it as safe as the server itself.")
	}
	sum, err := writeBackup(file, cfg.Data, withKey)
	if err != nil {
		return err
	}
	from := "the database file (no gitd was running)"
	if sum.LiveDB {
		from = "the running gitd's snapshot"
	}
	fmt.Fprintf(os.Stderr, "backup %s: %d files, %s before compression, database from %s; secret key included: %v\n",
		file, sum.Files, bytesize.Format(sum.Bytes), from, withKey)
	return nil
}

// writeBackup writes the archive to file (via file.partial, renamed when
// whole), or to stdout for "-" (docker-compose exec -T gitd gitd backup -).
func writeBackup(file, data string, withKey bool) (backup.Summary, error) {
	opts := backup.Options{IncludeKey: withKey, Version: version}
	if file == "-" {
		return backup.Create(context.Background(), data, os.Stdout, opts)
	}
	tmp := file + ".partial"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return backup.Summary{}, err
	}
	defer os.Remove(tmp)
	sum, err := backup.Create(context.Background(), data, f, opts)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, file)
	}
	return sum, err
}

// runRestore is `gitd restore FILE --data DIR`.
func runRestore(args []string) error {
	file, _, rest, err := fileArg(args, "")
	if err != nil {
		return err
	}
	cfg, err := config.Parse(rest, version)
	if err != nil {
		return err
	}
	in := os.Stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	m, err := backup.Restore(in, cfg.Data)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "restored the backup of %s into %s; start gitd with --data %s: it starts each app's "+
		"current release, building the images the engine lacks\n", m.Created.Format("2006-01-02 15:04 UTC"), cfg.Data, cfg.Data)
	if !m.IncludeKey {
		fmt.Fprintf(os.Stderr, "warning: the backup has no secret.key: copy the old server's secret.key into %s "+
			"before starting gitd, or the apps' config values cannot be read\n", cfg.Data)
	}
	return nil
}
