#!/usr/bin/env bash
# Generate the rig cluster's PKI with openssl into <dir> (idempotent: existing files are kept,
# so the service-account signing key, and with it every issued token, survives restarts).
#
#   pki.sh <dir>
#
#   ca.crt/ca.key                  cluster CA (signs everything below; client CA of the apiserver)
#   apiserver.crt/.key             serving cert for 127.0.0.1, localhost and the in-cluster names
#   sa.key/sa.pub                  service-account token signing key pair
#   admin.crt/.key                 CN=kaml-d-rig-admin, O=system:masters (tests, kubectl)
#   controller-manager.crt/.key    CN=system:kube-controller-manager
#   scheduler.crt/.key             CN=system:kube-scheduler
#   kwok.crt/.key                  CN=kaml-d-rig-kwok, O=system:masters (the node simulator)
#   apiserver-kubelet-client.crt   the apiserver's client cert towards kubelet endpoints
#   kwok-serving.crt/.key          kwok's kubelet endpoint (serves pods/log for simulated pods)
#   front-proxy-ca.crt, front-proxy-client.crt   aggregation layer (requestheader authentication)
set -euo pipefail

dir=${1:?usage: pki.sh <dir>}
command -v openssl >/dev/null || { echo "kube/pki.sh: missing tool 'openssl' (apt-get install openssl)" >&2; exit 1; }
mkdir -p "$dir"
chmod 700 "$dir"
cd "$dir"
umask 077
days=3650

if [ ! -s ca.crt ] || [ ! -s ca.key ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days "$days" \
    -subj "/CN=kaml-d-rig-ca" -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    2>/dev/null
  # a new CA invalidates every leaf
  rm -f apiserver.crt admin.crt controller-manager.crt scheduler.crt kwok.crt \
    apiserver-kubelet-client.crt kwok-serving.crt
fi

# leaf <name> <subject> <extendedKeyUsage> [subjectAltName]
leaf() {
  local name=$1 subj=$2 eku=$3 san=${4:-}
  [ -s "$name.crt" ] && [ -s "$name.key" ] && return 0
  local ext
  ext=$(mktemp)
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [ -n "$san" ] && echo "subjectAltName=$san"
  } >"$ext"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "$subj" 2>/dev/null
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -out "$name.crt" \
    -days "$days" -sha256 -extfile "$ext" 2>/dev/null
  rm -f "$name.csr" "$ext"
}

leaf apiserver "/CN=kube-apiserver" serverAuth \
  "IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
leaf admin "/O=system:masters/CN=kaml-d-rig-admin" clientAuth
leaf controller-manager "/CN=system:kube-controller-manager" clientAuth
leaf scheduler "/CN=system:kube-scheduler" clientAuth
leaf kwok "/O=system:masters/CN=kaml-d-rig-kwok" clientAuth
# the apiserver's client identity towards kubelets (here: kwok's kubelet endpoint for pods/log)
leaf apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
# kwok's kubelet endpoint (all simulated nodes share 127.0.0.1)
leaf kwok-serving "/CN=kwok-kubelet" serverAuth "IP:127.0.0.1,DNS:localhost,DNS:kwok-cpu-0,DNS:kwok-gpu-0"

# front proxy (aggregation layer): its own CA, and the client cert the apiserver presents to
# aggregated API servers; also gives controller-manager/scheduler the requestheader CA they look up
if [ ! -s front-proxy-ca.crt ] || [ ! -s front-proxy-ca.key ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout front-proxy-ca.key -out front-proxy-ca.crt -days "$days" \
    -subj "/CN=kaml-d-rig-front-proxy-ca" -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    2>/dev/null
  rm -f front-proxy-client.crt
fi
if [ ! -s front-proxy-client.crt ] || [ ! -s front-proxy-client.key ]; then
  ext=$(mktemp)
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n' >"$ext"
  openssl req -new -newkey rsa:2048 -nodes -keyout front-proxy-client.key -out front-proxy-client.csr \
    -subj "/CN=front-proxy-client" 2>/dev/null
  openssl x509 -req -in front-proxy-client.csr -CA front-proxy-ca.crt -CAkey front-proxy-ca.key -CAcreateserial \
    -out front-proxy-client.crt -days "$days" -sha256 -extfile "$ext" 2>/dev/null
  rm -f front-proxy-client.csr "$ext" front-proxy-ca.srl
fi

if [ ! -s sa.key ] || [ ! -s sa.pub ]; then
  openssl genrsa -out sa.key 2048 2>/dev/null
  openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
fi
rm -f ca.srl
