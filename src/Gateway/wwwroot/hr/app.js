// HR statistics dashboard: an admin signs in with the admin API key and watches the statistics of the admin's region
// (GET /api/v1/admin/statistics), refreshed every 2 s while the page is visible. Charts are SVG drawn here; plain
// JavaScript, no build step, nothing loaded from elsewhere. The key lives in sessionStorage only (this tab, until sign-out).
(() => {
  "use strict";

  const API = "/api/v1/admin/statistics";
  const KEY_STORE = "vouchers.hr.apiKey";
  const LANGUAGE_STORE = "vouchers.hr.language";
  const REFRESH_MS = 2000;
  const MINUTES = 60;
  const TOP_REGIONS = 15;
  const TOP_LIST = 10;
  const AGE_BANDS = ["under-25", "25-34", "35-44", "45-54", "55-plus", "unknown"];
  const GENDERS = ["female", "male", "unknown"];
  const BATCH_STATUSES = ["draft", "active", "paused", "closed"];

  const MESSAGES = {
    "zh-CN": {
      title: "培训券统计",
      otherLanguage: "English",
      switchLanguage: "Switch to English",
      signOut: "退出登录",
      signInTitle: "人社管理员登录",
      signInHelp: "请粘贴管理员 API 密钥。密钥只保存在本标签页中，关闭标签页或退出登录即清除。",
      apiKeyLabel: "管理员 API 密钥",
      signIn: "登录",
      signingIn: "正在登录…",
      errKeyFormat: "密钥格式应为 keyId.secret，请核对后重试。",
      errKeyInvalid: "密钥无效，请核对后重试。",
      errKeyRole: "这不是管理员的密钥。",
      errNetwork: "无法连接服务器，请检查网络后重试。",
      errSession: "登录已失效，请重新登录。",
      live: "实时 · {time} 更新",
      reconnecting: "正在重新连接…",
      batchLabel: "券批次",
      allBatches: "全部批次",
      downloadCsv: "下载 CSV",
      headlineTitle: "总览",
      claimed: "已领取",
      live_: "有效（未退）",
      used: "已使用",
      expired: "已过期未用",
      redeemed: "已兑付核销",
      remaining: "剩余库存",
      fundsCommitted: "承诺资金",
      fundsDisbursed: "已拨付资金",
      minutesTitle: "每分钟领取量（最近一小时）",
      minutesChart: "最近 60 分钟每分钟领取量，最高 {max}，本分钟 {last}",
      funnelTitle: "领取 → 使用 → 兑付核销",
      funnelChart: "转化漏斗：领取 {claimed}，使用 {used}，兑付核销 {redeemed}",
      batchesTitle: "各批次库存与资金",
      batchesCaption: "每个券批次的数量、剩余库存、领取量与资金（元）",
      colBatch: "批次",
      colStatus: "状态",
      colQuantity: "数量",
      colRemaining: "剩余",
      colTaken: "已领比例",
      colCommitted: "承诺资金",
      colDisbursed: "已拨付",
      noBatches: "没有可查看的券批次",
      "status.draft": "草稿",
      "status.active": "发放中",
      "status.paused": "已暂停",
      "status.closed": "已结束",
      regionsTitle: "地区分布（按户籍城市，前 15）",
      regionsChart: "按户籍城市的领取量",
      agesTitle: "年龄段",
      agesChart: "按领取时年龄段的领取量",
      gendersTitle: "性别",
      gendersChart: "按性别的领取量",
      channelsTitle: "领取渠道（前 10）",
      channelsChart: "按领取渠道的领取量",
      institutionsTitle: "培训机构使用量（前 10）",
      institutionsChart: "按培训机构的使用量",
      empty: "暂无数据",
      unknownRegion: "未登记",
      "age.under-25": "25 岁以下",
      "age.25-34": "25–34 岁",
      "age.35-44": "35–44 岁",
      "age.45-54": "45–54 岁",
      "age.55-plus": "55 岁及以上",
      "age.unknown": "未知",
      "gender.female": "女",
      "gender.male": "男",
      "gender.unknown": "未知",
    },
    en: {
      title: "Training voucher statistics",
      otherLanguage: "中文",
      switchLanguage: "切换到中文",
      signOut: "Sign out",
      signInTitle: "Administrator sign-in",
      signInHelp: "Paste your administrator API key. It is kept in this browser tab only and cleared when you close the tab or sign out.",
      apiKeyLabel: "Administrator API key",
      signIn: "Sign in",
      signingIn: "Signing in…",
      errKeyFormat: "A key looks like keyId.secret. Check it and try again.",
      errKeyInvalid: "This key is not valid. Check it and try again.",
      errKeyRole: "This is not an administrator's key.",
      errNetwork: "Cannot reach the server. Check the network and try again.",
      errSession: "Your session has ended. Please sign in again.",
      live: "Live · updated {time}",
      reconnecting: "Reconnecting…",
      batchLabel: "Batch",
      allBatches: "All batches",
      downloadCsv: "Download CSV",
      headlineTitle: "Overview",
      claimed: "Claimed",
      live_: "Live (not returned)",
      used: "Used",
      expired: "Expired unused",
      redeemed: "Redeemed",
      remaining: "Remaining stock",
      fundsCommitted: "Funds committed",
      fundsDisbursed: "Funds disbursed",
      minutesTitle: "Claims per minute (last hour)",
      minutesChart: "Claims in each of the last 60 minutes, highest {max}, this minute {last}",
      funnelTitle: "Claimed → used → redeemed",
      funnelChart: "Funnel: claimed {claimed}, used {used}, redeemed {redeemed}",
      batchesTitle: "Stock and funds per batch",
      batchesCaption: "Each batch's quantity, remaining stock, share claimed and funds (yuan)",
      colBatch: "Batch",
      colStatus: "Status",
      colQuantity: "Quantity",
      colRemaining: "Remaining",
      colTaken: "Claimed share",
      colCommitted: "Committed",
      colDisbursed: "Disbursed",
      noBatches: "No batches to show",
      "status.draft": "Draft",
      "status.active": "Active",
      "status.paused": "Paused",
      "status.closed": "Closed",
      regionsTitle: "Regions (claimant's registered city, top 15)",
      regionsChart: "Claims by the claimant's registered city",
      agesTitle: "Age bands",
      agesChart: "Claims by age band on the claim day",
      gendersTitle: "Gender",
      gendersChart: "Claims by gender",
      channelsTitle: "Channels (top 10)",
      channelsChart: "Claims by channel",
      institutionsTitle: "Institutions by use (top 10)",
      institutionsChart: "Uses by training institution",
      empty: "No data yet",
      unknownRegion: "not recorded",
      "age.under-25": "under 25",
      "age.25-34": "25–34",
      "age.35-44": "35–44",
      "age.45-54": "45–54",
      "age.55-plus": "55 and over",
      "age.unknown": "unknown",
      "gender.female": "Female",
      "gender.male": "Male",
      "gender.unknown": "Unknown",
    },
  };

  const $ = (id) => document.getElementById(id);
  const el = {
    lang: $("lang"),
    signOut: $("sign-out"),
    live: $("live"),
    signInView: $("sign-in-view"),
    signInForm: $("sign-in-form"),
    apiKey: $("api-key"),
    signInError: $("sign-in-error"),
    signInButton: $("sign-in-button"),
    dashboard: $("dashboard"),
    batch: $("batch"),
    csv: $("csv"),
    problem: $("problem"),
    headline: $("headline"),
    minutes: $("minutes"),
    funnel: $("funnel"),
    batches: document.querySelector("#batches tbody"),
    regions: $("regions"),
    ages: $("ages"),
    genders: $("genders"),
    channels: $("channels"),
    institutions: $("institutions"),
  };

  let language = "zh-CN";
  let apiKey = null;
  let signInErrorKey = null;
  let batchId = "";
  let data = null;
  let updatedAt = null;
  let offline = false;
  let timer = null;
  let generation = 0;

  // ---- storage and text ----
  function read(store, key) { try { return store.getItem(key); } catch { return null; } }
  function write(store, key, value) {
    try { if (value === null) { store.removeItem(key); } else { store.setItem(key, value); } } catch { /* private mode */ }
  }

  function t(key, values) {
    const text = MESSAGES[language][key] ?? MESSAGES["zh-CN"][key] ?? key;
    return values ? text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? "")) : text;
  }

  const integer = (n) => new Intl.NumberFormat("en-US").format(n ?? 0);
  const yuan = (n) => "¥" + new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n ?? 0);
  const clock = (date) => new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hour12: false }).format(date);
  const clockSeconds = (date) => new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }).format(date);

  // ---- API ----
  function query(groupBy) {
    const params = new URLSearchParams({ groupBy });
    if (batchId) { params.set("batchId", batchId); }
    return params.toString();
  }

  async function call(path, key) {
    let response;
    try {
      response = await fetch(path, {
        headers: { "Accept": "application/json", "X-Api-Key": key ?? apiKey },
        cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer",
      });
    } catch {
      return { status: 0, data: null };
    }
    let body = null;
    if ((response.headers.get("Content-Type") || "").includes("json")) {
      try { body = await response.json(); } catch { body = null; }
    }
    return { status: response.status, data: body };
  }

  // ---- sign-in ----
  async function signIn(key) {
    if (!/^[^.\s]+\.\S+$/.test(key)) { return "errKeyFormat"; }
    const result = await call(`${API}?groupBy=none`, key);
    if (result.status === 200 && result.data) {
      apiKey = key;
      write(sessionStorage, KEY_STORE, key);
      return null;
    }
    if (result.status === 401) { return "errKeyInvalid"; }
    if (result.status === 403) { return "errKeyRole"; }
    return "errNetwork";
  }

  function showSignIn(errorKey) {
    stop();
    apiKey = null;
    data = null;
    signInErrorKey = errorKey ?? null;
    el.dashboard.hidden = true;
    el.signOut.hidden = true;
    el.live.hidden = true;
    el.signInView.hidden = false;
    el.signInError.hidden = !signInErrorKey;
    el.signInError.textContent = signInErrorKey ? t(signInErrorKey) : "";
    el.apiKey.focus();
  }

  function showDashboard() {
    signInErrorKey = null;
    el.signInView.hidden = true;
    el.dashboard.hidden = false;
    el.signOut.hidden = false;
    el.live.hidden = false;
    start();
  }

  // ---- refreshing ----
  function start() {
    stop();
    if (document.visibilityState !== "hidden") { void refresh(); }
  }

  function stop() {
    clearTimeout(timer);
    timer = null;
    generation++;
  }

  function schedule(round) {
    if (round === generation && apiKey && document.visibilityState !== "hidden") {
      timer = setTimeout(() => { void refresh(); }, REFRESH_MS);
    }
  }

  async function refresh() {
    const round = ++generation;
    const names = ["none", "minute", "city", "ageBand", "gender", "channel", "institution"];
    const results = await Promise.all(names.map((g) => call(`${API}?${query(g)}`)));
    if (round !== generation) { return; }
    const refused = results.find((r) => r.status === 401 || r.status === 403);
    if (refused) {
      write(sessionStorage, KEY_STORE, null);
      showSignIn("errSession");
      return;
    }
    const failed = results.find((r) => r.status !== 200);
    if (failed && failed.status >= 400 && failed.status < 500) {
      showProblem(failed.data && failed.data.detail ? failed.data.detail : (failed.data && failed.data.title) || String(failed.status));
    } else if (failed) {
      // A network error or a busy server: keep what is shown and try again at the next tick.
      offline = true;
      renderLive();
    } else {
      showProblem(null);
      offline = false;
      const [total, minute, city, ageBand, gender, channel, institution] = results.map((r) => r.data);
      data = { total, minute, city, ageBand, gender, channel, institution };
      updatedAt = new Date();
      render();
    }
    schedule(round);
  }

  function showProblem(detail) {
    el.problem.hidden = !detail;
    el.problem.textContent = detail ?? "";
  }

  // ---- SVG ----
  const SVG = "http://www.w3.org/2000/svg";

  function svg(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) { node.setAttribute(name, String(value)); }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function chart(container, width, height, title) {
    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", width: "100%", preserveAspectRatio: "xMinYMin meet" });
    const id = container.id + "-svg-title";
    root.setAttribute("aria-labelledby", id);
    root.append(svg("title", { id }, title));
    container.replaceChildren(root);
    return root;
  }

  function emptyNote(container) {
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = t("empty");
    container.replaceChildren(p);
  }

  // Horizontal bars: one row per item, the label left, the bar and its value right.
  function bars(container, title, items, labelWidth) {
    if (items.length === 0 || items.every((i) => i.value === 0)) { emptyNote(container); return; }
    const row = 26;
    const width = 480;
    const height = items.length * row + 4;
    const root = chart(container, width, height, title);
    const max = Math.max(1, ...items.map((i) => i.value));
    const room = width - labelWidth - 70;
    items.forEach((item, index) => {
      const y = index * row + 2;
      const g = svg("g", { class: "bar-row", "data-key": item.key });
      g.append(svg("title", {}, `${item.label}: ${integer(item.value)}`));
      g.append(svg("text", { x: labelWidth - 8, y: y + row / 2, class: "label", "text-anchor": "end", "dominant-baseline": "middle" }, item.label));
      const w = Math.max(item.value > 0 ? 2 : 0, Math.round((item.value / max) * room));
      g.append(svg("rect", { x: labelWidth, y: y + 4, width: w, height: row - 8, rx: 3, class: item.className || "fill" }));
      g.append(svg("text", { x: labelWidth + w + 6, y: y + row / 2, class: "value", "dominant-baseline": "middle" }, integer(item.value)));
      root.append(g);
    });
  }

  // ---- rendering ----
  function render() {
    if (!data) { return; }
    renderBatchSelector();
    renderHeadline();
    renderMinutes();
    renderFunnel();
    renderBatches();
    renderRegions();
    renderAges();
    renderGenders();
    renderTop(el.channels, t("channelsChart"), data.channel.rows, (r) => r.claimed);
    renderTop(el.institutions, t("institutionsChart"), data.institution.rows, (r) => r.used);
    renderLive();
  }

  function renderLive() {
    el.live.textContent = offline ? t("reconnecting") : updatedAt ? t("live", { time: clockSeconds(updatedAt) }) : "";
    el.live.dataset.state = offline ? "offline" : "live";
  }

  function renderBatchSelector() {
    const batches = data.total.batches;
    const options = [["", t("allBatches")], ...batches.map((b) => [b.batchId, `${b.title} (${b.batchId})`])];
    if (batchId && !batches.some((b) => b.batchId === batchId)) { options.push([batchId, batchId]); }
    const same = el.batch.options.length === options.length &&
      options.every(([value, text], i) => el.batch.options[i].value === value && el.batch.options[i].textContent === text);
    if (!same) {
      el.batch.replaceChildren(...options.map(([value, text]) => {
        const option = document.createElement("option");
        option.value = value;
        option.textContent = text;
        return option;
      }));
    }
    el.batch.value = batchId;
  }

  function selectedBatches() {
    return data.total.batches.filter((b) => !batchId || b.batchId === batchId);
  }

  function renderHeadline() {
    const total = data.total.total;
    const remaining = selectedBatches().reduce((sum, b) => sum + b.remaining, 0);
    const figures = [
      ["claimed", integer(total.claimed)],
      ["live_", integer(total.live)],
      ["used", integer(total.used)],
      ["expired", integer(total.expired)],
      ["redeemed", integer(total.redeemed)],
      ["remaining", integer(remaining)],
      ["fundsCommitted", yuan(total.fundsCommitted)],
      ["fundsDisbursed", yuan(total.fundsDisbursed)],
    ];
    el.headline.replaceChildren(...figures.map(([key, value]) => {
      const div = document.createElement("div");
      div.className = "figure";
      div.dataset.figure = key.replace(/_$/, "");
      const dt = document.createElement("dt");
      dt.textContent = t(key);
      const dd = document.createElement("dd");
      dd.textContent = value;
      div.append(dt, dd);
      return div;
    }));
  }

  function renderMinutes() {
    const counts = new Map(data.minute.rows.map((r) => [r.key, r.claimed]));
    const now = Math.floor(Date.now() / 60000) * 60000;
    const slots = [];
    for (let i = MINUTES - 1; i >= 0; i--) {
      const at = new Date(now - i * 60000);
      const key = at.toISOString().slice(0, 16) + "Z";
      slots.push({ at, key, value: counts.get(key) ?? 0 });
    }
    const max = Math.max(...slots.map((s) => s.value));
    const last = slots[slots.length - 1].value;
    const width = 600, height = 220, left = 44, bottom = 28, top = 10;
    const root = chart(el.minutes, width, height, t("minutesChart", { max: integer(max), last: integer(last) }));
    root.dataset.last = String(last);
    root.dataset.total = String(slots.reduce((sum, s) => sum + s.value, 0));
    const scale = niceMax(max);
    const plot = height - bottom - top;
    for (let k = 0; k <= 4; k++) {
      const v = (scale * k) / 4;
      const y = top + plot - (plot * k) / 4;
      root.append(svg("line", { x1: left, x2: width - 4, y1: y, y2: y, class: "grid" }));
      root.append(svg("text", { x: left - 6, y, class: "axis", "text-anchor": "end", "dominant-baseline": "middle" }, integer(v)));
    }
    const step = (width - left - 4) / MINUTES;
    slots.forEach((slot, i) => {
      const h = scale === 0 ? 0 : (slot.value / scale) * plot;
      const rect = svg("rect", { x: left + i * step + 1, y: top + plot - h, width: Math.max(1, step - 2), height: h, class: i === MINUTES - 1 ? "fill now" : "fill", "data-minute": slot.key });
      rect.append(svg("title", {}, `${clock(slot.at)}: ${integer(slot.value)}`));
      root.append(rect);
      if (i % 10 === 0 || i === MINUTES - 1) {
        const anchor = i === MINUTES - 1 ? "end" : i === 0 ? "start" : "middle";
        const x = i === MINUTES - 1 ? width - 4 : i === 0 ? left : left + i * step + step / 2;
        root.append(svg("text", { x, y: height - 8, class: "axis", "text-anchor": anchor }, clock(slot.at)));
      }
    });
  }

  function niceMax(max) {
    if (max <= 4) { return 4; }
    const magnitude = Math.pow(10, Math.floor(Math.log10(max)));
    for (const f of [1, 2, 2.5, 5, 10]) {
      if (f * magnitude >= max) { return Math.ceil((f * magnitude) / 4) * 4; }
    }
    return max;
  }

  function renderFunnel() {
    const c = data.total.total;
    const steps = [["claimed", c.claimed], ["used", c.used], ["redeemed", c.redeemed]];
    const width = 480, row = 54;
    const root = chart(el.funnel, width, steps.length * row, t("funnelChart", { claimed: integer(c.claimed), used: integer(c.used), redeemed: integer(c.redeemed) }));
    const max = Math.max(1, c.claimed);
    steps.forEach(([key, value], i) => {
      const w = Math.max(value > 0 ? 4 : 0, (value / max) * width);
      const y = i * row;
      const share = c.claimed > 0 ? ` · ${Math.round((value / c.claimed) * 1000) / 10}%` : "";
      root.append(svg("rect", { x: (width - w) / 2, y: y + 22, width: w, height: row - 28, rx: 4, class: `funnel-${key}` }));
      root.append(svg("text", { x: width / 2, y: y + 14, class: "label", "text-anchor": "middle" }, `${t(key)} ${integer(value)}${i > 0 ? share : ""}`));
    });
  }

  function renderBatches() {
    const batches = selectedBatches();
    if (batches.length === 0) {
      const tr = document.createElement("tr");
      const td = document.createElement("td");
      td.colSpan = 7;
      td.className = "empty";
      td.textContent = t("noBatches");
      tr.append(td);
      el.batches.replaceChildren(tr);
      return;
    }
    el.batches.replaceChildren(...batches.map((b) => {
      const tr = document.createElement("tr");
      tr.dataset.batch = b.batchId;
      const status = typeof b.status === "number" ? BATCH_STATUSES[b.status] : String(b.status).toLowerCase();
      const taken = b.quantity > 0 ? (b.quantity - b.remaining) / b.quantity : 0;
      const name = document.createElement("th");
      name.scope = "row";
      name.textContent = b.title;
      const code = document.createElement("span");
      code.className = "code";
      code.textContent = b.batchId;
      name.append(document.createElement("br"), code);
      const bar = document.createElement("td");
      const meter = svg("svg", { viewBox: "0 0 120 14", width: 120, height: 14, role: "img" });
      meter.append(svg("title", {}, `${Math.round(taken * 1000) / 10}%`));
      meter.append(svg("rect", { x: 0, y: 0, width: 120, height: 14, rx: 3, class: "track" }));
      meter.append(svg("rect", { x: 0, y: 0, width: Math.round(taken * 120), height: 14, rx: 3, class: "fill" }));
      const pct = document.createElement("span");
      pct.className = "pct";
      pct.textContent = `${Math.round(taken * 1000) / 10}%`;
      bar.append(meter, pct);
      tr.append(name, cell(t(`status.${status}`)), cell(integer(b.quantity), "num"), cell(integer(b.remaining), "num"), bar,
        cell(yuan(b.counts.fundsCommitted), "num"), cell(yuan(b.counts.fundsDisbursed), "num"));
      return tr;
    }));
  }

  function cell(text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) { td.className = className; }
    return td;
  }

  function top(rows, value, n) {
    return rows.map((r) => ({ key: r.key, name: r.name, value: value(r) }))
      .filter((r) => r.value > 0)
      .sort((a, b) => b.value - a.value || a.key.localeCompare(b.key))
      .slice(0, n);
  }

  function renderRegions() {
    const items = top(data.city.rows, (r) => r.claimed, TOP_REGIONS)
      .map((r) => ({ ...r, label: r.name ?? (r.key || t("unknownRegion")) }));
    bars(el.regions, t("regionsChart"), items, 90);
  }

  function renderAges() {
    const counts = new Map(data.ageBand.rows.map((r) => [r.key, r.claimed]));
    const items = AGE_BANDS.filter((b) => b !== "unknown" || counts.get(b))
      .map((b) => ({ key: b, label: t(`age.${b}`), value: counts.get(b) ?? 0 }));
    bars(el.ages, t("agesChart"), items, 110);
  }

  function renderGenders() {
    const counts = new Map(data.gender.rows.map((r) => [r.key, r.claimed]));
    const items = GENDERS.filter((g) => g !== "unknown" || counts.get(g))
      .map((g) => ({ key: g, label: t(`gender.${g}`), value: counts.get(g) ?? 0, className: `fill gender-${g}` }));
    bars(el.genders, t("gendersChart"), items, 110);
  }

  function renderTop(container, title, rows, value) {
    const items = top(rows.filter((r) => r.key !== ""), value, TOP_LIST).map((r) => ({ ...r, label: r.key }));
    bars(container, title, items, 170);
  }

  // ---- CSV: fetched with the key (a plain link cannot send it), then saved from memory ----
  async function downloadCsv() {
    let response;
    try {
      response = await fetch(`${API}.csv?${query("none")}`, { headers: { "X-Api-Key": apiKey }, cache: "no-store", credentials: "omit" });
    } catch {
      showProblem(t("errNetwork"));
      return;
    }
    if (!response.ok) {
      let detail = String(response.status);
      try { detail = (await response.json()).detail ?? detail; } catch { /* not a problem document */ }
      showProblem(detail);
      return;
    }
    const disposition = response.headers.get("Content-Disposition") || "";
    const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? "statistics.csv";
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  // ---- language ----
  function applyLanguage() {
    document.documentElement.lang = language;
    document.title = t("title");
    for (const node of document.querySelectorAll("[data-i18n]")) { node.textContent = t(node.dataset.i18n); }
    for (const node of document.querySelectorAll("[data-i18n-aria-label]")) { node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel)); }
    el.lang.lang = language === "en" ? "zh-CN" : "en";
    if (signInErrorKey) { el.signInError.textContent = t(signInErrorKey); }
    render();
  }

  function setLanguage(next) {
    language = next in MESSAGES ? next : "zh-CN";
    write(localStorage, LANGUAGE_STORE, language);
    applyLanguage();
  }

  // ---- wiring ----
  el.signInForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = el.apiKey.value.trim();
    el.signInButton.disabled = true;
    el.signInButton.textContent = t("signingIn");
    const error = await signIn(key);
    el.signInButton.disabled = false;
    el.signInButton.textContent = t("signIn");
    if (error) {
      showSignIn(error);
      el.apiKey.select();
    } else {
      el.apiKey.value = "";
      showDashboard();
    }
  });

  el.signOut.addEventListener("click", () => {
    write(sessionStorage, KEY_STORE, null);
    showSignIn(null);
  });

  el.lang.addEventListener("click", () => setLanguage(language === "en" ? "zh-CN" : "en"));

  el.batch.addEventListener("change", () => {
    batchId = el.batch.value;
    start();
  });

  el.csv.addEventListener("click", (event) => {
    event.preventDefault();
    void downloadCsv();
  });

  document.addEventListener("visibilitychange", () => {
    if (!apiKey) { return; }
    if (document.visibilityState === "hidden") { stop(); } else { start(); }
  });

  language = read(localStorage, LANGUAGE_STORE) === "en" ? "en" : "zh-CN";
  applyLanguage();
  apiKey = read(sessionStorage, KEY_STORE);
  if (apiKey) { showDashboard(); } else { showSignIn(null); }
})();
