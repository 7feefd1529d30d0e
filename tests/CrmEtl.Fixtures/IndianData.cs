namespace CrmEtl.Fixtures;

/// <summary>Deterministic, realistic-looking Indian customer data.</summary>
internal static class IndianData
{
    private static readonly string[] FirstNames =
        ["Aarav", "Vivaan", "Aditya", "Priya", "Ananya", "Rohan", "Sneha", "Karan", "Neha", "Rahul", "Pooja", "Amit",
         "Sunita", "Deepak", "Kavya", "Arjun", "Meera", "Vikram", "Ishita", "Manoj", "Ritu", "Sanjay", "Divya", "Harpreet"];

    private static readonly string[] LastNames =
        ["Sharma", "Verma", "Gupta", "Singh", "Kumar", "Mehta", "Jain", "Agarwal", "Yadav", "Chauhan", "Malhotra",
         "Kapoor", "Bansal", "Arora", "Khanna", "Sethi", "Gill", "Bhatia"];

    private static readonly string[] Streets =
        ["Main Market", "Block C", "Pocket 4", "Gali No. 7", "Sector 8 Market", "DDA Flats", "Om Vihar", "Mohan Garden"];

    public static string Name(Random r) => $"{FirstNames[r.Next(FirstNames.Length)]} {LastNames[r.Next(LastNames.Length)]}";

    public static string Address(Random r, string area) => $"{r.Next(1, 400)}, {Streets[r.Next(Streets.Length)]}, {area}";

    /// <summary>A 10-digit mobile and how the portal happened to write it.</summary>
    public static (string Digits, string Written) Mobile(Random r)
    {
        var digits = $"{r.Next(6, 10)}{r.Next(0, 1_000_000_000):D9}";
        var written = r.Next(6) switch
        {
            0 => "+91" + digits,
            1 => "0" + digits,
            2 => $"{digits[..5]} {digits[5..]}",
            3 => $"+91-{digits[..5]}-{digits[5..]}",
            _ => digits,
        };
        return (digits, written);
    }

    public static Random For(string store, DateOnly day, int salt = 0) =>
        new(unchecked(StableHash(store) * 397 ^ day.DayNumber * 7919 ^ salt * 104729) & 0x7fffffff);

    private static int StableHash(string s)
    {
        unchecked
        {
            var h = 23;
            foreach (var c in s) h = h * 31 + c;
            return h;
        }
    }
}
