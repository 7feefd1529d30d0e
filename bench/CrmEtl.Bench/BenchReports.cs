using CrmEtl.Fixtures;

/// <summary>
/// Large TumbleDry Order Reports in the spec's format, written row by row: many days of the two stores'
/// generated orders (deterministic), text amounts and dates as the portal writes them, Total and footer rows.
/// <c>changedShare</c> of the orders move on in status and payment (the "1% changed" re-merge).
/// </summary>
internal static class BenchReports
{
    public static void WriteTd(int rows, string path, double changedShare)
    {
        var orders = Orders(rows, changedShare).ToList();
        TdOrderReport.Build(orders, new TdReportOptions { MoneyAsText = true }).Write(path);
    }

    private static IEnumerable<TdOrder> Orders(int rows, double changedShare)
    {
        var produced = 0;
        var changeEvery = changedShare > 0 ? (int)Math.Round(1 / changedShare) : int.MaxValue;
        for (var day = new DateOnly(2020, 1, 1); produced < rows; day = day.AddDays(1))
        {
            foreach (var o in TdOrderReport.Orders("a668", day, count: Math.Min(400, rows - produced)))
            {
                produced++;
                var unique = o with { OrderNo = $"A{produced:D7}" };
                yield return produced % changeEvery == 0
                    ? unique with { Status = "Delivered", Paid = o.Net - o.Advance, Services = o.Services + " + Starch" }
                    : unique;
                if (produced == rows) yield break;
            }
        }
    }
}

/// <summary>
/// SalesPro appointment exports as the spec describes them (sources.md section 1), deterministic: a byte-order mark,
/// columns in SalesPro's order with two extra ones, results with commas, quotes and line breaks, timestamps with Z, an
/// offset or no zone, every spelling of isSale and saleAmount, blank customers and reps in mixed-case e-mail.
/// <c>version</c> moves every 100th appointment on (a later export of the same appointments).
/// </summary>
internal static class SalesProExport
{
    public const string Header = "_id,_created_at,_updated_at,isSale,resultFullString,customer.nameLast,customer.nameFirst," +
                                 "customer.estimateName,salesrep.email,salesrep.nameFirst,salesrep.nameLast,saleAmount,office,leadSource";

    private static readonly string[] First = ["James", "Maria", "Robert", "Linda", "Michael", "Priya", "Wei", "Fatima", "José", "Olga", "Kwame", "Siobhán"];
    private static readonly string[] Last = ["Smith", "García", "Johnson", "Nguyen", "O'Brien", "Kowalski", "Patel", "Müller", "Okafor", "Rossi", "Kim", "Lee"];
    private static readonly string[] Offices = ["Austin", "Dallas", "Houston", "San Antonio"];
    private static readonly string[] Leads = ["web", "referral", "door knock", "", "home show, booth 12"];
    private static readonly string[] SaleResults = ["Sold", "Sold, financing approved", "Sold - \"premium\" package, 10% down"];
    private static readonly string[] OtherResults =
    [
        "No sale - price",
        "Demo only; will call back",
        "Customer said \"too expensive\"",
        "Rescheduled\nCustomer asked for Saturday",
        "One leg: spouse absent",
        "",
    ];

    public static void Write(int rows, string path, int version = 0)
    {
        using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(true)) { NewLine = "\r\n" };
        writer.WriteLine(Header);
        var start = new DateTime(2025, 5, 1, 8, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < rows; i++)
        {
            var created = start.AddSeconds(i * 37L);
            var moved = version > 0 && i % 100 == 0;
            var updated = created.AddMinutes(45 + i % 300).AddDays(moved ? version : 0);
            var sale = (i % 5 == 2) || (moved && i % 3 == 0);
            var rep = i % 40;
            var amount = sale ? 1500m + i % 9000 + (i % 4) * 0.25m : 0m;
            writer.Write(Id(i)); writer.Write(',');
            writer.Write(Timestamp(created, i)); writer.Write(',');
            writer.Write(Timestamp(updated, i + 1)); writer.Write(',');
            writer.Write(Flag(sale, i)); writer.Write(',');
            writer.Write(Quote(moved && sale ? "Sold after follow-up, signed" : sale ? SaleResults[i % SaleResults.Length] : OtherResults[i % OtherResults.Length])); writer.Write(',');
            writer.Write(Quote(i % 23 == 0 ? "" : Last[i % Last.Length])); writer.Write(',');
            writer.Write(Quote(i % 29 == 0 ? "" : First[(i / 3) % First.Length])); writer.Write(',');
            writer.Write(i % 3 == 0 ? $"EST-{i:D7}" : ""); writer.Write(',');
            writer.Write(Email(rep, i)); writer.Write(',');
            writer.Write(First[rep % First.Length]); writer.Write(',');
            writer.Write(Quote(Last[(rep + 5) % Last.Length])); writer.Write(',');
            writer.Write(sale ? Amount(amount, i) : ""); writer.Write(',');
            writer.Write(Offices[i % Offices.Length]); writer.Write(',');
            writer.WriteLine(Quote(Leads[i % Leads.Length]));
        }
    }

    // 10 characters like SalesPro's: five that look random, then i in base 57.
    private static string Id(int i)
    {
        const string alphabet = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        Span<char> id = stackalloc char[10];
        ulong hash = (ulong)i * 2654435761UL + 12345, n = (ulong)i;
        for (var k = 0; k < 5; k++, hash /= (ulong)alphabet.Length) id[k] = alphabet[(int)(hash % (ulong)alphabet.Length)];
        for (var k = 9; k >= 5; k--, n /= (ulong)alphabet.Length) id[k] = alphabet[(int)(n % (ulong)alphabet.Length)]; // i in base 57: unique
        return new string(id);
    }

    private static string Timestamp(DateTime utc, int i) => (i % 3) switch
    {
        0 => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        1 => utc.AddHours(5.5).ToString("yyyy-MM-dd'T'HH:mm:ss'+05:30'", System.Globalization.CultureInfo.InvariantCulture),
        _ => utc.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Flag(bool sale, int i) => (i % 11) switch
    {
        0 or 1 or 2 => sale ? "true" : "false",
        3 or 4 => sale ? "True" : "False",
        5 or 6 => sale ? "1" : "0",
        7 or 8 => sale ? "yes" : "no",
        _ => sale ? "TRUE" : "",
    };

    private static string Amount(decimal amount, int i) => (i % 3) switch
    {
        0 => amount.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
        1 => "\"$" + amount.ToString("#,##0.00", System.Globalization.CultureInfo.InvariantCulture) + "\"",
        _ => amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Email(int rep, int i)
    {
        var email = $"{First[rep % First.Length].ToLowerInvariant()}.rep{rep}@salespro-example.com";
        return i % 7 == 0 ? email.ToUpperInvariant() : email;
    }

    private static string Quote(string s) =>
        s.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
