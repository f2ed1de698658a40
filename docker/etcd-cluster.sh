#!/usr/bin/env bash
# A local 3-member etcd cluster from the etcd binary: the docker-compose topology without Docker.
#   docker/etcd-cluster.sh start   # members on 127.0.0.1:2379, :22379, :32379; data under ${ETCD_CLUSTER_DIR:-/tmp/configcenter-etcd}
#   docker/etcd-cluster.sh stop
set -euo pipefail
DIR="${ETCD_CLUSTER_DIR:-/tmp/configcenter-etcd}"
CLIENT_PORTS=(2379 22379 32379)
PEER_PORTS=(2380 22380 32380)
CLUSTER="etcd1=http://127.0.0.1:2380,etcd2=http://127.0.0.1:22380,etcd3=http://127.0.0.1:32380"

start() {
  command -v etcd >/dev/null || { echo "etcd not found: apt-get install etcd-server" >&2; exit 1; }
  mkdir -p "$DIR"
  for i in 0 1 2; do
    local name="etcd$((i + 1))"
    etcd --name "$name" --data-dir "$DIR/$name" \
      --listen-client-urls "http://127.0.0.1:${CLIENT_PORTS[$i]}" --advertise-client-urls "http://127.0.0.1:${CLIENT_PORTS[$i]}" \
      --listen-peer-urls "http://127.0.0.1:${PEER_PORTS[$i]}" --initial-advertise-peer-urls "http://127.0.0.1:${PEER_PORTS[$i]}" \
      --initial-cluster "$CLUSTER" --initial-cluster-state new --initial-cluster-token configcenter-local \
      --logger zap --log-level warn >"$DIR/$name.log" 2>&1 &
    echo $! >"$DIR/$name.pid"
  done
  for port in "${CLIENT_PORTS[@]}"; do
    for _ in $(seq 1 100); do
      curl -fs "http://127.0.0.1:$port/health" | grep -q '"health":"true"' && break
      sleep 0.1
    done
  done
  echo "etcd cluster up: http://127.0.0.1:2379,http://127.0.0.1:22379,http://127.0.0.1:32379"
}

stop() {
  for pid in "$DIR"/*.pid; do
    [ -e "$pid" ] || continue
    kill "$(cat "$pid")" 2>/dev/null || true
    rm -f "$pid"
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
