// The sales team's page: the funnel, follow-ups due today and overdue, a table to filter, and one lead to update
// (status, priority, owner, a note) with its history. Export gives the filtered leads as CSV.
"use strict";

App.start("leads", async me => {
  const { el, api, show, table } = App;
  const form = document.getElementById("filters");
  const pageSize = 50;
  let offset = 0;
  const statuses = await api("/leads/statuses");
  form.status.append(...statuses.map(s => el("option", { value: s.status }, s.status)));

  // filters live in the address, so a filtered list can be bookmarked and the back button works
  const params = new URLSearchParams(location.search);
  for (const name of ["status", "priority", "assigned_to", "q", "due"]) if (params.has(name)) form[name].value = params.get(name);

  async function funnel() {
    const rows = await api("/leads/funnel");
    const dueToday = rows.reduce((n, r) => n + r.due_today, 0), overdue = rows.reduce((n, r) => n + r.overdue, 0);
    show("due",
      el("div", { class: "card" }, el("div", { class: "label" }, "Leads"), el("div", { class: "value" }, App.inr(rows.reduce((n, r) => n + r.leads, 0), 0))),
      el("div", { class: "card" }, el("div", { class: "label" }, "Follow-ups due today"), el("div", { class: "value warn", id: "due-today" }, App.inr(dueToday, 0))),
      el("div", { class: "card" }, el("div", { class: "label" }, "Overdue"), el("div", { class: "value bad", id: "overdue" }, App.inr(overdue, 0))));
    const canvas = document.getElementById("funnel-chart");
    Chart.getChart(canvas)?.destroy();
    new Chart(canvas, {
      type: "bar",
      data: { labels: rows.map(r => r.status), datasets: [{ label: "leads", data: rows.map(r => r.leads), backgroundColor: App.palette[0] }] },
      options: { indexAxis: "y", maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } },
    });
  }

  function query() {
    const q = new URLSearchParams();
    for (const name of ["status", "priority", "assigned_to", "q", "due"]) if (form[name].value.trim()) q.set(name, form[name].value.trim());
    return q;
  }

  async function list() {
    const q = query();
    history.replaceState(null, "", "/leads" + (q.size ? "?" + q : ""));
    document.getElementById("export").href = "/api/v1/leads/export" + (q.size ? "?" + q : "");
    q.set("limit", pageSize);
    q.set("offset", offset);
    try {
      const leads = await api("/leads?" + q);
      const today = App.todayIst();
      show("leads", table([
        { key: "lead_id", label: "Id", num: true }, { key: "full_name", label: "Name" }, { key: "phone", label: "Phone" },
        { key: "city", label: "City" }, { key: "status", label: "Status" }, { key: "priority", label: "Priority" },
        { key: "assigned_to", label: "Assigned to" },
        { label: "Follow up", format: l => el("span", { class: !l.next_follow_up ? "" : l.next_follow_up < today ? "bad" : l.next_follow_up === today ? "warn" : "" }, l.next_follow_up || "") },
        { key: "lead_source", label: "Source" },
      ], leads, { onClick: l => open(l.lead_id), empty: "no lead matches" }));
      document.getElementById("range").textContent = leads.total ? `${offset + 1}–${offset + leads.length} of ${App.inr(leads.total, 0)}` : "";
      document.getElementById("prev").disabled = offset === 0;
      document.getElementById("next").disabled = offset + leads.length >= leads.total;
    } catch (e) {
      App.error("leads", e);
    }
  }

  async function open(id) {
    const box = document.getElementById("lead");
    box.classList.remove("hidden");
    const lead = await api(`/leads/${id}`);
    const fields = [["Phone", lead.phone], ["Email", lead.email], ["City", lead.city], ["Child's age", lead.child_age], ["Lead date", lead.lead_date],
      ["Source", lead.lead_source], ["Type", lead.lead_type], ["Status", lead.status], ["Priority", lead.priority], ["Assigned to", lead.assigned_to],
      ["Next follow-up", lead.next_follow_up], ["Notes", lead.notes], ["From", [lead.source_file, lead.source_sheet, lead.source_row].filter(Boolean).join(" / ")]];
    const message = el("div", { id: "lead-message" });
    const edit = me.can_edit ? el("form", { id: "lead-form", onsubmit: async e => {
        e.preventDefault();
        const f = e.target, body = {};
        for (const name of ["status", "priority", "assigned_to", "note"]) if (f[name].value.trim() && f[name].value !== lead[name]) body[name] = f[name].value.trim();
        try {
          await api(`/leads/${id}`, { method: "PATCH", body });
          await open(id);
          show("lead-message", el("p", { class: "message ok", role: "status" }, "Saved."));
          list();
          funnel();
        } catch (err) {
          show(message, el("p", { class: "message error", role: "alert" }, err.message));
        }
      } },
      el("h3", {}, "Update"),
      el("label", {}, "Status ", el("select", { name: "status" }, statuses.map(s => el("option", { value: s.status, selected: s.status === lead.status }, s.status)))),
      el("label", {}, "Priority ", el("select", { name: "priority" }, ["Low", "Medium", "High", "Urgent"].map(p => el("option", { selected: p === lead.priority }, p)))),
      el("label", {}, "Assigned to ", el("input", { name: "assigned_to", value: lead.assigned_to || "" })),
      el("label", {}, "Note ", el("textarea", { name: "note", rows: 2, placeholder: "what happened" })),
      el("button", { class: "primary", type: "submit" }, "Save"),
      message) : el("p", { class: "muted" }, "Your role reads leads; an editor changes them.");
    show(box,
      el("h2", {}, `${lead.full_name || "(no name)"} · lead ${lead.lead_id}`),
      el("div", { class: "detail" },
        el("dl", {}, fields.map(([k, v]) => [el("dt", {}, k), el("dd", {}, v ?? "")])),
        edit,
        el("div", {}, el("h3", {}, "History"), el("ol", { class: "history", id: "history" }, lead.history.map(h =>
          el("li", {}, `${App.ist(h.changed_at)} ${h.changed_by}: ${h.old_status ?? "–"} → ${h.new_status}`, h.note ? el("div", { class: "muted" }, h.note) : null))))));
    box.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  form.addEventListener("submit", e => { e.preventDefault(); offset = 0; list(); });
  document.getElementById("prev").addEventListener("click", () => { offset = Math.max(0, offset - pageSize); list(); });
  document.getElementById("next").addEventListener("click", () => { offset += pageSize; list(); });
  await Promise.all([funnel(), list()]);
});
