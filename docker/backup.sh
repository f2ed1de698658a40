#!/usr/bin/env bash
# Backups of ConfigCenter's state (docs/operations.md):
#   docker/backup.sh sqlite-backup  DATA_DIR BACKUP_DIR     online copy of a (running) server's data directory
#   docker/backup.sh sqlite-restore BACKUP_DIR DATA_DIR     into a new or empty data directory, with the server stopped
#   docker/backup.sh etcd-snapshot  ENDPOINT FILE           etcd snapshot of one member (etcdctl snapshot save)
#   docker/backup.sh etcd-restore   FILE DATA_DIR NAME PEER_URL [INITIAL_CLUSTER]
#                                                           a member's data directory from a snapshot
# The SQLite copy uses SQLite's online backup API (sqlite3 .backup): a consistent snapshot while the server keeps
# writing, not a file copy that can catch a transaction half-way. The data directory's other files travel with it:
# keys/ (the data-protection key ring: sign-in cookies, encrypted secrets) and secret-hash.key (the HMAC key of the
# stored API-key and token hashes) — without them a restored server would not recognise a single issued API key.
set -euo pipefail

DB=configcenter.db
log() { echo "backup.sh: $*" >&2; }
die() { log "$*"; exit 1; }

need() { command -v "$1" >/dev/null || die "$1 not found (apt-get install $2)"; }

# Files of the data directory that are not the database and not the running process' lock.
copy_side_files() {
  local from="$1" to="$2" entry name
  for entry in "$from"/* "$from"/.[!.]*; do
    [ -e "$entry" ] || continue
    name="$(basename "$entry")"
    case "$name" in
      "$DB"|"$DB-wal"|"$DB-shm"|"$DB-journal"|configcenter.lock|configcenter.pid) continue ;;
    esac
    cp -a "$entry" "$to/$name"
  done
}

integrity() {
  local result
  result="$(sqlite3 "$1" 'PRAGMA integrity_check;')"
  [ "$result" = "ok" ] || die "integrity check of $1 failed: $result"
}

sqlite_backup() {
  local data="$1" out="$2"
  need sqlite3 sqlite3
  [ -f "$data/$DB" ] || die "$data/$DB does not exist"
  [ ! -e "$out" ] || [ -z "$(ls -A "$out")" ] || die "$out is not empty"
  (umask 077; mkdir -p "$out")
  # .timeout: wait for the server's write lock instead of failing; the backup API restarts its copy if a write lands.
  (umask 077; sqlite3 "$data/$DB" ".timeout 30000" ".backup '$out/$DB'")
  integrity "$out/$DB"
  copy_side_files "$data" "$out"
  chmod -R go-rwx "$out"
  local releases
  releases="$(sqlite3 "$out/$DB" 'SELECT COUNT(*) FROM Releases;')"
  printf 'created=%s\nsource=%s\nreleases=%s\nsha256=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$data" "$releases" \
    "$(sha256sum "$out/$DB" | cut -d' ' -f1)" >"$out/BACKUP-MANIFEST"
  log "backed up $data ($releases releases) to $out"
}

sqlite_restore() {
  local backup="$1" data="$2"
  need sqlite3 sqlite3
  [ -f "$backup/$DB" ] || die "$backup/$DB does not exist"
  if [ -f "$backup/BACKUP-MANIFEST" ]; then
    local expected actual
    expected="$(sed -n 's/^sha256=//p' "$backup/BACKUP-MANIFEST")"
    actual="$(sha256sum "$backup/$DB" | cut -d' ' -f1)"
    [ "$expected" = "$actual" ] || die "$backup/$DB does not match its manifest (sha256 $actual, expected $expected)"
  fi
  integrity "$backup/$DB"
  (umask 077; mkdir -p "$data")
  # A server holding the data directory holds an exclusive flock on configcenter.lock: never restore under it.
  if [ -e "$data/configcenter.lock" ] && command -v flock >/dev/null && ! flock -n "$data/configcenter.lock" true; then
    die "a server is running on $data (configcenter.lock is held); stop it first"
  fi
  [ ! -e "$data/$DB" ] || die "$data already holds a database; restore into a new directory (or move it away first)"
  cp -a "$backup/$DB" "$data/$DB"
  copy_side_files "$backup" "$data"
  rm -f "$data/BACKUP-MANIFEST"
  chmod -R go-rwx "$data"
  log "restored $backup into $data; start the server with ConfigCenter:DataDirectory=$data"
}

etcd_snapshot() {
  local endpoint="$1" file="$2"
  need etcdctl etcd-client
  ETCDCTL_API=3 etcdctl --endpoints "$endpoint" snapshot save "$file" >&2
  if command -v etcdutl >/dev/null; then etcdutl snapshot status "$file" >&2; else ETCDCTL_API=3 etcdctl snapshot status "$file" >&2; fi
}

etcd_restore() {
  local file="$1" data="$2" name="$3" peer="$4" cluster="${5:-$3=$4}"
  [ ! -e "$data" ] || die "$data exists; etcd restores into a new data directory"
  # etcd 3.5+ moved the offline restore to etcdutl; 3.4 (Debian's) has it in etcdctl.
  if command -v etcdutl >/dev/null; then
    etcdutl snapshot restore "$file" --data-dir "$data" --name "$name" --initial-advertise-peer-urls "$peer" \
      --initial-cluster "$cluster" --initial-cluster-token "configcenter-restored-$(date +%s)" >&2
  else
    need etcdctl etcd-client
    ETCDCTL_API=3 etcdctl snapshot restore "$file" --data-dir "$data" --name "$name" --initial-advertise-peer-urls "$peer" \
      --initial-cluster "$cluster" --initial-cluster-token "configcenter-restored-$(date +%s)" >&2
  fi
  log "restored the snapshot into $data for member $name ($peer)"
}

case "${1:-}" in
  sqlite-backup) [ "$#" -eq 3 ] || die "usage: $0 sqlite-backup DATA_DIR BACKUP_DIR"; sqlite_backup "$2" "$3" ;;
  sqlite-restore) [ "$#" -eq 3 ] || die "usage: $0 sqlite-restore BACKUP_DIR DATA_DIR"; sqlite_restore "$2" "$3" ;;
  etcd-snapshot) [ "$#" -eq 3 ] || die "usage: $0 etcd-snapshot ENDPOINT FILE"; etcd_snapshot "$2" "$3" ;;
  etcd-restore) [ "$#" -ge 5 ] || die "usage: $0 etcd-restore FILE DATA_DIR NAME PEER_URL [INITIAL_CLUSTER]"; etcd_restore "$2" "$3" "$4" "$5" "${6:-}" ;;
  *) echo "usage: $0 sqlite-backup DATA_DIR BACKUP_DIR | sqlite-restore BACKUP_DIR DATA_DIR | etcd-snapshot ENDPOINT FILE | etcd-restore FILE DATA_DIR NAME PEER_URL [INITIAL_CLUSTER]" >&2; exit 2 ;;
esac
