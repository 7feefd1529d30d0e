namespace CrmEtl.Host.Reading;

/// <summary>
/// A workbook that is damaged (a checksum that does not match, XML that is not well formed, text that is not UTF-8)
/// or larger than any report can be. Never read further, and never handed to another reader.
/// </summary>
internal sealed class DamagedWorkbookException(string message) : IOException(message);
