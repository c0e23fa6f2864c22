package main

import (
	"testing"

	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/benchdata"
)

// TestPlainObjects wants the plain stream to hold exactly the ResourceList's
// items, in order and unchanged: kyverno apply must see the objects that
// pod-security-check sees.
func TestPlainObjects(t *testing.T) {
	rl, err := benchdata.Build(benchdata.CorpusPath(), 1)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := plainObjects(rl)
	if err != nil {
		t.Fatal(err)
	}
	list, err := fn.ParseResourceList(rl)
	if err != nil {
		t.Fatal(err)
	}
	objects, err := fn.ParseKubeObjects(plain)
	if err != nil {
		t.Fatalf("the plain stream does not parse: %v", err)
	}
	if len(objects) != len(list.Items) || len(objects) != 503+4 {
		t.Fatalf("%d plain objects, %d items, want 507 of each", len(objects), len(list.Items))
	}
	for i, o := range objects {
		if got, want := o.String(), list.Items[i].String(); got != want {
			t.Fatalf("object %d differs:\n%s\nwant:\n%s", i, got, want)
		}
	}
}

func TestCheckRefusesIgnoredFlags(t *testing.T) {
	for name, o := range map[string]options{
		"plain with config": {copies: benchdata.Copies, plain: true, config: "bastion"},
		"in with copies":    {copies: 1, in: "input.yaml"},
		"no copies":         {copies: 0},
	} {
		if err := o.check(nil); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
	if err := (options{copies: benchdata.Copies}).check([]string{"extra"}); err == nil {
		t.Error("an argument: want an error")
	}
	if err := (options{copies: 1, plain: true}).check(nil); err != nil {
		t.Errorf("-copies 1 -plain: %v", err)
	}
}
