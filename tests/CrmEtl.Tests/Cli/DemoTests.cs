using CrmEtl.Tests.Support;

namespace CrmEtl.Tests.Cli;

/// <summary>The README's first command: the whole job on the embedded database and the sandbox portals.</summary>
[Collection("whole machine")]
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_bootstraps_downloads_ingests_and_inserts_nothing_the_second_time()
    {
        var host = new HostProcess("") { Timeout = TimeSpan.FromMinutes(10) };
        host.Environment["CRMETL_DATABASE"] = ""; // the embedded default
        host.Environment["CRMETL_PG_FAST"] = "1";
        try
        {
            var result = await host.RunAsync("demo");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(4, result.Stdout.Split('\n').Count(l => l.StartsWith("bootstrap ") && l.Contains("logged in with OTP")));
            Assert.Matches(@"demo finished in [\d.]+ s; run 1 inserted [1-9]\d*, run 2 inserted 0", result.Stdout);
            Assert.Matches(@"UN3668\s+UPI\s+[1-9]\d*\s", result.Stdout);
            foreach (var costCenter in new[] { "UN3668", "KN3817", "SC3567", "SL1610" }) Assert.Contains(costCenter, result.Stdout);
            // beside the orders: the sample SalesPro export (60 appointments), the ERPNext and CRM API sandboxes pulled twice
            Assert.Matches(@"salespro\s+appointments\s+succeeded\s+60\s+60\s+0\s", result.Stdout);
            Assert.Contains("salespro_appointment: 60 inserted, 0 updated, 0 unchanged", result.Stdout);
            // the sample leads workbook: 120 rows on five sheets, 2 without a valid mobile, 106 leads
            Assert.Matches(@"leads\s+leads\s+succeeded\s+120\s+120\s+2\s+106\s", result.Stdout);
            Assert.Matches(@"API pulls: \d+ runs; pull 1 wrote [1-9]\d* rows, pull 2 wrote 0", result.Stdout);

            // it ends with the web page's address and a demo login, which works on `serve --demo`: the orders it counted
            // per cost center are there (today's orders grow with the clock, as on the portals: 390 at one hour, 394 later)
            var counted = System.Text.RegularExpressions.Regex.Matches(result.Stdout, @"^  (?:UN3668|KN3817|SC3567|SL1610)\s+(?:TD|UC)\s+(\d+)\s",
                    System.Text.RegularExpressions.RegexOptions.Multiline)
                .Sum(m => int.Parse(m.Groups[1].Value));
            Assert.True(counted >= 300, result.Stdout);
            var login = System.Text.RegularExpressions.Regex.Match(result.Stdout, @"\./crm-etl serve --demo, then open http://127\.0\.0\.1:\d+/ and log in as demo / (\S+)");
            Assert.True(login.Success, result.Stdout);
            var port = WebLogin.FreePort();
            using var server = host.Start("serve", "--demo", "--port", port.ToString());
            try
            {
                using var client = WebLogin.Client($"http://127.0.0.1:{port}");
                await WebLogin.WaitForHealthAsync(client, server);
                using var loggedIn = await WebLogin.PostAsync(client, "demo", login.Groups[1].Value);
                Assert.Equal(System.Net.HttpStatusCode.Redirect, loggedIn.StatusCode);
                var days = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/api/v1/sales/daily")).RootElement;
                Assert.Equal(counted, days.EnumerateArray().Sum(d => d.GetProperty("orders").GetInt32()));
            }
            finally
            {
                server.Kill();
            }
        }
        finally
        {
            await host.RunAsync("db", "stop");
        }
    }
}
