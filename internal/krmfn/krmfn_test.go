package krmfn

import (
	"bytes"
	"os"
	"testing"
)

// readStdin reads a file from where stdin stands and a pipe alike, to
// the end.
func TestReadStdin(t *testing.T) {
	want := bytes.Repeat([]byte("apiVersion: v1\n"), 10000)
	path := t.TempDir() + "/in.yaml"
	if err := os.WriteFile(path, want, 0o600); err != nil {
		t.Fatal(err)
	}
	saved := os.Stdin
	t.Cleanup(func() { os.Stdin = saved })
	read := func(t *testing.T, f *os.File, want []byte) {
		t.Helper()
		os.Stdin = f
		got, err := readStdin()
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("read %d bytes (error %v), want %d", len(got), err, len(want))
		}
	}
	t.Run("file", func(t *testing.T) {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		read(t, f, want)
	})
	t.Run("file already partly read", func(t *testing.T) {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.Seek(15, 0); err != nil {
			t.Fatal(err)
		}
		read(t, f, want[15:])
	})
	t.Run("pipe", func(t *testing.T) {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		go func() { w.Write(want); w.Close() }()
		read(t, r, want)
	})
}
