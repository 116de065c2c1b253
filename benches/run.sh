#!/usr/bin/env bash
# loadlab 성능 벤치마크 — 한 번 실행해서, 같은 실행 안에서 잰 기준과의 "비율"로 목표를 확인합니다.
# (Speed and memory benchmark: every goal is a ratio to a reference measured in this same run.)
#
#   bash benches/run.sh
#
# 재는 것:
#   1. 부하 생성기 효율: 병목이 아닌 대상(nginx 1 worker, keep-alive, GET /health 에 고정 JSON)에
#      연결(사용자) 20개로, 생성기 프로세스의 CPU 1초(user + system)당 보낸 요청 수.
#      엔진(대기 없는 사용자 20명) ÷ wrk -t1 -c20 (목표 >= 0.5), 엔진 ÷ Locust FastHttpUser (목표 >= 15).
#      대상이 nginx인 까닭: 실습 서버는 엔진보다 먼저 포화해서, 그걸로 재면 엔진이 아니라 서버를 잽니다.
#      wrk, 엔진, 엔진, wrk 순서(A B B A)로 돌려 공유 머신의 부하 변화가 양쪽에 고르게 걸리게 합니다.
#   2. 엔진 메모리: 사용자 10,000명, between(1, 2)의 최대 RSS(VmHWM, 목표 <= 100 MB)와, 실행이
#      길어질수록 메모리가 늘어나는지(안정 구간 RSS의 기울기).
#   3. 통계 행 하나의 메모리: 요청을 이름 N개로 흩은 실행과 이름 하나인 실행의 최대 RSS 차이 ÷ (N - 1)
#      (목표 <= 16 KiB; .name(..)을 빠뜨린 시나리오가 만드는 상황).
#   4. 실습 서버 속도: GET /todos/{id}, POST /todos/ 를 wrk -c20 으로, 가이드의 FastAPI 앱
#      (benches/reference/app.py, uvicorn 1 worker, SQLite 파일)과 같은 방식으로 재서 배수 비교
#      (목표 > 20배). Python/pip이 없으면 기준은 건너뛰고 계약서의 수치(읽기 약 500 req/s)를 씁니다.
#
# 부하는 모두 루프백(127.0.0.1)에만, 정해진 시간 동안만 걸리고, 띄운 프로세스는 끝날 때 모두 정리됩니다.
# 설정(환경 변수): BENCH_SECONDS(측정 한 번의 길이, 기본 10 → A, B 각 5초), BENCH_MEMORY_SECONDS(기본 300),
#   BENCH_MEMORY_USERS(기본 10000), BENCH_ROWS(기본 400, 엔진의 이름 한도 500 아래), BENCH_SKIP_REFERENCE=1(FastAPI 기준 생략),
#   BENCH_SKIP_LOCUST=1(Locust 생략), BENCH_VENV(기준용 venv 위치, 기본 /tmp/loadlab-bench-venv).
# 필요한 것: cargo, curl, wrk와 nginx(없으면 root일 때 apt-get으로 설치), 기준을 재려면 python3(venv, pip).
# 측정 시간은 약 8분입니다 (처음 한 번은 빌드와 pip 설치 시간이 더 듭니다).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SECONDS_PER="${BENCH_SECONDS:-10}"
MEMORY_SECONDS="${BENCH_MEMORY_SECONDS:-300}"
MEMORY_USERS="${BENCH_MEMORY_USERS:-10000}"
# 10,000 users at 1,000 per second: all up after 10 s, then five minutes of between(1, 2).
MEMORY_SPAWN_RATE=1000
MEMORY_WAIT="1,2"
MEMORY_GOAL_MB=100
# RSS moves in steps of a MiB or two (allocator), so over a 40-second steady part a slope below
# this many bytes per request is noise; a real leak of a few dozen bytes per request shows clearly.
LEAK_BYTES_PER_REQUEST=32
# Below the engine's name limit (engine::stats::MAX_NAMES = 500), past which names share one row.
ROWS="${BENCH_ROWS:-400}"
ROW_GOAL_KIB=16
CONNECTIONS=20
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
# install PROGRAM PACKAGE: apt-get installs PACKAGE when PROGRAM is missing (as root only).
install() {
    command -v "$1" >/dev/null && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "$1 이(가) 없어 설치합니다: apt-get install -y $2"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"; } >/dev/null \
            || die "$2 를 설치하지 못했습니다"
    else
        die "$1 이(가) 필요합니다 (sudo apt-get install -y $2)"
    fi
}
install wrk wrk
install nginx nginx-light
# Every user holds a connection: 10,000 users need more file descriptors than the usual 1,024.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
[ "$(ulimit -n)" -gt $((MEMORY_USERS + 100)) ] || die "열 수 있는 파일 수(ulimit -n $(ulimit -n))가 사용자 ${MEMORY_USERS}명에 모자랍니다"

# ---------------------------------------------------------------- build
step "빌드 (release)"
executable() { sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -n 1; }
LOADLAB=$(cargo build --release --bin loadlab --message-format=json-render-diagnostics | executable)
# The bench's own artifact (cargo also reports the loadlab binary it builds beside it).
ENGINE=$(cargo bench --bench engine --no-run --message-format=json-render-diagnostics | grep '"kind":\["bench"\]' | executable)
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
NGINX_PORT=$("$ENGINE" free-port)
mkdir -p "$WORK/nginx"
# One worker, keep-alive without a request limit, no logs, a fixed JSON body: a target that
# answers far faster than any generator here can ask, so the generator is what gets measured.
cat >"$WORK/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
worker_rlimit_nofile $((MEMORY_USERS * 2 + 100));
events { worker_connections $((MEMORY_USERS + 100)); }
http {
    access_log off;
    keepalive_requests 100000000;
    keepalive_timeout 300s;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location = /health { default_type application/json; return 200 '{"status":"ok"}'; }
    }
}
NGINX
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" -e "$WORK/nginx/error.log" >"$WORK/nginx/out.log" 2>&1 &
PIDS+=($!)
NGINX="http://127.0.0.1:$NGINX_PORT"
for _ in $(seq 1 100); do
    curl -sf -o /dev/null "$NGINX/health" && break
    if ! kill -0 "${PIDS[-1]}" 2>/dev/null; then
        cat "$WORK/nginx/out.log" "$WORK/nginx/error.log" >&2
        die "nginx 가 뜨지 않았습니다"
    fi
    sleep 0.1
done
curl -sf -o /dev/null "$NGINX/health" || die "nginx 가 응답하지 않습니다"
say "생성기 효율의 대상 (nginx $(nginx -v 2>&1 | sed 's|.*/||'), worker 1개): $NGINX/health"

"$LOADLAB" serve --port 0 --db "$WORK/lab.db" >"$WORK/lab.log" 2>&1 &
PIDS+=($!)
LAB=$(wait_url "$WORK/lab.log" "${PIDS[-1]}") || die "실습 서버가 뜨지 않았습니다"
say "실습 서버 (loadlab serve, SQLite 파일): $LAB"

# The throwaway venv for the Python references: the guide's FastAPI app and Locust.
PY_NOTE=""
if ! command -v python3 >/dev/null; then
    PY_NOTE="python3 이 없음"
elif ! "$VENV/bin/python" -c 'import fastapi, uvicorn, sqlalchemy, locust' 2>/dev/null; then
    say "기준용 Python 패키지를 $VENV 에 설치합니다 (pip install fastapi 'uvicorn[standard]' sqlalchemy locust)"
    if ! { python3 -m venv "$VENV" && timeout 600 "$VENV/bin/pip" install -q fastapi 'uvicorn[standard]' sqlalchemy locust; }; then
        PY_NOTE="venv/pip 설치 실패"
    fi
fi

REF=""
REF_NOTE="$PY_NOTE"
[ "${BENCH_SKIP_REFERENCE:-0}" = 1 ] && REF_NOTE="BENCH_SKIP_REFERENCE=1"
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
[ -n "$REF" ] || say "기준 FastAPI 앱은 건너뜁니다 ($REF_NOTE): 계약서의 수치 ${CONTRACT_READ_RPS} req/s 를 기준으로 씁니다"
LOCUST_NOTE="$PY_NOTE"
[ "${BENCH_SKIP_LOCUST:-0}" = 1 ] && LOCUST_NOTE="BENCH_SKIP_LOCUST=1"

seed "$LAB"
[ -z "$REF" ] || seed "$REF"

# ---------------------------------------------------------------- 1. generator efficiency
# wrk_cpu SECONDS URL: runs wrk -t1 -cCONNECTIONS and prints "requests/s requests cpu_seconds"
# (cpu: wrk's own user + system time, from bash's time of the child).
wrk_cpu() {
    local seconds=$1 url=$2 out="$WORK/wrk.$RANDOM.txt" cpu
    cpu=$( { TIMEFORMAT='%3U %3S'; time wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --timeout 10s "$url" >"$out"; } 2>&1 | awk '{ print $1 + $2 }')
    if grep -q -e 'Non-2xx' -e 'Socket errors' "$out"; then
        cat "$out" >&2
        die "wrk 가 nginx 에서 오류를 셌습니다: $url"
    fi
    awk -v cpu="$cpu" '/^Requests\/sec:/ { rps = $2 } / requests in / { n = $1 } END { print rps, n, cpu }' "$out"
}

cp "$ROOT/benches/reference/locustfile.py" "$WORK/locustfile.py"

step "1. 생성기 효율: nginx GET /health, 연결(사용자) ${CONNECTIONS}개, CPU 1초당 요청 수 (${HALF}초씩 A B B A 두 번)"
WRK_N=0 WRK_CPU=0 WRK_RPS_SUM=0 ENG_N=0 ENG_CPU=0 ENG_RPS_SUM=0
for round in 1 2; do
    read -r W1 WN1 WC1 <<<"$(wrk_cpu "$HALF" "$NGINX/health")"
    R1=$(run_engine closed --host "$NGINX" --users "$CONNECTIONS" --seconds "$HALF")
    R2=$(run_engine closed --host "$NGINX" --users "$CONNECTIONS" --seconds "$HALF")
    read -r W2 WN2 WC2 <<<"$(wrk_cpu "$HALF" "$NGINX/health")"
    [ "$(field "$R1" failures)" = 0 ] && [ "$(field "$R2" failures)" = 0 ] || die "엔진의 /health 요청이 실패했습니다"
    say "   $round회차 CPU 1초당 요청: wrk $(calc '%.0f' "$WN1 / $WC1"), 엔진 $(calc '%.0f' "$(field "$R1" per_cpu)"), 엔진 $(calc '%.0f' "$(field "$R2" per_cpu)"), wrk $(calc '%.0f' "$WN2 / $WC2")"
    WRK_N=$(calc '%.0f' "$WRK_N + $WN1 + $WN2")
    WRK_CPU=$(calc '%.3f' "$WRK_CPU + $WC1 + $WC2")
    WRK_RPS_SUM=$(calc '%.1f' "$WRK_RPS_SUM + $W1 + $W2")
    ENG_N=$(calc '%.0f' "$ENG_N + $(field "$R1" requests) + $(field "$R2" requests)")
    ENG_CPU=$(calc '%.3f' "$ENG_CPU + $(field "$R1" cpu_s) + $(field "$R2" cpu_s)")
    ENG_RPS_SUM=$(calc '%.1f' "$ENG_RPS_SUM + $(field "$R1" rps) + $(field "$R2" rps)")
done
WRK_PER_CPU=$(calc '%.0f' "$WRK_N / $WRK_CPU")
ENG_PER_CPU=$(calc '%.0f' "$ENG_N / $ENG_CPU")
WRK_RPS=$(calc '%.0f' "$WRK_RPS_SUM / 4")
ENG_RPS=$(calc '%.0f' "$ENG_RPS_SUM / 4")
WRK_RATIO=$(calc '%.2f' "$ENG_PER_CPU / $WRK_PER_CPU")

LOCUST_PER_CPU="" LOCUST_RPS="" LOCUST_RATIO="" LOCUST_VERSION=""
if [ -z "$LOCUST_NOTE" ]; then
    LOCUST_SECONDS=$((HALF * 2))
    LOCUST_VERSION=$("$VENV/bin/python" -c 'import locust; print(locust.__version__)' 2>/dev/null || echo '?')
    say "   Locust ${LOCUST_VERSION} FastHttpUser: 사용자 ${CONNECTIONS}명, ${LOCUST_SECONDS}초"
    if LOCUST_RESULT="$WORK/locust.txt" timeout $((LOCUST_SECONDS + 60)) "$VENV/bin/locust" -f "$WORK/locustfile.py" \
        --headless -u "$CONNECTIONS" -r "$CONNECTIONS" -t "${LOCUST_SECONDS}s" -H "$NGINX" --only-summary \
        --loglevel WARNING >"$WORK/locust.log" 2>&1 && [ -s "$WORK/locust.txt" ]; then
        read -r LN LC LF <"$WORK/locust.txt"
        [ "$LF" = 0 ] || { tail -n 30 "$WORK/locust.log" >&2; die "Locust 의 /health 요청이 실패했습니다"; }
        LOCUST_PER_CPU=$(calc '%.0f' "$LN / $LC")
        LOCUST_RPS=$(calc '%.0f' "$LN / $LOCUST_SECONDS")
        LOCUST_RATIO=$(calc '%.1f' "$ENG_PER_CPU / $LOCUST_PER_CPU")
        say "   Locust: 요청 ${LN}건, CPU $(calc '%.2f' "$LC")초 → CPU 1초당 ${LOCUST_PER_CPU}건"
    else
        tail -n 30 "$WORK/locust.log" >&2
        LOCUST_NOTE="locust 실행 실패"
    fi
fi
[ -z "$LOCUST_NOTE" ] || say "   Locust 는 건너뜁니다 ($LOCUST_NOTE)"

# ---------------------------------------------------------------- 2. engine memory
step "2. 엔진 메모리: nginx, 사용자 ${MEMORY_USERS}명 (초당 ${MEMORY_SPAWN_RATE}명), between(${MEMORY_WAIT/,/, }), ${MEMORY_SECONDS}초"
MEM=$(run_engine memory --host "$NGINX" --users "$MEMORY_USERS" --spawn-rate "$MEMORY_SPAWN_RATE" \
    --seconds "$MEMORY_SECONDS" --wait "$MEMORY_WAIT")
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
# Five minutes of the same run: the peak plus the steady slope's growth over the minutes not run
# (growth only, never a shrink).
FIVE_MIN_MB=$(calc '%.0f' "$PEAK_MB + ($SLOPE > 0 ? $SLOPE : 0) * 1.048576 * (5 - $MEMORY_SECONDS / 60)")

# ---------------------------------------------------------------- 3. memory per stats row
step "3. 통계 행 하나의 메모리: nginx, 사용자 ${CONNECTIONS}명, 이름 1개 vs ${ROWS}개, ${HALF}초씩"
ONE=$(run_engine rows --host "$NGINX" --users "$CONNECTIONS" --seconds "$HALF" --names 1)
MANY=$(run_engine rows --host "$NGINX" --users "$CONNECTIONS" --seconds "$HALF" --names "$ROWS")
[ "$(field "$MANY" rows)" = "$ROWS" ] || die "이름 ${ROWS}개 실행의 통계 행이 $(field "$MANY" rows)개입니다"
ROW_KIB=$(calc '%.1f' "($(field "$MANY" peak_kib) - $(field "$ONE" peak_kib)) / ($ROWS - 1)")
ROW_REQUESTS=$(calc '%.0f' "$(field "$MANY" requests) / $ROWS")

# ---------------------------------------------------------------- 4. lab server vs FastAPI
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
step "4. 실습 서버 vs 가이드의 FastAPI 앱: wrk -c${CONNECTIONS} -t2, ${HALF}초씩 A B B A"
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
say "생성기 효율  CPU 1초당 요청: 엔진 ${ENG_PER_CPU} ÷ wrk ${WRK_PER_CPU} = ${WRK_RATIO}  (목표 >= 0.5: $(verdict "$WRK_RATIO >= 0.5"))"
if [ -n "$LOCUST_RATIO" ]; then
    say "              엔진 ${ENG_PER_CPU} ÷ Locust ${LOCUST_VERSION} FastHttpUser ${LOCUST_PER_CPU} = ${LOCUST_RATIO}배  (목표 >= 15배: $(verdict "$LOCUST_RATIO >= 15"))"
else
    say "              Locust 비교는 건너뜀 ($LOCUST_NOTE)"
fi
say "              처리량(참고): 엔진 ${ENG_RPS} req/s, wrk ${WRK_RPS} req/s${LOCUST_RPS:+, Locust ${LOCUST_RPS} req/s}"
say "엔진 메모리   사용자 ${MEMORY_USERS}명 최대 ${PEAK_MB} MB (${PEAK_MIB} MiB)  (목표 <= ${MEMORY_GOAL_MB} MB: $(verdict "$PEAK_MB <= $MEMORY_GOAL_MB"))"
say "              실행 길이에 따라: ${STEADY_FROM}초 ${FIRST_MIB} MiB → 끝 ${LAST_MIB} MiB, 기울기 ${SLOPE} MiB/분 = 요청당 ${PER_REQUEST}바이트 → ${GROWS}"
say "              이 기울기로 5분이면 약 ${FIVE_MIN_MB} MB (목표 <= ${MEMORY_GOAL_MB} MB: $(verdict "$FIVE_MIN_MB <= $MEMORY_GOAL_MB")); 요청 ${MEM_REQUESTS}건, 실패 ${MEM_FAILS}건"
say "통계 행       행 하나에 ${ROW_KIB} KiB (행 ${ROWS}개, 행마다 요청 약 ${ROW_REQUESTS}건)  (목표 <= ${ROW_GOAL_KIB} KiB: $(verdict "$ROW_KIB <= $ROW_GOAL_KIB"))"
say "GET  /todos/{id}  실습 서버 ${GET_LAB} req/s ÷ 기준 ${GET_REF} req/s = ${GET_X}배  (목표 > 20배: $(verdict "$GET_X > 20"))"
say "POST /todos/      실습 서버 ${POST_LAB} req/s ÷ 기준 ${POST_REF} req/s = ${POST_X}배  (목표 > 20배: $(verdict "$POST_X > 20"))"
say "기준: ${REF_LABEL}"
say "RESULT engine_per_cpu=$ENG_PER_CPU wrk_per_cpu=$WRK_PER_CPU wrk_ratio=$WRK_RATIO" \
    "locust_per_cpu=${LOCUST_PER_CPU:-none} locust_ratio=${LOCUST_RATIO:-none} engine_rps=$ENG_RPS wrk_rps=$WRK_RPS" \
    "peak_mb=$PEAK_MB slope_mib_per_min=$SLOPE bytes_per_request=$PER_REQUEST five_min_mb=$FIVE_MIN_MB" \
    "row_kib=$ROW_KIB get_lab=$GET_LAB get_ref=$GET_REF get_x=$GET_X post_lab=$POST_LAB post_ref=$POST_REF post_x=$POST_X"
