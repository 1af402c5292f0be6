#!/usr/bin/env bash
# Installs Kubeflow Trainer v2's CRDs (TrainJob, TrainingRuntime, ClusterTrainingRuntime) and its
# torch-distributed ClusterTrainingRuntime on the rig's cluster, from the upstream Go module
# github.com/kubeflow/trainer/v2 (manifests/base/crds, manifests/base/runtimes) fetched through
# the Go module proxy and copied into the rig cache. Nothing upstream is committed here.
# The Trainer controller is NOT installed (it needs JobSet, webhooks and cert-manager): tests
# play its part by writing TrainJob status (see README.md).
#
# Run by kube_post_start; by hand against a running rig:
#   set -a; . "$(e2e/rig/rig.sh env)"; set +a; e2e/rig/kube/trainer.sh
# Env: KAML_RIG_TRAINER_VERSION (default v2.0.0), KAML_RIG_KUBECTL, KAML_RIG_KUBECONFIG_ADMIN,
# KAML_RIG_CACHE (default ~/.cache/kaml-d-rig).
set -euo pipefail

version="${KAML_RIG_TRAINER_VERSION:-v2.0.0}"
kubectl="${KAML_RIG_KUBECTL:?KAML_RIG_KUBECTL (the rig env) is not set}"
export KUBECONFIG="${KAML_RIG_KUBECONFIG_ADMIN:?KAML_RIG_KUBECONFIG_ADMIN (the rig env) is not set}"
cache="${KAML_RIG_CACHE:-$HOME/.cache/kaml-d-rig}/kubeflow-trainer/$version"
crds=(trainjobs trainingruntimes clustertrainingruntimes)
crd_names=("${crds[@]/%/.trainer.kubeflow.org}")

if [ ! -s "$cache/FETCH_INFO" ]; then
  command -v go >/dev/null || { echo "trainer.sh: go is needed to fetch github.com/kubeflow/trainer/v2@$version" >&2; exit 1; }
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  # outside any module: `go mod download` of an explicit version prints where it extracted it
  dir="$(cd "$scratch" && GOFLAGS=-mod=mod go mod download -json "github.com/kubeflow/trainer/v2@$version" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$dir/manifests/base/crds" ] || { echo "trainer.sh: no manifests/base/crds in $dir" >&2; exit 1; }
  mkdir -p "$cache.tmp/crds" "$cache.tmp/runtimes"
  for c in "${crds[@]}"; do
    cp "$dir/manifests/base/crds/trainer.kubeflow.org_$c.yaml" "$cache.tmp/crds/"
  done
  cp "$dir/manifests/base/runtimes/torch_distributed.yaml" "$cache.tmp/runtimes/"
  printf 'module=github.com/kubeflow/trainer/v2@%s\nfrom=%s\nfetched=%s\n' "$version" "$dir" "$(date -u +%FT%TZ)" >"$cache.tmp/FETCH_INFO"
  chmod -R u+w "$cache.tmp"
  rm -rf "$cache"
  mv "$cache.tmp" "$cache"
fi

# server-side: the CRDs are too large for the last-applied annotation of a client-side apply
"$kubectl" apply --server-side --force-conflicts --field-manager=kaml-d-rig -f "$cache/crds/"
bash "$(dirname "${BASH_SOURCE[0]}")/wait-crds.sh" "$kubectl" "${crd_names[@]/#/crd/}"
"$kubectl" apply --server-side --force-conflicts --field-manager=kaml-d-rig -f "$cache/runtimes/"
