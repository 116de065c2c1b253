#!/usr/bin/env bash
# 학습자의 반복 주기를 README의 명령 그대로, 새로 받은 저장소에서 재요.
# (The learner's loop, timed through the README's own commands in a fresh clone.)
#
#   bash benches/learner_loop.sh
#
# 재는 것 (모두 벽시계 시간, 초):
#   1. clone → 튜터 메뉴: `cargo run --release`가 메뉴를 띄울 때까지 (tmux 안에서; tmux가 없으면
#      `cargo run --release -- progress`가 끝날 때까지).
#   2. 첫 채점: `cargo run --release -- check create_todo`.
#   3. 한 줄 고친 뒤의 채점: exercises/todo_user.rs에 한 줄을 더하고 같은 명령 (목표 <= 20초).
#      이때 cargo가 exercises 말고 다른 것을 컴파일하면 실패로 끝나요.
#   4. 그다음의 `cargo run --release -- progress` (컴파일 없음이어야 해요).
#   5. watch의 반응: `cargo run --release -- watch create_todo`를 tmux에서 띄우고, 파일을 저장한
#      순간부터 새 채점 결과가 화면에 나올 때까지 (tmux가 없으면 건너뛰어요).
#
# 부하는 채점기가 띄우는 루프백 실습 서버에만 걸려요. 만든 임시 폴더와 tmux 세션은 끝날 때 지워요.
# 설정: LOOP_KEEP=1 (임시 폴더를 남겨요), LOOP_REPO (받을 저장소, 기본은 이 저장소).
# 시간: 처음 빌드가 대부분이에요 (2코어에서 약 7분).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO="${LOOP_REPO:-$ROOT}"
WORK="$(mktemp -d /tmp/loadlab-loop.XXXXXX)"
SESSION="loadlab-loop-$$"
cleanup() {
    tmux kill-session -t "$SESSION" 2>/dev/null || true
    if [ -z "${LOOP_KEEP:-}" ]; then rm -rf "$WORK"; else echo "남겨 둔 폴더: $WORK"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc -l | xargs printf '%.1f'; }

echo "== 새 저장소: $WORK/loadlab ($(nproc)코어)"
git clone --quiet "$REPO" "$WORK/loadlab"
cd "$WORK/loadlab"
export NO_COLOR=1

wait_for_screen() { # pattern, timeout seconds
    local deadline=$((SECONDS + $2))
    while [ $SECONDS -lt $deadline ]; do
        if tmux capture-pane -p -t "$SESSION" -S -200 | grep -q -- "$1"; then return 0; fi
        sleep 0.2
    done
    echo "화면에 '$1'이(가) 나오지 않았어요:"; tmux capture-pane -p -t "$SESSION" -S -50; return 1
}

start=$(now)
if command -v tmux >/dev/null; then
    tmux new-session -d -s "$SESSION" -x 120 -y 40 "cd $WORK/loadlab && cargo run --release 2>&1; sleep 600"
    wait_for_screen "한국어 성능 테스트 실습서" 3600
    menu=$(since "$start")
    tmux kill-session -t "$SESSION"
else
    cargo run --release -- progress >/dev/null
    menu=$(since "$start")
fi
echo "1. clone → 튜터 메뉴: ${menu}초"

check() { # log file
    local begin; begin=$(now)
    cargo run --release -- check create_todo >"$1" 2>&1 || true
    since "$begin"
}

first=$(check "$WORK/first.log")
echo "2. 첫 채점: ${first}초"

echo "// 한 줄 고쳤어요" >>exercises/todo_user.rs
again=$(check "$WORK/again.log")
echo "3. 한 줄 고친 뒤의 채점: ${again}초 (목표 <= 20초)"
if grep -E "^\s*Compiling" "$WORK/again.log" | grep -v "Compiling exercises"; then
    echo "실패: 고친 뒤의 채점이 exercises 말고 다른 것을 컴파일했어요"; exit 1
fi
if grep -q "의존성 .*개를 컴파일했어요" "$WORK/again.log"; then
    echo "실패: 고친 뒤의 채점이 의존성을 다시 컴파일했어요"; cat "$WORK/again.log"; exit 1
fi

begin=$(now)
cargo run --release -- progress >"$WORK/progress.log" 2>&1
echo "4. 채점 다음의 cargo run --release -- progress: $(since "$begin")초"
if grep -q "Compiling" "$WORK/progress.log"; then
    echo "실패: 채점 다음의 cargo run이 다시 컴파일했어요"; cat "$WORK/progress.log"; exit 1
fi

if command -v tmux >/dev/null; then
    tmux new-session -d -s "$SESSION" -x 120 -y 40 \
        "cd $WORK/loadlab && NO_COLOR=1 cargo run --release -- watch create_todo 2>&1; sleep 600"
    # watch grades once at start, then prints its key help and waits for a save.
    wait_for_screen "저장하면 자동으로" 600
    helps() { tmux capture-pane -p -t "$SESSION" -S -1000 | grep -c "저장하면 자동으로" || true; }
    before=$(helps)
    begin=$(now)
    echo "// 한 줄 더 고쳤어요" >>exercises/todo_user.rs
    deadline=$((SECONDS + 300))
    while [ $SECONDS -lt $deadline ] && [ "$(helps)" -le "$before" ]; do sleep 0.1; done
    echo "5. watch: 저장 → 새 채점 결과: $(since "$begin")초"
fi
