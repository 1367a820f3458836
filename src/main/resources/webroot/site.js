// One commune's page at /site/{id}: Vietnamese by default, English with the switch or ?lang=en.
// Built with createElement and textContent only: names, reasons and notes are data and never
// interpreted as HTML (the Content-Security-Policy forbids inline script anyway).
"use strict";

(function () {
  const TIME_ZONE = "Asia/Ho_Chi_Minh";
  const TEXT = {
    vi: {
      locale: "vi-VN", back: "← Tất cả các điểm cầu", now: "Hiện tại", state: "Trạng thái", since: "Từ lúc",
      reason: "Lý do", stage: "Triển khai", firstConnected: "Kết nối lần đầu", reboots: "Khởi động lại",
      rebootsValue: "{n} lần từ khi vcmon chạy, lần cuối {time}", rebootsNone: "chưa thấy lần nào",
      days: "90 ngày qua", chart: "Độ trễ và mất gói 24 giờ qua (điểm 5 phút)", noSamples: "Chưa có số liệu 24 giờ qua.",
      incidents: "Sự cố", noIncidents: "Không có sự cố nào.", maintenance: "Khung bảo trì", noMaintenance: "Không có khung bảo trì nào.",
      legendUp: "hoạt động", legendPartial: "có gián đoạn", legendDown: "mất kết nối nhiều", legendMaintenance: "bảo trì",
      legendGap: "vcmon không theo dõi", legendNone: "chưa có số liệu",
      dayTitle: "{day}: {ratio} hoạt động, mất kết nối {down}, bảo trì {maint}, vcmon không theo dõi {gap}",
      colOpened: "Bắt đầu", colClosed: "Kết thúc", colKind: "Loại", colReason: "Lý do", colAck: "Xác nhận",
      colStart: "Từ", colEnd: "Đến", colNote: "Ghi chú", colVantage: "Điểm giám sát", open: "đang diễn ra",
      weekly: "hằng tuần, {day} {from}–{to}", rtt: "Độ trễ TB (ms)", rttMax: "Độ trễ lớn nhất (ms)", loss: "Mất gói (%)",
      missing: "Không có điểm cầu này.", title: "vcmon — {name}",
    },
    en: {
      locale: "en-GB", back: "← All sites", now: "Now", state: "State", since: "Since", reason: "Reason",
      stage: "Rollout stage", firstConnected: "First connected", reboots: "Reboots",
      rebootsValue: "{n} since vcmon started, last {time}", rebootsNone: "none seen",
      days: "Last 90 days", chart: "Round trip and loss, last 24 hours (5-minute points)", noSamples: "No figures for the last 24 hours yet.",
      incidents: "Incidents", noIncidents: "No incidents.", maintenance: "Maintenance windows", noMaintenance: "No maintenance windows.",
      legendUp: "up", legendPartial: "some downtime", legendDown: "much downtime", legendMaintenance: "maintenance",
      legendGap: "vcmon not watching", legendNone: "no data",
      dayTitle: "{day}: {ratio} up, down {down}, maintenance {maint}, vcmon not watching {gap}",
      colOpened: "Opened", colClosed: "Closed", colKind: "Kind", colReason: "Reason", colAck: "Acknowledged",
      colStart: "From", colEnd: "To", colNote: "Note", colVantage: "Vantage", open: "ongoing",
      weekly: "weekly, {day} {from}–{to}", rtt: "RTT avg (ms)", rttMax: "RTT max (ms)", loss: "Loss (%)",
      missing: "No such site.", title: "vcmon — {name}",
    },
  };
  const id = decodeURIComponent(location.pathname.replace(/\/+$/, "").split("/").pop());
  let lang = new URLSearchParams(location.search).get("lang") === "en" ? "en" : "vi";
  const data = { site: null, days: [], samples: [], incidents: [], windows: [] };
  const page = (window.vcmonSitePage = { loaded: false });
  let chart = null;

  const $ = (x) => document.getElementById(x);
  function t(key, vars) {
    let s = TEXT[lang][key];
    if (s === undefined) return key;
    for (const [k, v] of Object.entries(vars || {})) s = s.replace("{" + k + "}", String(v));
    return s;
  }
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  function dateTime(iso) {
    if (!iso) return "–";
    return new Intl.DateTimeFormat(TEXT[lang].locale, { timeZone: TIME_ZONE, dateStyle: "short", timeStyle: "short" })
      .format(new Date(iso));
  }
  function hours(seconds) {
    const m = Math.round(seconds / 60);
    return Math.floor(m / 60) + ":" + String(m % 60).padStart(2, "0");
  }
  const reason = (r) => (!r ? "" : lang === "vi" ? window.vcmonText.reasonVi(r) : r);
  const percent = (r) => (r == null ? "–" : (Math.floor(r * 1000) / 10).toFixed(1) + " %");

  async function getJson(path) {
    const r = await fetch(path, { headers: { Accept: "application/json" } });
    if (!r.ok) throw new Error(path + " " + r.status);
    return r.json();
  }

  function row(table, cells, head) {
    const tr = el("tr");
    for (const c of cells) tr.append(el(head ? "th" : "td", null, c));
    table.append(tr);
  }

  function renderFacts() {
    const s = data.site;
    if (!s) return;
    $("name").textContent = s.name;
    document.title = t("title", { name: s.name });
    const state = $("state");
    state.textContent = window.vcmonText[lang].state[s.state] || s.state;
    state.className = "state " + s.state;
    $("since").textContent = dateTime(s.since);
    $("reason").textContent = reason(s.reason) || "–";
    const stage = s.rollout ? s.rollout.stage : null;
    $("stage").textContent = stage ? window.vcmonText[lang].stage[stage] || stage : "–";
    $("first-connected").textContent = dateTime(s.rollout ? s.rollout.first_connected : null);
    $("reboots").textContent = s.reboots ? t("rebootsValue", { n: s.reboots, time: dateTime(s.last_reboot) }) : t("rebootsNone");
    const v = $("vantages");
    v.replaceChildren();
    const names = Object.keys(s.vantages || {});
    v.hidden = names.length === 0;
    if (names.length) {
      row(v, [t("colVantage"), t("state"), t("since"), t("reason")], true);
      for (const n of names) {
        const x = s.vantages[n];
        row(v, [n, window.vcmonText[lang].state[x.state] || x.state, dateTime(x.since), reason(x.reason)]);
      }
    }
  }

  function dayClass(d) {
    const seen = 86400 - d.maintenance_seconds - d.gap_seconds;
    if (d.availability_ratio == null) {
      if (d.gap_seconds > 0 && d.gap_seconds >= d.maintenance_seconds) return "gap";
      if (d.maintenance_seconds > 0) return "maintenance";
      return "none";
    }
    if (d.down_seconds === 0) return "up";
    return d.availability_ratio >= 0.9 && seen > 0 ? "partial" : "down";
  }

  function renderDays() {
    const bar = $("day-bar");
    bar.replaceChildren();
    bar.setAttribute("aria-label", t("days"));
    for (const d of data.days) {
      const cell = el("span", "day " + dayClass(d));
      cell.dataset.day = d.day;
      cell.title = t("dayTitle", { day: d.day, ratio: percent(d.availability_ratio), down: hours(d.down_seconds),
        maint: hours(d.maintenance_seconds), gap: hours(d.gap_seconds) });
      bar.append(cell);
    }
  }

  function renderChart() {
    const box = $("chart");
    if (chart) { chart.destroy(); chart = null; }
    box.replaceChildren();
    $("chart-empty").hidden = data.samples.length > 0;
    if (!data.samples.length || !window.uPlot) return;
    const x = data.samples.map((p) => Date.parse(p.at) / 1000);
    const avg = data.samples.map((p) => p.rtt_ms_avg);
    const max = data.samples.map((p) => p.rtt_ms_max);
    const loss = data.samples.map((p) => (p.loss_ratio == null ? null : p.loss_ratio * 100));
    const width = Math.max(280, box.clientWidth || 600);
    chart = new window.uPlot({
      width, height: 220, tzDate: (ts) => window.uPlot.tzDate(new Date(ts * 1000), TIME_ZONE),
      series: [{}, { label: t("rtt"), stroke: "#0969da", width: 2 }, { label: t("rttMax"), stroke: "#9a6700", width: 1 },
        { label: t("loss"), stroke: "#cf222e", width: 1, scale: "%" }],
      axes: [{}, { label: "ms" }, { side: 1, scale: "%", label: "%", grid: { show: false } }],
      scales: { "%": { range: [0, 100] } },
    }, [x, avg, max, loss], box);
  }

  function renderIncidents() {
    const table = $("incidents");
    table.replaceChildren();
    if (!data.incidents.length) { table.append(el("caption", "muted", t("noIncidents"))); return; }
    row(table, [t("colOpened"), t("colClosed"), t("colKind"), t("colReason"), t("colAck")], true);
    for (const i of data.incidents) {
      const ack = i.acknowledged_at ? dateTime(i.acknowledged_at) + (i.ack_note ? ": " + i.ack_note : "") : "–";
      row(table, [dateTime(i.opened_at), i.closed_at ? dateTime(i.closed_at) : t("open"),
        window.vcmonText[lang].state[i.kind] || i.kind, reason(i.reason), ack]);
    }
  }

  function renderMaintenance() {
    const table = $("maintenance");
    table.replaceChildren();
    if (!data.windows.length) { table.append(el("caption", "muted", t("noMaintenance"))); return; }
    row(table, [t("colStart"), t("colEnd"), t("colNote")], true);
    for (const w of data.windows) {
      if (w.weekly) row(table, [t("weekly", { day: w.weekly.day, from: w.weekly.from, to: w.weekly.to }), "", w.note || ""]);
      else row(table, [dateTime(w.start_utc), dateTime(w.end_utc), w.note || ""]);
    }
  }

  function render() {
    document.documentElement.lang = lang;
    for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = t(e.dataset.i18n);
    for (const b of document.querySelectorAll(".lang-switch button")) b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
    $("back").href = lang === "en" ? "/?lang=en" : "/";
    renderFacts();
    renderDays();
    renderChart();
    renderIncidents();
    renderMaintenance();
  }

  async function load() {
    const base = "/api/v1/sites/" + encodeURIComponent(id);
    try {
      data.site = await getJson(base);
    } catch (e) {
      const m = $("missing");
      m.hidden = false;
      m.textContent = t("missing");
      return;
    }
    const [days, samples, incidents, windows] = await Promise.all([
      getJson(base + "/history?days=90"),
      getJson(base + "/samples?hours=24"),
      getJson("/api/v1/incidents?limit=50&site=" + encodeURIComponent(id)),
      getJson("/api/v1/maintenance"),
    ]);
    data.days = days;
    data.samples = samples;
    data.incidents = incidents.incidents;
    data.windows = windows.windows.filter((w) => w.site === id || w.site === "all");
    render();
    page.loaded = true;
  }

  for (const b of document.querySelectorAll(".lang-switch button")) {
    b.addEventListener("click", () => { lang = b.dataset.lang; render(); });
  }
  render();
  load();
  setInterval(load, 60000);
})();
