package lint

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/distribution/reference"
	"github.com/google/go-cmp/cmp"
	"github.com/kptdev/krm-functions-sdk/go/fn"

	"github.com/lockdown-krm/lockdown/internal/testing/fntest"

	"github.com/lockdown-krm/lockdown/functions/imagemirror"
)

const (
	// mirrorGolden is image-mirror's reviewed account of the corpus: the
	// images it copies and the fields it rewrites.
	mirrorGolden = "../imagemirror/testdata/kubeflow-corpus.golden"
	corpusMirror = "us-docker.pkg.dev/my-project/mirror"
)

var quotedImage = regexp.MustCompile(`pulls "([^"]+)" from`)

// TestKubeflowImagesBeforeMirror runs lint on the real Kubeflow install
// as it comes: the only errors are unreachable images, and they are
// exactly the images image-mirror copies (its golden copy plan, 39
// images) in exactly the fields it rewrites (41): the two functions agree
// on what private nodes cannot pull.
func TestKubeflowImagesBeforeMirror(t *testing.T) {
	items := fntest.KubeflowCorpus(t)
	wantImages, wantFields := readMirrorGolden(t)
	var images []string
	fields := 0
	for _, r := range runLint(t, items, fn.NewEmptyKubeObject()) {
		if r.Severity != fn.Error {
			continue
		}
		m := quotedImage.FindStringSubmatch(r.Message)
		if !strings.HasPrefix(r.Message, "[unreachable-image]") || m == nil {
			t.Errorf("unexpected error on the corpus: %s", r)
			continue
		}
		fields++
		named, err := reference.ParseNormalizedNamed(m[1])
		if err != nil {
			t.Fatal(err)
		}
		images = append(images, named.String())
	}
	slices.Sort(images)
	images = slices.Compact(images)
	if diff := cmp.Diff(wantImages, images); diff != "" {
		t.Errorf("unreachable images differ from image-mirror's copy plan (-image-mirror +lint):\n%s", diff)
	}
	if fields != wantFields {
		t.Errorf("lint reports %d image fields, image-mirror rewrites %d", fields, wantFields)
	}
	t.Logf("%d unreachable images in %d fields", len(images), fields)
}

// TestKubeflowImagesAfterMirror runs image-mirror on the corpus, then lint
// with the same mirror: nothing is left that private nodes cannot pull.
func TestKubeflowImagesAfterMirror(t *testing.T) {
	cfg, err := fn.ParseKubeObject([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  mirror: " + corpusMirror + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	rl := &fn.ResourceList{Items: fntest.KubeflowCorpus(t), FunctionConfig: cfg}
	if ok, err := imagemirror.Processor().Process(rl); !ok || err != nil {
		t.Fatalf("image-mirror failed: %v %v", err, rl.Results)
	}
	for _, r := range runLint(t, rl.Items, cfg) {
		if r.Severity == fn.Error || strings.HasPrefix(r.Message, "[unreachable-image]") {
			t.Errorf("after image-mirror: %s", r)
		}
	}
}

// readMirrorGolden returns the sources of image-mirror's copy plan for the
// corpus, sorted, and the number of fields it rewrites.
func readMirrorGolden(t *testing.T) ([]string, int) {
	t.Helper()
	f, err := os.Open(mirrorGolden)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sources []string
	fields := -1
	inPlan := false
	scan := bufio.NewScanner(f)
	for scan.Scan() {
		line := scan.Text()
		switch {
		case strings.HasPrefix(line, "# image fields rewritten: "):
			fields, err = strconv.Atoi(strings.TrimPrefix(line, "# image fields rewritten: "))
			if err != nil {
				t.Fatal(err)
			}
		case strings.HasPrefix(line, "## "):
			inPlan = line == "## copy plan"
		case inPlan && strings.Contains(line, " -> "):
			source, _, _ := strings.Cut(line, " -> ")
			sources = append(sources, source)
		}
	}
	if len(sources) == 0 || fields < 0 {
		t.Fatalf("%s: no copy plan or field count", mirrorGolden)
	}
	slices.Sort(sources)
	return sources, fields
}
