#!/usr/bin/env bash
# Local Temporal dev server for ROLLER iQ Booking Updates.
#   ./temporal-dev.sh start|stop|status|restart|ensure-cli|cli-path|logs|server-flags
# Env: TEMPORAL_PORT (7233), TEMPORAL_UI_PORT (8233), TEMPORAL_DEV_DIR (./.local/temporal),
#      TEMPORAL_NAMESPACE (default), TEMPORAL_RETENTION (72h), TEMPORAL_UI_CODEC_ENDPOINT (optional),
#      TEMPORAL_CLI_VERSION (v1.5.1).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CLI_VERSION="${TEMPORAL_CLI_VERSION:-v1.5.1}"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/roller-iq/temporal-cli/${CLI_VERSION}"
PORT="${TEMPORAL_PORT:-7233}"
UI_PORT="${TEMPORAL_UI_PORT:-8233}"
DEV_DIR="${TEMPORAL_DEV_DIR:-$ROOT/.local/temporal}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_RETENTION:-72h}"
PID_FILE="$DEV_DIR/server.pid"
LOG_FILE="$DEV_DIR/server.log"
DB_FILE="$DEV_DIR/temporal.sqlite"

# The service's custom search attributes (kept in sync with workflows/search-attributes.ts).
SEARCH_ATTRIBUTES=(
  "SessionPhase=Keyword"
  "VenueId=Keyword"
  "BookingId=Keyword"
  "NeedsAttention=Bool"
)

# Local latency tuning (dev server only; a real cluster keeps its own settings and the service works
# with either). Temporal splits every task queue into 4 partitions by default; with one worker
# process a task often lands on a partition with no poller waiting and is delivered only after being
# forwarded to the root partition or read back from the backlog. One partition per task queue
# removes that wait. `npm run bench` measures both (see README, Benchmarks).
DEV_DYNAMIC_CONFIG=(
  "matching.numTaskqueueReadPartitions=1"
  "matching.numTaskqueueWritePartitions=1"
)

say() { printf '%s\n' "$*" >&2; }

server_flags() {
  local v; for v in "${DEV_DYNAMIC_CONFIG[@]}"; do printf -- '--dynamic-config-value\n%s\n' "$v"; done
}

find_cli() {
  if command -v temporal >/dev/null 2>&1; then command -v temporal; return 0; fi
  if [ -x "$CACHE_DIR/temporal" ]; then echo "$CACHE_DIR/temporal"; return 0; fi
  return 1
}

ensure_cli() {
  local cli
  if cli="$(find_cli)"; then echo "$cli"; return 0; fi
  mkdir -p "$CACHE_DIR"
  if command -v go >/dev/null 2>&1; then
    say "Building the temporal CLI ${CLI_VERSION} with go install (once; cached in $CACHE_DIR)…"
    if GOBIN="$CACHE_DIR" GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@${CLI_VERSION}" >&2; then
      echo "$CACHE_DIR/temporal"; return 0
    fi
    say "go install of temporal ${CLI_VERSION} failed (see above)."
  fi
  local os arch url
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) arch="$(uname -m)" ;; esac
  if command -v curl >/dev/null 2>&1; then
    for url in \
      "https://github.com/temporalio/cli/releases/download/${CLI_VERSION}/temporal_cli_${CLI_VERSION#v}_${os}_${arch}.tar.gz" \
      "https://temporal.download/cli/archive/${CLI_VERSION}?platform=${os}&arch=${arch}"; do
      say "Trying the official release download: $url"
      if curl -fsSL --connect-timeout 10 --max-time 120 "$url" -o "$CACHE_DIR/cli.tgz" 2>/dev/null && tar -xzf "$CACHE_DIR/cli.tgz" -C "$CACHE_DIR" temporal 2>/dev/null; then
        rm -f "$CACHE_DIR/cli.tgz"; echo "$CACHE_DIR/temporal"; return 0
      fi
      rm -f "$CACHE_DIR/cli.tgz"
    done
  fi
  say "Cannot find or install the temporal CLI. Install one of:"
  say "  - Go 1.23+ (then rerun this script), or"
  say "  - the temporal CLI on PATH: https://docs.temporal.io/cli#install (e.g. 'brew install temporal')"
  exit 1
}

is_running() {
  [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_ready() {
  local cli="$1" i
  for i in $(seq 1 120); do
    if "$cli" operator cluster health --address "127.0.0.1:$PORT" >/dev/null 2>&1; then return 0; fi
    if ! is_running; then say "Temporal dev server exited; last log lines:"; tail -n 20 "$LOG_FILE" >&2 || true; return 1; fi
    sleep 0.5
  done
  say "Temporal dev server did not answer on port $PORT within 60s (log: $LOG_FILE)"; return 1
}

start() {
  local cli
  cli="$(ensure_cli)"
  mkdir -p "$DEV_DIR"
  if is_running; then
    say "Temporal dev server already running (pid $(cat "$PID_FILE")) on 127.0.0.1:$PORT; UI http://localhost:$UI_PORT"
    # the UI keeps the codec endpoint it was started with
    if [ "$(cat "$DEV_DIR/codec-endpoint" 2>/dev/null)" != "${TEMPORAL_UI_CODEC_ENDPOINT:-}" ]; then
      say "warning: it was started with another UI codec endpoint; run '$0 restart' for the UI to decode payloads through the current one"
    fi
    return 0
  fi
  local p; for p in "$PORT" "$UI_PORT"; do
    if port_in_use "$p"; then say "Port $p is already in use by another process; set TEMPORAL_PORT / TEMPORAL_UI_PORT to free ones."; exit 1; fi
  done
  local args=(server start-dev --ip 127.0.0.1 --port "$PORT" --ui-port "$UI_PORT" --db-filename "$DB_FILE"
    --namespace "$NAMESPACE" --log-format json --log-level warn)
  local sa; for sa in "${SEARCH_ATTRIBUTES[@]}"; do args+=(--search-attribute "$sa"); done
  local dc; for dc in "${DEV_DYNAMIC_CONFIG[@]}"; do args+=(--dynamic-config-value "$dc"); done
  # The UI's browser code calls this endpoint to decode payloads (npm run dev passes the gateway's).
  if [ -n "${TEMPORAL_UI_CODEC_ENDPOINT:-}" ]; then args+=(--ui-codec-endpoint "$TEMPORAL_UI_CODEC_ENDPOINT"); fi
  printf '%s' "${TEMPORAL_UI_CODEC_ENDPOINT:-}" > "$DEV_DIR/codec-endpoint"
  # setsid: the server gets its own process group, so Ctrl-C in a parent terminal does not orphan it mid-write.
  setsid "$cli" "${args[@]}" >>"$LOG_FILE" 2>&1 < /dev/null &
  echo $! > "$PID_FILE"
  wait_ready "$cli" || { stop >/dev/null 2>&1 || true; exit 1; }
  # Keep session history no longer than the configured retention (docs/design.md §8).
  "$cli" operator namespace update --address "127.0.0.1:$PORT" --namespace "$NAMESPACE" --retention "$RETENTION" >/dev/null 2>&1 \
    || say "warning: could not set namespace retention to $RETENTION"
  say "Temporal dev server running (pid $(cat "$PID_FILE")) on 127.0.0.1:$PORT"
  say "Temporal UI: http://localhost:$UI_PORT"
}

stop() {
  if ! is_running; then rm -f "$PID_FILE"; say "Temporal dev server is not running"; return 0; fi
  local pid; pid="$(cat "$PID_FILE")"
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  say "Temporal dev server stopped"
}

status() {
  if is_running; then
    echo "running (pid $(cat "$PID_FILE")) on 127.0.0.1:$PORT; UI http://localhost:$UI_PORT"
  else
    echo "stopped"; return 3
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  ensure-cli|cli-path) ensure_cli ;;
  logs) tail -n "${2:-50}" "$LOG_FILE" ;;
  server-flags) server_flags ;;
  *) say "usage: $0 start|stop|restart|status|ensure-cli|logs|server-flags"; exit 2 ;;
esac
