using CrmEtl.Host.Plugins;

namespace CrmEtl.Host.Ingestion;

/// <summary>A source's transform files (path and text, in the order they run) and their version.</summary>
internal sealed record TransformSet(LoadedPlugin Plugin, IReadOnlyList<(string Path, string Sql)> Files, string Version);
