using System.Data;
using System.Globalization;

namespace CrmEtl.Host.Reading;

/// <summary>
/// The <see cref="IDataReader"/> surface of a sheet read row by row: <see cref="Read"/>, <see cref="FieldCount"/> and
/// <see cref="GetValue"/> (string, double, DateTime, bool or null) are all a report reader uses; the rest is derived
/// from them or not supported.
/// </summary>
internal abstract class SheetReaderBase : IDataReader
{
    public abstract int FieldCount { get; }

    public abstract object GetValue(int i);

    public abstract bool Read();

    public abstract void Dispose();

    public void Close() => Dispose();

    public virtual bool IsClosed => false;

    public int Depth => 0;

    public int RecordsAffected => -1;

    public object this[int i] => GetValue(i);

    public object this[string name] => throw new NotSupportedException();

    public bool NextResult() => false;

    public DataTable GetSchemaTable() => throw new NotSupportedException();

    public bool GetBoolean(int i) => (bool)GetValue(i);

    public byte GetByte(int i) => throw new NotSupportedException();

    public long GetBytes(int i, long fieldOffset, byte[]? buffer, int bufferoffset, int length) => throw new NotSupportedException();

    public char GetChar(int i) => throw new NotSupportedException();

    public long GetChars(int i, long fieldoffset, char[]? buffer, int bufferoffset, int length) => throw new NotSupportedException();

    public IDataReader GetData(int i) => throw new NotSupportedException();

    public string GetDataTypeName(int i) => GetFieldType(i).Name;

    public DateTime GetDateTime(int i) => (DateTime)GetValue(i);

    public decimal GetDecimal(int i) => Convert.ToDecimal(GetValue(i), CultureInfo.InvariantCulture);

    public double GetDouble(int i) => (double)GetValue(i);

    public Type GetFieldType(int i) => GetValue(i)?.GetType() ?? typeof(object);

    public float GetFloat(int i) => (float)GetDouble(i);

    public Guid GetGuid(int i) => throw new NotSupportedException();

    public short GetInt16(int i) => throw new NotSupportedException();

    public int GetInt32(int i) => throw new NotSupportedException();

    public long GetInt64(int i) => throw new NotSupportedException();

    public string GetName(int i) => $"Column{i}";

    public int GetOrdinal(string name) => throw new NotSupportedException();

    public string GetString(int i) => (string)GetValue(i);

    public int GetValues(object[] values) => throw new NotSupportedException();

    public bool IsDBNull(int i) => GetValue(i) is null;
}
