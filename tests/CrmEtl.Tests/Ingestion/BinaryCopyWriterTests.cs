using System.Globalization;
using CrmEtl.Host.Ingestion;
using CrmEtl.Tests.Support;
using Npgsql;

namespace CrmEtl.Tests.Ingestion;

/// <summary>The COPY rows staging is loaded with, written by hand in the binary format, read back by a real PostgreSQL.</summary>
public sealed class BinaryCopyWriterTests(DatabaseFixture db) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Every_value_comes_back_from_PostgreSQL_as_it_was_written()
    {
        var random = new Random(2026);
        var amounts = new List<decimal>
        {
            0m, 0.00m, -0.00m, 1m, -1m, 0.0001m, 0.5m, 708.50m, 153.4m, 9999.9999m, 10000m, 100000000m, -12345.678m,
            0.0000000000000000000000000001m, 79228162514264337593543950335m, -79228162514264337593543950335m, 7.9228162514264337593543950335m,
        };
        for (var i = 0; i < 2000; i++)
            amounts.Add(new decimal(random.Next(), random.Next(), random.Next(0, 1000), random.Next(2) == 0, (byte)random.Next(0, 29)));
        var times = new List<DateTime> { new(2000, 1, 1), new(1999, 12, 31, 23, 59, 59, 999), new(1900, 3, 1, 0, 0, 1), new(2099, 12, 31, 23, 59, 59) };
        while (times.Count < amounts.Count) times.Add(new DateTime(2020, 1, 1).AddTicks(random.NextInt64(0, TimeSpan.TicksPerDay * 3650) / 10 * 10));
        var large = string.Concat(Enumerable.Repeat("ünïcödé ₹ ", 40_000)); // bigger than the writer's buffer

        await using var conn = new NpgsqlConnection(db.ConnectionString);
        await conn.OpenAsync();
        await using (var create = new NpgsqlCommand("create temp table copied (n numeric, t timestamp, s text, j jsonb, b bigint, i bigint)", conn))
            await create.ExecuteNonQueryAsync();
        await using (var raw = await conn.BeginRawBinaryCopyAsync("copy copied from stdin (format binary)"))
        {
            var writer = new BinaryCopyWriter(raw);
            for (var i = 0; i < amounts.Count; i++)
            {
                writer.StartRow(6);
                writer.Numeric(amounts[i]);
                writer.Timestamp(times[i]);
                if (i % 7 == 0) writer.Null();
                else writer.Text(i == 1 ? large : $"row {i} ✓");
                if (i % 2 == 0) writer.Jsonb($$"""{"row": {{i}}, "name": "ā\"b"}""");
                else writer.Null();
                writer.Bigint(i == 3 ? long.MinValue : i == 4 ? long.MaxValue : i * 1_000_000_007L);
                writer.Bigint(i);
            }
            writer.Complete();
        }

        await using var read = new NpgsqlCommand("select n::text, t, s, j ->> 'name', b, i from copied order by i", conn);
        await using var rows = await read.ExecuteReaderAsync();
        var count = 0;
        while (await rows.ReadAsync())
        {
            var i = (int)rows.GetInt64(5);
            Assert.Equal(count, i);
            // same value and same display scale (708.50 stays 708.50): the numeric's text is the decimal's own
            Assert.Equal(amounts[i] == 0 ? 0m.ToString("F" + amounts[i].Scale, CultureInfo.InvariantCulture) : amounts[i].ToString(CultureInfo.InvariantCulture), rows.GetString(0));
            Assert.Equal(times[i], rows.GetDateTime(1));
            Assert.Equal(i % 7 == 0 ? null : i == 1 ? large : $"row {i} ✓", rows.IsDBNull(2) ? null : rows.GetString(2));
            Assert.Equal(i % 2 == 0 ? "ā\"b" : null, rows.IsDBNull(3) ? null : rows.GetString(3));
            Assert.Equal(i == 3 ? long.MinValue : i == 4 ? long.MaxValue : i * 1_000_000_007L, rows.GetInt64(4));
            count++;
        }
        Assert.Equal(amounts.Count, count);
    }
}
