package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The package the test fetches, and where it sits in the upstream repository.
const (
	updateBlueprint = "kubeflow-private-gke"
	updateDir       = "blueprints/" + updateBlueprint
)

// The user's environment (setters/dev) and what its names derive to.
const (
	devEnv     = "dev"
	devName    = "kf-dev"
	devRegion  = "europe-west4"
	devMaster  = "172.16.8.0/28"
	devSubnet  = "kf-dev-net-subnet"
	devPool    = "kf-dev-cpu"
	masterRule = "cluster-firewall/computefirewall_kf-dev-allow-master-ingress.yaml"
	intraRule  = "cluster-firewall/computefirewall_kf-dev-allow-intra-cluster-egress.yaml"
	bastionIP  = "bastion/computeaddress_kf-dev-bastion-ip.yaml"
)

// What v2 of the blueprint changes: one more webhook port in a function
// config, and two fields of base objects: one that functions read (the
// node range goes into the intra-cluster firewall rule and places the
// bastion) and one that no function touches.
const (
	v2WebhookPort = "6443"
	v1NodeRange   = "10.0.0.0/20"
	v2NodeRange   = "10.0.0.0/19"
	v2MachineType = "e2-standard-16"
	// The bastion takes its node range's last usable address.
	v1BastionIP = "10.0.15.253"
	v2BastionIP = "10.0.31.253"
)

// What the user writes by hand into the base objects: a label and a
// comment on the subnetwork that v2 changes too, and a field of the node
// pool that v2 changes elsewhere. Three-way merges keep or lose exactly
// this kind of edit.
const (
	handLabelKey   = "team"
	handLabelValue = "ml-platform"
	handComment    = "# reviewed by the network team"
	handMaxNodes   = "10"
)

// TestPackageUpdate follows a user from `kpt pkg get` of a released
// blueprint, through their own setters and hand edits and a render, to
// `kpt pkg update` to the next release and a render again: the way a
// blueprint reaches people, and the step where their edits or the new
// release's changes could be lost. Upstream is a bare git repository with
// the blueprint tagged v1 and v2, fetched over file:// by the real kpt.
func TestPackageUpdate(t *testing.T) {
	r := newE2E(t, "end-to-end tests run the real kpt, git and podman")
	repo := r.repo
	g := newGitHome(t)

	upstream, v2Commit := makeUpstream(t, g, filepath.Join(repo, updateDir))
	work := t.TempDir() // the user's own repository, holding their package
	g.run(t, work, "init", "--quiet")
	pkg := filepath.Join(work, "my-cluster")

	g.kpt(t, r, work, "pkg", "get", "file://"+upstream+"/"+updateDir+"@v1", pkg)
	g.commit(t, work, "kpt pkg get "+updateBlueprint+"@v1")
	userEdits(t, r, pkg)
	before := render(t, r, pkg)
	checkUserEdits(t, repo, before)
	if ports := firewallPorts(t, before, masterRule); slices.Contains(ports, v2WebhookPort) {
		t.Fatalf("v1 already opens tcp %s to the control plane (%v): the update would prove nothing", v2WebhookPort, ports)
	}
	g.commit(t, work, "dev setters, hand edits, kpt fn render")

	g.kpt(t, r, work, "pkg", "update", pkg+"@v2")
	t.Logf("kpt pkg update changed:\n%s", g.run(t, work, "status", "--short"))
	checkUpdated(t, readTree(t, pkg), v2Commit)

	after := render(t, r, pkg)
	checkUserEdits(t, repo, after)
	checkV2Rendered(t, after)
	checkChangedFiles(t, before, after)

	// The updated package must be as settled as a fresh one: a third
	// render changes no byte.
	if diff := diffTrees(after, render(t, r, pkg)); diff != "" {
		t.Errorf("a third render changed the updated package (-second +third):\n%s", diff)
	}
}

// gitHome isolates git, and kpt's git, from the machine's configuration:
// its own HOME (kpt caches upstream clones in ~/.kpt/repos) and a global
// config with an identity, so that commits work where none is set.
type gitHome struct {
	env []string
}

func newGitHome(t *testing.T) *gitHome {
	t.Helper()
	home := t.TempDir()
	config := filepath.Join(home, "gitconfig")
	const settings = "[user]\n\tname = lockdown e2e\n\temail = e2e@lockdown.invalid\n" +
		"[init]\n\tdefaultBranch = main\n[commit]\n\tgpgSign = false\n[tag]\n\tgpgSign = false\n"
	if err := os.WriteFile(config, []byte(settings), 0o644); err != nil {
		t.Fatal(err)
	}
	return &gitHome{env: []string{
		"HOME=" + home,
		"GIT_CONFIG_NOSYSTEM=1",
		"GIT_CONFIG_GLOBAL=" + config,
		"GIT_TERMINAL_PROMPT=0",
	}}
}

// run runs git in dir and returns its output.
func (g *gitHome) run(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), "git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), g.env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// commit commits everything in dir's work tree.
func (g *gitHome) commit(t *testing.T, dir, message string) {
	t.Helper()
	g.run(t, dir, "add", "--all")
	g.run(t, dir, "commit", "--quiet", "--message", message)
}

// kpt runs a kpt pkg command with git isolated, and fails unless it works.
func (g *gitHome) kpt(t *testing.T, r *runner, dir string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), r.kpt, args...)
	cmd.Dir = dir
	cmd.Env = slices.Concat(r.env, g.env) // the last of a duplicate key wins
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kpt %s: %v; it said:\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("kpt %s:\n%s", args[1], out)
}

// makeUpstream builds the blueprint's repository, v1 as shipped and v2
// with the changes of editV2, and returns the path of its bare clone
// (where kpt fetches from, as from a hosted repository) and v2's commit.
func makeUpstream(t *testing.T, g *gitHome, blueprint string) (bare, v2Commit string) {
	t.Helper()
	src := t.TempDir()
	g.run(t, src, "init", "--quiet")
	writeTree(t, filepath.Join(src, filepath.FromSlash(updateDir)), readTree(t, blueprint))
	g.commit(t, src, updateBlueprint+" v1")
	g.run(t, src, "tag", "v1")
	editV2(t, filepath.Join(src, filepath.FromSlash(updateDir)))
	g.commit(t, src, updateBlueprint+" v2")
	g.run(t, src, "tag", "v2")
	v2Commit = strings.TrimSpace(g.run(t, src, "rev-parse", "v2^{commit}"))

	bare = filepath.Join(t.TempDir(), "upstream.git")
	g.run(t, src, "clone", "--quiet", "--bare", src, bare)
	return bare, v2Commit
}

// editV2 makes the blueprint's next release.
func editV2(t *testing.T, dir string) {
	t.Helper()
	replaceOnce(t, filepath.Join(dir, "fn-config", "cluster-firewall.yaml"),
		"extraWebhookPorts: [4443, 8443, 9443, 15017]",
		"extraWebhookPorts: [4443, "+v2WebhookPort+", 8443, 9443, 15017]")
	replaceOnce(t, filepath.Join(dir, "network.yaml"),
		"ipCidrRange: "+v1NodeRange, "ipCidrRange: "+v2NodeRange)
	replaceOnce(t, filepath.Join(dir, "cluster.yaml"),
		"machineType: e2-standard-8", "machineType: "+v2MachineType)
}

// userEdits is what the user does to the fetched package before the first
// render: the dev environment's setter values, and edits by hand.
func userEdits(t *testing.T, r *runner, pkg string) {
	t.Helper()
	useSetters(t, pkg, filepath.Join(r.repo, "setters", devEnv, updateBlueprint+".yaml"))
	network := filepath.Join(pkg, "network.yaml")
	replaceOnce(t, network, "  privateIpGoogleAccess: true\n",
		"  privateIpGoogleAccess: true "+handComment+"\n")
	replaceOnce(t, network, "kind: ComputeSubnetwork\nmetadata: # kpt-merge: /kubeflow-net-subnet\n",
		"kind: ComputeSubnetwork\nmetadata: # kpt-merge: /kubeflow-net-subnet\n  labels:\n    "+handLabelKey+": "+handLabelValue+"\n")
	replaceOnce(t, filepath.Join(pkg, "cluster.yaml"), "maxNodeCount: 5", "maxNodeCount: "+handMaxNodes)
}

// replaceOnce replaces the one occurrence of old in the file. A blueprint
// that no longer holds old fails the test, rather than testing nothing.
func replaceOnce(t *testing.T, path, old, replacement string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), old); n != 1 {
		t.Fatalf("%s holds %q %d times, want once: the blueprint changed, update the test's edits", path, old, n)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), old, replacement, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// render runs the package's pipeline with the function images and returns
// the package afterwards.
func render(t *testing.T, r *runner, pkg string) map[string]string {
	t.Helper()
	// kptArgs builds every image the pipeline runs (once per runner); the
	// empty folder stands for a case without config.yaml.
	r.runKpt(t, caseSpec{}, r.kptArgs(t, caseSpec{Command: "render"}, "", t.TempDir(), pkg))
	return readTree(t, pkg)
}

// checkUserEdits wants the user's setter values and hand edits in the
// rendered package.
func checkUserEdits(t *testing.T, repo string, tree map[string]string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repo, "setters", devEnv, updateBlueprint+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := stringMap(lookupNode(t, parseOne(t, string(raw)), "data"))
	got := stringMap(lookupNode(t, object(t, tree, "setters.yaml", "ConfigMap", "setters"), "data"))
	if diff := diffTrees(want, got); diff != "" {
		t.Errorf("setters.yaml's values are not the dev environment's (-want +got):\n%s", diff)
	}

	cluster := object(t, tree, "cluster.yaml", "ContainerCluster", devName)
	checkField(t, cluster, devRegion, "spec", "location")
	checkField(t, cluster, devMaster, "spec", "privateClusterConfig", "masterIpv4CidrBlock")

	subnet := object(t, tree, "network.yaml", "ComputeSubnetwork", devSubnet)
	checkField(t, subnet, handLabelValue, "metadata", "labels", handLabelKey)
	checkField(t, subnet, devRegion, "spec", "region")
	if !strings.Contains(tree["network.yaml"], "privateIpGoogleAccess: true "+handComment+"\n") {
		t.Errorf("network.yaml lost the hand-written comment %q:\n%s", handComment, tree["network.yaml"])
	}
	checkField(t, object(t, tree, "cluster.yaml", "ContainerNodePool", devPool), handMaxNodes, "spec", "autoscaling", "maxNodeCount")
}

// checkUpdated wants v2's changes in the package as kpt pkg update left
// it, before any render, and the Kptfile pointing at v2.
func checkUpdated(t *testing.T, tree map[string]string, v2Commit string) {
	t.Helper()
	kptfile := object(t, tree, "Kptfile", "Kptfile", "my-cluster")
	checkField(t, kptfile, "v2", "upstream", "git", "ref")
	checkField(t, kptfile, "v2", "upstreamLock", "git", "ref")
	checkField(t, kptfile, v2Commit, "upstreamLock", "git", "commit")

	firewall := object(t, tree, "fn-config/cluster-firewall.yaml", "ClusterFirewall", "cluster-firewall")
	if ports := scalars(lookupNode(t, firewall, "spec", "extraWebhookPorts")); !slices.Contains(ports, v2WebhookPort) {
		t.Errorf("fn-config/cluster-firewall.yaml: extraWebhookPorts %v lacks v2's %s", ports, v2WebhookPort)
	}
	// The setter's value, which the first render wrote, must survive.
	checkField(t, firewall, "true", "spec", "logging")
	checkField(t, object(t, tree, "network.yaml", "ComputeSubnetwork", devSubnet), v2NodeRange, "spec", "ipCidrRange")
	checkField(t, object(t, tree, "cluster.yaml", "ContainerNodePool", devPool), v2MachineType, "spec", "nodeConfig", "machineType")
}

// checkV2Rendered wants the objects the functions generate from v2: the
// control plane reaches the new webhook port, and the nodes' wider range
// is inside the cluster.
func checkV2Rendered(t *testing.T, tree map[string]string) {
	t.Helper()
	want := []string{"443", "4443", v2WebhookPort, "8443", "9443", "10250", "15017"}
	if got := firewallPorts(t, tree, masterRule); !slices.Equal(got, want) {
		t.Errorf("%s opens tcp %v, want %v", masterRule, got, want)
	}
	master := object(t, tree, masterRule, "ComputeFirewall", devName+"-allow-master-ingress")
	if got := scalars(lookupNode(t, master, "spec", "sourceRanges")); !slices.Equal(got, []string{devMaster}) {
		t.Errorf("%s: sourceRanges %v, want the dev master CIDR %s", masterRule, got, devMaster)
	}
	ranges := scalars(lookupNode(t, object(t, tree, intraRule, "ComputeFirewall", devName+"-allow-intra-cluster-egress"), "spec", "destinationRanges"))
	if !slices.Contains(ranges, v2NodeRange) || slices.Contains(ranges, v1NodeRange) {
		t.Errorf("%s: destinationRanges %v, want v2's node range %s instead of v1's %s", intraRule, ranges, v2NodeRange, v1NodeRange)
	}
	checkBastionMoved(t, tree)
}

// checkBastionMoved wants the bastion at the top of v2's wider node range,
// and the cluster's authorized networks to follow it: the old /32 is
// local-only to kpt's merge, and only the bastion function can replace it.
func checkBastionMoved(t *testing.T, tree map[string]string) {
	t.Helper()
	checkField(t, object(t, tree, bastionIP, "ComputeAddress", devName+"-bastion-ip"), v2BastionIP, "spec", "address")
	cluster := object(t, tree, "cluster.yaml", "ContainerCluster", devName)
	var blocks []string
	for _, e := range elements(lookupNode(t, cluster, "spec", "masterAuthorizedNetworksConfig", "cidrBlocks")) {
		blocks = append(blocks, lookup(e, "cidrBlock"))
	}
	if !slices.Contains(blocks, v2BastionIP+"/32") || slices.Contains(blocks, v1BastionIP+"/32") {
		t.Errorf("cluster.yaml: master authorized networks %v, want the bastion's new %s/32 instead of its old %s/32", blocks, v2BastionIP, v1BastionIP)
	}
}

// checkChangedFiles wants the update to have changed, once rendered, just
// the files that v2's changes reach: no generated file appears, goes or
// changes but the two firewall rules and the bastion's address. kpt pkg
// update stamps its merge key (a `# kpt-merge:` comment and an
// upstream-identifier annotation) on every object, the generated ones too;
// the render must take it off what it generates, or a generated file would
// differ here. setters.yaml keeps it: the user's wholesale copy of
// setters/dev had dropped it, and kpt put it back.
func checkChangedFiles(t *testing.T, before, after map[string]string) {
	t.Helper()
	want := []string{"Kptfile", "cluster.yaml", "fn-config/cluster-firewall.yaml", "network.yaml", "setters.yaml", intraRule, masterRule, bastionIP}
	var changed, unexpected []string
	for path := range mergeKeys(before, after) {
		if before[path] != after[path] {
			changed = append(changed, path)
			if !slices.Contains(want, path) {
				unexpected = append(unexpected, path)
			}
		}
	}
	slices.Sort(changed)
	slices.Sort(want)
	if !slices.Equal(changed, want) {
		t.Errorf("the update and render changed %v, want %v; the unexpected changes (-v1 render +v2 render):\n%s",
			changed, want, diffTrees(pick(before, unexpected), pick(after, unexpected)))
	}
}

// mergeKeys is the set of the paths of both trees.
func mergeKeys(a, b map[string]string) map[string]bool {
	all := map[string]bool{}
	for k := range a {
		all[k] = true
	}
	for k := range b {
		all[k] = true
	}
	return all
}

// pick is the part of tree at those paths.
func pick(tree map[string]string, paths []string) map[string]string {
	out := map[string]string{}
	for _, k := range paths {
		if v, ok := tree[k]; ok {
			out[k] = v
		}
	}
	return out
}

// firewallPorts are the ports of a generated ComputeFirewall's allows.
func firewallPorts(t *testing.T, tree map[string]string, file string) []string {
	t.Helper()
	allows := lookupNode(t, parseOne(t, tree[file]), "spec", "allow")
	var ports []string
	for _, allow := range elements(allows) {
		p, _ := allow.Pipe(yaml.Lookup("ports"))
		ports = append(ports, scalars(p)...)
	}
	return ports
}

// object is the object of that kind and name in the package's file.
func object(t *testing.T, tree map[string]string, file, kind, name string) *yaml.RNode {
	t.Helper()
	data, ok := tree[file]
	if !ok {
		t.Fatalf("the package has no %s", file)
	}
	nodes, err := (&kio.ByteReader{Reader: strings.NewReader(data), OmitReaderAnnotations: true}).Read()
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	for _, n := range nodes {
		if n.GetKind() == kind && n.GetName() == name {
			return n
		}
	}
	t.Fatalf("%s holds no %s %s:\n%s", file, kind, name, data)
	return nil
}

// parseOne parses a file of one object.
func parseOne(t *testing.T, data string) *yaml.RNode {
	t.Helper()
	n, err := yaml.Parse(data)
	if err != nil {
		t.Fatalf("%v:\n%s", err, data)
	}
	return n
}

// lookupNode is the node at path under n; its absence fails the test.
func lookupNode(t *testing.T, n *yaml.RNode, path ...string) *yaml.RNode {
	t.Helper()
	v, err := n.Pipe(yaml.Lookup(path...))
	if err != nil || v == nil {
		t.Fatalf("%s %s has no %s (err %v)", n.GetKind(), n.GetName(), strings.Join(path, "."), err)
	}
	return v
}

// checkField wants the scalar at path under n to be want.
func checkField(t *testing.T, n *yaml.RNode, want string, path ...string) {
	t.Helper()
	if got := lookup(n, path...); got != want {
		t.Errorf("%s %s: %s is %q, want %q", n.GetKind(), n.GetName(), strings.Join(path, "."), got, want)
	}
}

// scalars are the values of a sequence of scalars.
func scalars(n *yaml.RNode) []string {
	var values []string
	for _, e := range elements(n) {
		values = append(values, yaml.GetValue(e))
	}
	return values
}
