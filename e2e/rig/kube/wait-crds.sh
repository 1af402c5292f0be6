#!/usr/bin/env bash
# Waits until every named CRD is Established: e2e/rig/kube/wait-crds.sh <kubectl> crd/<name>...
# `kubectl wait --for=condition=Established` fails at once ("status.conditions accessor error")
# when it reads a CRD the API server has stored but not yet given a status, so this polls the
# condition itself instead. Uses the caller's KUBECONFIG; gives up after KAML_RIG_CRD_WAIT_SECONDS
# (default 60), naming the CRDs not established.
set -euo pipefail
kubectl="$1"
shift
deadline=$((SECONDS + ${KAML_RIG_CRD_WAIT_SECONDS:-60}))
pending=("$@")
while [ ${#pending[@]} -gt 0 ]; do
  left=()
  for crd in "${pending[@]}"; do
    state="$("$kubectl" get "$crd" -o 'jsonpath={.status.conditions[?(@.type=="Established")].status}' 2>/dev/null || true)"
    [ "$state" = True ] || left+=("$crd")
  done
  pending=("${left[@]+"${left[@]}"}")
  [ ${#pending[@]} -eq 0 ] && break
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "wait-crds: not established after ${KAML_RIG_CRD_WAIT_SECONDS:-60}s: ${pending[*]}" >&2
    exit 1
  fi
  sleep 0.5
done
