# shellcheck shell=bash
# CSI volume snapshots on the rig cluster (needs `kube`): the upstream snapshot.storage.k8s.io/v1
# CRDs (VolumeSnapshot, VolumeSnapshotContent, VolumeSnapshotClass, and the VolumeGroupSnapshot
# ones the controller waits for, from the module
# github.com/kubernetes-csi/external-snapshotter/client/v8) and the upstream snapshot-controller
# (github.com/kubernetes-csi/external-snapshotter/v8/cmd/snapshot-controller), both from the Go
# module proxy, plus a STAND-IN for the CSI driver's part (snapshots/csi-standin.ts; kwok nodes
# have no block storage): it provisions PVs for PVCs of StorageClass kaml-d-rig-csi (also from a
# VolumeSnapshot dataSource) and marks the driver's VolumeSnapshotContents ready. No ports.

SNAPSHOTS_VERSION="${KAML_RIG_SNAPSHOTTER_VERSION:-v8.7.0}"

snapshots_version() { echo "$SNAPSHOTS_VERSION"; }
snapshots_deps() { echo kube; }
snapshots_start_timeout() { echo 90; }
_snapshots_dir() { rig_data_dir snapshots; }
_snapshots_bin() { echo "$RIG_CACHE/snapshot-controller/$SNAPSHOTS_VERSION/snapshot-controller"; }
# the CRDs as the client module of the same release ships them
_snapshots_crds() {
  local dir
  dir=$(go mod download -json "github.com/kubernetes-csi/external-snapshotter/client/v8@$SNAPSHOTS_VERSION" 2>/dev/null \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
  [ -d "$dir/config/crd" ] || return 1
  echo "$dir/config/crd"
}

snapshots_install() {
  local dir="$RIG_CACHE/snapshot-controller/$SNAPSHOTS_VERSION"
  rig_node
  if [ -x "$dir/snapshot-controller" ] && [ -s "$dir/BUILD_INFO" ]; then return 0; fi
  rig_need go "install Go >= 1.26 (https://go.dev/doc/install); snapshot-controller $SNAPSHOTS_VERSION is built from the Go module proxy"
  rig_log "snapshots: building snapshot-controller $SNAPSHOTS_VERSION from the Go module proxy (one-time; see $(rig_log_file snapshots-build))"
  mkdir -p "$RIG_CACHE/snapshot-controller"
  bash "$RIG_DIR/kube/build.sh" snapshot-controller "$SNAPSHOTS_VERSION" "$dir" >>"$(rig_log_file snapshots-build)" 2>&1 \
    || { tail -n 30 "$(rig_log_file snapshots-build)" >&2; rig_fail "snapshots: building snapshot-controller $SNAPSHOTS_VERSION failed (log: $(rig_log_file snapshots-build))"; }
}

_snapshots_kubectl() {
  env KUBECONFIG="$(_kube_dir)/admin.kubeconfig" "$(_kube_kubectl)" "$@"
}

snapshots_start() {
  local crds c
  rig_node
  crds=$(_snapshots_crds) || rig_fail "snapshots: could not download github.com/kubernetes-csi/external-snapshotter/client/v8@$SNAPSHOTS_VERSION (its config/crd) through the Go module proxy"
  # the controller of this release also requires the VolumeGroupSnapshot CRDs (it waits for them)
  for c in snapshot.storage.k8s.io_volumesnapshotclasses snapshot.storage.k8s.io_volumesnapshotcontents \
    snapshot.storage.k8s.io_volumesnapshots groupsnapshot.storage.k8s.io_volumegroupsnapshotclasses \
    groupsnapshot.storage.k8s.io_volumegroupsnapshotcontents groupsnapshot.storage.k8s.io_volumegroupsnapshots; do
    _snapshots_kubectl apply --server-side --force-conflicts -f "$crds/$c.yaml" >>"$(rig_log_file snapshots)" 2>&1 \
      || rig_fail "snapshots: installing the CRD $c failed (log: $(rig_log_file snapshots))"
  done
  KUBECONFIG="$(_kube_dir)/admin.kubeconfig" bash "$RIG_DIR/kube/wait-crds.sh" "$(_kube_kubectl)" \
    crd/volumesnapshotclasses.snapshot.storage.k8s.io crd/volumesnapshotcontents.snapshot.storage.k8s.io \
    crd/volumesnapshots.snapshot.storage.k8s.io crd/volumegroupsnapshotclasses.groupsnapshot.storage.k8s.io \
    crd/volumegroupsnapshotcontents.groupsnapshot.storage.k8s.io crd/volumegroupsnapshots.groupsnapshot.storage.k8s.io \
    >>"$(rig_log_file snapshots)" 2>&1 || rig_fail "snapshots: the snapshot CRDs were not established within 60s"
  _snapshots_kubectl apply -f "$RIG_DIR/snapshots/classes.yaml" -f "$RIG_DIR/snapshots/rbac.yaml" >>"$(rig_log_file snapshots)" 2>&1 \
    || rig_fail "snapshots: applying snapshots/classes.yaml and snapshots/rbac.yaml failed (log: $(rig_log_file snapshots))"
  SNAP_CONTROLLER="$(_snapshots_bin)" SNAP_KUBECONFIG="$(_kube_dir)/admin.kubeconfig" \
    SNAP_DIR="$(_snapshots_dir)" SNAP_LOGS="$RIG_STATE/logs" SNAP_CONF="$RIG_DIR/snapshots" \
    rig_spawn snapshots bash "$RIG_DIR/snapshots/run.sh"
}

# Healthy: the supervisor runs and the stand-in finished one pass over the cluster (the
# controller has no HTTP endpoint here; run.sh exits, and so fails this, when it dies).
snapshots_healthy() {
  rig_pid snapshots >/dev/null || return 1
  [ -s "$(_snapshots_dir)/ready" ]
}

snapshots_stop() { rig_kill snapshots 20; rm -f "$(_snapshots_dir)/ready"; return 0; }

snapshots_env() {
  echo "KAML_RIG_SNAPSHOT_CLASS=kaml-d-rig-snapshots"
  echo "KAML_RIG_STORAGE_CLASS=kaml-d-rig-csi"
  echo "KAML_RIG_CSI_DRIVER=rig.csi.kaml-d.local"
}
