#!/usr/bin/env bash
# The docker-compose topology on loopback from the binaries, for people without Docker:
#   docker/etcd-cluster.sh up       3 etcd members, the server (2 replicas on PostgreSQL when CLUSTER_POSTGRES is set,
#                                   else 1 on SQLite), the gateway and 2 sample instances; waits until each is healthy
#   docker/etcd-cluster.sh status   each part's pid, port and health
#   docker/etcd-cluster.sh down     stops everything it started (SIGTERM, then SIGKILL after 10 s)
#   docker/etcd-cluster.sh start|stop   only the etcd members (as before)
# Everything lives in $CLUSTER_DIR (default /tmp/configcenter-cluster): <part>.pid, <part>.log, data directories,
# and admin-password (generated unless ADMIN_PASSWORD is set; mode 600).
# Ports (override for a second cluster on the same machine): ETCD_CLIENT_PORTS="2379 22379 32379",
# ETCD_PEER_PORTS="2380 22380 32380", SERVER_PORT=5080 (replica 2: SERVER2_PORT, default SERVER_PORT+1),
# GATEWAY_PORT=8090, SAMPLE_PORTS="8081 8082".
# CLUSTER_POSTGRES: a Npgsql connection string; both replicas use ConfigCenter:Store:Provider=postgres with it.
# The .NET parts run from src/*/bin/$CONFIGURATION (default Release), built first when missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${CLUSTER_DIR:-${ETCD_CLUSTER_DIR:-/tmp/configcenter-cluster}}"
CONFIGURATION="${CONFIGURATION:-Release}"
read -r -a CLIENT_PORTS <<<"${ETCD_CLIENT_PORTS:-2379 22379 32379}"
read -r -a PEER_PORTS <<<"${ETCD_PEER_PORTS:-2380 22380 32380}"
SERVER_PORT="${SERVER_PORT:-5080}"
SERVER2_PORT="${SERVER2_PORT:-$((SERVER_PORT + 1))}"
GATEWAY_PORT="${GATEWAY_PORT:-8090}"
read -r -a SAMPLE_PORTS <<<"${SAMPLE_PORTS:-8081 8082}"
WAIT_SECONDS="${CLUSTER_WAIT_SECONDS:-120}"

log() { echo "etcd-cluster.sh: $*" >&2; }

etcd_endpoints() {
  local port out=()
  for port in "${CLIENT_PORTS[@]}"; do out+=("http://127.0.0.1:$port"); done
  (IFS=,; echo "${out[*]}")
}

# Waits until $1 (a URL) answers 2xx, or fails naming the part and the end of its log.
wait_healthy() {
  local name="$1" url="$2" deadline=$((SECONDS + WAIT_SECONDS))
  while [ "$SECONDS" -lt "$deadline" ]; do
    if [ -f "$DIR/$name.pid" ] && ! kill -0 "$(cat "$DIR/$name.pid")" 2>/dev/null; then
      log "$name exited; the end of $DIR/$name.log:"; tail -n 30 "$DIR/$name.log" >&2 || true
      return 1
    fi
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && { log "$name healthy ($url)"; return 0; }
    sleep 0.2
  done
  log "$name not healthy at $url after ${WAIT_SECONDS}s; the end of $DIR/$name.log:"; tail -n 30 "$DIR/$name.log" >&2 || true
  return 1
}

# Starts a part in the background with its own log and pid file; the remaining arguments are NAME=VALUE settings
# (':' written as '__', the environment-variable form) followed by -- and the command.
spawn() {
  local name="$1"; shift
  local settings=()
  while [ "$1" != "--" ]; do settings+=("$1"); shift; done
  shift
  if [ -f "$DIR/$name.pid" ] && kill -0 "$(cat "$DIR/$name.pid")" 2>/dev/null; then
    log "$name is already running (pid $(cat "$DIR/$name.pid"))"; return 0
  fi
  # setsid: a part gets its own process group, so `down` stops it with everything it started.
  env "${settings[@]}" setsid "$@" >"$DIR/$name.log" 2>&1 < /dev/null &
  echo $! >"$DIR/$name.pid"
}

dll() {
  local folder="$1" project="$2"
  local path="$ROOT/$folder/$project/bin/$CONFIGURATION/net10.0/$project.dll"
  if [ ! -f "$path" ]; then
    log "building $project ($CONFIGURATION)"
    dotnet build "$ROOT/$folder/$project/$project.csproj" -c "$CONFIGURATION" >&2
  fi
  echo "$path"
}

start_etcd() {
  command -v etcd >/dev/null || { log "etcd not found: apt-get install etcd-server"; exit 1; }
  mkdir -p "$DIR"
  local i cluster="" name
  for i in 0 1 2; do cluster+="${cluster:+,}etcd$((i + 1))=http://127.0.0.1:${PEER_PORTS[$i]}"; done
  for i in 0 1 2; do
    name="etcd$((i + 1))"
    spawn "$name" -- etcd --name "$name" --data-dir "$DIR/$name" \
      --listen-client-urls "http://127.0.0.1:${CLIENT_PORTS[$i]}" --advertise-client-urls "http://127.0.0.1:${CLIENT_PORTS[$i]}" \
      --listen-peer-urls "http://127.0.0.1:${PEER_PORTS[$i]}" --initial-advertise-peer-urls "http://127.0.0.1:${PEER_PORTS[$i]}" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token configcenter-local \
      --logger zap --log-level warn
  done
  for i in 0 1 2; do wait_healthy "etcd$((i + 1))" "http://127.0.0.1:${CLIENT_PORTS[$i]}/health"; done
  log "etcd cluster up: $(etcd_endpoints)"
}

# The ConfigCenter settings every .NET part shares: the three etcd endpoints.
etcd_settings() {
  local i
  for i in 0 1 2; do echo "ConfigCenter__Etcd__Endpoints__$i=http://127.0.0.1:${CLIENT_PORTS[$i]}"; done
}

up() {
  mkdir -p "$DIR"
  start_etcd
  local password="${ADMIN_PASSWORD:-}"
  if [ -z "$password" ]; then
    [ -f "$DIR/admin-password" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$DIR/admin-password")
    password="$(cat "$DIR/admin-password")"
  fi
  local server gateway sample
  server="$(dll src ConfigCenter.Server)"
  gateway="$(dll src ConfigCenter.Gateway)"
  sample="$(dll samples ConfigCenter.SampleService)"
  mapfile -t etcd < <(etcd_settings)

  # Development: the local cluster speaks plain HTTP on loopback (Production requires HTTPS or a TLS proxy).
  local common=(ASPNETCORE_ENVIRONMENT=Development DOTNET_NOLOGO=1 "${etcd[@]}")
  local replicas=(server1) ports=("$SERVER_PORT") store=()
  if [ -n "${CLUSTER_POSTGRES:-}" ]; then
    replicas+=(server2); ports+=("$SERVER2_PORT")
    store=(ConfigCenter__Store__Provider=postgres "ConfigCenter__Store__ConnectionString=$CLUSTER_POSTGRES")
  fi
  local i
  for i in "${!replicas[@]}"; do
    mkdir -p "$DIR/${replicas[$i]}-data"
    spawn "${replicas[$i]}" "${common[@]}" "${store[@]}" ConfigCenter__DataDirectory="$DIR/${replicas[$i]}-data" \
      ConfigCenter__Bootstrap__AdminPassword="$password" -- \
      dotnet "$server" --contentRoot "$(dirname "$server")" --urls "http://127.0.0.1:${ports[$i]}"
  done
  for i in "${!replicas[@]}"; do wait_healthy "${replicas[$i]}" "http://127.0.0.1:${ports[$i]}/health/ready"; done

  # Gateway and samples read etcd directly (the etcd transport): no API key needed.
  spawn gateway "${common[@]}" ConfigCenter__App=gateway ConfigCenter__Environment=dev ConfigCenter__Server__Url= \
    ConfigCenter__Optional=true ConfigCenter__CacheDirectory="$DIR/gateway-cache" Gateway__RoutesNamespace=routes Gateway__Zone=zone-a -- \
    dotnet "$gateway" --contentRoot "$(dirname "$gateway")" --urls "http://127.0.0.1:$GATEWAY_PORT"
  for i in 0 1; do
    spawn "sample$((i + 1))" "${common[@]}" ConfigCenter__App=sample ConfigCenter__Environment=dev ConfigCenter__Namespaces__0=application \
      ConfigCenter__Server__Url= ConfigCenter__Optional=true ConfigCenter__CacheDirectory="$DIR/sample$((i + 1))-cache" \
      ConfigCenter__Registration__InstanceId="sample-$((i + 1))" ConfigCenter__Registration__Zone=zone-a -- \
      dotnet "$sample" --contentRoot "$(dirname "$sample")" --urls "http://127.0.0.1:${SAMPLE_PORTS[$i]}"
  done
  wait_healthy gateway "http://127.0.0.1:$GATEWAY_PORT/health/live"
  for i in 0 1; do wait_healthy "sample$((i + 1))" "http://127.0.0.1:${SAMPLE_PORTS[$i]}/health"; done

  echo "cluster up in $DIR"
  echo "  etcd:     $(etcd_endpoints)"
  for i in "${!replicas[@]}"; do echo "  ${replicas[$i]}:  http://127.0.0.1:${ports[$i]} (admin / password in $DIR/admin-password unless ADMIN_PASSWORD was set)"; done
  echo "  gateway:  http://127.0.0.1:$GATEWAY_PORT"
  echo "  samples:  http://127.0.0.1:${SAMPLE_PORTS[0]} http://127.0.0.1:${SAMPLE_PORTS[1]}"
}

# Stops the parts whose pid files match $1 (a glob), newest first: samples and gateway before the servers before etcd.
stop_parts() {
  local pattern="$1" file pid name deadline
  local files=()
  for name in sample2 sample1 gateway server2 server1 etcd3 etcd2 etcd1; do
    # shellcheck disable=SC2053
    [[ "$name" == $pattern ]] && [ -f "$DIR/$name.pid" ] && files+=("$DIR/$name.pid")
  done
  for file in "${files[@]}"; do
    pid="$(cat "$file")"
    # The part leads its own process group (setsid); signal the group so nothing it started survives.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
  for file in "${files[@]}"; do
    pid="$(cat "$file")"
    deadline=$((SECONDS + 10))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$(basename "$file" .pid) did not stop in 10 s; SIGKILL"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
    log "stopped $(basename "$file" .pid)"
  done
}

status() {
  local file name pid
  for file in "$DIR"/*.pid; do
    [ -e "$file" ] || { echo "nothing running in $DIR"; return 0; }
    name="$(basename "$file" .pid)"; pid="$(cat "$file")"
    if kill -0 "$pid" 2>/dev/null; then echo "$name: running (pid $pid), log $DIR/$name.log"; else echo "$name: not running (stale pid $pid)"; fi
  done
}

case "${1:-}" in
  up) up ;;
  down) stop_parts '*' ;;
  status) status ;;
  start) start_etcd ;;
  stop) stop_parts 'etcd*' ;;
  *) echo "usage: $0 up|down|status|start|stop" >&2; exit 2 ;;
esac
