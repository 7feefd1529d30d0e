using System.Globalization;
using CrmEtl.Host.Browser;
using CrmEtl.Host.Config;
using CrmEtl.Tests.Support;
using Microsoft.Playwright;

namespace CrmEtl.Tests.Web;

/// <summary>
/// The pages in real Chromium (Playwright): log in, see the sales chart and today's total in Indian grouping, filter
/// leads, update one and see its history, open an ERP document with its child tables, be refused an instance not
/// granted, a viewer without the edit form, and a phone's width without sideways scrolling.
/// </summary>
public sealed class WebPageTests(WebFixture web) : IClassFixture<WebFixture>, IAsyncLifetime
{
    private IPlaywright _playwright = null!;
    private BrowserHost _browser = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await BrowserHost.LaunchAsync(_playwright, new BrowserConfig(), headless: true, "web-tests", default);
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    private async Task<IPage> LogInAsync(string user, string path = "/", ViewportSize? viewport = null)
    {
        var context = await _browser.Browser.NewContextAsync(new() { BaseURL = web.Url, ViewportSize = viewport ?? new() { Width = 1280, Height = 900 }, TimezoneId = "Asia/Kolkata" });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync(path);
        Assert.Contains("/login", page.Url); // sent to the form first
        await page.FillAsync("#name", user);
        await page.FillAsync("#password", web.Users[user].Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(u => !u.Contains("/login"));
        await page.WaitForSelectorAsync("#who");
        Assert.Empty(errors);
        return page;
    }

    [Fact]
    public async Task The_sales_page_draws_a_series_per_cost_center_and_todays_total_in_indian_grouping()
    {
        var page = await LogInAsync("vera");
        await page.WaitForSelectorAsync("#sales-table table");
        var series = await page.EvaluateAsync<string[]>("() => Chart.getChart('sales-chart').data.datasets.map(d => d.label)");
        Assert.Equal(["KN3817", "SC3567", "SL1610", "UN3668"], series);
        var points = await page.EvaluateAsync<int>("() => Chart.getChart('sales-chart').data.labels.length");
        Assert.Equal(30, points);
        var today = await Db.ScalarAsync<decimal>(web.Cs, "select sum(net_amount) from orders where order_date = (now() at time zone 'Asia/Kolkata')::date");
        Assert.Equal("₹ " + Indian(today), (await page.TextContentAsync("#today-total"))!.Trim());
        Assert.Equal(31, await page.Locator("#sales-table tr").CountAsync()); // header + 30 days
        // the failed run is highlighted with its fix; a viewer does not see the error's details
        var failedRun = page.Locator("#runs tr.fail", new() { HasText = "sector56" });
        Assert.Contains("./crm-etl ingest --crm uc --store sector56", await failedRun.TextContentAsync());
        Assert.DoesNotContain("Net Amount", await page.Locator("#runs").TextContentAsync());
        Assert.Contains("./crm-etl bootstrap --crm td --store a817", await page.Locator("#downloads tr.fail").TextContentAsync());
    }

    // 1234567.5 -> 12,34,567.50
    private static string Indian(decimal amount)
    {
        var text = Math.Abs(amount).ToString("0.00", CultureInfo.InvariantCulture);
        var whole = text[..^3];
        var grouped = whole.Length > 3 ? whole[^3..] : whole;
        for (var rest = whole.Length > 3 ? whole[..^3] : ""; rest.Length > 0; rest = rest.Length > 2 ? rest[..^2] : "")
            grouped = (rest.Length > 2 ? rest[^2..] : rest) + "," + grouped;
        return (amount < 0 ? "-" : "") + grouped + text[^3..];
    }

    [Fact]
    public async Task An_editor_filters_leads_updates_one_and_sees_its_history()
    {
        var page = await LogInAsync("ed", "/leads");
        await page.WaitForSelectorAsync("#leads table");
        await page.SelectOptionAsync("#filters select[name=status]", "Initial Contact");
        await page.FillAsync("#filters input[name=assigned_to]", "Rahul");
        await page.ClickAsync("#filters button[type=submit]");
        await page.WaitForURLAsync(u => u.Contains("status=Initial+Contact"));
        var expected = await Db.ScalarAsync<long>(web.Cs, "select count(*) from leads where status = 'Initial Contact' and assigned_to = 'Rahul'");
        Assert.True(expected > 20, $"{expected} leads");
        await Assertions.Expect(page.Locator("#leads tbody tr")).ToHaveCountAsync((int)expected);
        var statuses = await page.Locator("#leads tbody tr td:nth-child(5)").AllTextContentsAsync();
        Assert.All(statuses, s => Assert.Equal("Initial Contact", s));
        Assert.Contains("status=Initial+Contact", await page.GetAttributeAsync("#export", "href"));

        var first = page.Locator("#leads tbody tr").First;
        var id = long.Parse((await first.Locator("td").First.TextContentAsync())!, CultureInfo.InvariantCulture);
        await first.ClickAsync();
        await page.SelectOptionAsync("#lead-form select[name=status]", "Member");
        await page.FillAsync("#lead-form textarea[name=note]", "joined at the Saturday open day");
        await page.ClickAsync("#lead-form button[type=submit]");
        await Assertions.Expect(page.Locator("#history li").First).ToContainTextAsync("Initial Contact → Member");
        await Assertions.Expect(page.Locator("#history li").First).ToContainTextAsync("joined at the Saturday open day");
        Assert.Equal(["Member", "ed"], (await Db.RowsAsync(web.Cs, "select l.status, h.changed_by from leads l join lead_status_history h using (lead_id) where lead_id = $1", id)).Single());
    }

    [Fact]
    public async Task A_viewer_reads_a_lead_without_the_form_to_change_it()
    {
        var page = await LogInAsync("vera", "/leads");
        await page.FillAsync("#filters input[name=q]", "Imran");
        await page.ClickAsync("#filters button[type=submit]");
        await Assertions.Expect(page.Locator("#leads tbody tr")).ToHaveCountAsync(50);
        await page.Locator("#leads tbody tr").First.ClickAsync();
        await Assertions.Expect(page.Locator("#lead")).ToContainTextAsync("an editor changes them");
        Assert.Equal(0, await page.Locator("#lead-form").CountAsync());
        var dueToday = await Db.ScalarAsync<long>(web.Cs, "select count(*) from leads where next_follow_up = (now() at time zone 'Asia/Kolkata')::date");
        Assert.Equal(dueToday.ToString(CultureInfo.InvariantCulture), await page.TextContentAsync("#due-today"));
        Assert.Equal(9, await page.EvaluateAsync<int>("() => Chart.getChart('funnel-chart').data.labels.length"));
    }

    [Fact]
    public async Task Erp_staff_open_a_document_with_its_child_tables_and_are_refused_an_instance_not_granted()
    {
        var page = await LogInAsync("vera", "/erp");
        await page.WaitForSelectorAsync("#erp table");
        Assert.Equal(["north"], await page.Locator("#erp tbody tr td:first-child").AllTextContentsAsync());
        await page.ClickAsync("#erp tbody tr >> text=north");
        await page.ClickAsync("#erp tbody tr >> text=Sales Invoice");
        await page.FillAsync("#doc-filters input[name=q]", "SINV-N-00042");
        await page.ClickAsync("#doc-filters button[type=submit]");
        await Assertions.Expect(page.Locator("#documents tbody tr")).ToHaveCountAsync(1);
        await page.ClickAsync("#documents tbody tr");
        await page.WaitForSelectorAsync("#document");
        var json = System.Text.Json.JsonDocument.Parse((await page.TextContentAsync("#document"))!).RootElement;
        Assert.Equal("SINV-N-00042", json.GetProperty("name").GetString());
        Assert.Equal(5775m, json.GetProperty("grand_total").GetDecimal());
        await Assertions.Expect(page.Locator("section.card h2")).ToHaveTextAsync("items (2)");
        Assert.Contains("WASH-2", await page.Locator("section.card table").TextContentAsync());

        await page.GotoAsync("/erp#south/Sales%20Invoice");
        await Assertions.Expect(page.Locator("#erp .message.error")).ToHaveTextAsync("there is no ERP instance 'south'");
    }

    [Fact]
    public async Task Each_page_fits_a_phone_and_the_deals_chart_switches_periods()
    {
        var page = await LogInAsync("ada", "/deals", new ViewportSize { Width = 390, Height = 844 });
        await page.WaitForSelectorAsync("#accounts table");
        var monthly = await page.EvaluateAsync<int>("() => Chart.getChart('deals-chart').data.labels.length");
        Assert.Equal(await Db.ScalarAsync<long>(web.Cs, "select count(distinct aggregation_date) from deal_aggregations where aggregation_type = 'monthly'"), monthly);
        await page.SelectOptionAsync("#agg-filters select[name=type]", "weekly");
        await page.WaitForFunctionAsync($"() => Chart.getChart('deals-chart').data.labels.length !== {monthly}");
        Assert.Equal(await Db.ScalarAsync<long>(web.Cs, "select count(distinct aggregation_date) from deal_aggregations where aggregation_type = 'weekly'"),
            await page.EvaluateAsync<int>("() => Chart.getChart('deals-chart').data.labels.length"));
        foreach (var path in new[] { "/", "/leads", "/erp", "/deals" })
        {
            await page.GotoAsync(path);
            await page.WaitForSelectorAsync("main table");
            // wide tables scroll inside their own box; the page itself never scrolls sideways
            Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), path);
        }
        await page.ClickAsync("#logout button");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"), new() { Timeout = 30_000 });
        await page.GotoAsync("/deals");
        Assert.Contains("/login", page.Url);
    }

    [Fact]
    public async Task A_wrong_password_is_told_and_lets_nobody_in()
    {
        var context = await _browser.Browser.NewContextAsync(new() { BaseURL = web.Url });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#name", "ada");
        await page.FillAsync("#password", "not the password");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[role=alert]")).ToHaveTextAsync("Wrong name or password.");
        await page.GotoAsync("/");
        Assert.Contains("/login", page.Url);
    }
}
