# shellcheck shell=bash
# MinIO server built from the Go module proxy at the pseudo-version of a RELEASE tag, run as a
# separate process (AGPL: never linked into the project). Buckets seeded with the project's demo
# datasets (scripts/demo-data) through the `minio` npm client.

# The module proxy reachable here serves only this pseudo-version (the last commit of the
# repository, 2026-02-12); the pseudo-versions of earlier RELEASE tags answer 403. Override with
# KAML_RIG_MINIO_VERSION (e.g. v0.0.0-20251015172955-9e49d5e7a648 = RELEASE.2025-10-15T17-29-55Z).
MINIO_MODULE_VERSION="${KAML_RIG_MINIO_VERSION:-v0.0.0-20260212201848-7aac2a2c5b7c}"
MINIO_ACCESS_KEY=kaml-rig
MINIO_SECRET_KEY=kaml-rig-secret-key
MINIO_BUCKET_DATASETS=kaml-datasets
MINIO_BUCKET_WAREHOUSE=kaml-warehouse

minio_version() { echo "$MINIO_MODULE_VERSION"; }
minio_deps() { :; }
_minio_bin() { echo "$RIG_CACHE/minio/$MINIO_MODULE_VERSION/minio"; }

minio_install() {
  [ -x "$(_minio_bin)" ] && return 0
  local dir
  dir="$(rig_cache_dir minio "$MINIO_MODULE_VERSION")"
  rig_log "minio: building github.com/minio/minio@$MINIO_MODULE_VERSION (go install; several minutes on 2 cores)"
  rig_go_install "github.com/minio/minio@$MINIO_MODULE_VERSION" "$dir"
  [ -x "$(_minio_bin)" ] || rig_fail "minio: go install finished but $(_minio_bin) is missing"
}

minio_start() {
  local data
  data="$(rig_data_dir minio)/data"
  mkdir -p "$data"
  MINIO_ROOT_USER="$MINIO_ACCESS_KEY" MINIO_ROOT_PASSWORD="$MINIO_SECRET_KEY" \
    MINIO_BROWSER=off MINIO_UPDATE=off MINIO_CALLHOME_ENABLE=off MINIO_SCANNER_SPEED=slowest \
    MINIO_API_REQUESTS_MAX=200 GOMAXPROCS=2 GOMEMLIMIT=768MiB \
    rig_spawn minio "$(_minio_bin)" server --quiet --anonymous \
    --address "$RIG_HOST:$(rig_port minio)" --console-address "$RIG_HOST:0" "$data"
}

minio_start_timeout() { echo 60; }

minio_healthy() {
  rig_http_ok "http://$RIG_HOST:$(rig_port minio)/minio/health/ready"
}

# Seed the buckets with the demo datasets (idempotent: unchanged objects are skipped).
minio_post_start() {
  rig_node
  rig_node_modules
  local demo
  demo="$(rig_data_dir demo-data)"
  node "$RIG_ROOT/scripts/demo-data/generate.ts" "$demo" >>"$(rig_log_file minio)" 2>&1 \
    || rig_fail "minio: generating demo data failed (log: $(rig_log_file minio))"
  KAML_RIG_S3_ENDPOINT="http://$RIG_HOST:$(rig_port minio)" KAML_RIG_S3_ACCESS_KEY="$MINIO_ACCESS_KEY" \
    KAML_RIG_S3_SECRET_KEY="$MINIO_SECRET_KEY" \
    node "$RIG_ROOT/scripts/demo-data/seed-s3.ts" "$demo" "$MINIO_BUCKET_DATASETS" "$MINIO_BUCKET_WAREHOUSE" >>"$(rig_log_file minio)" 2>&1 \
    || rig_fail "minio: seeding buckets failed (log: $(rig_log_file minio))"
}

minio_stop() { rig_kill minio 20; }

minio_env() {
  echo "KAML_RIG_S3_ENDPOINT=http://$RIG_HOST:$(rig_port minio)"
  echo "KAML_RIG_S3_HOST=$RIG_HOST"
  echo "KAML_RIG_S3_PORT=$(rig_port minio)"
  echo "KAML_RIG_S3_REGION=us-east-1"
  echo "KAML_RIG_S3_ACCESS_KEY=$MINIO_ACCESS_KEY"
  echo "KAML_RIG_S3_SECRET_KEY=$MINIO_SECRET_KEY"
  echo "KAML_RIG_S3_BUCKET=$MINIO_BUCKET_DATASETS"
  echo "KAML_RIG_S3_WAREHOUSE_BUCKET=$MINIO_BUCKET_WAREHOUSE"
}
