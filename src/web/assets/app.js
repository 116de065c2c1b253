// loadlab dashboard: builds the start form from /api/config, sends same-origin JSON to the
// state-changing endpoints, and draws what /events (Server-Sent Events) pushes: statistics,
// charts (chart.js: hand-drawn on <canvas>), failures, exceptions, ratios, the lab server's /metrics,
// the lab switches, the explanation and the downloads. Every text from the server is put in
// with textContent, never as HTML.
"use strict";

const $ = (id) => document.getElementById(id);
const PHASES = { idle: "대기 중", starting: "시작하는 중", running: "실행 중", stopping: "멈추는 중", finished: "끝남" };
const view = {
  phase: "idle", run: 0, history: [], live: null, info: null, outcome: null, lab: null,
  sort: { key: null, asc: false }, formOpen: null, shownOutcomeRun: 0, config: null,
};

// ---------------------------------------------------------------------------------------------
// small helpers

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function ms(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "-";
  if (value >= 100) return Math.round(value).toString();
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function num(value, digits) {
  return Number(value || 0).toLocaleString("ko-KR", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function percentile(row, q) {
  const hit = (row.percentiles || []).find((p) => Math.abs(p.quantile - q) < 1e-9);
  return hit ? hit.response_time : null;
}

function showMessage(text, kind) {
  const box = $("message");
  box.textContent = text || "";
  box.className = "message" + (kind === "info" ? " info" : "");
  box.hidden = !text;
}

async function post(path, body) {
  try {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) return { error: data.error || `요청이 실패했어요 (HTTP ${response.status}).` };
    return { data };
  } catch (error) {
    return { error: "대시보드 서버에 닿지 않아요. loadlab이 아직 켜져 있는지 확인해 주세요." };
  }
}

// ---------------------------------------------------------------------------------------------
// the start form

function shapeOptions(config) {
  const select = $("f-shape");
  select.replaceChildren(el("option", { value: "", text: "고정: 사용자 수를 그대로 유지" }));
  for (const preset of config.presets) {
    select.append(el("option", { value: preset.name, text: `${preset.name} 프리셋 — ${preset.quick}` }));
  }
  select.append(el("option", { value: "stages", text: "단계를 직접 적기 (사용자:시간, …)" }));
  for (const shape of config.shapes) {
    select.append(el("option", { value: shape, text: `${shape} (시나리오의 LoadShape)` }));
  }
  select.addEventListener("change", shapeChanged);
}

function shapeChanged() {
  const value = $("f-shape").value;
  const preset = view.config.presets.find((p) => p.name === value);
  $("f-stages-label").hidden = value !== "stages";
  $("f-quick-label").hidden = !preset;
  const help = $("shape-help");
  if (preset) {
    help.textContent = `사용자 수와 실행 시간은 모양이 정해요. 짧은 버전: ${preset.quick} · 원래 버전: ${preset.describe}`;
  } else if (value === "stages") {
    help.textContent = "각 단계는 앞 단계의 사용자 수에서 적은 사용자 수까지 그 시간 동안 고르게 늘거나 줄어요.";
  } else if (value) {
    help.textContent = "시나리오의 LoadShape가 매초 사용자 수를 정해요.";
  } else {
    help.textContent = "";
  }
  $("f-users").disabled = Boolean(value);
  $("f-time").disabled = Boolean(value);
}

function buildForm(config) {
  shapeOptions(config);
  const classes = $("f-classes");
  for (const cls of config.classes) {
    const box = el("input", { type: "checkbox", value: cls.name, "data-class": cls.name });
    box.checked = true;
    const weight = el("input", { type: "number", min: "1", step: "1", value: String(cls.weight), "data-weight": cls.name, "aria-label": `${cls.name} 가중치` });
    const tasks = cls.tasks.map((t) => t.name).join(", ");
    classes.append(el("div", { class: "class-cell" },
      el("div", { class: "class-row" }, el("label", {}, box, cls.name), el("small", { text: "가중치" }), weight),
      el("small", { class: "help", text: `작업: ${tasks}` }),
    ));
  }
  const switches = $("f-bottlenecks");
  for (const b of config.bottlenecks) {
    const box = el("input", { type: "checkbox", value: b.name, "data-bottleneck": b.name });
    switches.append(el("label", { class: "switch" }, box, el("div", {}, el("b", { text: b.name }), el("p", { text: b.describe }))));
  }
  const d = config.defaults;
  if (d) {
    if (d.users !== null && d.users !== undefined && d.users !== "") $("f-users").value = d.users;
    if (d.spawn_rate) $("f-spawn").value = d.spawn_rate;
    $("f-host").value = d.host || "";
    $("f-time").value = d.run_time || "";
    if (d.classes && d.classes.length) {
      for (const box of classes.querySelectorAll("input[data-class]")) {
        const chosen = d.classes.find((c) => c.name === box.value);
        box.checked = Boolean(chosen);
        if (chosen) classes.querySelector(`input[data-weight="${box.value}"]`).value = chosen.weight;
      }
    }
    if (d.shape) {
      const known = [...$("f-shape").options].some((o) => o.value === d.shape);
      $("f-shape").value = known ? d.shape : "stages";
      if (!known) $("f-stages").value = d.shape;
      $("f-quick").checked = Boolean(d.quick);
    }
    for (const box of switches.querySelectorAll("input")) box.checked = (d.bottlenecks || []).includes(box.value);
  }
  shapeChanged();
}

function readForm() {
  const shapeChoice = $("f-shape").value;
  const shape = shapeChoice === "stages" ? $("f-stages").value.trim() : shapeChoice;
  const classes = [...document.querySelectorAll("#f-classes input[data-class]")]
    .filter((box) => box.checked)
    .map((box) => ({ name: box.value, weight: document.querySelector(`input[data-weight="${box.value}"]`).value }));
  return {
    users: shape ? "" : $("f-users").value,
    spawn_rate: $("f-spawn").value,
    host: $("f-host").value.trim(),
    run_time: shape ? "" : $("f-time").value.trim(),
    classes,
    shape,
    quick: $("f-quick").checked,
    bottlenecks: [...document.querySelectorAll("#f-bottlenecks input:checked")].map((box) => box.value),
  };
}

function openForm(open) {
  view.formOpen = open;
  $("start").hidden = !open;
  if (open) $("f-users").focus();
}

async function submitStart(event) {
  event.preventDefault();
  $("form-error").textContent = "";
  $("btn-start").disabled = true;
  $("btn-start").textContent = "시작하는 중…";
  const { error } = await post("/api/start", readForm());
  $("btn-start").disabled = false;
  $("btn-start").textContent = "시작";
  if (error) {
    $("form-error").textContent = error;
    return;
  }
  showMessage("");
  openForm(false);
  selectTab("stats");
}

// ---------------------------------------------------------------------------------------------
// tabs

function selectTab(name) {
  for (const button of document.querySelectorAll("#tabs button")) button.classList.toggle("active", button.dataset.tab === name);
  for (const tab of document.querySelectorAll("main .tab")) tab.hidden = tab.id !== `tab-${name}`;
  if (name === "charts" || name === "server") drawCharts();
}

// ---------------------------------------------------------------------------------------------
// statistics

const SORT_VALUE = {
  p95: (row) => percentile(row, 0.95),
  p99: (row) => percentile(row, 0.99),
};

function statsCells(row) {
  const failPct = row.num_requests ? (100 * row.num_failures) / row.num_requests : 0;
  const cells = [
    [row.method, "left"], [row.name, "left name"], [num(row.num_requests, 0)],
    [`${num(row.num_failures, 0)} (${failPct.toFixed(2)}%)`, row.num_failures ? "bad" : ""],
    [ms(row.avg_response_time)], [ms(row.min_response_time)], [ms(row.max_response_time)],
    [ms(row.median_response_time)], [ms(percentile(row, 0.95))], [ms(percentile(row, 0.99))],
    [num(row.avg_content_length, 0)], [num(row.requests_per_second, 2)], [num(row.failures_per_second, 2)],
  ];
  return el("tr", {}, ...cells.map(([text, cls]) => el("td", { class: cls || "", text: String(text) })));
}

function renderStats(live) {
  const rows = [...((live && live.stats) || [])];
  const { key, asc } = view.sort;
  if (key) {
    const value = SORT_VALUE[key] || ((row) => row[key]);
    rows.sort((a, b) => {
      const x = value(a), y = value(b);
      const order = typeof x === "string" ? x.localeCompare(y, "ko") : (x || 0) - (y || 0);
      return asc ? order : -order;
    });
  }
  $("stats-table").tBodies[0].replaceChildren(...rows.map(statsCells));
  const foot = $("stats-table").tFoot;
  foot.replaceChildren();
  if (live && live.total && rows.length) {
    const total = statsCells({ ...live.total, method: "", name: "전체 (Aggregated)" });
    foot.append(total);
  }
  $("stats-empty").hidden = rows.length > 0;
  for (const th of document.querySelectorAll("#stats-table th")) {
    th.classList.toggle("sorted", th.dataset.key === key);
    th.classList.toggle("asc", th.dataset.key === key && asc);
  }
}

function sortBy(event) {
  const key = event.target.dataset.key;
  if (!key) return;
  view.sort = view.sort.key === key ? { key, asc: !view.sort.asc } : { key, asc: key === "name" || key === "method" };
  renderStats(view.live);
}

function renderTable(id, rows, cells) {
  $(id).tBodies[0].replaceChildren(...rows.map((row) => el("tr", {}, ...cells(row).map(([text, cls]) => el("td", { class: cls || "", text: String(text) })))));
}

function renderFailures(live) {
  const errors = (live && live.errors) || [];
  renderTable("failures-table", errors, (e) => [[num(e.occurrences, 0)], [e.method, "left"], [e.name, "left name"], [e.error, "wrap"]]);
  $("failures-empty").hidden = errors.length > 0;
  $("count-failures").textContent = errors.length ? errors.reduce((sum, e) => sum + e.occurrences, 0) : "";
  const exceptions = (live && live.exceptions) || [];
  renderTable("exceptions-table", exceptions, (e) => [[num(e.count, 0)], [e.user_class, "left"], [e.task, "left"], [e.message, "wrap"], [e.location, "left name"]]);
  $("exceptions-empty").hidden = exceptions.length > 0;
  $("count-exceptions").textContent = exceptions.length ? exceptions.reduce((sum, e) => sum + e.count, 0) : "";
}

function barRow(name, share) {
  const pct = `${(share * 100).toFixed(1)}%`;
  const fill = el("div", { class: "fill" });
  fill.style.width = pct;
  return el("div", { class: "bar-row" }, el("span", { class: "name", text: name }), el("div", { class: "track" }, fill), el("span", { class: "pct", text: pct }));
}

function renderRatios(info, classUsers) {
  const box = $("ratios");
  box.replaceChildren();
  const classes = (info && info.classes) || [];
  const running = new Map((classUsers || []).map(([name, users]) => [name, users]));
  for (const cls of classes) {
    const now = running.has(cls.name) ? ` · 지금 ${running.get(cls.name)}명 실행 중` : "";
    const section = el("div", { class: "ratio-class" }, el("h3", { text: `${cls.name} — 사용자의 ${(cls.share * 100).toFixed(1)}% (가중치 ${cls.weight})${now}` }));
    for (const task of cls.tasks) section.append(barRow(`${task.name} (가중치 ${task.weight})`, task.share));
    box.append(section);
  }
  $("ratios-empty").hidden = classes.length > 0;
}

// ---------------------------------------------------------------------------------------------
// the lab server's own numbers

const SERVER_ROWS = [
  ["메모리 (MB)", (s) => s.memory_bytes / 1048576, 1],
  ["열린 연결", (s) => s.open_connections, 0],
  ["처리한 요청", (s) => s.requests_total, 0],
  ["DB 쿼리", (s) => s.db_queries_total, 0],
  ["풀 스캔으로 읽은 행", (s) => s.db_rows_scanned_total, 0],
  ["DB 세션 대기 (초)", (s) => s.db_session_wait_seconds_total || 0, 3],
  ["작업자 스레드를 붙잡은 시간 (초)", (s) => s.async_blocked_seconds_total, 3],
  ["보낸 본문 (KB, 압축 뒤)", (s) => s.sent_body_bytes_total / 1024, 0],
  ["본문 (KB, 압축 전)", (s) => s.body_bytes_total / 1024, 0],
  ["TODO 개수", (s) => s.todos, 0],
];

function renderServer() {
  const points = view.history.filter((p) => p.server);
  const last = points[points.length - 1];
  const before = points[points.length - 2];
  $("server-empty").hidden = Boolean(last);
  $("server-table").hidden = !last;
  if (!last) {
    $("server-table").tBodies[0].replaceChildren();
    return;
  }
  const seconds = before ? Math.max(0.001, last.elapsed - before.elapsed) : 1;
  renderTable("server-table", SERVER_ROWS, ([label, read, digits]) => {
    const now = read(last.server);
    const rate = before ? (now - read(before.server)) / seconds : null;
    return [[label, "left"], [num(now, digits)], [rate === null ? "-" : num(rate, digits)]];
  });
}

function drawCharts() {
  const css = getComputedStyle(document.documentElement);
  const color = (name) => css.getPropertyValue(name).trim();
  const points = view.history;
  const xs = points.map((p) => p.elapsed);
  const last = points[points.length - 1];
  if (!$("tab-charts").hidden) {
    lineChart($("chart-rps"), xs, [
      { color: color("--rps"), values: points.map((p) => p.requests_per_second) },
      { color: color("--fail"), values: points.map((p) => p.failures_per_second) },
    ]);
    legend("legend-rps", [[color("--rps"), `RPS ${last ? num(last.requests_per_second, 1) : "-"}`], [color("--fail"), `실패/s ${last ? num(last.failures_per_second, 1) : "-"}`]]);
    lineChart($("chart-time"), xs, [
      { color: color("--p50"), values: points.map((p) => p.p50_response_time) },
      { color: color("--p95"), values: points.map((p) => p.p95_response_time) },
    ], { bands: [
      { from: 0, to: 500, color: "rgba(31,157,107,.06)" },
      { from: 500, to: 1000, color: "rgba(224,170,31,.10)" },
      { from: 1000, to: Infinity, color: "rgba(214,69,69,.08)" },
    ] });
    legend("legend-time", [[color("--p50"), `중앙값 ${last ? ms(last.p50_response_time) : "-"}`], [color("--p95"), `95% ${last ? ms(last.p95_response_time) : "-"}`]]);
    lineChart($("chart-users"), xs, [{ color: color("--users"), values: points.map((p) => p.users) }]);
    legend("legend-users", [[color("--users"), `사용자 ${last ? last.users : "-"}명`]]);
  }
  if (!$("tab-server").hidden) {
    const served = points.filter((p) => p.server);
    const rates = served.map((p, i) => (i ? (p.server.db_queries_total - served[i - 1].server.db_queries_total) / Math.max(0.001, p.elapsed - served[i - 1].elapsed) : 0));
    lineChart($("chart-db"), served.map((p) => p.elapsed), [{ color: color("--p50"), values: rates }]);
    legend("legend-db", [[color("--p50"), `초당 쿼리 ${rates.length ? num(rates[rates.length - 1], 0) : "-"}`]]);
  }
}

// ---------------------------------------------------------------------------------------------
// the lab panel

function renderLab(lab) {
  const box = $("lab-switches");
  $("lab-empty").hidden = Boolean(lab);
  if (!lab) {
    box.replaceChildren();
    return;
  }
  const existing = box.querySelectorAll("input");
  if (existing.length === lab.length) {
    lab.forEach((s, i) => {
      if (!existing[i].dataset.busy) existing[i].checked = s.on;
      existing[i].closest(".switch").classList.toggle("on", s.on);
    });
    return;
  }
  box.replaceChildren(...lab.map((s) => {
    const input = el("input", { type: "checkbox", "data-lab": s.name });
    input.checked = s.on;
    input.addEventListener("change", async () => {
      input.dataset.busy = "1";
      const { error } = await post("/api/lab", { bottleneck: s.name, on: input.checked });
      delete input.dataset.busy;
      if (error) {
        input.checked = !input.checked;
        showMessage(error);
      } else {
        showMessage(`${s.name} 병목을 ${input.checked ? "켰어요" : "껐어요"}. 차트 탭에서 변화를 지켜보세요.`, "info");
      }
    });
    return el("label", { class: "switch" + (s.on ? " on" : "") }, input, el("div", {}, el("b", { text: s.name }), el("p", { text: s.describe })));
  }));
}

// ---------------------------------------------------------------------------------------------
// after the run

const BADGES = {
  good: "목표 달성", warn: "주의", bad: "목표 못 미침", info: "",
  problem: "문제", warning: "주의", note: "참고",
};

function badge(kind) {
  const text = BADGES[kind];
  return text ? el("span", { class: `badge ${kind}`, text }) : "";
}

function renderOutcome(outcome) {
  const box = $("explain");
  box.replaceChildren();
  $("explain-empty").hidden = Boolean(outcome);
  $("downloads-empty").hidden = Boolean(outcome);
  $("downloads").replaceChildren();
  if (!outcome) return;
  box.append(el("p", { class: "headline", text: outcome.headline }));
  if (outcome.interrupted) box.append(el("p", { class: "help", text: "멈추기 버튼으로 끝낸 실행이에요. 숫자는 멈춘 시점까지의 값이에요." }));
  const metrics = el("table", { class: "data" }, el("thead", {}, el("tr", {},
    el("th", { class: "left", text: "지표" }), el("th", { text: "값" }), el("th", { text: "목표" }), el("th", { class: "left", text: "뜻" }))));
  const body = el("tbody");
  for (const m of outcome.metrics) {
    body.append(el("tr", {}, el("td", { class: "left" }, badge(m.mark), m.label), el("td", { text: m.value }),
      el("td", { text: m.target || "-" }), el("td", { class: "wrap", text: m.meaning })));
  }
  metrics.append(body);
  box.append(el("h2", { text: "결과 해설 — 가이드의 목표와 비교" }), el("div", { class: "scroll" }, metrics));
  for (const f of outcome.findings) {
    const card = el("div", { class: `finding ${f.severity}` }, el("h4", {}, badge(f.severity), f.title));
    if (f.evidence.length) card.append(el("div", { class: "label", text: "근거" }), el("ul", {}, ...f.evidence.map((t) => el("li", { text: t }))));
    if (f.advice.length) card.append(el("div", { class: "label", text: "해 볼 일" }), el("ul", {}, ...f.advice.map((t) => el("li", { text: t }))));
    box.append(card);
  }
  box.append(el("div", { class: "verdict" + (outcome.healthy ? "" : " bad"), text: outcome.verdict }));
  if (outcome.saturation) box.append(el("h2", { text: "포화점" }), el("pre", { class: "block", text: outcome.saturation }));
  for (const line of outcome.news || []) box.append(el("p", { class: "verdict", text: line }));
  for (const d of outcome.downloads) {
    const link = el("a", { href: `/download/${encodeURIComponent(d.name)}`, download: d.name, text: d.name });
    $("downloads").append(el("li", {}, link, el("span", { text: d.label })));
  }
}

// ---------------------------------------------------------------------------------------------
// the live feed

function renderTop() {
  const live = view.live || {};
  const pill = $("phase");
  pill.textContent = PHASES[view.phase] || view.phase;
  pill.className = `pill ${view.phase}`;
  $("top-host").textContent = view.info ? (view.info.embedded ? "내장 실습 서버" : view.info.host) : "-";
  const ramping = view.phase === "running" && live.target_users && live.target_users !== live.users;
  $("top-users").textContent = ramping ? `${live.users}/${live.target_users}명` : `${live.users || 0}명`;
  const last = view.history[view.history.length - 1];
  $("top-rps").textContent = last ? num(last.requests_per_second, 1) : "0";
  const total = live.total;
  $("top-fail").textContent = total && total.num_requests ? `${((100 * total.num_failures) / total.num_requests).toFixed(1)}%` : "0%";
  $("top-time").textContent = live.elapsed ? (live.run_time ? `${clock(live.elapsed)} / ${clock(live.run_time)}` : clock(live.elapsed)) : "-";
  const running = view.phase === "running";
  $("btn-stop").hidden = !running;
  $("btn-edit").hidden = !running;
  $("btn-reset").hidden = !running;
  $("btn-new").hidden = running || view.phase === "stopping" || view.phase === "starting";
  if (!running) $("edit").hidden = true;
  const notices = (live.notices || []).join("\n");
  $("notices").textContent = notices;
  $("notices").hidden = !notices;
}

function apply(snapshot) {
  if (snapshot.phase !== view.phase && (snapshot.phase === "finished" || snapshot.phase === "stopping")) {
    if ($("message").classList.contains("info")) showMessage("");
  }
  if (snapshot.run !== view.run) {
    view.history = [];
    view.outcome = null;
    renderOutcome(null);
  }
  view.run = snapshot.run;
  view.phase = snapshot.phase;
  view.info = snapshot.info;
  view.live = snapshot.live;
  view.lab = snapshot.lab;
  if (snapshot.history_from === 0) view.history = snapshot.history;
  else view.history = view.history.concat(snapshot.history);
  if (snapshot.message) showMessage(snapshot.message);
  if (snapshot.outcome) {
    view.outcome = snapshot.outcome;
    renderOutcome(view.outcome);
    if (view.shownOutcomeRun !== view.run) {
      view.shownOutcomeRun = view.run;
      selectTab("explain");
    }
  }
  if (view.formOpen === null) openForm(view.phase === "idle");
  renderTop();
  renderStats(view.live);
  renderFailures(view.live);
  renderRatios(view.info, snapshot.class_users);
  renderServer();
  renderLab(view.lab);
  drawCharts();
  document.body.dataset.phase = view.phase;
  document.body.dataset.points = String(view.history.length);
}

function listen() {
  const source = new EventSource("/events");
  source.addEventListener("snapshot", (event) => apply(JSON.parse(event.data)));
  source.onerror = () => showMessage("대시보드 서버와 연결이 끊겼어요. 다시 연결하는 중이에요…");
  source.onopen = () => {
    if ($("message").textContent.startsWith("대시보드 서버와 연결이")) showMessage("");
  };
}

// ---------------------------------------------------------------------------------------------
// buttons

async function stopRun() {
  $("btn-stop").disabled = true;
  const { error } = await post("/api/stop", {});
  $("btn-stop").disabled = false;
  if (error) showMessage(error);
}

function openEdit() {
  $("e-users").value = (view.live && view.live.target_users) || "";
  $("e-spawn").value = $("f-spawn").value || 1;
  $("edit-error").textContent = "";
  $("edit").hidden = false;
  $("e-users").focus();
}

async function submitEdit(event) {
  event.preventDefault();
  const { error } = await post("/api/edit", { users: $("e-users").value, spawn_rate: $("e-spawn").value });
  if (error) {
    $("edit-error").textContent = error;
    return;
  }
  $("edit").hidden = true;
  showMessage(`사용자 수를 ${$("e-users").value}명으로 바꾸는 중이에요.`, "info");
}

async function resetStats() {
  const { error } = await post("/api/reset", {});
  if (error) showMessage(error);
  else showMessage("통계를 처음부터 다시 모으고 있어요.", "info");
}

async function main() {
  $("tabs").addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (button) selectTab(button.dataset.tab);
  });
  $("stats-table").tHead.addEventListener("click", sortBy);
  $("start-form").addEventListener("submit", submitStart);
  $("btn-new").addEventListener("click", () => openForm(true));
  $("btn-cancel").addEventListener("click", () => openForm(false));
  $("btn-stop").addEventListener("click", stopRun);
  $("btn-edit").addEventListener("click", openEdit);
  $("btn-edit-cancel").addEventListener("click", () => ($("edit").hidden = true));
  $("edit-form").addEventListener("submit", submitEdit);
  $("btn-reset").addEventListener("click", resetStats);
  window.addEventListener("resize", drawCharts);
  try {
    view.config = await (await fetch("/api/config")).json();
    buildForm(view.config);
  } catch (error) {
    showMessage("설정을 읽지 못했어요. 페이지를 새로 고쳐 보세요.");
  }
  listen();
}

main();
