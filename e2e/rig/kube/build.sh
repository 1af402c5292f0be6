#!/usr/bin/env bash
# Build one rig component from the Go module proxy into a version-keyed directory.
#
#   build.sh k8s  <k8s.io/kubernetes version>  <outdir>   kube-apiserver, kube-controller-manager,
#                                                         kube-scheduler, kubectl
#   build.sh etcd <go.etcd.io/etcd version>    <outdir>   etcd
#   build.sh kwok <sigs.k8s.io/kwok version>   <outdir>   kwok
#   build.sh helm <helm.sh/helm/v3 version>    <outdir>   helm
#   build.sh snapshot-controller <github.com/kubernetes-csi/external-snapshotter/v8 version> <outdir>
#                                                         snapshot-controller (CSI snapshots)
#
# k8s.io/kubernetes (and the etcd server module) replace their sibling modules with local paths,
# so they cannot be `go install`ed directly: we write a scratch module that requires the pinned
# version and replaces each sibling with the same-release published module, the list being taken
# from that version's own go.mod (fetched through the module proxy with `go mod download -json`).
#
# The binaries land in <outdir>.tmp and are moved to <outdir> only when all of them built, so a
# half-built directory is never mistaken for a cached one. <outdir>/BUILD_INFO records how long it
# took. Parallelism is kept low (GOFLAGS=-p=2 unless KAML_RIG_GO_P says otherwise): the machines
# have two cores shared with other work. The environment's GOPROXY/GOTOOLCHAIN are honoured; when
# a module's go directive is newer than the local Go, GOTOOLCHAIN=auto fetches the needed
# toolchain through the same proxy (set KAML_RIG_GOTOOLCHAIN to force one, e.g. go1.27.3).
set -euo pipefail

what=${1:?usage: build.sh k8s|etcd|kwok|helm|snapshot-controller <version> <outdir>}
version=${2:?version missing}
outdir=${3:?outdir missing}

die() { echo "kube/build.sh: $*" >&2; exit 1; }
command -v go >/dev/null || die "go is not on PATH (Go >= 1.26 is needed to build $what $version)"

export GOFLAGS="-p=${KAML_RIG_GO_P:-2} -mod=mod"
export CGO_ENABLED=${CGO_ENABLED:-0}
[ -n "${KAML_RIG_GOTOOLCHAIN:-}" ] && export GOTOOLCHAIN=$KAML_RIG_GOTOOLCHAIN
ldflags="-s -w"

# one build of a given output at a time (two rig starts racing); the loser finds it built
mkdir -p "$(dirname "$outdir")"
exec 9>"$outdir.lock"
flock 9
if [ -s "$outdir/BUILD_INFO" ]; then
  echo "kube/build.sh: $what $version already built in $outdir" >&2
  exit 0
fi

tmp="$outdir.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
start=$(date +%s)

# gomod_of <module@version>: path of the go.mod the proxy serves for it
gomod_of() {
  go mod download -json "$1" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p'
}
# godirective <go.mod>: its `go` line
godirective() { sed -n 's/^go \([0-9.]*\).*/\1/p' "$1" | head -1; }

# scratch_build <module> <version> <sibling-version> <pkg...>
# Sibling modules are those that the module's go.mod replaces with ./relative paths.
scratch_build() {
  local mod=$1 ver=$2 sibver=$3; shift 3
  local gm scratch
  gm=$(gomod_of "$mod@$ver")
  [ -s "$gm" ] || die "could not fetch go.mod of $mod@$ver through the module proxy"
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/kaml-rig-$what.XXXXXX")
  {
    echo "module kaml-d.local/rig-$what"
    echo
    echo "go $(godirective "$gm")"
    echo
    echo "require $mod $ver"
    echo
    echo "replace ("
    # "	k8s.io/api => ./staging/src/k8s.io/api"  ->  "	k8s.io/api => k8s.io/api v0.36.3"
    awk -v v="$sibver" '
      /^replace[[:space:]]*\(/ {inb=1; next}
      inb && /^\)/ {inb=0; next}
      { line=$0; sub(/^replace[[:space:]]+/, "", line) }
      (inb || /^replace[[:space:]]/) && line ~ /=>[[:space:]]*\.\.?\// {
        split(line, a, /[[:space:]]+=>[[:space:]]+/); m=a[1]; gsub(/[[:space:]]/, "", m)
        if (m ~ /FORBIDDEN/ || a[2] ~ /FORBIDDEN/) next
        printf "\t%s => %s %s\n", m, m, v
      }' "$gm"
    echo ")"
  } >"$scratch/go.mod"
  echo "kube/build.sh: scratch module for $mod $ver:" >&2
  grep -c '=>' "$scratch/go.mod" | sed 's/^/  replaces: /' >&2
  (
    cd "$scratch"
    # Resolve the graph for exactly the packages we build (fills go.sum).
    local gets=() p
    for p in "$@"; do gets+=("$p@$ver"); done
    go get "${gets[@]}" >&2
    echo "kube/build.sh: building $*" >&2
    if [ $# -eq 1 ]; then
      go build -trimpath -ldflags="$ldflags" -o "$tmp/$(basename "$1")" "$1"
    else
      # one invocation: the package graph is loaded once and the links run in parallel
      go build -trimpath -ldflags="$ldflags" -o "$tmp/" "$@"
    fi
  )
  rm -rf "$scratch"
}

case "$what" in
  k8s)
    # k8s.io/kubernetes v1.Y.Z pairs with staging modules v0.Y.Z
    sib="v0.${version#v1.}"
    # stamp the version as the release build does (hack/lib/version.sh), or the binaries report
    # v0.0.0-master and kubectl warns about skew
    minor=${version#v1.}; minor=${minor%%.*}
    for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
      ldflags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
      ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    done
    scratch_build k8s.io/kubernetes "$version" "$sib" \
      k8s.io/kubernetes/cmd/kube-apiserver \
      k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler \
      k8s.io/kubernetes/cmd/kubectl
    ;;
  etcd)
    # server/v3 replaces api/v3, client/pkg/v3, client/v3, pkg/v3 with ../ siblings of the
    # same release; the binary's main package is the server module itself.
    scratch_build go.etcd.io/etcd/server/v3 "$version" "$version" go.etcd.io/etcd/server/v3
    mv "$tmp/v3" "$tmp/etcd"
    ;;
  kwok)
    GOBIN="$tmp" go install -trimpath -ldflags="$ldflags" "sigs.k8s.io/kwok/cmd/kwok@$version"
    ;;
  helm)
    # as helm's Makefile: the version, and the Kubernetes version `helm template` assumes (the
    # minor of the client-go it was built with)
    gm=$(gomod_of "helm.sh/helm/v3@$version")
    kminor=$(sed -n 's/^[[:space:]]*k8s.io\/client-go v0\.\([0-9]*\)\..*/\1/p' "$gm" | head -1)
    ldflags+=" -X helm.sh/helm/v3/internal/version.version=$version -X helm.sh/helm/v3/internal/version.gitTreeState=clean"
    if [ -n "$kminor" ]; then
      for pkg in helm.sh/helm/v3/pkg/lint/rules helm.sh/helm/v3/pkg/chartutil; do
        ldflags+=" -X $pkg.k8sVersionMajor=1 -X $pkg.k8sVersionMinor=$kminor"
      done
    fi
    GOBIN="$tmp" go install -trimpath -ldflags="$ldflags" "helm.sh/helm/v3/cmd/helm@$version"
    ;;
  snapshot-controller)
    # The module replaces its client module with ./client, which the proxy serves as a module of
    # its own (github.com/kubernetes-csi/external-snapshotter/client/v8): build in a writable copy
    # of the downloaded module with that replace pointed at the same release.
    mod=github.com/kubernetes-csi/external-snapshotter/v8
    src=$(go mod download -json "$mod@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
    [ -d "$src" ] || die "could not download $mod@$version through the module proxy"
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/kaml-rig-$what.XXXXXX")
    cp -r "$src/." "$scratch/"
    chmod -R u+w "$scratch"
    (
      cd "$scratch"
      go mod edit -replace "github.com/kubernetes-csi/external-snapshotter/client/v8=github.com/kubernetes-csi/external-snapshotter/client/v8@$version"
      go build -trimpath -ldflags="$ldflags -X main.version=$version" -o "$tmp/snapshot-controller" ./cmd/snapshot-controller
    )
    rm -rf "$scratch"
    ;;
  *) die "unknown component '$what' (k8s|etcd|kwok|helm|snapshot-controller)" ;;
esac

secs=$(( $(date +%s) - start ))
{
  echo "component=$what"
  echo "version=$version"
  echo "built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "build_seconds=$secs"
  echo "go=$(go env GOVERSION)"
  echo "goflags=$GOFLAGS"
} >"$tmp/BUILD_INFO"
rm -rf "$outdir"
mv "$tmp" "$outdir"
echo "kube/build.sh: $what $version built in ${secs}s into $outdir" >&2
