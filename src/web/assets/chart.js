// loadlab dashboard charts: a small hand-written line chart on <canvas> (no library, no CDN).
// A canvas redraw costs the same however long the history grows; the page calls lineChart for
// each chart whenever new points arrive. Loaded before app.js, which uses clock(), lineChart()
// and legend().
"use strict";

function clock(seconds) {
  const s = Math.max(0, Math.round(seconds || 0));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}

function niceMax(value) {
  if (!(value > 0)) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * power) return step * power;
  return 10 * power;
}

function lineChart(canvas, xs, series, options) {
  const dpr = window.devicePixelRatio || 1;
  const width = canvas.clientWidth || 600, height = canvas.clientHeight || 220;
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  const ctx = canvas.getContext("2d");
  ctx.scale(dpr, dpr);
  ctx.clearRect(0, 0, width, height);
  const pad = { left: 56, right: 14, top: 12, bottom: 26 };
  const w = width - pad.left - pad.right, h = height - pad.top - pad.bottom;
  const x0 = xs.length ? xs[0] : 0, x1 = xs.length > 1 ? xs[xs.length - 1] : x0 + 10;
  let top = 0;
  for (const s of series) for (const v of s.values) if (v > top) top = v;
  top = niceMax(top * 1.1);
  const X = (x) => pad.left + ((x - x0) / Math.max(1e-9, x1 - x0)) * w;
  const Y = (y) => pad.top + h - (y / top) * h;
  for (const band of (options && options.bands) || []) {
    if (band.from >= top) continue;
    ctx.fillStyle = band.color;
    ctx.fillRect(pad.left, Y(Math.min(band.to, top)), w, Y(band.from) - Y(Math.min(band.to, top)));
  }
  ctx.strokeStyle = "#e3e8ed";
  ctx.fillStyle = "#66727f";
  ctx.font = "12px system-ui, sans-serif";
  ctx.lineWidth = 1;
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  for (let i = 0; i <= 4; i++) {
    const y = (top * i) / 4;
    ctx.beginPath();
    ctx.moveTo(pad.left, Y(y));
    ctx.lineTo(pad.left + w, Y(y));
    ctx.stroke();
    ctx.fillText(y >= 100 ? Math.round(y).toString() : Number(y.toFixed(2)).toString(), pad.left - 6, Y(y));
  }
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  const span = Math.max(1, x1 - x0);
  const step = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600].find((s) => span / s <= 6) || 3600;
  for (let x = Math.ceil(x0 / step) * step; x <= x1 + 1e-9; x += step) ctx.fillText(clock(x), X(x), pad.top + h + 6);
  let drawn = 0;
  for (const s of series) {
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.values.forEach((v, i) => (i ? ctx.lineTo(X(xs[i]), Y(v)) : ctx.moveTo(X(xs[i]), Y(v))));
    ctx.stroke();
    drawn += s.values.length;
  }
  canvas.dataset.points = String(drawn);
  if (!xs.length) {
    ctx.fillStyle = "#8a96a3";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.fillText("테스트를 시작하면 매초 한 점씩 그려져요", pad.left + w / 2, pad.top + h / 2);
  }
}

function legend(id, items) {
  document.getElementById(id).replaceChildren(...items.flatMap(([color, text]) => {
    const swatch = document.createElement("i");
    swatch.style.background = color;
    return [swatch, text];
  }));
}

