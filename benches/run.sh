#!/usr/bin/env bash
# loadlab 성능 벤치마크 — 한 번 실행해서, 같은 실행 안에서 잰 기준과의 "비율"로 목표를 확인합니다.
# (Speed and memory benchmark: every goal is a ratio to a reference measured in this same run.)
#
#   bash benches/run.sh
#
# 재는 것:
#   1. 엔진 속도: 엔진의 closed loop(대기 없는 사용자 20명, GET /health 하나) req/s ÷ 같은 서버,
#      같은 연결 수에서 wrk -c20 의 req/s (목표 >= 0.5). wrk, 엔진, 엔진, wrk 순서(A B B A)를 두 번
#      돌려서, 공유 머신의 부하가 중간에 바뀌어도 양쪽에 고르게 걸리게 합니다.
#   2. 엔진 메모리: 사용자 1,000명의 최대 RSS(VmHWM, 목표 <= 150 MB)와, 실행이 길어질수록
#      메모리가 늘어나는지(안정 구간 RSS의 기울기를 요청 하나당 바이트로). 사용자마다 초당 약 5건을
#      보내게 해서(between(0.1, 0.3)) 1분 안에 between(1, 2)로 7분 넘게 돌린 만큼의 요청을 보냅니다.
#   3. 실습 서버 속도: GET /todos/{id}, POST /todos/ 를 wrk -c20 으로, 가이드의 FastAPI 앱
#      (benches/reference/app.py, uvicorn 1 worker, SQLite 파일)과 같은 방식으로 재서 배수 비교
#      (목표 > 20배). Python/pip이 없으면 기준은 건너뛰고 계약서의 수치(읽기 약 500 req/s)를 씁니다.
#
# 부하는 모두 루프백(127.0.0.1)에만, 정해진 시간 동안만 걸리고, 띄운 프로세스는 끝날 때 모두 정리됩니다.
# 설정(환경 변수): BENCH_SECONDS(측정 한 번의 길이, 기본 10), BENCH_MEMORY_SECONDS(기본 60),
#   BENCH_SKIP_REFERENCE=1(FastAPI 기준 생략), BENCH_VENV(기준용 venv 위치, 기본 /tmp/loadlab-bench-venv).
# 필요한 것: cargo, curl, wrk(없으면 apt-get으로 설치), 기준을 재려면 python3(venv, pip).
# 측정 시간은 약 2분 30초입니다 (처음 한 번은 빌드와 pip 설치 시간이 더 듭니다).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SECONDS_PER="${BENCH_SECONDS:-10}"
MEMORY_SECONDS="${BENCH_MEMORY_SECONDS:-60}"
# Busy users: what makes memory grow is requests per connection, not wall time, so a short think
# time packs minutes of a between(1, 2) test into this run (about 5 requests/s per user).
MEMORY_WAIT="0.1,0.3"
# RSS moves in steps of a MiB or two (allocator), so over a 40-second steady part a slope below
# this many bytes per request is noise (seen: -2 to +19); a real leak of a few dozen bytes per
# request shows clearly. For a finer answer: BENCH_MEMORY_SECONDS=300 (seen: +0.7 bytes).
LEAK_BYTES_PER_REQUEST=32
# One hour of the realistic version of this test: 1,000 users with between(1, 2) send about
# 1000 / 1.5 * 3600 = 2.4 million requests.
HOUR_REQUESTS=2400000
CONNECTIONS=20
MEMORY_USERS=1000
SEED_TODOS=100
CONTRACT_READ_RPS=500
VENV="${BENCH_VENV:-/tmp/loadlab-bench-venv}"
HALF=$(awk -v s="$SECONDS_PER" 'BEGIN { h = s / 2; if (h < 1) h = 1; printf "%d", h }')

WORK="$(mktemp -d /tmp/loadlab-bench.XXXXXX)"
PIDS=()

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
die() { printf '오류: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites
command -v cargo >/dev/null || die "cargo 가 필요합니다"
command -v curl >/dev/null || die "curl 이 필요합니다 (apt-get install -y curl)"
if ! command -v wrk >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "wrk 가 없어 설치합니다: apt-get update && apt-get install -y wrk"
        apt-get update -qq && apt-get install -y -qq wrk >/dev/null
    else
        die "wrk 가 필요합니다 (sudo apt-get install -y wrk)"
    fi
fi

# ---------------------------------------------------------------- build
step "빌드 (release)"
executable() { sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1; }
LOADLAB=$(cargo build --release --bin loadlab --message-format=json-render-diagnostics | executable)
ENGINE=$(cargo bench --bench engine --no-run --message-format=json-render-diagnostics | executable)
[ -x "$LOADLAB" ] || die "loadlab 실행 파일을 찾지 못했습니다"
[ -x "$ENGINE" ] || die "엔진 벤치마크 실행 파일을 찾지 못했습니다"
say "loadlab: $LOADLAB"
say "engine:  $ENGINE"

# ---------------------------------------------------------------- helpers
# wait_url LOGFILE PID: the http://127.0.0.1:PORT a server printed once it listens.
wait_url() {
    local log=$1 pid=$2 url="" i
    for i in $(seq 1 100); do
        url=$(grep -o 'http://127\.0\.0\.1:[0-9][0-9]*' "$log" 2>/dev/null | head -n 1 || true)
        if [ -n "$url" ] && [ "${url##*:}" != 0 ] && curl -sf -o /dev/null "$url/health"; then
            printf '%s' "$url"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    cat "$log" >&2
    return 1
}

# seed URL: creates SEED_TODOS todos (ids 1..SEED_TODOS on a fresh database) for the read test.
seed() {
    local url=$1 i code
    for i in $(seq 1 "$SEED_TODOS"); do
        code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$url/todos/" \
            -H 'Content-Type: application/json' -d "{\"title\": \"벤치마크 할 일 $i\"}")
        [ "$code" = 201 ] || die "$url 에 TODO를 만들지 못했습니다 (HTTP $code)"
    done
    code=$(curl -s -o /dev/null -w '%{http_code}' "$url/todos/$SEED_TODOS")
    [ "$code" = 200 ] || die "$url/todos/$SEED_TODOS 가 200이 아닙니다 (HTTP $code)"
}

cat >"$WORK/get_todo.lua" <<EOF
-- GET /todos/{id} with an id drawn from the seeded ones, fresh for every request.
request = function()
  return wrk.format("GET", "/todos/" .. math.random(1, $SEED_TODOS))
end
EOF
cat >"$WORK/post_todo.lua" <<'EOF'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title": "벤치마크로 만든 할 일", "description": null, "completed": false}'
EOF

# run_wrk SECONDS URL [LUA]: prints wrk's requests/s. A non-2xx/3xx answer from the lab server
# stops the script (then its routes or bodies are wrong and the number means nothing); one from
# the reference (SQLite "database is locked" under concurrent writes) and socket errors (a request
# slower than wrk's 10 s timeout) are findings about that server: reported, not fatal.
run_wrk() {
    local seconds=$1 url=$2 lua=${3:-} out problems
    out="$WORK/wrk.$RANDOM.txt"
    if [ -n "$lua" ]; then
        wrk -t2 -c"$CONNECTIONS" -d"${seconds}s" --timeout 10s -s "$lua" "$url" >"$out"
    else
        wrk -t2 -c"$CONNECTIONS" -d"${seconds}s" --timeout 10s "$url" >"$out"
    fi
    if [ "${url#"$LAB"}" != "$url" ] && grep -q 'Non-2xx' "$out"; then
        cat "$out" >&2
        die "실습 서버가 오류 응답을 보냈습니다: $url"
    fi
    problems=$(sed -n -e 's/^ *Socket errors: *//p' -e 's/^ *Non-2xx or 3xx responses: */오류 응답 /p' "$out" | paste -sd ' ' -)
    [ -z "$problems" ] || printf '   주의: %s 에서 wrk 가 센 문제: %s\n' "$url" "$problems" >&2
    awk '/^Requests\/sec:/ { print $2 }' "$out"
}

# field LINE KEY: the value of KEY=... in a RESULT line.
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

# run_engine ARGS...: runs the engine benchmark, shows its Korean line, returns its RESULT line.
run_engine() {
    local out
    out=$(timeout 660 "$ENGINE" "$@") || die "엔진 벤치마크가 실패했습니다"
    grep -v '^RESULT' <<<"$out" | sed 's/^/   /' >&2
    grep '^RESULT' <<<"$out"
}

calc() { awk "BEGIN { printf \"$1\", $2 }"; }
verdict() { if awk "BEGIN { exit !($1) }"; then printf '달성'; else printf '미달'; fi; }

# ---------------------------------------------------------------- servers
step "서버 시작 (127.0.0.1, 빈 포트)"
"$LOADLAB" serve --port 0 --db "$WORK/lab.db" >"$WORK/lab.log" 2>&1 &
PIDS+=($!)
LAB=$(wait_url "$WORK/lab.log" "${PIDS[-1]}") || die "실습 서버가 뜨지 않았습니다"
say "실습 서버 (loadlab serve, SQLite 파일): $LAB"

REF=""
REF_NOTE=""
if [ "${BENCH_SKIP_REFERENCE:-0}" = 1 ]; then
    REF_NOTE="BENCH_SKIP_REFERENCE=1"
elif ! command -v python3 >/dev/null; then
    REF_NOTE="python3 이 없음"
else
    if ! "$VENV/bin/python" -c 'import fastapi, uvicorn, sqlalchemy' 2>/dev/null; then
        say "기준용 FastAPI 앱의 패키지를 $VENV 에 설치합니다 (pip install fastapi 'uvicorn[standard]' sqlalchemy)"
        if ! { python3 -m venv "$VENV" && timeout 600 "$VENV/bin/pip" install -q fastapi 'uvicorn[standard]' sqlalchemy; }; then
            REF_NOTE="venv/pip 설치 실패"
        fi
    fi
    if [ -z "$REF_NOTE" ]; then
        TODO_DB_URL="sqlite:///$WORK/ref.db" "$VENV/bin/python" -m uvicorn --app-dir "$ROOT/benches/reference" \
            app:app --host 127.0.0.1 --port 0 --workers 1 --no-access-log >"$WORK/ref.log" 2>&1 &
        PIDS+=($!)
        if REF=$(wait_url "$WORK/ref.log" "${PIDS[-1]}"); then
            say "기준 (FastAPI + SQLAlchemy, uvicorn 1 worker, SQLite 파일): $REF"
        else
            REF=""
            REF_NOTE="uvicorn 이 뜨지 않음"
        fi
    fi
fi
[ -n "$REF" ] || say "기준 FastAPI 앱은 건너뜁니다 ($REF_NOTE): 계약서의 수치 ${CONTRACT_READ_RPS} req/s 를 기준으로 씁니다"

seed "$LAB"
[ -z "$REF" ] || seed "$REF"

# ---------------------------------------------------------------- 1. engine vs wrk
step "1. 엔진 closed loop vs wrk: GET /health, 연결(사용자) ${CONNECTIONS}개, ${HALF}초씩 A B B A 두 번"
WRK_SUM=0 ENGINE_SUM=0
for round in 1 2; do
    W1=$(run_wrk "$HALF" "$LAB/health")
    R1=$(run_engine closed --host "$LAB" --users "$CONNECTIONS" --seconds "$HALF")
    R2=$(run_engine closed --host "$LAB" --users "$CONNECTIONS" --seconds "$HALF")
    W2=$(run_wrk "$HALF" "$LAB/health")
    E1=$(field "$R1" rps) E2=$(field "$R2" rps)
    [ "$(field "$R1" failures)" = 0 ] && [ "$(field "$R2" failures)" = 0 ] || die "엔진의 /health 요청이 실패했습니다"
    say "   $round회차: wrk $W1, 엔진 $E1, 엔진 $E2, wrk $W2 req/s → 비율 $(calc '%.2f' "($E1 + $E2) / ($W1 + $W2)")"
    WRK_SUM=$(calc '%.1f' "$WRK_SUM + $W1 + $W2")
    ENGINE_SUM=$(calc '%.1f' "$ENGINE_SUM + $E1 + $E2")
done
ENGINE_RPS=$(calc '%.0f' "$ENGINE_SUM / 4")
WRK_RPS=$(calc '%.0f' "$WRK_SUM / 4")
SPEED_RATIO=$(calc '%.2f' "$ENGINE_SUM / $WRK_SUM")

# ---------------------------------------------------------------- 2. engine memory
step "2. 엔진 메모리: 사용자 ${MEMORY_USERS}명, between(${MEMORY_WAIT/,/, }), ${MEMORY_SECONDS}초"
MEM=$(run_engine memory --host "$LAB" --users "$MEMORY_USERS" --seconds "$MEMORY_SECONDS" --wait "$MEMORY_WAIT")
PEAK_MIB=$(calc '%.1f' "$(field "$MEM" peak_kib) / 1024")
PEAK_MB=$(calc '%.1f' "$(field "$MEM" peak_kib) * 1024 / 1000000")
FIRST_MIB=$(calc '%.1f' "$(field "$MEM" first_kib) / 1024")
LAST_MIB=$(calc '%.1f' "$(field "$MEM" last_kib) / 1024")
STEADY_FROM=$(field "$MEM" steady_from)
SLOPE=$(field "$MEM" slope_mib_per_min)
PER_REQUEST=$(field "$MEM" bytes_per_request)
MEM_REQUESTS=$(field "$MEM" requests)
MEM_FAILS=$(field "$MEM" failures)
if awk "BEGIN { exit !($PER_REQUEST < $LEAK_BYTES_PER_REQUEST) }"; then
    GROWS="늘지 않음 (요청당 ${LEAK_BYTES_PER_REQUEST}바이트 미만은 측정 잡음 범위)"
else
    GROWS="늘어나는 것 같음 (요청당 ${LEAK_BYTES_PER_REQUEST}바이트 이상): BENCH_MEMORY_SECONDS=300 으로 길게 다시 재 보세요"
fi
# The hour's estimate counts only growth, never a shrink.
HOUR_MB=$(calc '%.0f' "$PEAK_MB + ($PER_REQUEST > 0 ? $PER_REQUEST : 0) * $HOUR_REQUESTS / 1000000")

# ---------------------------------------------------------------- 3. lab server vs FastAPI
# measure_pair NAME PATH LUA: A B B A between the lab server and the reference (A A without one).
measure_pair() {
    local name=$1 path=$2 lua=$3 a1 b1 b2 a2
    a1=$(run_wrk "$HALF" "$LAB$path" "$lua")
    if [ -n "$REF" ]; then
        b1=$(run_wrk "$HALF" "$REF$path" "$lua")
        b2=$(run_wrk "$HALF" "$REF$path" "$lua")
    fi
    a2=$(run_wrk "$HALF" "$LAB$path" "$lua")
    LAB_RPS=$(calc '%.0f' "($a1 + $a2) / 2")
    if [ -n "$REF" ]; then
        REF_RPS=$(calc '%.0f' "($b1 + $b2) / 2")
    else
        REF_RPS=$CONTRACT_READ_RPS
    fi
    if [ -n "$REF" ]; then
        say "   $name: 실습 서버 $a1, $a2 req/s / 기준 $b1, $b2 req/s"
    else
        say "   $name: 실습 서버 $a1, $a2 req/s / 기준 (계약서 수치) $REF_RPS req/s"
    fi
}
step "3. 실습 서버 vs 가이드의 FastAPI 앱: wrk -c${CONNECTIONS} -t2, ${HALF}초씩 A B B A"
measure_pair "GET /todos/{id}" /todos/1 "$WORK/get_todo.lua"
GET_LAB=$LAB_RPS GET_REF=$REF_RPS
measure_pair "POST /todos/" /todos/ "$WORK/post_todo.lua"
POST_LAB=$LAB_RPS POST_REF=$REF_RPS
GET_X=$(calc '%.1f' "$GET_LAB / $GET_REF")
POST_X=$(calc '%.1f' "$POST_LAB / $POST_REF")

# ---------------------------------------------------------------- report
REF_LABEL="같은 실행의 FastAPI 앱"
[ -n "$REF" ] || REF_LABEL="계약서 수치 (기준 생략: $REF_NOTE)"
step "결과 (이 머신, 이번 실행; $(nproc) 코어, 측정 한 번 ${HALF}초)"
say "엔진 속도     엔진 ${ENGINE_RPS} req/s ÷ wrk ${WRK_RPS} req/s = ${SPEED_RATIO}  (목표 >= 0.5: $(verdict "$SPEED_RATIO >= 0.5"))"
say "엔진 메모리   사용자 ${MEMORY_USERS}명 최대 ${PEAK_MB} MB (${PEAK_MIB} MiB)  (목표 <= 150 MB: $(verdict "$PEAK_MB <= 150"))"
say "              실행 길이에 따라: ${STEADY_FROM}초 ${FIRST_MIB} MiB → 끝 ${LAST_MIB} MiB, 기울기 ${SLOPE} MiB/분 = 요청당 ${PER_REQUEST}바이트 → ${GROWS}"
say "              이 기울기로 1시간(사용자 ${MEMORY_USERS}명, between(1, 2), 약 240만 요청) 돌리면 약 ${HOUR_MB} MB (목표 <= 150 MB: $(verdict "$HOUR_MB <= 150"))"
say "              (요청 ${MEM_REQUESTS}건, 실패 ${MEM_FAILS}건)"
say "GET  /todos/{id}  실습 서버 ${GET_LAB} req/s ÷ 기준 ${GET_REF} req/s = ${GET_X}배  (목표 > 20배: $(verdict "$GET_X > 20"))"
say "POST /todos/      실습 서버 ${POST_LAB} req/s ÷ 기준 ${POST_REF} req/s = ${POST_X}배  (목표 > 20배: $(verdict "$POST_X > 20"))"
say "기준: ${REF_LABEL}"
say "RESULT engine_rps=$ENGINE_RPS wrk_rps=$WRK_RPS speed_ratio=$SPEED_RATIO peak_mb=$PEAK_MB" \
    "slope_mib_per_min=$SLOPE bytes_per_request=$PER_REQUEST hour_mb=$HOUR_MB get_lab=$GET_LAB get_ref=$GET_REF get_x=$GET_X" \
    "post_lab=$POST_LAB post_ref=$POST_REF post_x=$POST_X"
