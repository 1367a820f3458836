// vcmon status page: Vietnamese by default, English with the switch or ?lang=en.
// The DOM is built with createElement and textContent only: site names and reasons are data
// and are never interpreted as HTML (the Content-Security-Policy forbids inline script anyway).
"use strict";

(function () {
  const TIME_ZONE = "Asia/Ho_Chi_Minh";
  const ORDER = ["DOWN", "UNREACHABLE", "DEGRADED", "UNKNOWN", "MAINTENANCE", "PLANNED", "UP"];
  const UNIT_TYPES = ["xã", "thị trấn"];
  const REFRESH_MS = 30000;
  const CLUSTER_REFRESH_MS = 10000;
  const SVG_NS = "http://www.w3.org/2000/svg";

  const TEXT = {
    vi: {
      locale: "vi-VN",
      title: "Phòng họp trực tuyến — huyện Đại Từ",
      demo: "DEMO: huyện mô phỏng, không phải dữ liệu thật.",
      rollout: "Tiến độ triển khai",
      connected: "Đã kết nối",
      online: "Đang trực tuyến",
      onlineShort: "Trực tuyến",
      day: "Ngày",
      target: "Mục tiêu",
      deadline: "Hạn hoàn thành: {date}",
      daysLeft: "còn {n} ngày",
      dueToday: "hôm nay là hạn",
      overdue: "quá hạn {n} ngày",
      burnup: "Số xã đã kết nối và trực tuyến theo ngày",
      noHistory: "Chưa có số liệu theo ngày (có sau chu kỳ kiểm tra đầy đủ đầu tiên).",
      map: "Bản đồ huyện",
      mapLabel: "Bản đồ các xã, thị trấn huyện Đại Từ theo trạng thái",
      noCoords: "Chưa có toạ độ",
      scale: "{n} km",
      sites: "Các điểm cầu theo trạng thái",
      colName: "Tên", colType: "Loại", colState: "Trạng thái", colSince: "Từ lúc", colReason: "Lý do",
      colRtt: "RTT", colLoss: "Mất gói", colReboots: "Khởi động lại", col24h: "24 giờ", col30d: "30 ngày",
      colStage: "Triển khai",
      flapping: "chập chờn",
      snmpAge: "SNMP trả lời lần cuối {age} trước",
      ifPartial: "chỉ đọc được một phần bảng cổng mạng (probe.snmp.max_interfaces)",
      incidents: "Sự cố",
      openIncidents: "Đang diễn ra",
      closedIncidents: "Đã khắc phục gần đây",
      noOpen: "Không có sự cố nào đang diễn ra.",
      noClosed: "Chưa có sự cố nào đã khắc phục.",
      colSite: "Điểm cầu", colKind: "Loại sự cố", colOpened: "Bắt đầu", colClosed: "Kết thúc", colDuration: "Thời gian",
      updated: "Cập nhật lúc {time}",
      unreachableServer: "Không kết nối được tới vcmon; đang thử lại…",
      reconnecting: "Mất kết nối trực tiếp tới vcmon; đang kết nối lại…",
      type: { "xã": "Xã", "thị trấn": "Thị trấn", "district": "Huyện", "province": "Tỉnh", "network": "Mạng" },
      units: { d: "ngày", h: "giờ", m: "phút", s: "giây" },
      cluster: "Cụm {name}:",
      clusterTitle: "Các vcmon (điểm giám sát) của cụm, theo vcmon này",
      memberUp: "trực tuyến",
      memberLost: "mất liên lạc {age}",
      memberNever: "chưa từng liên lạc",
      memberSelf: "vcmon này",
    },
    en: {
      locale: "en-GB",
      title: "Online meeting rooms — Đại Từ district",
      demo: "DEMO: a simulated district, not real data.",
      rollout: "Rollout progress",
      connected: "Connected",
      online: "Online now",
      onlineShort: "Online",
      day: "Day",
      target: "Target",
      deadline: "Deadline: {date}",
      daysLeft: "{n} days left",
      dueToday: "due today",
      overdue: "{n} days overdue",
      burnup: "Communes connected and online per day",
      noHistory: "No daily figures yet (they start after the first full check cycle).",
      map: "District map",
      mapLabel: "Map of the communes and towns of Đại Từ district by state",
      noCoords: "No coordinates yet",
      scale: "{n} km",
      sites: "Sites by state",
      colName: "Name", colType: "Type", colState: "State", colSince: "Since", colReason: "Reason",
      colRtt: "RTT", colLoss: "Loss", colReboots: "Reboots", col24h: "24 h", col30d: "30 days",
      colStage: "Rollout",
      flapping: "flapping",
      snmpAge: "SNMP last answered {age} ago",
      ifPartial: "interface table read in part (probe.snmp.max_interfaces)",
      incidents: "Incidents",
      openIncidents: "Open",
      closedIncidents: "Recently resolved",
      noOpen: "No open incident.",
      noClosed: "No resolved incident yet.",
      colSite: "Site", colKind: "Kind", colOpened: "Started", colClosed: "Ended", colDuration: "Duration",
      updated: "Updated at {time}",
      unreachableServer: "Cannot reach vcmon; retrying…",
      reconnecting: "Live connection to vcmon lost; reconnecting…",
      type: { "xã": "Commune", "thị trấn": "Town", "district": "District", "province": "Province", "network": "Network" },
      units: { d: "d", h: "h", m: "min", s: "s" },
      cluster: "Cluster {name}:",
      clusterTitle: "The vcmon agents (vantage points) of the cluster, as this one sees them",
      memberUp: "online",
      memberLost: "lost contact {age}",
      memberNever: "never seen",
      memberSelf: "this vcmon",
    },
  };

  // What the page shows; replaced piece by piece by fetches and live events.
  const data = { sites: [], summary: null, rollout: null, availability: new Map(), open: [], closed: [], at: null, cluster: null };
  // Visible to tests and to anyone debugging in the console: a reload resets it.
  const page = (window.vcmonPage = { loadedAt: Date.now(), events: 0, fetches: 0 });
  let lang = new URLSearchParams(location.search).get("lang") === "en" ? "en" : "vi";
  let chart = null;

  function t(key, vars) {
    let s = TEXT[lang][key];
    if (s === undefined) return key;
    for (const [k, v] of Object.entries(vars || {})) s = s.replace("{" + k + "}", String(v));
    return s;
  }
  // State and stage names come from text.js, shared with the commune's page.
  for (const l of ["vi", "en"]) Object.assign(TEXT[l], { state: window.vcmonText[l].state, stage: window.vcmonText[l].stage });
  const stateLabel = (s) => TEXT[lang].state[s] || s;

  const reasonVi = window.vcmonText.reasonVi;
  const reasonText = (r) => (!r ? "" : lang === "vi" ? reasonVi(r) : r);
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  };
  const svg = (tag, attrs) => {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    return e;
  };
  const $ = (id) => document.getElementById(id);

  // ---- formats (always in the district's time zone, in the page's language) ----
  function dateTime(iso) {
    if (!iso) return "";
    return new Intl.DateTimeFormat(TEXT[lang].locale, {
      timeZone: TIME_ZONE, day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit",
    }).format(new Date(iso));
  }
  function clock(date) {
    return new Intl.DateTimeFormat(TEXT[lang].locale, {
      timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit", second: "2-digit",
    }).format(date);
  }
  // A plain date (2020-08-31) is a day of the district's calendar: format it as such, no shift.
  function plainDate(day, style) {
    return new Intl.DateTimeFormat(TEXT[lang].locale, Object.assign({ timeZone: "UTC" }, style))
      .format(new Date(day + "T00:00:00Z"));
  }
  function number(v, digits) {
    return new Intl.NumberFormat(TEXT[lang].locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);
  }
  function duration(seconds) {
    const u = TEXT[lang].units;
    let s = Math.max(0, Math.round(seconds));
    const d = Math.floor(s / 86400); s -= d * 86400;
    const h = Math.floor(s / 3600); s -= h * 3600;
    const m = Math.floor(s / 60); s -= m * 60;
    const parts = [];
    if (d) parts.push(d + " " + u.d);
    if (h) parts.push(h + " " + u.h);
    if (m && !d) parts.push(m + " " + u.m);
    if (!d && !h) parts.push(s + " " + u.s);
    return parts.join(" ");
  }

  // ---- rendering ----
  function applyLanguage() {
    document.documentElement.lang = lang;
    document.title = "vcmon — " + t("title");
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const b of document.querySelectorAll(".lang-switch button")) {
      b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
    }
    $("map").setAttribute("aria-label", t("mapLabel"));
  }

  function renderAll() {
    applyLanguage();
    renderCluster();
    renderSummary();
    renderChart();
    renderMap();
    renderSites();
    renderIncidents();
  }

  function renderSummary() {
    const s = data.summary;
    if (!s) return;
    $("demo").hidden = s.mode !== "demo";
    const target = data.rollout ? data.rollout.target : s.target;
    $("connected-count").textContent = s.connected + "/" + target;
    $("online-count").textContent = s.online + "/" + target;
    for (const [bar, value] of [["connected-bar", s.connected], ["online-bar", s.online]]) {
      $(bar).max = Math.max(1, target);
      $(bar).value = Math.min(value, target);
      $(bar).textContent = value + "/" + target;
    }
    const r = data.rollout;
    const deadline = $("deadline");
    if (r && r.deadline) {
      const left = r.days_left;
      const when = left > 0 ? t("daysLeft", { n: left }) : left === 0 ? t("dueToday") : t("overdue", { n: -left });
      deadline.textContent = t("deadline", { date: plainDate(r.deadline, { dateStyle: "long" }) }) + " · " + when;
    } else {
      deadline.textContent = "";
    }
    $("updated").textContent = data.at ? t("updated", { time: clock(data.at) }) : "";
  }

  function renderChart() {
    const box = $("burnup");
    const r = data.rollout;
    if (chart) { chart.destroy(); chart = null; }
    const history = r ? r.history : [];
    $("burnup-empty").hidden = history.length > 0;
    if (!history.length || typeof uPlot === "undefined") return;
    const day = (d) => Date.parse(d + "T00:00:00Z") / 1000;
    const xs = history.map((h) => day(h.day));
    const connected = history.map((h) => h.connected);
    const online = history.map((h) => h.online);
    // A burn-up runs to the deadline: the empty days left are part of the picture.
    if (r.deadline && day(r.deadline) > xs[xs.length - 1]) {
      xs.push(day(r.deadline)); connected.push(null); online.push(null);
    }
    if (xs.length === 1) { xs.push(xs[0] + 86400); connected.push(null); online.push(null); }
    const target = xs.map(() => r.target);
    const fmt = new Intl.DateTimeFormat(TEXT[lang].locale, { timeZone: "UTC", day: "2-digit", month: "2-digit" });
    const fullFmt = new Intl.DateTimeFormat(TEXT[lang].locale, { timeZone: "UTC", dateStyle: "medium" });
    chart = new uPlot({
      width: Math.max(280, box.clientWidth),
      height: 220,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      // Headroom above the target, so a line at the target is not drawn on the frame.
      scales: { x: { time: true }, y: { range: [0, Math.max(1, Math.ceil(r.target * 1.1))] } },
      series: [
        { label: t("day"), value: (u, v) => (v == null ? "–" : fullFmt.format(new Date(v * 1000))) },
        { label: t("connected"), stroke: "#1a7f37", width: 2, points: { show: true } },
        { label: t("onlineShort"), stroke: "#0969da", width: 2, points: { show: true } },
        { label: t("target"), stroke: "#8c959f", width: 1, dash: [6, 4], points: { show: false } },
      ],
      axes: [
        // Whole days only: the rows are days, hours between them would mean nothing.
        { space: 50, incrs: [1, 2, 7, 14, 30, 91, 182, 365].map((d) => d * 86400),
          values: (u, splits) => splits.map((v) => fmt.format(new Date(v * 1000))) },
        { values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : "")) },
      ],
    }, [xs, connected, online, target], box);
  }

  function renderMap() {
    const map = $("map");
    map.replaceChildren();
    const located = data.sites.filter((s) => s.location);
    const list = $("no-coords-list");
    list.replaceChildren();
    for (const s of sorted(data.sites.filter((x) => !x.location && UNIT_TYPES.includes(x.type)))) {
      const li = el("li", s.state);
      li.dataset.site = s.id;
      li.append(el("span", "name", s.name), el("span", "state " + s.state, stateLabel(s.state)));
      list.append(li);
    }
    if (!located.length) { map.setAttribute("viewBox", "0 0 600 60"); return; }
    // Equirectangular within the bounds of the points: good enough over 40 km, needs no tiles.
    let latMin = Math.min(...located.map((s) => s.location.lat)), latMax = Math.max(...located.map((s) => s.location.lat));
    let lonMin = Math.min(...located.map((s) => s.location.lon)), lonMax = Math.max(...located.map((s) => s.location.lon));
    const padLat = Math.max(0.03, (latMax - latMin) * 0.08), padLon = Math.max(0.03, (lonMax - lonMin) * 0.12);
    latMin -= padLat; latMax += padLat; lonMin -= padLon; lonMax += padLon * 2; // room for labels on the right
    const k = Math.cos(((latMin + latMax) / 2) * Math.PI / 180);
    const width = 600;
    const scale = width / ((lonMax - lonMin) * k);
    const height = Math.round((latMax - latMin) * scale);
    map.setAttribute("viewBox", "0 0 " + width + " " + height);
    map.append(svg("rect", { x: 0, y: 0, width, height, fill: "none" }));
    // A 5 km scale bar: one degree of latitude is about 111 km.
    const kmPx = scale / 111.32;
    const bar = svg("g", { class: "scale" });
    bar.append(svg("line", { x1: 10, y1: height - 12, x2: 10 + 5 * kmPx, y2: height - 12, stroke: "#1b1b1b", "stroke-width": 2 }));
    const label = svg("text", { x: 10, y: height - 17, "font-size": 10 });
    label.textContent = t("scale", { n: 5 });
    bar.append(label);
    map.append(bar);
    // Problems drawn last, so they are on top where markers overlap.
    for (const s of sorted(located).reverse()) {
      const x = (s.location.lon - lonMin) * k * scale, y = (latMax - s.location.lat) * scale;
      const g = svg("g", { class: "marker " + s.state, "data-site": s.id, "data-state": s.state });
      const title = svg("title");
      title.textContent = s.name + " — " + stateLabel(s.state) + (s.reason ? " (" + reasonText(s.reason) + ")" : "");
      const name = svg("text", { x: x + 8, y: y - 1 });
      name.textContent = s.name;
      const state = svg("text", { x: x + 8, y: y + 10, class: "state-text" });
      state.textContent = stateLabel(s.state);
      g.append(title, svg("circle", { cx: x, cy: y, r: 6 }), name, state);
      map.append(g);
    }
  }

  const sorted = (sites) =>
    sites.slice().sort((a, b) => ORDER.indexOf(a.state) - ORDER.indexOf(b.state) || a.name.localeCompare(b.name, "vi"));

  function cell(tr, labelKey, content, cls) {
    const td = el("td", cls);
    td.dataset.label = t(labelKey);
    if (content instanceof Node) td.append(content);
    else td.textContent = content == null ? "" : String(content);
    tr.append(td);
    return td;
  }

  // The reason (a summary), every cause in full on hover, and how old the SNMP facts are once
  // the agent fell silent.
  function reasonBox(s) {
    const box = el("span");
    box.append(el("span", "reason-text", reasonText(s.reason)));
    if (s.causes && s.causes.length > 1) box.title = s.causes.map((c) => reasonText(c.text)).join("\n");
    const snmp = s.snmp;
    // a table cut at max_interfaces: the rows not read cannot have judged the site
    if (snmp && snmp.interfaces_partial) box.append(el("span", "partial", t("ifPartial")));
    if (snmp && !snmp.up && snmp.answered_at) {
      const age = ((data.at || new Date()).getTime() - Date.parse(snmp.answered_at)) / 1000;
      box.append(el("span", "stale", t("snmpAge", { age: duration(age) })));
    }
    return box;
  }

  function uptime(ratio) {
    const box = el("span", "uptime");
    if (ratio == null) { box.textContent = "–"; return box; }
    const m = el("meter");
    Object.assign(m, { min: 0, max: 1, low: 0.95, high: 0.99, optimum: 1, value: ratio });
    box.append(m, el("span", null, number(ratio * 100, ratio >= 0.9995 || ratio === 0 ? 0 : 1) + " %"));
    return box;
  }

  function renderSites() {
    const table = $("sites");
    for (const body of table.querySelectorAll("tbody")) body.remove();
    for (const state of ORDER) {
      const group = data.sites.filter((s) => s.state === state);
      if (!group.length) continue;
      const body = el("tbody");
      body.dataset.state = state;
      const head = el("tr", "group " + state);
      const th = el("th", null);
      th.colSpan = 11;
      th.append(el("span", "state " + state, stateLabel(state)), document.createTextNode(" (" + group.length + ")"));
      head.append(th);
      body.append(head);
      for (const s of sorted(group)) {
        const tr = el("tr", "site " + s.state);
        tr.dataset.site = s.id;
        tr.dataset.state = s.state;
        // Each name leads to the commune's own page (/site/{id}).
        const name = el("a", "name", s.name);
        name.href = "site/" + encodeURIComponent(s.id) + (lang === "en" ? "?lang=en" : "");
        const nameBox = el("span");
        nameBox.append(name);
        if (s.flapping) nameBox.append(el("span", "flapping", t("flapping")));
        cell(tr, "colName", nameBox);
        cell(tr, "colType", TEXT[lang].type[s.type] || s.type);
        cell(tr, "colState", stateLabel(s.state), "state " + s.state);
        cell(tr, "colSince", dateTime(s.since));
        cell(tr, "colReason", reasonBox(s), "reason");
        const icmp = s.icmp || {};
        cell(tr, "colRtt", icmp.rtt_seconds == null ? "–" : number(icmp.rtt_seconds * 1000, 1) + " ms", "num");
        cell(tr, "colLoss", icmp.loss_ratio == null ? "–" : number(icmp.loss_ratio * 100, 0) + " %", "num");
        cell(tr, "colReboots", s.reboots == null ? "–" : s.reboots, "num");
        const a = data.availability.get(s.id) || {};
        cell(tr, "col24h", uptime(a["24h"] ? a["24h"].availability_ratio : null));
        cell(tr, "col30d", uptime(a["30d"] ? a["30d"].availability_ratio : null));
        cell(tr, "colStage", s.rollout ? TEXT[lang].stage[s.rollout.stage] || s.rollout.stage : "");
        body.append(tr);
      }
      table.append(body);
    }
  }

  function renderIncidents() {
    incidentTable($("open-incidents"), data.open, false, t("noOpen"));
    incidentTable($("closed-incidents"), data.closed, true, t("noClosed"));
  }

  function incidentTable(table, list, closed, emptyText) {
    table.replaceChildren();
    if (!list.length) {
      const tr = el("tr");
      const td = el("td", "muted", emptyText);
      tr.append(td);
      table.append(tr);
      return;
    }
    const head = el("thead");
    const hr = el("tr");
    const cols = closed ? ["colSite", "colKind", "colOpened", "colClosed", "colDuration", "colReason"]
                        : ["colSite", "colKind", "colOpened", "colDuration", "colReason"];
    for (const c of cols) hr.append(el("th", null, t(c)));
    head.append(hr);
    const body = el("tbody");
    for (const i of list) {
      const tr = el("tr", "incident " + i.kind);
      tr.dataset.incident = i.id;
      cell(tr, "colSite", i.name || i.site, "name");
      cell(tr, "colKind", stateLabel(i.kind), "state " + i.kind);
      cell(tr, "colOpened", dateTime(i.opened_at));
      if (closed) cell(tr, "colClosed", dateTime(i.closed_at));
      cell(tr, "colDuration", duration(i.duration_seconds), "num");
      cell(tr, "colReason", reasonText(i.reason));
      body.append(tr);
    }
    table.append(head, body);
  }

  // "2 phút", "1 giờ 5 phút", "40 giây": a lost member's time away, without seconds once past a minute.
  function roughly(seconds) {
    const u = TEXT[lang].units;
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + " " + u.s;
    const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    return [d && d + " " + u.d, h && h + " " + u.h, !d && m && m + " " + u.m].filter(Boolean).join(" ");
  }

  // Members change without a site event: looked at on their own, more often than the rest. A
  // single agent answers 404 (it cannot become a cluster without a restart): asked once only.
  let clusterTimer = null;
  async function refreshCluster() {
    try {
      data.cluster = await getJson("api/v1/cluster");
    } catch (e) {
      data.cluster = null;
      if (/HTTP 404$/.test(e.message) && clusterTimer !== null) {
        clearInterval(clusterTimer);
        clusterTimer = null;
      }
    }
    renderCluster();
  }

  // Each agent of the cluster: "vcmon tinh: trực tuyến; vcmon dai-tu: mất liên lạc 2 phút".
  // A single agent answers 404 on api/v1/cluster: nothing is shown.
  function renderCluster() {
    const box = $("cluster");
    const c = data.cluster;
    box.replaceChildren();
    if (!c || !Array.isArray(c.members)) {
      box.hidden = true;
      return;
    }
    box.title = t("clusterTitle");
    box.append(el("span", "cluster-name", t("cluster", { name: c.name })), " ");
    // A node that left with a vantage another node has now (one refused for a taken vantage) is
    // not that vantage lost.
    const live = new Set(c.members.filter((m) => m.up && m.vantage).map((m) => m.vantage));
    const shown = c.members.filter((m) => m.up || !m.vantage || !live.has(m.vantage));
    shown.forEach((m, i) => {
      if (i > 0) box.append("; ");
      const name = "vcmon " + (m.vantage || m.address);
      let status;
      if (m.up) status = t("memberUp");
      else if (m.vantage && m.since) status = t("memberLost", { age: roughly((Date.now() - Date.parse(m.since)) / 1000) });
      else status = t("memberNever");
      const item = el("span", "member " + (m.up ? "member-up" : "member-lost"), name + ": " + status);
      item.dataset.vantage = m.vantage || "";
      if (m.vantage && m.vantage === c.self) item.title = t("memberSelf");
      box.append(item);
    });
    box.hidden = false;
  }

  // ---- data ----
  async function getJson(path) {
    const r = await fetch(path, { cache: "no-store" });
    if (!r.ok) throw new Error(path + ": HTTP " + r.status);
    return r.json();
  }

  let refreshing = null;
  async function refreshAll() {
    page.fetches++;
    try {
      const [sites, rollout, availability, open, closed] = await Promise.all([
        getJson("api/v1/sites"),
        getJson("api/v1/rollout").catch(() => null),
        getJson("api/v1/availability").catch(() => null),
        getJson("api/v1/incidents?open=true&limit=100").catch(() => null),
        getJson("api/v1/incidents?open=false&limit=10").catch(() => null),
      ]);
      data.sites = sites.sites;
      data.summary = sites.summary;
      data.at = new Date();
      if (rollout) data.rollout = rollout;
      if (availability) data.availability = new Map(availability.sites.map((a) => [a.id, a]));
      if (open) data.open = open.incidents;
      if (closed) data.closed = closed.incidents;
      if (!$("connection").dataset.live || $("connection").dataset.live === "up") $("connection").hidden = true;
      renderAll();
    } catch (e) {
      showConnection(t("unreachableServer"));
    }
  }
  // Bursts of events (many sites changing together) cause one refetch, not one each.
  function refreshSoon() {
    if (refreshing) return;
    refreshing = setTimeout(() => { refreshing = null; refreshAll(); }, 1500);
  }

  function showConnection(text) {
    const banner = $("connection");
    banner.textContent = text;
    banner.hidden = false;
  }

  function applyEvent(ev) {
    page.events++;
    document.body.dataset.events = String(page.events);
    const byId = new Map(data.sites.map((s, i) => [s.id, i]));
    for (const s of ev.sites) {
      if (byId.has(s.id)) data.sites[byId.get(s.id)] = s;
      else data.sites.push(s);
    }
    data.summary = ev.summary;
    data.at = new Date();
    renderSummary();
    renderMap();
    renderSites();
    // Incidents, availability and the burn-up follow from the change: fetch them shortly.
    refreshSoon();
  }

  // EventSource reconnects by itself (vcmon restarting, a proxy timing out); after any (re)open
  // everything is fetched again, since events sent while away are gone.
  function connectEvents() {
    if (typeof EventSource === "undefined") return;
    const source = new EventSource("api/v1/events");
    source.addEventListener("open", () => {
      $("connection").dataset.live = "up";
      $("connection").hidden = true;
      refreshAll();
    });
    source.addEventListener("transitions", (e) => applyEvent(JSON.parse(e.data)));
    source.addEventListener("error", () => {
      $("connection").dataset.live = "down";
      showConnection(t("reconnecting"));
      if (source.readyState === EventSource.CLOSED) {
        // Refused (503: too many streams) or not an event stream: the browser gives up; we don't.
        source.close();
        setTimeout(connectEvents, 10000);
      }
    });
  }

  function start() {
    for (const b of document.querySelectorAll(".lang-switch button")) {
      b.addEventListener("click", () => {
        lang = b.dataset.lang;
        const url = new URL(location.href);
        if (lang === "en") url.searchParams.set("lang", "en"); else url.searchParams.delete("lang");
        history.replaceState(null, "", url);
        renderAll();
      });
    }
    let resizeTimer = null;
    window.addEventListener("resize", () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(renderChart, 200);
    });
    applyLanguage();
    refreshAll();
    connectEvents();
    // RTT and loss change with every check, not only with the state: keep them fresh too.
    setInterval(refreshAll, REFRESH_MS);
    clusterTimer = setInterval(refreshCluster, CLUSTER_REFRESH_MS);
    refreshCluster();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
