// Institution verification page: a clerk signs in with the institution's API key, scans voucher codes
// (a keyboard-wedge scan gun types the code and presses Enter) and enrols holders. Plain JavaScript, no
// build step, nothing loaded from elsewhere. The key lives in sessionStorage only (this tab, until sign-out).
(() => {
  "use strict";

  const API = "/api/v1/institution";
  const KEY_STORE = "vouchers.institution.apiKey";
  const LANGUAGE_STORE = "vouchers.institution.language";
  const DEVICE_STORE = "vouchers.institution.deviceId";
  const HISTORY_LIMIT = 200;
  const BUSY_DELAY_MS = 150;

  // Voucher codes (see VoucherCode.cs): 16 Crockford base-32 characters and a Luhn mod 32 check character.
  const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  const DATA_LENGTH = 16;
  const CODE_LENGTH = DATA_LENGTH + 1;
  const MAX_INPUT = 64;

  // The VerifyVerdict enum in declaration order, for a verdict that arrives as a number.
  const VERDICTS = ["valid", "unknown", "malformed", "expired", "returned", "redeemed", "alreadyUsed", "notForThisInstitution"];

  const MESSAGES = {
    "zh-CN": {
      title: "培训券核验",
      otherLanguage: "English",
      switchLanguage: "Switch to English",
      signOut: "退出登录",
      signInTitle: "培训机构登录",
      signInHelp: "请粘贴本机构的 API 密钥。密钥只保存在本标签页中，关闭标签页或退出登录即清除。",
      apiKeyLabel: "机构 API 密钥",
      signIn: "登录",
      signingIn: "正在登录…",
      errKeyFormat: "密钥格式应为 keyId.secret，请核对后重试。",
      errKeyInvalid: "密钥无效，请核对后重试。",
      errKeyRole: "这不是培训机构的密钥。",
      errNetwork: "无法连接服务器，请检查网络后重试。",
      errSession: "登录已失效，请重新登录。",
      codeLabel: "扫码或输入券码，按 Enter 核验",
      verify: "核验",
      classLabel: "班级（选填）",
      classHelp: "填写后，登记使用时一并提交",
      historyTitle: "本次核验记录",
      historyEmpty: "尚无记录",
      historyCount: "{n} 条",
      keyVerify: "核验",
      keyUse: "登记使用",
      keyClear: "清空输入",
      keyLanguage: "中文 / English",
      code: "券码 {code}",
      use: "登记使用（F2）",
      using: "正在登记…",
      nothingToUse: "没有可登记的有效券：请先扫描一张有效券。",
      program: "培训项目",
      batch: "券批次",
      amount: "补贴金额",
      holder: "持券人",
      expires: "有效期至",
      used: "登记使用",
      thisInstitution: "本机构",
      "idle.title": "请扫码",
      "idle.reason": "用扫码枪扫描培训券二维码，或输入券码后按 Enter",
      "resume.reason": "可以继续核验了",
      "busy.title": "核验中…",
      "busy.reason": "",
      "valid.title": "有效",
      "valid.reason": "可在本机构使用",
      "enrolled.title": "已登记使用",
      "enrolled.reason": "持券人已登记，此券已绑定本机构",
      "unknown.title": "无此券",
      "unknown.reason": "系统中没有此券码，请核对或请持券人出示原券",
      "mistyped.title": "券码有误",
      "mistyped.reason": "校验位不符：券码读取或输入有误，请重新扫描",
      "malformed.title": "不是券码",
      "malformed.reason": "培训券券码为 17 位字母和数字",
      "expired.title": "已过期",
      "expired.reason": "此券已于 {date} 到期",
      "returned.title": "已退券",
      "returned.reason": "持券人已退回此券",
      "redeemed.title": "已核销",
      "redeemed.reason": "补贴已拨付，此券已核销",
      "alreadyUsed.title": "已使用",
      "alreadyUsed.reason": "此券已于 {date} 在{place}登记使用",
      "alreadyUsed.here": "本机构",
      "alreadyUsed.elsewhere": "其他机构（{institution}）",
      "alreadyUsed.elsewhereOnly": "此券已在其他机构登记使用",
      "notForThisInstitution.title": "本机构不可用",
      "notForThisInstitution.reason": "此券只能在批次指定的培训机构使用",
      "tooMany.title": "请稍候",
      "tooMany.reason": "查找失败的券码过多，{seconds} 秒后可继续核验",
      "error.title": "暂时无法核验",
      "error.reason": "服务没有应答（{status}），请稍后重试",
      "other.reason": "此券当前不能使用",
    },
    en: {
      title: "Training voucher verification",
      otherLanguage: "中文",
      switchLanguage: "切换到中文",
      signOut: "Sign out",
      signInTitle: "Institution sign-in",
      signInHelp: "Paste your institution's API key. It is kept in this browser tab only and cleared when you close the tab or sign out.",
      apiKeyLabel: "Institution API key",
      signIn: "Sign in",
      signingIn: "Signing in…",
      errKeyFormat: "A key looks like keyId.secret. Check it and try again.",
      errKeyInvalid: "This key is not valid. Check it and try again.",
      errKeyRole: "This is not a training institution's key.",
      errNetwork: "Cannot reach the server. Check the network and try again.",
      errSession: "Your session has ended. Please sign in again.",
      codeLabel: "Scan or type a code, then press Enter",
      verify: "Verify",
      classLabel: "Class (optional)",
      classHelp: "When filled in, sent along with each enrolment",
      historyTitle: "Scans in this session",
      historyEmpty: "No scans yet",
      historyCount: "{n}",
      keyVerify: "verify",
      keyUse: "enrol holder",
      keyClear: "clear input",
      keyLanguage: "中文 / English",
      code: "Code {code}",
      use: "Enrol holder (F2)",
      using: "Enrolling…",
      nothingToUse: "Nothing to enrol: scan a valid voucher first.",
      program: "Program",
      batch: "Batch",
      amount: "Subsidy",
      holder: "Holder",
      expires: "Valid until",
      used: "Enrolled",
      thisInstitution: "this institution",
      "idle.title": "Ready to scan",
      "idle.reason": "Scan the voucher's QR code, or type the code and press Enter",
      "resume.reason": "You can verify again",
      "busy.title": "Checking…",
      "busy.reason": "",
      "valid.title": "VALID",
      "valid.reason": "Valid at this institution",
      "enrolled.title": "ENROLLED",
      "enrolled.reason": "The holder is enrolled; the voucher is now bound to this institution",
      "unknown.title": "UNKNOWN CODE",
      "unknown.reason": "No voucher has this code. Check the code or ask to see the voucher",
      "mistyped.title": "CODE MISREAD",
      "mistyped.reason": "Check character wrong: the code was misread or mistyped. Scan it again",
      "malformed.title": "NOT A VOUCHER CODE",
      "malformed.reason": "A voucher code has 17 letters and digits",
      "expired.title": "EXPIRED",
      "expired.reason": "This voucher expired on {date}",
      "returned.title": "RETURNED",
      "returned.reason": "The holder returned this voucher",
      "redeemed.title": "REDEEMED",
      "redeemed.reason": "The subsidy was paid; this voucher is written off",
      "alreadyUsed.title": "ALREADY USED",
      "alreadyUsed.reason": "Enrolled at {place} on {date}",
      "alreadyUsed.here": "this institution",
      "alreadyUsed.elsewhere": "another institution ({institution})",
      "alreadyUsed.elsewhereOnly": "Enrolled at another institution",
      "notForThisInstitution.title": "NOT VALID HERE",
      "notForThisInstitution.reason": "This voucher can be used only at the institutions its batch names",
      "tooMany.title": "PLEASE WAIT",
      "tooMany.reason": "Too many codes that match no voucher were looked up. Verification resumes in {seconds} s",
      "error.title": "CANNOT VERIFY NOW",
      "error.reason": "The service did not answer ({status}). Try again shortly",
      "other.reason": "This voucher cannot be used now",
    },
  };

  const STATES = {
    valid: "valid",
    enrolled: "valid",
    tooMany: "wait",
    error: "error",
  };

  const $ = (id) => document.getElementById(id);
  const el = {
    lang: $("lang"),
    signOut: $("sign-out"),
    institution: $("institution"),
    signInView: $("sign-in-view"),
    signInForm: $("sign-in-form"),
    apiKey: $("api-key"),
    signInError: $("sign-in-error"),
    signInButton: $("sign-in-button"),
    scanView: $("scan-view"),
    scanForm: $("scan-form"),
    code: $("code"),
    classId: $("class-id"),
    note: $("note"),
    verdict: $("verdict"),
    verdictTitle: $("verdict-title"),
    verdictReason: $("verdict-reason"),
    verdictCode: $("verdict-code"),
    facts: $("facts"),
    useRow: $("use-row"),
    use: $("use"),
    history: $("history"),
    historyEmpty: $("history-empty"),
    historyCount: $("history-count"),
    keys: $("keys"),
  };

  let language = "zh-CN";
  let apiKey = null;
  let me = null;
  let current = { verdict: "idle" };
  let history = [];
  let queue = Promise.resolve();
  let waitUntil = 0;
  let waitTimer = 0;
  let signInErrorKey = null;
  let noteKey = null;
  let using = false;

  // ---- storage (a browser may refuse it; the page still works for this load) ----
  const memory = {};
  function read(storage, name) {
    try { return storage.getItem(name); } catch { return memory[name] ?? null; }
  }
  function write(storage, name, value) {
    try {
      if (value === null) { storage.removeItem(name); } else { storage.setItem(name, value); }
    } catch {
      memory[name] = value;
    }
  }

  function deviceId() {
    let id = read(localStorage, DEVICE_STORE);
    if (!id || !/^[0-9a-f]{32}$/.test(id)) {
      const bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      id = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
      write(localStorage, DEVICE_STORE, id);
    }
    return id;
  }
  const device = deviceId();

  // ---- text ----
  function t(key, args) {
    const table = MESSAGES[language];
    let text = table[key] ?? MESSAGES.en[key] ?? key;
    if (args) {
      text = text.replace(/\{(\w+)\}/g, (m, name) => (name in args ? String(args[name]) : m));
    }
    return text;
  }

  function datePart(iso, withTime) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) { return ""; }
    // Expiry and enrolment are China-time days, wherever the browser thinks it is.
    const parts = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(date);
    const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
    const day = `${p.year}-${p.month}-${p.day}`;
    return withTime ? `${day} ${p.hour}:${p.minute}` : day;
  }

  function money(amount) {
    if (typeof amount !== "number") { return ""; }
    return new Intl.NumberFormat(language, { style: "currency", currency: "CNY", currencyDisplay: "narrowSymbol" }).format(amount);
  }

  function clock(date) {
    return new Intl.DateTimeFormat(language, { hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" }).format(date);
  }

  function grouped(code) {
    return code.length === CODE_LENGTH ? code.replace(/(.{4})(?=.)/g, "$1 ") : code;
  }

  function masked(code) {
    if (code.length === CODE_LENGTH) {
      return code.slice(0, 4) + "•".repeat(CODE_LENGTH - 8) + code.slice(-4);
    }
    return code.length > 12 ? `${code.slice(0, 8)}…` : code;
  }

  // ---- codes (mirrors VoucherCode.Normalize and VoucherCode.CheckCharacter) ----
  function normalize(raw) {
    let text = raw.normalize("NFKC").toUpperCase();
    text = text.replace(/[\s-]/g, "").replace(/[IL]/g, "1").replace(/O/g, "0");
    return text;
  }

  function checkCharacter(data) {
    const n = 32;
    let factor = 2;
    let sum = 0;
    for (let i = data.length - 1; i >= 0; i--) {
      const addend = factor * ALPHABET.indexOf(data[i]);
      factor = factor === 2 ? 1 : 2;
      sum += Math.floor(addend / n) + (addend % n);
    }
    return ALPHABET[(n - (sum % n)) % n];
  }

  function classify(raw) {
    if (raw.trim() === "") { return { kind: "empty" }; }
    if (raw.length > MAX_INPUT) { return { kind: "malformed", code: raw.trim().slice(0, MAX_INPUT) }; }
    const code = normalize(raw);
    const shaped = code.length === CODE_LENGTH && [...code].every((c) => ALPHABET.includes(c));
    if (!shaped) { return { kind: "malformed", code }; }
    if (checkCharacter(code.slice(0, DATA_LENGTH)) !== code[DATA_LENGTH]) { return { kind: "mistyped", code }; }
    return { kind: "code", code };
  }

  // ---- API ----
  async function call(method, path, body, key) {
    const headers = { "Accept": "application/json", "X-Api-Key": key ?? apiKey, "X-Device-Id": device };
    const init = { method, headers, cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch {
      return { status: 0, data: null, retryAfter: null };
    }
    let data = null;
    if ((response.headers.get("Content-Type") || "").includes("json")) {
      try { data = await response.json(); } catch { data = null; }
    }
    return { status: response.status, data, retryAfter: response.headers.get("Retry-After") };
  }

  function verdictName(value) {
    if (typeof value === "number") { return VERDICTS[value] ?? "other"; }
    return typeof value === "string" && value ? value : "other";
  }

  // ---- rendering ----
  const SVG = "http://www.w3.org/2000/svg";
  const ICONS = {
    valid: "M5 12.5l4.5 4.5L19 7.5",
    invalid: "M6.5 6.5l11 11M17.5 6.5l-11 11",
    wait: "M12 6v7M12 17.5v.5",
    error: "M12 6v7M12 17.5v.5",
    idle: "M4 8V5h4M16 5h4v3M20 16v3h-4M8 19H4v-3M7 12h10",
    busy: "M6 12h.5M12 12h.5M18 12h.5",
  };

  function icon(state) {
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("fill", "none");
    svg.setAttribute("stroke", "currentColor");
    svg.setAttribute("stroke-width", state === "valid" || state === "invalid" ? "3" : "2.5");
    svg.setAttribute("stroke-linecap", "round");
    svg.setAttribute("stroke-linejoin", "round");
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", ICONS[state] ?? ICONS.idle);
    svg.appendChild(path);
    return svg;
  }

  function stateOf(verdict) {
    if (verdict === "idle" || verdict === "resume") { return "idle"; }
    if (verdict === "busy") { return "busy"; }
    return STATES[verdict] ?? "invalid";
  }

  function titleOf(verdict) {
    const key = `${verdict === "resume" ? "idle" : verdict}.title`;
    return key in MESSAGES.en ? t(key) : verdict;
  }

  function reasonOf(result) {
    const v = result.voucher;
    switch (result.verdict) {
      case "expired":
        return t("expired.reason", { date: v ? datePart(v.expiresAt) : "" });
      case "alreadyUsed": {
        // A voucher used at another institution comes with its verdict only: no date, no place.
        if (!v) { return t("alreadyUsed.elsewhereOnly"); }
        if (!v.usedAt) { return t("other.reason"); }
        const here = me && v.institutionId === me.institutionId;
        const place = here ? t("alreadyUsed.here") : t("alreadyUsed.elsewhere", { institution: v.institutionId ?? "" });
        return t("alreadyUsed.reason", { date: datePart(v.usedAt, true), place });
      }
      case "tooMany":
        return t("tooMany.reason", { seconds: Math.max(1, Math.ceil((waitUntil - Date.now()) / 1000)) });
      case "error":
        return t("error.reason", { status: result.status || "—" });
      default: {
        const key = `${result.verdict}.reason`;
        return key in MESSAGES.en ? t(key) : t("other.reason");
      }
    }
  }

  function fact(label, value, aside) {
    if (!value) { return; }
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = value;
    if (aside) {
      const span = document.createElement("span");
      span.className = "aside";
      span.textContent = aside;
      dd.append(span);
    }
    el.facts.append(dt, dd);
  }

  function renderFacts(result) {
    el.facts.replaceChildren();
    const v = result.voucher;
    if (!v) { return; }
    fact(t("program"), v.programId, v.batchId ? `${t("batch")} ${v.batchId}` : "");
    fact(t("amount"), money(v.subsidyAmount));
    fact(t("holder"), [v.holderName, v.holderIdNumber].filter(Boolean).join("  "));
    fact(t("expires"), datePart(v.expiresAt));
    if (v.usedAt) {
      const here = me && v.institutionId === me.institutionId;
      const place = here ? t("thisInstitution") : v.institutionId;
      fact(t("used"), `${datePart(v.usedAt, true)} · ${place}`);
    }
  }

  function renderVerdict(fresh) {
    const result = current;
    const state = stateOf(result.verdict);
    el.verdict.dataset.state = state;
    el.verdict.dataset.verdict = result.verdict;
    el.verdict.querySelector(".verdict-icon").replaceChildren(icon(state));
    el.verdictTitle.textContent = titleOf(result.verdict);
    el.verdictReason.textContent = reasonOf(result);
    el.verdictCode.textContent = result.code ? t("code", { code: grouped(result.code) }) : "";
    renderFacts(result);
    const canUse = result.verdict === "valid";
    el.useRow.hidden = !canUse;
    el.use.disabled = using;
    el.use.textContent = using ? t("using") : t("use");
    if (fresh) {
      el.verdict.classList.remove("fresh");
      void el.verdict.offsetWidth; // restart the animation, so two equal verdicts in a row still look like two
      el.verdict.classList.add("fresh");
    }
  }

  function renderHistory() {
    el.historyEmpty.hidden = history.length > 0;
    el.historyCount.textContent = history.length ? t("historyCount", { n: history.length }) : "";
    const items = history.map((entry) => {
      const li = document.createElement("li");
      li.className = stateOf(entry.verdict) === "valid" ? (entry.verdict === "enrolled" ? "enrolled" : "valid") : stateOf(entry.verdict);
      li.dataset.verdict = entry.verdict;
      const time = document.createElement("time");
      time.dateTime = entry.at.toISOString();
      time.textContent = clock(entry.at);
      const code = document.createElement("span");
      code.className = "h-code";
      code.textContent = entry.code ? masked(entry.code) : "";
      const badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = titleOf(entry.verdict);
      li.append(time, code, badge);
      const v = entry.voucher;
      if (v && (entry.verdict === "valid" || entry.verdict === "enrolled")) {
        const detail = document.createElement("span");
        detail.className = "h-detail";
        detail.textContent = [v.holderName, money(v.subsidyAmount)].filter(Boolean).join(" · ");
        li.append(detail);
      }
      return li;
    });
    el.history.replaceChildren(...items);
  }

  function renderNote() {
    el.note.textContent = noteKey ? t(noteKey) : "";
  }

  function show(result, started) {
    current = result;
    renderVerdict(true);
    if (started !== undefined) {
      el.verdict.dataset.ms = String(Math.round(performance.now() - started));
    }
  }

  function record(result) {
    history.unshift({ at: new Date(), verdict: result.verdict, code: result.code, voucher: result.voucher });
    if (history.length > HISTORY_LIMIT) { history.length = HISTORY_LIMIT; }
    renderHistory();
  }

  function conclude(result, started) {
    show(result, started);
    record(result);
  }

  // ---- language ----
  function applyLanguage() {
    document.documentElement.lang = language;
    document.title = t("title");
    for (const node of document.querySelectorAll("[data-i18n]")) {
      node.textContent = t(node.dataset.i18n);
    }
    for (const node of document.querySelectorAll("[data-i18n-aria-label]")) {
      node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
    }
    for (const node of document.querySelectorAll("[data-i18n-title]")) {
      node.title = t(node.dataset.i18nTitle);
    }
    el.lang.lang = language === "en" ? "zh-CN" : "en";
    if (signInErrorKey) { el.signInError.textContent = t(signInErrorKey); }
    if (!el.signInButton.disabled) { el.signInButton.textContent = t("signIn"); }
    renderVerdict(false);
    renderHistory();
    renderNote();
  }

  function setLanguage(next) {
    language = next in MESSAGES ? next : "zh-CN";
    write(localStorage, LANGUAGE_STORE, language);
    applyLanguage();
  }

  // ---- focus: the scan input keeps it, so the next scan always lands there ----
  function focusScan() {
    if (!el.scanView.hidden) { el.code.focus({ preventScroll: true }); }
  }

  function focusIsNowhere() {
    const active = document.activeElement;
    return !active || active === document.body || active === document.documentElement;
  }

  // ---- views ----
  function showSignIn(errorKey) {
    el.scanView.hidden = true;
    el.keys.hidden = true;
    el.signOut.hidden = true;
    el.institution.hidden = true;
    el.signInView.hidden = false;
    signInErrorKey = errorKey ?? null;
    el.signInError.hidden = !signInErrorKey;
    el.signInError.textContent = signInErrorKey ? t(signInErrorKey) : "";
    el.apiKey.focus();
  }

  function showScan() {
    el.signInView.hidden = true;
    el.scanView.hidden = false;
    el.keys.hidden = false;
    el.signOut.hidden = false;
    el.institution.hidden = false;
    el.institution.textContent = me.name;
    el.institution.title = me.institutionId;
    current = { verdict: "idle" };
    renderVerdict(false);
    renderHistory();
    focusScan();
  }

  function signOut(errorKey) {
    write(sessionStorage, KEY_STORE, null);
    apiKey = null;
    me = null;
    history = [];
    noteKey = null;
    renderNote();
    stopWait();
    el.code.value = "";
    el.classId.value = "";
    showSignIn(errorKey);
  }

  async function signIn(key) {
    const result = await call("GET", `${API}/me`, undefined, key);
    if (result.status === 200 && result.data && result.data.institutionId) {
      apiKey = key;
      me = result.data;
      write(sessionStorage, KEY_STORE, key);
      return null;
    }
    if (result.status === 401) { return "errKeyInvalid"; }
    if (result.status === 403) { return "errKeyRole"; }
    return "errNetwork";
  }

  // ---- the 429 wait ----
  function startWait(seconds) {
    waitUntil = Date.now() + Math.max(1, seconds) * 1000;
    clearInterval(waitTimer);
    waitTimer = setInterval(() => {
      if (Date.now() >= waitUntil) {
        stopWait();
        if (current.verdict === "tooMany") { show({ verdict: "resume" }); }
      } else if (current.verdict === "tooMany") {
        el.verdictReason.textContent = reasonOf(current);
      }
    }, 1000);
  }

  function stopWait() {
    clearInterval(waitTimer);
    waitTimer = 0;
    waitUntil = 0;
  }

  // ---- scanning and enrolling, one at a time in the order they came ----
  function enqueue(work) {
    queue = queue.then(work).catch(() => conclude({ verdict: "error", status: "?" }));
  }

  function scan(raw) {
    const input = classify(raw);
    if (input.kind === "empty") { return; }
    noteKey = null;
    renderNote();
    const started = performance.now();
    enqueue(() => verify(input, started));
  }

  async function verify(input, started) {
    if (!apiKey) { return; }
    if (input.kind === "malformed" || input.kind === "mistyped") {
      // Caught here without a lookup: the clerk learns to rescan, and the API's answer stays uniform.
      conclude({ verdict: input.kind, code: input.code }, started);
      return;
    }
    if (Date.now() < waitUntil) {
      conclude({ verdict: "tooMany", code: input.code }, started);
      return;
    }
    const busy = setTimeout(() => show({ verdict: "busy", code: input.code }), BUSY_DELAY_MS);
    const result = await call("POST", `${API}/verifications`, { code: input.code });
    clearTimeout(busy);
    if (result.status === 200 && result.data) {
      const verdict = verdictName(result.data.verdict);
      conclude({ verdict, code: result.data.code || input.code, voucher: result.data.voucher }, started);
    } else if (result.status === 429) {
      startWait(Number.parseInt(result.retryAfter ?? "", 10) || 60);
      conclude({ verdict: "tooMany", code: input.code }, started);
    } else if (result.status === 401 || result.status === 403) {
      signOut("errSession");
    } else {
      conclude({ verdict: "error", code: input.code, status: result.status || "—" }, started);
    }
  }

  function useCurrent() {
    if (current.verdict !== "valid" || using) {
      if (!using) { noteKey = "nothingToUse"; renderNote(); }
      focusScan();
      return;
    }
    const code = current.code;
    const classId = el.classId.value.trim();
    using = true;
    renderVerdict(false);
    const started = performance.now();
    enqueue(async () => {
      try {
        await enrol(code, classId, started);
      } finally {
        using = false;
        renderVerdict(false);
        focusScan();
      }
    });
  }

  async function enrol(code, classId, started) {
    // A class goes along only when the clerk filled it in; without one the request has no body at all.
    const body = classId ? { classId } : undefined;
    const result = await call("POST", `${API}/vouchers/${encodeURIComponent(code)}/use`, body);
    if (result.status === 200 && result.data) {
      conclude({ verdict: "enrolled", code, voucher: result.data }, started);
    } else if (result.status === 409 && result.data) {
      conclude({ verdict: verdictName(result.data.verdict), code, voucher: result.data.voucher }, started);
    } else if (result.status === 404) {
      conclude({ verdict: "unknown", code }, started);
    } else if (result.status === 401 || result.status === 403) {
      signOut("errSession");
    } else {
      conclude({ verdict: "error", code, status: result.status || "—" }, started);
    }
  }

  // ---- events ----
  el.signInForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = el.apiKey.value.trim();
    if (!/^[\x21-\x2d\x2f-\x7e]+\.[\x21-\x7e]+$/.test(key)) {
      showSignIn("errKeyFormat");
      return;
    }
    el.signInButton.disabled = true;
    el.signInButton.textContent = t("signingIn");
    const error = await signIn(key);
    el.signInButton.disabled = false;
    el.signInButton.textContent = t("signIn");
    if (error) {
      showSignIn(error);
      el.apiKey.select();
      return;
    }
    el.apiKey.value = "";
    signInErrorKey = null;
    el.signInError.hidden = true;
    showScan();
  });

  el.scanForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const raw = el.code.value;
    el.code.value = "";
    scan(raw);
    focusScan();
  });

  el.use.addEventListener("click", () => useCurrent());

  el.lang.addEventListener("click", () => {
    setLanguage(language === "en" ? "zh-CN" : "en");
    if (el.scanView.hidden) { el.apiKey.focus(); } else { focusScan(); }
  });

  el.signOut.addEventListener("click", () => signOut(null));

  el.code.addEventListener("blur", () => {
    // Wherever a click leaves focus hanging (the page background, the history), it goes back to the input.
    setTimeout(() => { if (focusIsNowhere()) { focusScan(); } }, 0);
  });

  window.addEventListener("focus", () => { if (focusIsNowhere()) { focusScan(); } });

  document.addEventListener("keydown", (event) => {
    const scanning = !el.scanView.hidden;
    if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyL") {
      event.preventDefault();
      el.lang.click();
      return;
    }
    if (!scanning) { return; }
    if ((event.key === "F2" && !event.altKey && !event.ctrlKey && !event.metaKey)
      || (event.key === "Enter" && (event.ctrlKey || event.metaKey))) {
      event.preventDefault();
      useCurrent();
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      el.code.value = "";
      noteKey = null;
      renderNote();
      focusScan();
      return;
    }
    // A scan that starts while focus sits on a button still lands in the input.
    const active = document.activeElement;
    const typing = active && (active.tagName === "INPUT" || active.tagName === "TEXTAREA");
    if (!typing && !event.ctrlKey && !event.altKey && !event.metaKey && /^[0-9A-Za-z]$/.test(event.key)) {
      focusScan();
    }
  }, true);

  // ---- start ----
  async function start() {
    language = read(localStorage, LANGUAGE_STORE) === "en" ? "en" : "zh-CN";
    applyLanguage();
    const stored = read(sessionStorage, KEY_STORE);
    if (stored) {
      const error = await signIn(stored);
      if (!error) { showScan(); return; }
      write(sessionStorage, KEY_STORE, null);
      showSignIn(error === "errNetwork" ? error : "errSession");
      return;
    }
    showSignIn(null);
  }

  start();
})();
