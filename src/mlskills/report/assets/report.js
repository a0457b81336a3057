// mlskills report: trial explorer. Everything shown comes from embedded JSON and is put on
// the page with textContent only (transcripts are untrusted agent output). Per-trial data is
// gzip+base64 in its own inert script block (application/octet-stream), decoded on first view,
// so a 1,000-trial page opens as fast as a small one.
"use strict";
(() => {
  const $ = (sel, root = document) => root.querySelector(sel);
  const INDEX = JSON.parse($("#report-index").textContent);
  const ROWS = INDEX.trials;
  const PAGE = 200;
  const state = { task: "", arm: "", status: "", q: "", limit: PAGE, selected: -1, shown: [] };
  const cache = new Map();

  function el(tag, props, ...kids) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "data") Object.assign(node.dataset, value);
      else node.setAttribute(key, String(value));
    }
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined || kid === false) continue;
      node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return node;
  }

  const num = (v, d = 3) => (v === null || v === undefined ? "—" : Number(v).toFixed(d));
  const money = (v) => (v ? "$" + (v < 0.1 ? v.toFixed(4) : v.toFixed(2)) : "$0");
  const secs = (v) => (v === null || v === undefined ? "—" : v < 120 ? v.toFixed(1) + "s"
    : (v / 60).toFixed(1) + "m");
  const toks = (v) => (v >= 1e6 ? (v / 1e6).toFixed(1) + "M" : v >= 1e3
    ? (v / 1e3).toFixed(1) + "k" : String(v || 0));
  const keyOf = (r) => `${r.task}/${r.arm}/${r.epoch}`;
  const pretty = (v) => (typeof v === "string" ? v : JSON.stringify(v, null, 2));

  // ---- long text: a preview with a button that reveals the rest

  function longText(value, limit = 1500) {
    const text = pretty(value) ?? "";
    const pre = el("pre", { text: text.length > limit ? text.slice(0, limit) : text });
    if (text.length <= limit) return pre;
    const rest = text.length - limit;
    const button = el("button", { class: "more", type: "button", text: `show all (${rest.toLocaleString()} more characters)` });
    button.addEventListener("click", () => {
      const full = pre.textContent.length < text.length;
      pre.textContent = full ? text : text.slice(0, limit);
      button.textContent = full ? "show less" : `show all (${rest.toLocaleString()} more characters)`;
    });
    return el("div", {}, pre, button);
  }

  // ---- filters and the trial list

  function options(select, values, label) {
    select.replaceChildren(el("option", { value: "", text: label }),
      ...values.map((v) => el("option", { value: v, text: v })));
  }

  function matches(r) {
    if (state.task && r.task !== state.task) return false;
    if (state.arm && r.arm !== state.arm) return false;
    if (state.status === "passed" && !r.passed) return false;
    if (state.status === "failed" && (r.passed || r.status === "error")) return false;
    if (state.status && !["passed", "failed"].includes(state.status) && r.status !== state.status) return false;
    if (state.q && !(keyOf(r) + " " + (r.error || "")).toLowerCase().includes(state.q)) return false;
    return true;
  }

  function row(r) {
    const verdict = r.status === "error" ? el("span", { class: "badge st-error", text: "error" })
      : el("span", { class: r.passed ? "pass" : "fail", text: r.passed ? "pass" : "fail" });
    const status = ["completed", "error"].includes(r.status) ? "" : el("span", { class: `badge st-${r.status}`, text: r.status });
    return el("tr", { data: { i: r.i }, tabindex: 0, class: r.i === state.selected ? "sel" : "", onclick: () => select(r.i, true),
      onkeydown: (e) => e.key === "Enter" && select(r.i, true) },
      el("td", { class: "l", title: r.task, text: r.task }), el("td", { class: "l", text: r.arm }),
      el("td", { text: r.epoch }), el("td", { text: num(r.score) }), el("td", { class: "l" }, verdict, " ", status),
      el("td", { text: money(r.cost) }), el("td", { text: secs(r.wall_seconds) }));
  }

  function renderList() {
    state.shown = ROWS.filter(matches);
    const body = $("#trial-rows");
    body.replaceChildren(...state.shown.slice(0, state.limit).map(row));
    const more = $("#trial-more");
    const left = state.shown.length - state.limit;
    more.hidden = left <= 0;
    more.textContent = `show ${Math.min(left, PAGE)} more (${left} hidden)`;
    $("#trial-count").textContent = `${state.shown.length} of ${ROWS.length} trials`;
  }

  function setupFilters() {
    const unique = (key) => [...new Set(ROWS.map((r) => r[key]))];
    options($("#f-task"), unique("task"), "all tasks");
    options($("#f-arm"), unique("arm"), "all arms");
    options($("#f-status"), ["passed", "failed", "completed", "timeout", "limit", "error"], "any outcome");
    for (const [id, key] of [["#f-task", "task"], ["#f-arm", "arm"], ["#f-status", "status"]]) {
      $(id).addEventListener("change", (e) => { state[key] = e.target.value; state.limit = PAGE; renderList(); });
    }
    $("#f-q").addEventListener("input", (e) => { state.q = e.target.value.trim().toLowerCase(); renderList(); });
    $("#f-clear").addEventListener("click", () => filter("", ""));
    $("#trial-more").addEventListener("click", () => { state.limit += PAGE; renderList(); });
  }

  function filter(task, arm) {
    Object.assign(state, { task, arm, status: "", q: "", limit: PAGE });
    $("#f-task").value = task; $("#f-arm").value = arm; $("#f-status").value = ""; $("#f-q").value = "";
    renderList();
  }

  // ---- per-trial payloads: gzip + base64, decoded once

  async function payload(i) {
    if (cache.has(i)) return cache.get(i);
    const node = document.getElementById(`trial-${i}`);
    if (!node) throw new Error("no data embedded for this trial");
    if (typeof DecompressionStream === "undefined") throw new Error("this browser cannot decompress the embedded data (needs DecompressionStream)");
    const bytes = Uint8Array.from(atob(node.textContent.trim()), (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    const data = JSON.parse(await new Response(stream).text());
    cache.set(i, data);
    return data;
  }

  async function select(i, push) {
    state.selected = i;
    for (const tr of document.querySelectorAll("#trial-rows tr")) tr.classList.toggle("sel", Number(tr.dataset.i) === i);
    const r = ROWS[i];
    if (push) history.replaceState(null, "", "#trial=" + encodeURIComponent(keyOf(r)));
    const box = $("#detail");
    box.replaceChildren(el("p", { class: "hint", text: "loading…" }));
    try {
      box.replaceChildren(...detail(r, await payload(i)));
    } catch (err) {
      box.replaceChildren(el("p", { class: "fail", text: "Could not show this trial: " + err.message }));
    }
    box.scrollTop = 0;
  }

  function step(delta) {
    const pos = state.shown.findIndex((r) => r.i === state.selected);
    const next = state.shown[pos + delta];
    if (next) select(next.i, true);
  }

  // ---- the drill-down

  function fact(label, value) { return el("div", { class: "fact" }, el("span", { text: label }), value); }

  function header(r, rec) {
    const verdict = rec.status === "error" ? el("span", { class: "badge st-error", text: "error" })
      : el("span", { class: rec.passed ? "pass" : "fail", text: rec.passed ? "passed" : "failed" });
    const nav = el("span", { style: "float:right" },
      el("button", { class: "more", type: "button", text: "← prev", onclick: () => step(-1) }), " ",
      el("button", { class: "more", type: "button", text: "next →", onclick: () => step(1) }));
    const out = [nav, el("h3", { id: "detail-title" }, `${rec.task_id} · ${rec.arm} · epoch ${rec.epoch} `, verdict, " ",
      el("span", { class: `badge st-${rec.status}`, text: rec.status }))];
    if (rec.error) out.push(el("div", { class: "notice danger" }, el("b", { text: "Error" }), longText(rec.error, 600)));
    if (rec.limit) out.push(el("p", { class: "hint", text: `Stopped by limit: ${rec.limit}` }));
    return out;
  }

  function facts(rec, data) {
    const u = rec.usage || {};
    return el("div", { class: "facts" },
      fact("score", num(rec.score)), fact("metric", num(rec.metric, 4)), fact("seed", String(rec.seed)),
      fact("turns", String(rec.turns)), fact("agent time", secs(rec.agent_seconds)),
      fact("grade time", secs(rec.grade_seconds)), fact("wall time", secs(rec.wall_seconds)),
      fact("input tokens", toks(u.input_tokens)), fact("output tokens", toks(u.output_tokens)),
      fact("cache read", toks(u.cache_read_tokens)), fact("cache write", toks(u.cache_write_tokens)),
      fact("cost", money(u.cost)), fact("started", rec.started_at || "—"), fact("agent", rec.agent),
      fact("folder", el("code", { text: data.folder })),
      ...(rec.scratch ? [fact("workspace kept", el("code", { text: rec.scratch }))] : []),
      ...judgeFacts(rec.judge));
  }

  function judgeFacts(j) {  // the rubric judge's share, apart from the agent's usage above
    if (!j) return [];
    const out = [fact("score, grader only", num(j.grader_score))];
    if (j.usage) out.push(fact("judge tokens", toks(["input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"].reduce((s, k) => s + (j.usage[k] || 0), 0))),
      fact("judge cost", money(j.usage.cost)), fact("judge", `${j.model} × ${j.epochs}`));
    return out;
  }

  function grade(g) {
    if (!g) return [el("h3", { text: "Grade" }), el("p", { class: "hint", text: "Not graded (the trial ended before grading)." })];
    const checks = (g.checks || []).map((c) => el("tr", {},
      el("td", { class: c.passed ? "pass" : "fail", text: c.passed ? "✓" : "✗" }),
      el("td", { text: c.name }), el("td", { text: c.gate ? "gate" : c.weight ? `weight ${c.weight}` : "" }),
      el("td", { text: c.message || "" })));
    const out = [el("h3", { text: "Grade checks" }),
      el("table", { class: "checks" }, el("tbody", {}, checks.length ? checks : el("tr", {}, el("td", { text: "no checks" }))))];
    const metrics = Object.entries(g.metrics || {});
    if (metrics.length) {
      out.push(el("h3", { text: "Metrics" }), el("div", { class: "facts" },
        ...metrics.map(([k, v]) => fact(k, typeof v === "number" ? num(v, 4) : pretty(v)))));
    }
    if ((g.rubric || []).length) out.push(rubric(g.rubric));
    return out;
  }

  function rubric(items) {
    const rows = items.map((it) => el("tr", {},
      el("td", { text: it.id ?? "" }),
      el("td", { class: it.verdict === "pass" ? "pass" : it.verdict === "fail" ? "fail" : "hint", text: it.verdict ?? "not judged" }),
      el("td", {}, it.reason ? longText(it.reason, 400) : "—"),
      el("td", {}, it.evidence ? longText(it.evidence, 300) : "—")));
    return el("div", { class: "rubric" }, el("h3", { text: "Rubric (LLM judge, apart from the grader's checks; judged items weigh like checks)" }),
      el("table", { class: "checks" }, el("thead", {}, el("tr", {}, ...["item", "verdict", "reason", "evidence"].map((h) => el("th", { class: "l", text: h })))),
        el("tbody", {}, rows)));
  }

  // ---- transcript events, rendered generically: kind, a one-line summary, folded fields

  const SKIP = new Set(["t", "kind"]);
  const short = (v, n = 110) => { const s = (pretty(v) ?? "").replace(/\s+/g, " ").trim(); return s.length > n ? s.slice(0, n) + "…" : s; };

  function summaryOf(ev) {
    const kind = ev.kind || ev.type || "event";
    if (kind === "tool_call") return `${ev.name ?? "tool"} ${short(ev.input?.command ?? ev.input?.cmd ?? ev.input ?? "", 90)}${ev.is_error ? "  ✗ error" : ""}${ev.seconds !== undefined ? `  · ${secs(ev.seconds)}` : ""}`;
    const blocks = contentBlocks(ev);
    if (blocks) {
      const text = blocks.filter((b) => b.type === "text").map((b) => b.text).join(" ");
      const calls = blocks.filter((b) => b.type === "tool_use").map((b) => b.name);
      return short(text || "", 90) + (calls.length ? `  → ${calls.join(", ")}` : "");
    }
    for (const key of ["text", "message", "error", "status", "line", "name"]) if (ev[key] !== undefined && ev[key] !== null) return short(ev[key]);
    return "";
  }

  // Content blocks wherever an agent keeps them: our API loop (ev.content), a message
  // (ev.message.content) or a Claude Code stream line (ev.message.message.content).
  function contentBlocks(ev) {
    const isBlock = (b) => b && typeof b === "object" && "type" in b;
    for (const c of [ev.content, ev.message?.content, ev.message?.message?.content]) {
      if (Array.isArray(c) && c.length && c.every(isBlock)) return c;
    }
    return null;
  }

  function block(b) {
    if (b.type === "text") return longText(b.text ?? "");
    const title = b.type === "tool_use" ? `tool call: ${b.name}` : b.type;
    const body = b.type === "tool_use" ? b.input : b.type === "thinking" ? b.thinking : b.type === "tool_result" ? b.content : b;
    return folded(title, () => [longText(body ?? "")]);
  }

  function folded(title, build, open = false) {
    const node = el("details", { class: "ev tool" }, el("summary", {}, el("span", { class: "k", text: title })));
    let built = false;
    const fill = () => { if (!built) { built = true; node.append(...build()); } };
    node.addEventListener("toggle", () => node.open && fill());
    if (open) { node.open = true; fill(); }
    return node;
  }

  const flat = (v) => v && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((x) => x === null || typeof x !== "object");
  const inline = (v) => (flat(v) ? Object.entries(v).map(([k, x]) => `${k}=${x}`).join(" ") : String(v));
  const isSmall = (v) => (typeof v !== "object" || flat(v)) && inline(v).length <= 160 && !inline(v).includes("\n");

  function fields(ev) {
    const blocks = contentBlocks(ev);
    const small = [];
    const big = [];
    for (const [key, value] of Object.entries(ev)) {
      if (SKIP.has(key) || value === null || value === undefined) continue;
      if (blocks && (key === "content" || key === "message")) continue;
      if (isSmall(value)) small.push(el("span", { class: "kv" }, el("span", { text: key + " " }), inline(value)));
      else big.push(el("div", { class: "field" }, el("span", { text: key }), longText(value)));
    }
    const line = small.length ? el("div", { class: "kvs" }, ...small) : null;
    const nested = blocks && blocks !== ev.content;  // the blocks hide the rest of a message
    const raw = nested ? folded("raw event", () => [longText(ev)]) : null;
    return [...(blocks ? blocks.map(block) : []), ...big, line, raw].filter(Boolean);
  }

  function eventNode(ev, t0) {
    const kind = String(ev.kind || ev.type || "event");
    const isTool = kind.includes("tool");
    const isErr = kind.includes("error") || ev.is_error === true;
    const cls = `ev${isTool ? " tool" : ""}${isErr ? " err" : ""}${kind === "cut" ? " cut" : ""}`;
    const when = typeof ev.t === "number" && t0 !== null ? `+${(ev.t - t0).toFixed(1)}s` : "";
    const sub = typeof ev.message?.type === "string" ? ` · ${ev.message.type}` : "";
    const node = el("details", { class: cls, data: { kind } },
      el("summary", {}, el("span", { class: "t", text: when }), el("span", { class: "k", text: kind + sub }), summaryOf(ev)));
    let built = false;
    const fill = () => { if (!built) { built = true; node.append(...fields(ev)); } };
    node.addEventListener("toggle", () => node.open && fill());
    const quiet = isTool || ["agent_start", "cut"].includes(kind) || ev.role === "user";  // prompts are long
    if (!quiet) { node.open = true; fill(); }
    return node;
  }

  function transcript(tr) {
    const out = [el("h3", { text: `Transcript (${tr.total} events)` })];
    if (!tr.present) return [...out, el("p", { class: "hint", text: "This agent wrote no transcript (see the log below)." })];
    if (tr.dropped) out.push(el("p", { class: "hint", text: `${tr.dropped} events from the middle are left out of this page; the full transcript is transcript.jsonl in the trial folder.` }));
    const t0 = tr.events.find((e) => typeof e.t === "number")?.t ?? null;
    const list = el("div", { id: "transcript" }, ...tr.events.map((e) => eventNode(e, t0)));
    const toggle = (open) => () => { for (const d of list.querySelectorAll("details.ev")) if (d.open !== open) { d.open = open; } };
    out.push(el("p", {}, el("button", { class: "more", type: "button", text: "expand all", onclick: toggle(true) }), " ",
      el("button", { class: "more", type: "button", text: "fold all", onclick: toggle(false) })), list);
    return out;
  }

  function judgeTranscript(tr) {
    if (!tr || !tr.present) return [];
    const t0 = tr.events.find((e) => typeof e.t === "number")?.t ?? null;
    const cut = tr.dropped ? el("p", { class: "hint", text: `${tr.dropped} events left out; the full file is judge/transcript.jsonl.` }) : null;
    return [el("details", { class: "rubric judge" }, el("summary", { text: `Judge transcript (${tr.total} events): the rubric judge's conversation, not the agent's` }),
      cut, el("div", { class: "judge-transcript" }, ...tr.events.map((e) => eventNode(e, t0))))];
  }

  function logs(data) {
    const entries = Object.entries(data.logs || {});
    return entries.flatMap(([name, text]) => [el("h3", { text: name }), longText(text, 2000)]);
  }

  function detail(r, data) {
    const rec = data.record;
    return [...header(r, rec), facts(rec, data), ...grade(rec.grade), ...judgeTranscript(data.judge), ...transcript(data.transcript), ...logs(data),
      el("p", { class: "hint", text: `Files in the trial folder: ${(data.files || []).join(", ") || "none"}` })];
  }

  // ---- wiring: heat map cells filter the list; the URL hash selects a trial

  function fromHash() {
    const m = location.hash.match(/^#trial=(.+)$/);
    if (!m) return;
    const key = decodeURIComponent(m[1]);
    const r = ROWS.find((x) => keyOf(x) === key);
    if (r) { filter(r.task, r.arm); select(r.i, false); $("#trials").scrollIntoView(); }
  }

  function init() {
    setupFilters();
    renderList();
    for (const td of document.querySelectorAll("td.hm[data-task]")) {
      const open = () => { filter(td.dataset.task, td.dataset.arm || ""); $("#trials").scrollIntoView({ behavior: "smooth" }); };
      td.addEventListener("click", open);
      td.addEventListener("keydown", (e) => e.key === "Enter" && open());
    }
    document.addEventListener("keydown", (e) => {
      if (e.target.closest("input, select, textarea")) return;
      if (e.key === "j") step(1);
      if (e.key === "k") step(-1);
    });
    window.addEventListener("hashchange", fromHash);
    fromHash();
    document.body.dataset.ready = "1";
  }

  init();
})();
