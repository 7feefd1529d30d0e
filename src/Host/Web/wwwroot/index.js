// The owner's and the operator's page: sales per day and cost center (chart and table), today so far, the stores'
// freshness, and the last runs and downloads with failures highlighted and what fixes them.
"use strict";

App.start("sales", async me => {
  const { el, api, inr, show, table } = App;
  const today = App.todayIst();
  const [daily, stores, runs, downloads] = await Promise.all([
    api("/sales/daily"), api("/stores"), api("/runs?limit=25"), api("/downloads?status=failed&limit=10"),
  ]);

  // today so far, per cost center
  const todays = daily.filter(r => r.date === today);
  const sum = rows => rows.reduce((paise, r) => paise + BigInt(r.net_amount.replace(".", "")), 0n);
  const rupees = paise => {
    const negative = paise < 0n, digits = (negative ? -paise : paise).toString().padStart(3, "0");
    return (negative ? "-" : "") + digits.slice(0, -2) + "." + digits.slice(-2);
  };
  show("today",
    el("div", { class: "card" }, el("div", { class: "label" }, `Today so far (${today})`),
      el("div", { class: "value", id: "today-total" }, "₹ " + inr(rupees(sum(todays)))),
      el("div", { class: "muted" }, `${todays.reduce((n, r) => n + r.orders, 0)} orders`)),
    ...[...new Set(todays.map(r => r.cost_center))].map(cc => {
      const rows = todays.filter(r => r.cost_center === cc);
      return el("div", { class: "card" }, el("div", { class: "label" }, cc),
        el("div", { class: "value" }, "₹ " + inr(rupees(sum(rows)))), el("div", { class: "muted" }, `${rows.reduce((n, r) => n + r.orders, 0)} orders`));
    }));

  // the chart: one series per cost center over the 30 days (a day without sales is 0)
  const days = [];
  for (let d = new Date(today + "T00:00:00Z"), i = 0; i < 30; i++, d.setUTCDate(d.getUTCDate() - 1)) days.unshift(d.toISOString().slice(0, 10));
  const centers = [...new Set(daily.map(r => r.cost_center))].sort();
  const cell = new Map(daily.map(r => [r.date + "|" + r.cost_center, r]));
  const amount = (day, cc) => { const r = cell.get(day + "|" + cc); return r ? Number(r.net_amount) : 0; };
  new Chart(document.getElementById("sales-chart"), {
    type: "bar",
    data: { labels: days.map(d => d.slice(5)), datasets: centers.map((cc, i) => ({ label: cc, data: days.map(d => amount(d, cc)), backgroundColor: App.palette[i % App.palette.length] })) },
    options: {
      maintainAspectRatio: false, animation: false, scales: { x: { stacked: true }, y: { stacked: true, ticks: { callback: v => "₹" + inr(v, 0) } } },
      plugins: { tooltip: { callbacks: { label: c => `${c.dataset.label}: ₹ ${inr(c.parsed.y)}` } } },
    },
  });

  // the table under it: a row per day (newest first), a column per cost center, the day's total
  const dayRows = days.slice().reverse().map(day => {
    const row = { date: day };
    centers.forEach(cc => row[cc] = cell.get(day + "|" + cc));
    row.total = rupees(sum(centers.map(cc => row[cc]).filter(Boolean)));
    return row;
  });
  show("sales-table", table([
    { key: "date", label: "Date" },
    ...centers.map(cc => ({ label: cc, num: true, format: r => r[cc] ? `₹ ${inr(r[cc].net_amount)} (${r[cc].orders})` : "–" })),
    { label: "Total", num: true, format: r => "₹ " + inr(r.total) },
  ], dayRows, { empty: "no orders in these 30 days" }));

  // the stores, as `status` shows them
  show("stores", table([
    { key: "crm", label: "CRM" }, { key: "store", label: "Store" }, { key: "name", label: "Name" }, { key: "cost_center", label: "Cost center" },
    { label: "Last good window", format: s => s.last_success_from ? `${s.last_success_from} .. ${s.last_success_to}` : "never" },
    { label: "Hours since", num: true, format: s => s.hours_since_success ?? "–" },
    { label: "Last run", format: s => s.last_run_status ?? "–" },
    { label: "Orders", num: true, format: s => inr(s.orders, 0) },
    { label: "Freshness", format: s => s.state !== "enabled" ? s.state
        : el("span", { class: s.stale ? "bad" : "good" }, (s.stale ? "STALE" : "ok") + (s.uncovered_days.length ? `; ${s.uncovered_days.length} of 30 days uncovered` : "")) },
    { label: "Fix", cls: "fix", wrap: true, format: s => s.state === "enabled" && s.session_file && s.session_age_hours === null
        ? `no saved session: ./crm-etl bootstrap --crm ${s.crm} --store ${s.store}` : (me.role === "admin" && s.last_run_error) || "" },
  ], stores.stores, { rowClass: s => s.stale ? "fail" : "", empty: "no stores configured" }));

  const failed = r => ["failed", "abandoned"].includes(r.status);
  show("downloads", table([
    { label: "When (IST)", format: d => App.ist(d.downloaded_at) }, { key: "crm", label: "CRM" }, { key: "store", label: "Store" },
    { label: "Window", format: d => d.from_date ? `${d.from_date} .. ${d.to_date}` : "" }, { key: "failure_kind", label: "Kind" },
    { label: "Fix", key: "fix", cls: "fix", wrap: true },
    ...(me.role === "admin" ? [{ label: "Error", key: "error_message", wrap: true }] : []),
  ], downloads, { rowClass: () => "fail", empty: "no failed downloads" }));

  show("runs", table([
    { key: "run_id", label: "Run", num: true }, { label: "Started (IST)", format: r => App.ist(r.started_at) },
    { key: "crm", label: "CRM" }, { label: "Store / scope", format: r => r.store || r.scope || "" }, { key: "dataset", label: "Dataset" },
    { label: "Status", format: r => el("span", { class: failed(r) ? "bad" : r.status === "running" ? "warn" : "good" }, r.status) },
    { label: "Rows", num: true, format: r => inr(r.rows_read ?? 0, 0) }, { label: "Inserted", num: true, format: r => inr(r.inserted_rows ?? 0, 0) },
    { label: "Rejected", num: true, format: r => inr(r.rows_rejected ?? 0, 0) },
    { label: "Fix", key: "fix", cls: "fix", wrap: true },
    ...(me.role === "admin" ? [{ label: "Error", format: r => r.error_message ? `${r.error_step}: ${r.error_message}` : "", wrap: true }] : []),
  ], runs, { rowClass: r => failed(r) ? "fail" : "", empty: "no runs yet" }));
});
