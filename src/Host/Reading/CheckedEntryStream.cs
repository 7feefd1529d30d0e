using System.IO.Compression;
using System.IO.Hashing;

namespace CrmEtl.Host.Reading;

/// <summary>
/// A zip entry's bytes, checked as they are read: never more than the entry says it holds, and at its end exactly that
/// many with the CRC-32 it says they have. .NET's zip reader checks neither, so a flipped byte would be read as text.
/// </summary>
internal sealed class CheckedEntryStream : Stream
{
    // A 1M-row report's sheet is about 2 GB of XML; no report's entry is twice that, and a larger one is a zip bomb.
    public const long MostBytes = 4L << 30;

    private readonly Stream _inner;
    private readonly string _name;
    private readonly long _length;
    private readonly uint _crc;
    private readonly Crc32 _hash = new();
    private long _read;
    private bool _checked;

    private CheckedEntryStream(ZipArchiveEntry entry)
    {
        _name = entry.FullName;
        _length = entry.Length;
        _crc = entry.Crc32;
        _inner = entry.Open();
    }

    public static Stream Open(ZipArchiveEntry entry)
    {
        if (entry.Length > MostBytes)
            throw new DamagedWorkbookException($"the workbook's {entry.FullName} says it holds {entry.Length:N0} bytes, more than any report (a zip bomb?)");
        return new CheckedEntryStream(entry);
    }

    public override int Read(Span<byte> buffer)
    {
        var read = _inner.Read(buffer);
        if (read > 0)
        {
            _read += read;
            if (_read > _length) throw Damaged($"holds more than the {_length:N0} bytes it says");
            _hash.Append(buffer[..read]);
        }
        else if (!_checked && buffer.Length > 0)
        {
            _checked = true;
            if (_read != _length) throw Damaged($"holds {_read:N0} bytes where it says {_length:N0} (truncated)");
            if (_hash.GetCurrentHashAsUInt32() != _crc) throw Damaged("does not match its checksum (CRC-32): its bytes were changed");
        }
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => _length;

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _inner.Dispose();
        base.Dispose(disposing);
    }

    private DamagedWorkbookException Damaged(string what) => new($"the workbook's {_name} {what}");
}
