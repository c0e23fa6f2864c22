package krmfn

import (
	"bytes"
	"math/rand/v2"
	"os"
	"testing"
	"unicode/utf8"
)

// plainTextByteByByte is plainText written the plain way, one rule at a
// time over the whole input: the reference the word-wise version must
// agree with.
func plainTextByteByByte(in []byte) bool {
	for _, b := range in {
		if b < 0x20 && b != '\n' && b != '\t' || b == 0x7f {
			return false
		}
	}
	if !utf8.Valid(in) {
		return false
	}
	for _, r := range string(in) {
		if r >= 0x80 && r <= 0x9f {
			return false
		}
	}
	for _, seq := range []string{"\ufeff", "\ufffe", "\uffff", "\u2028", "\u2029"} {
		if bytes.Contains(in, []byte(seq)) {
			return false
		}
	}
	return true
}

// Every byte value at every offset of a word and in the tail that does
// not fill one.
func TestPlainTextEachByte(t *testing.T) {
	for n := 1; n <= 17; n++ {
		for at := 0; at < n; at++ {
			for v := 0; v < 256; v++ {
				in := bytes.Repeat([]byte("a"), n)
				in[at] = byte(v)
				if got, want := plainText(in), plainTextByteByByte(in); got != want {
					t.Fatalf("byte %#x at %d of %d: plainText = %v, want %v", v, at, n, got, want)
				}
			}
		}
	}
}

// Random inputs mix ASCII, newlines and tabs with the sequences that are
// refused or nearly so, split anywhere across words, so that a carry
// from one byte into the next or a rune cut at a word's end would show.
func TestPlainTextRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "z", " ", "~", "\n", "\t", "\x00", "\x1f", "\x7f", "\r",
		"é", "\u0085", "\u009f", "\u00a0", "\u2027", "\u2028", "\u2029", "\ufeff", "\ufffd", "\ufffe", "\uffff", "𝄞",
		"\xc2", "\xe2\x80", "\xef\xbb", "\xff", "\xed\xa0\x80"}
	for range 100000 {
		var in []byte
		for range r.IntN(24) {
			if r.IntN(3) == 0 {
				in = append(in, pieces[r.IntN(len(pieces))]...)
			} else {
				in = append(in, pieces[r.IntN(4)]...)
			}
		}
		if got, want := plainText(in), plainTextByteByByte(in); got != want {
			t.Fatalf("%q: plainText = %v, want %v", in, got, want)
		}
	}
}

// BenchmarkPlainText is the check every fast-path run makes of its whole
// input, on the Kubeflow corpus (8.6 MB), against the reference written
// the plain way: the ratio is what the word-wise reading saves.
func BenchmarkPlainText(b *testing.B) {
	in, err := os.ReadFile("../../../shared/corpus/kubeflow-manifests.yaml")
	if err != nil {
		b.Skip(err)
	}
	for name, check := range map[string]func([]byte) bool{"words": plainText, "reference": plainTextByteByByte} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				if !check(in) {
					b.Fatal("the corpus is plain text")
				}
			}
		})
	}
}
