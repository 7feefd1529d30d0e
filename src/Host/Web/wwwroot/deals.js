// The account managers' page: deals by stage, the aggregations (daily, weekly, monthly) as a chart for all accounts
// or one, and the accounts with their deals.
"use strict";

App.start("deals", async () => {
  const { el, api, show, table } = App;
  const form = document.getElementById("agg-filters");
  const [stages, accounts] = await Promise.all([api("/deals/stages"), api("/deals/accounts?limit=1000")]);
  show("stages", stages.map(s => el("div", { class: "card" }, el("div", { class: "label" }, s.deal_stage),
    el("div", { class: "value" }, App.inr(s.deals, 0)), el("div", { class: "muted" }, "size " + App.inr(s.total_deal_size, 0)))));
  form.account_id.append(...accounts.map(a => el("option", { value: a.account_id }, `${a.account_name} (${a.account_id})`)));
  show("accounts", table([
    { key: "account_id", label: "Id", num: true }, { key: "account_name", label: "Account" }, { key: "industry", label: "Industry" },
    { key: "region", label: "Region" }, { label: "Value", num: true, format: a => App.inr(a.account_value, 0) },
    { key: "deals", label: "Deals", num: true }, { label: "Deal size", num: true, format: a => App.inr(a.total_deal_size, 0) },
  ], accounts, { onClick: a => { form.account_id.value = a.account_id; chart(); window.scrollTo({ top: 0, behavior: "smooth" }); }, empty: "no accounts pulled yet" }));

  async function chart() {
    const q = new URLSearchParams({ type: form.type.value, limit: 1000 });
    if (form.account_id.value) q.set("account_id", form.account_id.value);
    const rows = await api("/deals/aggregations?" + q);
    // summed over the accounts shown, per period
    const byDate = new Map();
    for (const r of rows) {
      const t = byDate.get(r.aggregation_date) ?? { size: 0, count: 0 };
      t.size += r.total_deal_size; t.count += r.deal_count;
      byDate.set(r.aggregation_date, t);
    }
    const dates = [...byDate.keys()].sort();
    const canvas = document.getElementById("deals-chart");
    Chart.getChart(canvas)?.destroy();
    new Chart(canvas, {
      data: {
        labels: dates,
        datasets: [
          { type: "bar", label: "deal size", data: dates.map(d => byDate.get(d).size), backgroundColor: App.palette[0], yAxisID: "size" },
          { type: "line", label: "deals", data: dates.map(d => byDate.get(d).count), borderColor: App.palette[1], backgroundColor: App.palette[1], yAxisID: "count" },
        ],
      },
      options: { maintainAspectRatio: false, animation: false,
        scales: { size: { position: "left", ticks: { callback: v => App.inr(v, 0) } }, count: { position: "right", grid: { drawOnChartArea: false } } } },
    });
  }
  form.addEventListener("change", chart);
  await chart();
});
