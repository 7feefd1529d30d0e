using CrmEtl.Host.Reading;

namespace CrmEtl.Tests.Parsing;

public sealed class CellValuesTests
{
    [Theory]
    [InlineData("1,234.50", "1234.50")]
    [InlineData("1,23,456.75", "123456.75")]
    [InlineData(" ₹ 99.00 ", "99.00")]
    [InlineData("Rs. 250", "250")]
    [InlineData("-50.25", "-50.25")]
    [InlineData("(50.25)", "-50.25")]
    [InlineData("", "0")]
    [InlineData("-", "0")]
    public void Amounts_in_text(string text, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), CellValues.Money(text));

    [Fact]
    public void The_same_amount_as_text_or_number_has_one_form()
    {
        var forms = new object[] { "708.00", 708d, "708", "₹ 708.0", 708.00m }.Select(CellValues.Money).ToList();
        Assert.All(forms, f => Assert.Equal("708", f.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("1234.5", CellValues.Money("1,234.50").ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0.221", CellValues.Money(0.221d).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("12O.50")]
    [InlineData("abc")]
    [InlineData("1.2.3")]
    public void Not_amounts(string text) => Assert.Throws<FormatException>(() => CellValues.Money(text));

    [Theory]
    [InlineData("12 Nov 2025 10:32 AM", 2025, 11, 12, 10, 32)]
    [InlineData("12 Nov 2025 10:32 pm", 2025, 11, 12, 22, 32)]
    [InlineData("02 Nov 2025", 2025, 11, 2, 0, 0)]
    [InlineData("03/04/2025", 2025, 4, 3, 0, 0)]
    [InlineData("03/04/2025 18:45", 2025, 4, 3, 18, 45)]
    [InlineData("3-4-2025", 2025, 4, 3, 0, 0)]
    [InlineData("12-Nov-2025 10:32 AM", 2025, 11, 12, 10, 32)]
    [InlineData("2025-11-12 10:32:00", 2025, 11, 12, 10, 32)]
    [InlineData("12 Sept 2025", 2025, 9, 12, 0, 0)]
    public void Dates_in_text_are_day_first(string text, int y, int m, int d, int h, int min) =>
        Assert.Equal(new DateTime(y, m, d, h, min, 0), CellValues.DateTime(text));

    [Fact]
    public void An_Excel_serial_number_is_a_date() =>
        Assert.Equal(new DateTime(2025, 11, 12, 12, 0, 0), CellValues.DateTime(new DateTime(2025, 11, 12, 12, 0, 0).ToOADate()));

    [Theory]
    [InlineData(9876543210d, "9876543210")]
    [InlineData(919876543210d, "919876543210")]
    [InlineData(12.5d, "12.5")]
    public void Numbers_as_text_have_no_exponent(double value, string expected) => Assert.Equal(expected, CellValues.Text(value));

    // The plain shapes are read by fast paths; the same values written with extra spaces take the general way. Both
    // must give the same value in the same form (sign, scale), or a row's hash would change with the path.
    [Fact]
    public void Plain_amounts_read_fast_are_exactly_what_the_general_way_reads()
    {
        var random = new Random(20261124);
        var cases = new List<string> { "0", "0.00", "-0.00", "708.00", "1,234.50", "1,23,456.75", "-.5", "5.", "007", "999999999999999999", "0.0001" };
        for (var n = 0; n < 20_000; n++)
        {
            var whole = random.Next(0, 3) switch { 0 => random.Next(0, 1000), 1 => random.Next(0, 10_000_000), _ => random.NextInt64(0, 100_000_000_000) };
            var text = random.Next(3) == 0 ? whole.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) : whole.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var fraction = random.Next(5);
            if (fraction > 0) text += "." + random.Next(0, (int)Math.Pow(10, fraction)).ToString(new string('0', fraction), System.Globalization.CultureInfo.InvariantCulture);
            cases.Add(random.Next(6) == 0 ? "-" + text : text);
        }
        // Both ways give the same value in the same form, or refuse the same amount (past 9,999,999,999.99) alike.
        static string Read(string text)
        {
            try
            {
                return string.Join(',', decimal.GetBits(CellValues.Money(text)));
            }
            catch (FormatException e)
            {
                return e.Message;
            }
        }
        foreach (var text in cases) Assert.True(Read(" " + text + " ") == Read(text), text);
    }

    [Fact]
    public void Plain_dates_read_fast_are_exactly_what_the_general_way_reads()
    {
        var random = new Random(1124);
        string[] months = ["Jan", "feb", "MAR", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        var cases = new List<string> { "31 Feb 2025", "29 Feb 2024", "29 Feb 2025", "0/1/2025", "1/13/2025", "12 Nov 2025 0:30 AM", "12 Nov 2025 13:30 PM", "12/11/2025 24:00" };
        for (var n = 0; n < 20_000; n++)
        {
            var day = random.Next(1, 32);
            var year = random.Next(1999, 2032);
            var time = random.Next(4);
            string text;
            if (random.Next(2) == 0)
            {
                text = $"{(random.Next(2) == 0 ? day.ToString("00") : day.ToString())} {months[random.Next(12)]} {year}";
                if (time > 0) text += $" {random.Next(1, 13)}:{random.Next(60):00}{(time == 2 ? $":{random.Next(60):00}" : "")} {(random.Next(2) == 0 ? "AM" : "pm")}";
            }
            else
            {
                text = $"{day}/{random.Next(1, 13)}/{year}";
                if (time > 0) text += $" {random.Next(24)}:{random.Next(60):00}{(time == 2 ? $":{random.Next(60):00}" : "")}";
            }
            cases.Add(text);
        }
        foreach (var text in cases)
        {
            var general = text.Replace(" ", "  ");
            DateTime? Read(string s)
            {
                try { return CellValues.DateTime(s); }
                catch (FormatException) { return null; }
            }
            Assert.True(Read(general) == Read(text), $"'{text}': fast {Read(text)}, general {Read(general)}");
        }
    }
}
