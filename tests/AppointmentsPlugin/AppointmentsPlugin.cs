using System.Globalization;
using CrmEtl.Abstractions;
using CrmEtl.Abstractions.Commands;
using CrmEtl.Abstractions.Reports;
using Npgsql;

namespace CrmEtl.Plugins.Appointments;

/// <summary>
/// A salon's bookings export (CSV): no stores, two target tables (bookings, and per stylist their bookings and
/// takings), a version column (a booking's later update wins), a check, and a verb of its own.
/// </summary>
public sealed class AppointmentsPlugin : ISourcePlugin
{
    public SourceInfo Info { get; } = new("appt", "Appointments") { SourceSystem = "APPT" };

    public IReadOnlyList<Dataset> Datasets { get; } =
    [
        new()
        {
            Name = "bookings",
            StagingTable = "stg_appt_bookings",
            Layout = new ReportLayout
            {
                KeyHeader = "Booking",
                VersionHeader = "Updated",
                BlankKey = BlankKey.Reject,
                Columns =
                [
                    new("Booking", "booking", CellKind.Text, Required: true),
                    new("Updated", "updated", CellKind.Instant, Required: true),
                    new("Client", "client", CellKind.Text),
                    new("Stylist", "stylist", CellKind.Text),
                    new("Price", "price", CellKind.Number),
                    new("Status", "status", CellKind.Text),
                ],
            },
        },
    ];

    public IReadOnlyList<PluginCommand> Commands { get; } =
    [
        new("appointments", "stylists", "Bookings and takings per stylist", [new PluginOption("min-bookings", "N", "Only stylists with at least N bookings")],
            StylistsAsync)
        {
            Example = "./crm-etl appointments stylists --min-bookings 2",
        },
    ];

    private static async Task<int> StylistsAsync(PluginCommandContext context, CancellationToken ct)
    {
        var least = context.Option("min-bookings") is { } n
            ? int.TryParse(n, out var value) ? value : throw new PluginUsageException($"--min-bookings '{n}' is not a whole number")
            : 0;
        await using var conn = new NpgsqlConnection(context.ConnectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("select stylist, bookings, takings from appt_stylists where bookings >= $1 order by stylist", conn);
        cmd.Parameters.AddWithValue(least);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            await context.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)}\t{reader.GetInt64(1)}\t{reader.GetDecimal(2):0.00}"));
        return 0;
    }
}
