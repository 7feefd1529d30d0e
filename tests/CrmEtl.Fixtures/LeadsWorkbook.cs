namespace CrmEtl.Fixtures;

/// <summary>
/// Library lead workbooks as sources.md section 2 describes them (the seed's formats), deterministic: sheets of the
/// standard format, the quiz registrations (parent's mobile, "child name and age"), contact forms, custom formats and
/// Google Forms exports, some with blank rows above the header; phones written every way people write them (number
/// cells, +91, a leading 0, "9876543210.0"), a few not mobiles at all; emails in any case, a few invalid; dates as
/// date cells and as day-first text; leads that come again on another sheet.
/// </summary>
public static class LeadsWorkbook
{
    public enum Format { Standard, Quiz, Contact, Custom, GoogleForms }

    private static readonly string[][] Headers =
    [
        ["full_name", "phone_number", "email", "city", "lead_source", "lead_type", "notes"],
        ["Email Address", "Parent Mobile no.", "Child Name and Age", "City"],
        ["Name ", "Contact Number", "Email Address", "Location", "Date contacted ", "Any response "],
        ["Customer Name", "Mobile", "Email ID", "City Location", "Date"],
        ["Timestamp", "Name", "WhatsApp Number", "Email", "Area", "Lead source ", "Unnamed: 6", "How did you hear about us?"],
    ];

    private static readonly string[] Cities = ["Delhi", "Gurugram", "Noida", "new delhi", "Faridabad", " Dwarka ", "Ghaziabad"];
    private static readonly string[] Children = ["Emma", "Aanya", "Vihaan", "Kabir", "Myra", "Reyansh", "Saanvi", "Advik"];
    private static readonly string[] Responses = ["Interested", "not picking up", "Call back later", "", "Member", "busy"];

    /// <summary>What a workbook holds, for a test or the benchmark to check a load against.</summary>
    /// <param name="Rows">Data rows written (not headers, titles or blank rows).</param>
    /// <param name="Rejected">Rows without a valid mobile.</param>
    /// <param name="Leads">Distinct valid mobiles.</param>
    public sealed record Truth(int Rows, int Rejected, int Leads);

    /// <summary>Writes <paramref name="rows"/> rows over <paramref name="sheets"/> sheets, the formats in turn.</summary>
    public static Truth Write(string path, int sheets, int rows, int seed = 2025, double invalidShare = 0.005, double repeatShare = 0.03)
    {
        var r = new Random(seed);
        var phones = new List<string>();
        var distinct = new HashSet<string>();
        int written = 0, rejected = 0;
        using var xlsx = new XlsxWriter(path, SheetName(0, Format.Standard), sharedStrings: true);
        for (var s = 0; s < sheets; s++)
        {
            var format = (Format)(s % 5);
            if (s > 0) xlsx.NextSheet(SheetName(s, format));
            if (s % 3 == 1) xlsx.SkipRows(2); // the header is the first non-empty row, not always the first
            xlsx.WriteRow(Headers[(int)format]);
            var count = rows / sheets + (s < rows % sheets ? 1 : 0);
            for (var i = 0; i < count; i++)
            {
                string? digits;
                object? phone;
                if (r.NextDouble() < invalidShare)
                {
                    digits = null;
                    phone = r.Next(3) switch { 0 => "12345", 1 => $"5{r.Next(100_000_000, 999_999_999)}", _ => "N/A" };
                }
                else
                {
                    digits = phones.Count > 0 && r.NextDouble() < repeatShare ? phones[r.Next(phones.Count)] : $"{r.Next(6, 10)}{r.Next(0, 1_000_000_000):D9}";
                    phones.Add(digits);
                    phone = Phone(r, digits);
                }
                if (digits is null) rejected++;
                else distinct.Add(digits);
                xlsx.WriteRow(Row(r, format, phone, i));
                written++;
                if (r.Next(200) == 0) xlsx.SkipRows(1); // a blank row left in the list
            }
        }
        return new Truth(written, rejected, distinct.Count);
    }

    private static string SheetName(int index, Format format) => format switch
    {
        Format.Standard => $"Leads {index + 1}",
        Format.Quiz => $"Quiz {index + 1}",
        Format.Contact => $"Contact form {index + 1}",
        Format.Custom => $"Walk-ins {index + 1}",
        _ => $"Form responses {index + 1}",
    };

    // A mobile as people write it: text or a number cell, with +91, a leading 0, spaces or dashes, or a float's ".0".
    public static object Phone(Random r, string digits) => r.Next(8) switch
    {
        0 => double.Parse(digits, System.Globalization.CultureInfo.InvariantCulture),
        1 => $"+91 {digits[..5]}-{digits[5..]}",
        2 => $"0{digits[..5]} {digits[5..]}",
        3 => digits + ".0",
        4 => "+91" + digits,
        5 => $"91-{digits}",
        _ => digits,
    };

    private static object?[] Row(Random r, Format format, object phone, int i)
    {
        var name = IndianData.Name(r);
        var person = r.Next(10) switch { 0 => name.ToUpperInvariant(), 1 => "  " + name.ToLowerInvariant().Replace(" ", "   ") + " ", _ => name };
        var email = Email(r, name);
        var city = Cities[r.Next(Cities.Length)];
        var day = new DateTime(2025, 1, 1).AddDays(r.Next(0, 330));
        object date = r.Next(4) switch
        {
            0 => day,
            1 => day.ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture),
            2 => day.ToString("dd-MM-yy", System.Globalization.CultureInfo.InvariantCulture),
            _ => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        };
        return format switch
        {
            Format.Standard => [person, phone, email, city, r.Next(3) == 0 ? "Website" : "Walk-in", r.Next(2) == 0 ? "Hot" : "Cold",
                r.Next(4) == 0 ? "Interested in children's books, asked about the weekend story hour" : null],
            Format.Quiz => [email, phone, Child(r), city],
            Format.Contact => [person, phone, email, city, date, Responses[r.Next(Responses.Length)]],
            Format.Custom => [person, phone, email, city, date],
            _ => [day.AddMinutes(r.Next(0, 1440)).ToString("dd/MM/yyyy HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), person, phone, email,
                  city, "Google Form", null, r.Next(3) == 0 ? "Instagram" : "A friend"],
        };
    }

    private static string Child(Random r)
    {
        var child = Children[r.Next(Children.Length)];
        var age = r.Next(4, 14);
        return r.Next(4) switch { 0 => $"{child} ({age} years)", 1 => $"{child} - {age}", 2 => $"{child}, {age} yrs", _ => child };
    }

    private static string? Email(Random r, string name)
    {
        var local = name.ToLowerInvariant().Replace(' ', '.');
        return r.Next(20) switch
        {
            0 => null,
            1 => local + "@gmail",                  // invalid: no domain ending
            2 => " " + local.ToUpperInvariant() + "@GMAIL.COM ",
            _ => $"{local}{r.Next(1, 99)}@{(r.Next(3) == 0 ? "yahoo.co.in" : "gmail.com")}",
        };
    }
}
