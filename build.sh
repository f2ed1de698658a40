#!/usr/bin/env bash
# ConfigCenter build entry point (the README's commands).
#   ./build.sh test        install etcd + chromium if missing, build once, run every tests/*Tests project (TEST_JOBS=2 at
#                          a time, the slowest first), print "N passed, N failed" as the last line; non-zero exit on any failure
#   ./build.sh run  [...]  run the server (arguments go to the app)
#   ./build.sh gateway [...] run the gateway (src/ConfigCenter.Gateway; arguments go to the app, e.g. --urls)
#   ./build.sh bench [...] run the benchmarks in Release (names select some; --quick runs a short version of every
#                          one, the smoke check CI runs through tests/ConfigCenter.Operations.Tests/BenchmarkSmokeTests.cs)
#   ./build.sh pack        pack every IsPackable project (libraries + the configcenter tool) into artifacts/packages
#   ./build.sh cluster up|down|status   the docker-compose topology on loopback from the binaries (docker/etcd-cluster.sh)
#   ./build.sh backup ...  SQLite online backup/restore and etcd snapshots (docker/backup.sh; docs/operations.md)
#   ./build.sh compose-check   docker-compose config of docker/docker-compose.yml (installs docker-compose when missing)
#   ./build.sh migrations-postgres  regenerate the PostgreSQL migrations (migrations-postgres/Migrations) from the
#                          EF model, after any schema change to the SQLite migrations; the audit triggers are not part of it
#                          (the server applies them at start, see docs/scale-out.md)
#   ./build.sh public-api  after an intended public API change (or for a new library): list new symbols in PublicAPI.Unshipped.txt
#                          and drop removed ones, for every library that tracks its public API
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

export DOTNET_CLI_TELEMETRY_OPTOUT=1
export DOTNET_NOLOGO=1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

SOLUTION="ConfigCenter.sln"
RESULTS_DIR="artifacts/test-results"
PROJECT_TIMEOUT="${TEST_PROJECT_TIMEOUT:-900}"   # seconds per test project, so a hang cannot eat CI
TEST_JOBS="${TEST_JOBS:-2}"                        # test projects run at once
# Started first so the long ones overlap the many short ones (names of test projects, longest first).
SLOW_TEST_PROJECTS="ConfigCenter.Faults.Tests ConfigCenter.Server.Tests ConfigCenter.Client.Tests ConfigCenter.E2E.Tests"

log() { echo "build.sh: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    log "need root to run: $* (and sudo is not installed)"
    return 1
  fi
}

ensure_system_packages() {
  local packages=()
  if ! command -v etcd >/dev/null 2>&1; then
    packages+=(etcd-server etcd-client)
  fi
  if [ ! -x /usr/bin/chromium ]; then
    packages+=(chromium)
  fi
  # The backup tests use SQLite's own shell; the deployment test checks docker/docker-compose.yml with docker-compose.
  if ! command -v sqlite3 >/dev/null 2>&1; then
    packages+=(sqlite3)
  fi
  if ! command -v docker-compose >/dev/null 2>&1; then
    packages+=(docker-compose)
  fi
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    packages+=(postgresql)
  fi
  if [ "${#packages[@]}" -gt 0 ]; then
    log "installing ${packages[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
  fi
}

# Sums one attribute of the <Counters .../> element over every TRX file in the results directory.
trx_sum() {
  local attribute="$1"
  local files=("$RESULTS_DIR"/*.trx)
  [ -e "${files[0]}" ] || { echo 0; return; }
  grep -ho '<Counters [^>]*>' "${files[@]}" \
    | grep -o " ${attribute}=\"[0-9]*\"" \
    | grep -o '[0-9][0-9]*' \
    | awk '{ s += $1 } END { print s + 0 }' || true
}

# One test project, output to its own log; the exit code is written next to it.
run_test_project() {
  local project="$1" logs_dir="$2" name rc=0
  name="$(basename "$project" .csproj)"
  local started=$SECONDS
  timeout --kill-after=30s "$PROJECT_TIMEOUT" \
    dotnet test "$project" --no-build -c Release \
      --logger "trx;LogFileName=${name}.trx" \
      --results-directory "$RESULTS_DIR" >"$logs_dir/$name.log" 2>&1 || rc=$?
  echo "$rc $((SECONDS - started))" >"$logs_dir/$name.rc"
}

# Prints the log of every finished job in the named array (pid -> project) and removes it; returns the number that failed.
reap_test_jobs() {
  local -n jobs="$1"
  local logs_dir="$2" pid name rc seconds failures=0
  for pid in "${!jobs[@]}"; do
    kill -0 "$pid" 2>/dev/null && continue
    wait "$pid" 2>/dev/null || true
    name="${jobs[$pid]}"
    unset "jobs[$pid]"
    read -r rc seconds <"$logs_dir/$name.rc" || { rc=1; seconds=0; }
    log "---- $name (${seconds}s, exit $rc)"
    cat "$logs_dir/$name.log"
    if [ "$rc" -ne 0 ]; then
      if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
        log "$name timed out after ${PROJECT_TIMEOUT}s"
      else
        log "$name: dotnet test exited with $rc"
      fi
      failures=$((failures + 1))
    fi
  done
  return "$failures"
}

cmd_test() {
  ensure_system_packages

  mkdir -p "$RESULTS_DIR"
  rm -f "$RESULTS_DIR"/*.trx

  if ! dotnet build "$SOLUTION" -c Release; then
    log "build failed"
    echo "0 passed, 0 failed"
    return 1
  fi

  shopt -s nullglob
  local projects=()
  local project
  for project in tests/*Tests/*.csproj; do
    case "$project" in
      *ConfigCenter.Benchmarks*) continue ;;
    esac
    projects+=("$project")
  done
  shopt -u nullglob

  # A test project someone forgot to add to the solution is still built and run.
  local in_solution
  in_solution="$(dotnet sln "$SOLUTION" list 2>/dev/null | tr '\\' '/')"
  local exit_failures=0
  for project in "${projects[@]}"; do
    if ! grep -qxF "$project" <<<"$in_solution"; then
      log "$project is not in $SOLUTION; building it separately"
      dotnet build "$project" -c Release || exit_failures=$((exit_failures + 1))
    fi
  done

  # Two projects at a time (TEST_JOBS), the slowest first, so the suite's wall time is about half its sum. Most tests wait on
  # etcd, Kestrel or Chromium rather than compute; each project's output is printed whole when it ends.
  local ordered=() slow
  for slow in $SLOW_TEST_PROJECTS; do
    for project in "${projects[@]}"; do
      [ "$(basename "$project" .csproj)" = "$slow" ] && ordered+=("$project")
    done
  done
  for project in "${projects[@]}"; do
    grep -qw -- "$(basename "$project" .csproj)" <<<"$SLOW_TEST_PROJECTS" || ordered+=("$project")
  done

  local logs_dir="$RESULTS_DIR/logs"
  rm -rf "$logs_dir"
  mkdir -p "$logs_dir"
  local -A running=()
  local pid
  for project in "${ordered[@]}"; do
    while [ "${#running[@]}" -ge "$TEST_JOBS" ]; do
      wait -n || true
      reap_test_jobs running "$logs_dir" || exit_failures=$((exit_failures + $?))
    done
    run_test_project "$project" "$logs_dir" &
    running[$!]="$(basename "$project" .csproj)"
  done
  while [ "${#running[@]}" -gt 0 ]; do
    wait -n || true
    reap_test_jobs running "$logs_dir" || exit_failures=$((exit_failures + $?))
  done

  local passed failed
  passed="$(trx_sum passed)"
  failed=$(( $(trx_sum failed) + $(trx_sum error) + $(trx_sum timeout) + $(trx_sum aborted) ))

  local status=0
  if [ "${#projects[@]}" -eq 0 ]; then
    log "no test projects found under tests/*Tests/"
    status=1
  fi
  if [ "$exit_failures" -gt 0 ]; then
    log "$exit_failures test project(s) did not finish cleanly"
    status=1
  fi
  if [ "$failed" -gt 0 ]; then
    status=1
  fi
  if [ $((passed + failed)) -eq 0 ]; then
    log "no tests ran"
    status=1
  fi

  echo "${passed} passed, ${failed} failed"
  return "$status"
}

# Every project that says IsPackable=true is packed, so a new library is picked up without editing this file.
packable_projects() {
  local project
  for project in src/*/*.csproj; do
    if [ "$(dotnet msbuild "$project" -getProperty:IsPackable 2>/dev/null)" = "true" ]; then
      echo "$project"
    fi
  done
}

cmd_pack() {
  local out="artifacts/packages"
  rm -rf "$out"
  mkdir -p "$out"
  local project
  for project in $(packable_projects); do
    log "packing $project"
    dotnet pack "$project" -c Release -o "$out"
  done
  ls -1 "$out"
}

# RS0016 (symbol not declared) and RS0017 (declared symbol gone) name the symbol; this applies what
# the IDE's "Add to public API" code fix would, because `dotnet format` does not see source-generated members.
cmd_public_api() {
  local project dir output symbol pass round
  # Two rounds: a library that fails only because a dependency does gets its turn after the dependency is fixed.
  for round in 1 2; do
  for project in $(packable_projects); do
    dir="$(dirname "$project")"
    [ "$(dotnet msbuild "$project" -getProperty:PackAsTool 2>/dev/null)" = "true" ] && continue
    if [ ! -f "$dir/PublicAPI.Shipped.txt" ]; then
      log "starting public API tracking for $project"
      : > "$dir/PublicAPI.Shipped.txt"
      echo '#nullable enable' > "$dir/PublicAPI.Unshipped.txt"
    fi
    for pass in 1 2 3; do
      output="$(dotnet build "$project" -c Release --no-incremental 2>&1 || true)"
      grep -q "RS001[67].*$(basename "$project")" <<<"$output" || break
      while IFS= read -r symbol; do
        echo "$symbol" >> "$dir/PublicAPI.Unshipped.txt"
      done < <(grep "$(basename "$project")" <<<"$output" | grep -o "RS0016: Symbol '[^']*'" | sed "s/^RS0016: Symbol '//; s/'\$//" | sort -u)
      while IFS= read -r symbol; do
        grep -vxF "$symbol" "$dir/PublicAPI.Unshipped.txt" > "$dir/PublicAPI.Unshipped.tmp" || true
        mv "$dir/PublicAPI.Unshipped.tmp" "$dir/PublicAPI.Unshipped.txt"
      done < <(grep "$(basename "$project")" <<<"$output" | grep -o "RS0017: Symbol '[^']*'" | sed "s/^RS0017: Symbol '//; s/'\$//" | sort -u)
      { head -n1 "$dir/PublicAPI.Unshipped.txt"; tail -n +2 "$dir/PublicAPI.Unshipped.txt" | LC_ALL=C sort -u; } > "$dir/PublicAPI.Unshipped.tmp"
      mv "$dir/PublicAPI.Unshipped.tmp" "$dir/PublicAPI.Unshipped.txt"
      log "$dir/PublicAPI.Unshipped.txt updated (pass $pass)"
    done
  done
  done
}

# The compose file must stay valid: `docker-compose config` parses and interpolates it (required variables given dummy values).
cmd_compose_check() {
  if ! command -v docker-compose >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends docker-compose
  fi
  POSTGRES_PASSWORD=check ADMIN_PASSWORD=check-password-12 docker-compose -f docker/docker-compose.yml config --quiet
  log "docker/docker-compose.yml is valid"
}
# The PostgreSQL migrations are generated from the same model as the SQLite ones. There are no deployed PostgreSQL
# databases before the first release, so this regenerates them as one initial migration; after a release, replace the
# rm with `dotnet ef migrations add <Name>` so existing databases upgrade.
cmd_migrations_postgres() {
  export PATH="$PATH:$HOME/.dotnet/tools:/root/.dotnet/tools"
  local name="${1:-PostgresInitial}"
  dotnet restore migrations-postgres/ConfigCenter.Migrations.Postgres.csproj
  rm -rf migrations-postgres/Migrations
  dotnet ef migrations add "$name" --project migrations-postgres --startup-project migrations-postgres \
    --context ConfigCenterDbContext --output-dir Migrations
}

usage() {
  echo "usage: $0 test | run [args...] | gateway [args...] | bench [args...] | pack | public-api | cluster up|down|status | backup ... | compose-check | migrations-postgres" >&2
}

command="${1:-}"
if [ "$#" -gt 0 ]; then shift; fi
case "$command" in
  test)  cmd_test ;;
  run)   exec dotnet run --project src/ConfigCenter.Server -- "$@" ;;
  gateway) exec dotnet run --project src/ConfigCenter.Gateway -- "$@" ;;
  pack)  cmd_pack ;;
  public-api) cmd_public_api ;;
  cluster) exec docker/etcd-cluster.sh "$@" ;;
  backup) exec docker/backup.sh "$@" ;;
  compose-check) cmd_compose_check ;;
  migrations-postgres) cmd_migrations_postgres "$@" ;;
  bench) exec dotnet run -c Release --project tests/ConfigCenter.Benchmarks -- "$@" ;;
  *)     usage; exit 2 ;;
esac
