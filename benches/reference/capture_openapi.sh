#!/usr/bin/env bash
# Recaptures src/server/openapi.json: the OpenAPI document FastAPI itself generates for the
# guide's app (benches/reference/app.py). The lab server serves that file as it is, and
# tests/server_openapi.rs holds the server to it (same document, every operation routed).
#
#   benches/reference/capture_openapi.sh          # writes src/server/openapi.json
#
# Needs python3 (venv, pip). FastAPI and uvicorn go into a throwaway venv (BENCH_VENV, default
# /tmp/loadlab-bench-venv, shared with benches/run.sh); the app listens on a free loopback port
# with a throwaway SQLite file, and is stopped again. Running loadlab never needs Python.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="${BENCH_VENV:-/tmp/loadlab-bench-venv}"
OUT="$ROOT/src/server/openapi.json"
WORK="$(mktemp -d /tmp/loadlab-openapi.XXXXXX)"
PID=""
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

if ! "$VENV/bin/python" -c 'import fastapi, uvicorn, sqlalchemy' 2>/dev/null; then
    echo "FastAPI, uvicorn, SQLAlchemy 를 $VENV 에 설치합니다" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q fastapi uvicorn sqlalchemy
fi

# A free loopback port, chosen by the OS.
PORT=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
TODO_DB_URL="sqlite:///$WORK/ref.db" "$VENV/bin/python" -m uvicorn --app-dir "$ROOT/benches/reference" \
    app:app --host 127.0.0.1 --port "$PORT" --no-access-log >"$WORK/uvicorn.log" 2>&1 &
PID=$!
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$PORT/openapi.json" -o "$WORK/raw.json" && break
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/uvicorn.log" >&2; exit 1; }
    sleep 0.1
done
[ -s "$WORK/raw.json" ] || { cat "$WORK/uvicorn.log" >&2; exit 1; }

# Indented for readable diffs, key order and non-ASCII text kept as FastAPI sent them.
"$VENV/bin/python" - "$WORK/raw.json" "$OUT" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(doc, f, ensure_ascii=False, indent=2)
    f.write("\n")
PY
VERSIONS=$("$VENV/bin/python" -c 'import fastapi, pydantic; print(f"FastAPI {fastapi.__version__}, pydantic {pydantic.VERSION}")')
echo "$OUT 에 저장했어요 ($VERSIONS)"
