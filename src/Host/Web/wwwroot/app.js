// What the four pages share: the API client (a 401 goes to the login form), the session (name, role, anti-forgery
// token), DOM building without innerHTML (data never becomes markup), rupees in Indian grouping, IST times.
"use strict";

const App = (() => {
  let sessionPromise;

  async function api(path, options = {}) {
    const headers = { Accept: "application/json", ...(options.headers || {}) };
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRF-TOKEN"] = (await session()).csrf_token;
    }
    const response = await fetch("/api/v1" + path, {
      method: options.method || "GET", headers, credentials: "same-origin",
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    if (response.status === 401) {
      location.href = "/login?returnUrl=" + encodeURIComponent(location.pathname + location.search + location.hash);
      throw new Error("log in first");
    }
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Error((data && data.error) || `the server answered ${response.status}`);
    const total = response.headers.get("X-Total-Count");
    if (total !== null && Array.isArray(data)) data.total = Number(total);
    return data;
  }

  function session() {
    sessionPromise ??= api("/session");
    return sessionPromise;
  }

  // el("td", {class: "num"}, "12") - children are text or nodes; attributes starting with "on" are listeners.
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "class") node.className = value;
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  // "1234567.5" -> "12,34,567.50": exact, from the API's string, Indian grouping (last three digits, then twos).
  function inr(amount, decimals = 2) {
    if (amount === null || amount === undefined || amount === "") return "";
    let text = typeof amount === "number" ? amount.toFixed(decimals) : String(amount);
    const negative = text.startsWith("-");
    if (negative) text = text.slice(1);
    let [whole, fraction = ""] = text.split(".");
    fraction = decimals ? "." + (fraction + "00").slice(0, decimals) : "";
    let grouped = whole.length > 3 ? whole.slice(-3) : whole;
    for (let rest = whole.slice(0, -3); rest.length > 0; rest = rest.slice(0, -2)) grouped = rest.slice(-2) + "," + grouped;
    return (negative ? "-" : "") + grouped + fraction;
  }

  const istFormat = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Kolkata", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false });
  function ist(iso) {
    if (!iso) return "";
    const parts = Object.fromEntries(istFormat.formatToParts(new Date(iso)).map(p => [p.type, p.value]));
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  }

  function todayIst() {
    return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Kolkata" }).format(new Date());
  }

  // columns: [{key, label, num, format(row) -> text|node, wrap}]; options: {rowClass(row), onClick(row), empty}
  function table(columns, rows, options = {}) {
    const head = el("tr", {}, columns.map(c => el("th", { class: c.num ? "num" : null }, c.label)));
    const body = rows.length === 0
      ? [el("tr", {}, el("td", { colspan: columns.length, class: "muted" }, options.empty || "nothing here"))]
      : rows.map(row => el("tr", {
          class: [options.rowClass ? options.rowClass(row) : "", options.onClick ? "clickable" : ""].join(" ").trim() || null,
          onclick: options.onClick ? () => options.onClick(row) : null,
        }, columns.map(c => el("td", { class: [c.num ? "num" : "", c.wrap ? "wrap" : "", c.cls || ""].join(" ").trim() || null },
          c.format ? c.format(row) : row[c.key]))));
    return el("div", { class: "scroll" }, el("table", {}, el("thead", {}, head), el("tbody", {}, body)));
  }

  function show(target, ...nodes) {
    const node = typeof target === "string" ? document.getElementById(target) : target;
    node.replaceChildren(...nodes.flat());
  }

  function error(target, e) {
    show(target, el("p", { class: "message error", role: "alert" }, e.message || String(e)));
  }

  // Series colours: distinct, readable on white.
  const palette = ["#1f5fbf", "#d9480f", "#2b8a3e", "#862e9c", "#c2255c", "#0b7285", "#5c940d", "#e67700"];

  const pages = [["sales", "/", "Sales"], ["leads", "/leads", "Leads"], ["erp", "/erp", "ERP"], ["deals", "/deals", "Deals"]];

  // The header every page has: the pages, who is logged in, and logging out (a form with the anti-forgery token).
  function header(page, me) {
    show(document.querySelector("header"), el("nav", {},
      el("span", { class: "brand" }, "CrmEtl"),
      pages.map(([key, href, label]) => el("a", { href, class: key === page ? "here" : null, "aria-current": key === page ? "page" : null }, label)),
      el("span", { class: "who", id: "who" }, `${me.name} (${me.role})`),
      el("form", { method: "post", action: "/logout", id: "logout" },
        el("input", { type: "hidden", name: "__RequestVerificationToken", value: me.csrf_token }),
        el("button", { type: "submit" }, "Log out"))));
  }

  async function start(page, render) {
    try {
      const me = await session();
      header(page, me);
      await render(me);
      document.body.dataset.ready = "true"; // the page's data is drawn (what bench/ times and tests wait for)
    } catch (e) {
      error("page", e);
    }
  }

  return { api, session, el, inr, ist, todayIst, table, show, error, palette, start };
})();
