using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CrmEtl.Host.Ingestion;

/// <summary>
/// The md5 of one staged row's typed values and extra columns, written to staging as <c>row_hash</c> (lowercase
/// hex, see <see cref="Hex"/>) and kept in orders as <c>source_row_hash</c>. Each value is tagged with its kind and
/// length, so a blank, an empty text and a moved value all hash differently; columns that are not
/// <see cref="CrmEtl.Abstractions.StagingColumn.InRowHash"/> count as blank. One instance per COPY; not thread-safe.
/// </summary>
internal sealed class RowHasher(bool[] hashed) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(4096);
    private int _length;

    public UInt128 Hash(object?[] values, string? extras)
    {
        _length = 0;
        for (var i = 0; i < values.Length; i++) Add(i < hashed.Length && !hashed[i] ? null : values[i]);
        Add(extras);
        Span<byte> hash = stackalloc byte[MD5.HashSizeInBytes];
        MD5.HashData(_buffer.AsSpan(0, _length), hash);
        return BinaryPrimitives.ReadUInt128BigEndian(hash);
    }

    /// <summary>A hash as staging and orders keep it: 32 lowercase hex digits.</summary>
    public static string Hex(UInt128 hash) => hash.ToString("x32", CultureInfo.InvariantCulture);

    /// <summary>Reads a hash kept as <see cref="Hex"/> text; false for anything else.</summary>
    public static bool TryParseHex(string text, out UInt128 hash) =>
        UInt128.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out hash) && text.Length == 32;

    // Every value is a tag byte, a 4-byte length and its bytes.
    private void Add(object? value)
    {
        switch (value)
        {
            case null:
                Put(0, []);
                break;
            case string text:
                PutText(1, text);
                break;
            case DateTime time:
                Span<byte> ticks = stackalloc byte[sizeof(long)];
                BinaryPrimitives.WriteInt64LittleEndian(ticks, time.Ticks);
                Put(2, ticks);
                break;
            case DateTimeOffset instant:
                Span<byte> utc = stackalloc byte[sizeof(long)];
                BinaryPrimitives.WriteInt64LittleEndian(utc, instant.UtcTicks);
                Put(4, utc);
                break;
            case bool flag:
                Put(5, [flag ? (byte)1 : (byte)0]);
                break;
            case IUtf8SpanFormattable formattable:
                // decimals (already at their canonical scale): invariant text, without a string per value
                Span<byte> formatted = stackalloc byte[64];
                if (formattable.TryFormat(formatted, out var length, default, CultureInfo.InvariantCulture)) Put(3, formatted[..length]);
                else PutText(3, Convert.ToString(value, CultureInfo.InvariantCulture)!);
                break;
            default:
                PutText(3, Convert.ToString(value, CultureInfo.InvariantCulture)!);
                break;
        }
    }

    private void Put(byte tag, ReadOnlySpan<byte> bytes)
    {
        var slot = Reserve(5 + bytes.Length);
        bytes.CopyTo(slot[5..]);
        Commit(slot, tag, bytes.Length);
    }

    private void PutText(byte tag, string text)
    {
        var slot = Reserve(5 + Encoding.UTF8.GetMaxByteCount(text.Length));
        Commit(slot, tag, Encoding.UTF8.GetBytes(text, slot[5..]));
    }

    private void Commit(Span<byte> slot, byte tag, int length)
    {
        slot[0] = tag;
        BinaryPrimitives.WriteInt32LittleEndian(slot[1..], length);
        _length += 5 + length;
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
