// The ERP staff's page: the instances this user may see -> their doctypes with counts -> documents (search by name,
// modified range) -> one document as formatted JSON, its child tables as tables. The place is kept in the address
// (#instance/doctype/name), so the back button and a shared link work.
"use strict";

App.start("erp", async () => {
  const { el, api, show, table } = App;
  const path = () => location.hash.slice(1).split("/").filter(Boolean).map(decodeURIComponent);
  const href = (...parts) => "#" + parts.map(encodeURIComponent).join("/");

  function crumbs(parts) {
    const links = [el("a", { href: "#" }, "Instances")];
    parts.forEach((p, i) => links.push(" / ", i === parts.length - 1 ? el("strong", {}, p) : el("a", { href: href(...parts.slice(0, i + 1)) }, p)));
    show("crumbs", ...links);
  }

  async function instances() {
    const rows = await api("/erp/instances");
    show("erp", table([
      { key: "instance", label: "Instance" }, { key: "doctypes", label: "Doctypes", num: true },
      { label: "Documents", num: true, format: r => App.inr(r.documents, 0) }, { key: "last_modified", label: "Last modified" },
    ], rows, { onClick: r => location.hash = href(r.instance), empty: "no ERP instance is granted to you" }));
  }

  async function doctypes(instance) {
    const rows = await api(`/erp/${encodeURIComponent(instance)}/doctypes`);
    show("erp", table([
      { key: "doctype", label: "Doctype" }, { label: "Documents", num: true, format: r => App.inr(r.documents, 0) },
      { label: "Deleted", num: true, format: r => App.inr(r.deleted, 0) }, { key: "last_modified", label: "Last modified" },
    ], rows, { onClick: r => location.hash = href(instance, r.doctype) }));
  }

  async function documents(instance, doctype) {
    const filters = el("form", { class: "filters", id: "doc-filters" },
      el("label", {}, "Name", el("input", { name: "q", type: "search", size: 18 })),
      el("label", {}, "Modified from", el("input", { name: "modified_since", type: "date" })),
      el("label", {}, "to", el("input", { name: "modified_until", type: "date" })),
      el("button", { class: "primary", type: "submit" }, "Search"));
    const results = el("div", { id: "documents" });
    let offset = 0;
    const pager = el("div", { class: "pager" });
    async function load() {
      const q = new URLSearchParams({ limit: 100, offset });
      for (const name of ["q", "modified_since", "modified_until"]) if (filters[name].value) q.set(name, filters[name].value);
      // the end of a day range is the whole day
      if (q.has("modified_until")) q.set("modified_until", q.get("modified_until") + "T23:59:59");
      try {
        const rows = await api(`/erp/${encodeURIComponent(instance)}/${encodeURIComponent(doctype)}?${q}`);
        show(results, table([
          { key: "name", label: "Name" }, { key: "modified", label: "Modified" },
          { label: "Status", format: r => ["Draft", "Submitted", "Cancelled"][r.docstatus] ?? r.docstatus },
        ], rows, { onClick: r => location.hash = href(instance, doctype, r.name), empty: "no document matches" }));
        show(pager,
          el("button", { class: "link", type: "button", disabled: offset === 0, onclick: () => { offset = Math.max(0, offset - 100); load(); } }, "← previous"),
          el("span", { class: "muted" }, rows.total ? `${offset + 1}–${offset + rows.length} of ${App.inr(rows.total, 0)}` : ""),
          el("button", { class: "link", type: "button", disabled: offset + rows.length >= rows.total, onclick: () => { offset += 100; load(); } }, "next →"));
      } catch (e) {
        App.error(results, e);
      }
    }
    filters.addEventListener("submit", e => { e.preventDefault(); offset = 0; load(); });
    show("erp", filters, results, pager);
    await load();
  }

  // Child tables (lists of objects) as tables under the JSON of the document's own fields.
  async function documentView(instance, doctype, name) {
    const doc = await api(`/erp/${encodeURIComponent(instance)}/${encodeURIComponent(doctype)}/${encodeURIComponent(name)}`);
    const children = Object.entries(doc).filter(([, v]) => Array.isArray(v) && v.length && typeof v[0] === "object");
    const own = Object.fromEntries(Object.entries(doc).filter(([k]) => !children.some(([c]) => c === k)));
    const skip = new Set(["doctype", "parent", "parentfield", "parenttype", "owner", "modified_by", "creation", "docstatus"]);
    show("erp",
      el("pre", { class: "json", id: "document" }, JSON.stringify(own, null, 2)),
      ...children.map(([field, rows]) => {
        const keys = [...new Set(rows.flatMap(r => Object.keys(r)))].filter(k => !skip.has(k));
        return el("section", { class: "card" }, el("h2", {}, `${field} (${rows.length})`),
          table(keys.map(k => ({ label: k, format: r => typeof r[k] === "object" && r[k] !== null ? JSON.stringify(r[k]) : r[k] ?? "" })), rows));
      }));
  }

  async function route() {
    const parts = path();
    crumbs(parts);
    try {
      if (parts.length === 0) await instances();
      else if (parts.length === 1) await doctypes(parts[0]);
      else if (parts.length === 2) await documents(parts[0], parts[1]);
      else await documentView(parts[0], parts[1], parts.slice(2).join("/"));
    } catch (e) {
      App.error("erp", e);
    }
  }
  window.addEventListener("hashchange", route);
  await route();
});
