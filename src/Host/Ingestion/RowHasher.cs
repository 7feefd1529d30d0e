using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// The md5 of one staged row's typed values and extra columns (lowercase hex), written to staging as
/// <c>row_hash</c>. Each value is tagged with its type and length, so a blank, an empty text and a moved
/// value all hash differently; columns that are not <see cref="CrmEtl.Abstractions.StagingColumn.InRowHash"/> count
/// as blank. One instance per COPY; not thread-safe.
/// </summary>
internal sealed class RowHasher(bool[] hashed) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _length;

    public string Hash(object?[] values, string? extras)
    {
        _length = 0;
        for (var i = 0; i < values.Length; i++) Add(i < hashed.Length && !hashed[i] ? null : values[i]);
        Add(extras);
        Span<byte> hash = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(_buffer.AsSpan(0, _length), hash);
        return Convert.ToHexStringLower(hash);
    }

    private void Add(object? value)
    {
        switch (value)
        {
            case null:
                Reserve(1)[0] = 0;
                _length += 1;
                break;
            case string text:
                var size = Encoding.UTF8.GetMaxByteCount(text.Length);
                var target = Reserve(5 + size);
                var written = Encoding.UTF8.GetBytes(text, target[5..]);
                target[0] = 1;
                BinaryPrimitives.WriteInt32LittleEndian(target[1..], written);
                _length += 5 + written;
                break;
            case DateTime time:
                var slot = Reserve(9);
                slot[0] = 2;
                BinaryPrimitives.WriteInt64LittleEndian(slot[1..], time.Ticks);
                _length += 9;
                break;
            default:
                // decimals (canonical scale already) and anything else: invariant text
                var span = Reserve(2 + 64);
                span[0] = 3;
                if (value is IUtf8SpanFormattable formattable && formattable.TryFormat(span[2..], out var n, default, CultureInfo.InvariantCulture) && n < 256)
                {
                    span[1] = (byte)n;
                    _length += 2 + n;
                }
                else
                {
                    _length += 1;
                    Add(Convert.ToString(value, CultureInfo.InvariantCulture));
                }
                break;
        }
    }

    private Span<byte> Reserve(int bytes)
    {
        if (_length + bytes > _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + bytes));
            _buffer.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        return _buffer.AsSpan(_length);
    }

    public void Dispose() => ArrayPool<byte>.Shared.Return(_buffer);
}
