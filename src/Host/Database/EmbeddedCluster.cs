using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using CrmEtl.Host.Logging;
using Npgsql;

namespace CrmEtl.Host.Database;

/// <summary>
/// The private PostgreSQL cluster used when CRMETL_DATABASE is unset: created once with initdb under
/// $CRMETL_HOME/postgres, listening on 127.0.0.1 only (and a private socket folder), password-protected,
/// run as the unprivileged 'postgres' user when the caller is root (initdb refuses root).
/// </summary>
internal sealed class EmbeddedCluster
{
    private const string SuperUser = "crmetl";
    private const string DatabaseName = "crmetl";
    private readonly string _home;
    private readonly string? _runAs;

    public EmbeddedCluster(string home)
    {
        _home = Path.Combine(home, "postgres");
        _runAs = Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root" ? "postgres" : null;
        if (_runAs is not null && Environment.GetEnvironmentVariable("CRMETL_PG_USER") is { Length: > 0 } user) _runAs = user;
    }

    private string DataDir => Path.Combine(ClusterRoot, "data");

    private string SocketDir => Path.Combine(ClusterRoot, "run");

    private string ServerLog => Path.Combine(ClusterRoot, "run", "server.log");

    private string PasswordFile => Path.Combine(_home, "password");

    private string LocationFile => Path.Combine(_home, "cluster-location");

    // Normally $CRMETL_HOME/postgres/cluster; elsewhere when the postgres user cannot reach that folder (e.g. under /root).
    private string ClusterRoot => File.Exists(LocationFile) ? File.ReadAllText(LocationFile).Trim() : Path.Combine(_home, "cluster");

    /// <summary>Starts the cluster if needed (creating it the first time) and returns a connection string.</summary>
    public async Task<string> EnsureRunningAsync(CancellationToken ct)
    {
        Directory.CreateDirectory(_home);
        if (_runAs is not null)
        {
            // The cluster's user passes through the tool's home (private, 0700) to the cluster it owns.
            PrivateFiles.AllowPassage(Path.GetDirectoryName(_home)!);
            PrivateFiles.AllowPassage(_home);
        }
        await using var gate = await FileGate.AcquireAsync(Path.Combine(_home, "cluster.lock"), ct);
        // The usual case, a running cluster, is answered by one connection; pg_ctl status (as the cluster's user)
        // costs about 0.3 s.
        if (File.Exists(Path.Combine(DataDir, "PG_VERSION")) && File.Exists(PortFile) && File.Exists(PasswordFile))
        {
            try
            {
                await CreateDatabaseIfMissingAsync(ct);
                return ConnectionString(DatabaseName);
            }
            catch (NpgsqlException)
            {
                // not running (or not yet): start it below
            }
        }
        var bin = FindBinDirectory();
        if (!File.Exists(Path.Combine(DataDir, "PG_VERSION"))) await InitAsync(bin, ct);
        if (!await IsRunningAsync(bin, ct)) await StartAsync(bin, ct);
        var connection = ConnectionString(DatabaseName);
        await CreateDatabaseIfMissingAsync(ct);
        return connection;
    }

    public async Task<bool> StopAsync(CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(DataDir, "PG_VERSION"))) return false;
        var bin = FindBinDirectory();
        if (!await IsRunningAsync(bin, ct)) return false;
        var (code, output) = await ProcessRunner.RunAsync(Path.Combine(bin, "pg_ctl"),
            ["-D", DataDir, "-m", "fast", "-w", "stop"], _runAs, ct);
        if (code != 0) throw new InvalidOperationException($"pg_ctl stop failed: {output}");
        return true;
    }

    /// <summary>What is true of the cluster now: not created, created but not running, or running (with the database's size).</summary>
    public async Task<(bool Running, string Text)> StatusAsync(CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(DataDir, "PG_VERSION")) || !File.Exists(PortFile) || !File.Exists(PasswordFile))
            return (false, $"not created (it will be at {DataDir} on first use)");
        try
        {
            await using var conn = new NpgsqlConnection(ConnectionString("postgres") + ";Timeout=3");
            await conn.OpenAsync(ct);
            await using var cmd = new NpgsqlCommand("select pg_size_pretty(pg_database_size($1)), version()", conn);
            cmd.Parameters.AddWithValue(DatabaseName);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return (true, $"running at {DataDir}, 127.0.0.1:{File.ReadAllText(PortFile).Trim()}; database {DatabaseName} {reader.GetString(0)}; " +
                          reader.GetString(1).Split(" on ")[0]);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName || e.Message.Contains("does not exist"))
        {
            return (true, $"running at {DataDir}, 127.0.0.1:{File.ReadAllText(PortFile).Trim()}; database {DatabaseName} not created yet");
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return (false, $"not running (cluster at {DataDir}, port {File.ReadAllText(PortFile).Trim()}); ./crm-etl db start starts it");
        }
    }

    public string Describe() => $"embedded cluster at {DataDir} ({(File.Exists(PortFile) ? "port " + File.ReadAllText(PortFile).Trim() : "not created")})";

    /// <summary>A connection string for a database of this cluster (tests make their own databases).</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = int.Parse(File.ReadAllText(PortFile).Trim()),
        Username = SuperUser,
        Password = File.ReadAllText(PasswordFile).Trim(),
        Database = database,
        Pooling = true,
        Timeout = 30,
        CommandTimeout = 0,
    }.ConnectionString;

    private string PortFile => Path.Combine(_home, "port");

    private async Task InitAsync(string bin, CancellationToken ct)
    {
        Log.Info("db", "db.init", $"creating the embedded PostgreSQL cluster under {_home}");
        if (_runAs is not null && !await CanReachAsync(Path.Combine(_home, "cluster"), ct))
        {
            var fallback = Path.Combine("/var/lib/crm-etl", Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(_home)))[..12].ToLowerInvariant());
            Log.Warn("db", "db.init", $"user '{_runAs}' cannot reach {_home}; keeping the cluster in {fallback}");
            File.WriteAllText(LocationFile, fallback);
        }
        Directory.CreateDirectory(ClusterRoot);
        Directory.CreateDirectory(SocketDir);
        if (Directory.Exists(DataDir)) Directory.Delete(DataDir, recursive: true);
        Directory.CreateDirectory(DataDir);

        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(18)).ToLowerInvariant();
        WriteSecret(PasswordFile, password);
        var pwfile = Path.Combine(SocketDir, "initdb.pw");
        WriteSecret(pwfile, password);
        await ChownAsync(ct, ClusterRoot);
        try
        {
            var (code, output) = await ProcessRunner.RunAsync(Path.Combine(bin, "initdb"),
                ["-D", DataDir, "-U", SuperUser, "--pwfile", pwfile, "-A", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"],
                _runAs, ct);
            if (code != 0) throw new InvalidOperationException($"initdb failed: {output}");
        }
        finally
        {
            File.Delete(pwfile);
        }

        File.WriteAllText(PortFile, FreePort().ToString());
        await File.AppendAllTextAsync(Path.Combine(DataDir, "postgresql.conf"), "\ninclude_if_exists = 'crm-etl.conf'\n", ct);
        await WriteSettingsAsync(ct);
    }

    // Tuned for bulk loads on a small machine (bench/README.md). The WAL writer and the background writer wake every
    // 10 ms while there is work (they sleep when idle), so a million-row merge hands its WAL writes and dirty pages to
    // them, on another core, instead of writing them itself: 11.1 s -> 9.4 s. The leader of a parallel CREATE TABLE AS
    // (the normalise step) only inserts what its workers produce: 10.5 s -> 9.9 s.
    private async Task WriteSettingsAsync(CancellationToken ct)
    {
        var fast = Environment.GetEnvironmentVariable("CRMETL_PG_FAST") == "1";
        var settings = $"""
            # written by crm-etl; see src/Host/Database/EmbeddedCluster.cs
            listen_addresses = '127.0.0.1'
            port = {File.ReadAllText(PortFile).Trim()}
            unix_socket_directories = '{SocketDir}'
            max_connections = 100
            shared_buffers = 512MB
            work_mem = 64MB
            temp_buffers = 256MB
            maintenance_work_mem = 256MB
            wal_buffers = 128MB
            max_wal_size = 8GB
            checkpoint_timeout = 15min
            synchronous_commit = off
            wal_writer_delay = 10ms
            bgwriter_delay = 10ms
            bgwriter_lru_maxpages = 1000
            bgwriter_lru_multiplier = 4
            parallel_leader_participation = off
            timezone = 'Asia/Kolkata'
            {(fast ? "fsync = off\nfull_page_writes = off" : "")}
            """;
        await File.WriteAllTextAsync(Path.Combine(DataDir, "crm-etl.conf"), settings + "\n", ct);
        await ChownAsync(ct, Path.Combine(DataDir, "crm-etl.conf"));
    }

    private async Task StartAsync(string bin, CancellationToken ct)
    {
        await WriteSettingsAsync(ct); // settings may have changed since the cluster was made
        for (var attempt = 1; ; attempt++)
        {
            // A server that was killed leaves its backends behind for a moment, holding its shared memory: a new one
            // refuses to start until they are gone. They serve nobody any more, so they are ended first.
            if (EndOrphans() is > 0 and var ended) Log.Warn("db", "db.orphans", $"ended {ended} process(es) of a server that was killed");
            var (code, output) = await ProcessRunner.RunAsync(Path.Combine(bin, "pg_ctl"),
                ["-D", DataDir, "-l", ServerLog, "-w", "-t", "60", "start"], _runAs, ct);
            if (code == 0)
            {
                Log.Info("db", "db.start", $"embedded PostgreSQL running on 127.0.0.1:{File.ReadAllText(PortFile).Trim()}");
                return;
            }
            if (attempt >= 3) throw new InvalidOperationException($"cannot start the embedded PostgreSQL: {output}\n{Tail(ServerLog)}");
            if (attempt == 2)
            {
                // The port may have been taken by something else since the cluster was created: move.
                File.WriteAllText(PortFile, FreePort().ToString());
                await WriteSettingsAsync(ct);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    // Processes working in the data folder (a server's backends: their working directory is it) while no server runs.
    private int EndOrphans()
    {
        var ended = 0;
        var data = Path.GetFullPath(DataDir);
        foreach (var proc in Directory.GetDirectories("/proc").Select(Path.GetFileName).Where(n => n!.All(char.IsAsciiDigit)))
        {
            try
            {
                var cwd = new DirectoryInfo($"/proc/{proc}/cwd").ResolveLinkTarget(returnFinalTarget: false)?.FullName;
                if (cwd != data || !File.ReadAllText($"/proc/{proc}/cmdline").StartsWith("postgres", StringComparison.Ordinal)) continue;
                System.Diagnostics.Process.GetProcessById(int.Parse(proc!)).Kill();
                ended++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException
                                          or System.ComponentModel.Win32Exception)
            {
                // gone meanwhile, or not ours to see
            }
        }
        if (ended > 0) Thread.Sleep(200);
        return ended;
    }

    private async Task<bool> IsRunningAsync(string bin, CancellationToken ct) =>
        (await ProcessRunner.RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataDir, "status"], _runAs, ct)).ExitCode == 0;

    private async Task CreateDatabaseIfMissingAsync(CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(ConnectionString("postgres"));
        await conn.OpenAsync(ct);
        await using var check = new NpgsqlCommand("select 1 from pg_database where datname = $1", conn);
        check.Parameters.AddWithValue(DatabaseName);
        if (await check.ExecuteScalarAsync(ct) is not null) return;
        await using var create = new NpgsqlCommand($"create database {DatabaseName}", conn);
        await create.ExecuteNonQueryAsync(ct);
    }

    private async Task<bool> CanReachAsync(string path, CancellationToken ct)
    {
        Directory.CreateDirectory(path);
        return (await ProcessRunner.RunAsync("test", ["-w", path], _runAs, ct)).ExitCode == 0 ||
               (await ProcessRunner.RunAsync("chown", [_runAs!, path], null, ct)).ExitCode == 0 &&
               (await ProcessRunner.RunAsync("test", ["-w", path], _runAs, ct)).ExitCode == 0;
    }

    private async Task ChownAsync(CancellationToken ct, string path)
    {
        if (_runAs is null) return;
        var (code, output) = await ProcessRunner.RunAsync("chown", ["-R", _runAs, path], null, ct);
        if (code != 0) throw new InvalidOperationException($"chown {path} failed: {output}");
    }

    private static void WriteSecret(string path, string secret)
    {
        File.WriteAllText(path, "");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(path, secret);
    }

    private static string FindBinDirectory()
    {
        if (Environment.GetEnvironmentVariable("CRMETL_PG_BIN") is { Length: > 0 } configured) return configured;
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .FirstOrDefault();
            if (newest is not null) return Path.Combine(newest, "bin");
        }
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .FirstOrDefault(p => File.Exists(Path.Combine(p, "initdb")));
        return onPath ?? throw new InvalidOperationException(
            "PostgreSQL server binaries not found (install the Debian package 'postgresql', or set CRMETL_DATABASE)");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Tail(string path) =>
        File.Exists(path) ? string.Join('\n', File.ReadLines(path).TakeLast(5)) : "";
}
