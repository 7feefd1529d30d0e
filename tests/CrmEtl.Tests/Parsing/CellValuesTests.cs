using CrmEtl.Abstractions.Reports;

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
}
