using CrmEtl.Abstractions;

namespace CrmEtl.Plugins.ErpNext;

/// <summary>
/// ERPNext (Frappe) documents over its REST API (sources.md section 3): per instance and doctype, the documents
/// modified since the last pull, each fetched whole (child tables included), and the deletions the instance lists.
/// </summary>
public sealed class ErpNextPlugin : ISourcePlugin
{
    public SourceInfo Info { get; } = new("erpnext", "ERPNext") { SourceSystem = "ERPNEXT" };

    public IReadOnlyList<Dataset> Datasets { get; } =
    [
        new()
        {
            Name = "documents",
            StagingTable = "stg_erp_documents",
            Api = new ErpNextApi(),
        },
    ];
}
