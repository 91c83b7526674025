using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using Npgsql;

namespace Twirp.Queue.Tests;

/// <summary>
/// A real PostgreSQL server for a test run: <c>TWIRP_TEST_POSTGRES</c> (a connection string to an
/// existing server) when set, else a throwaway cluster made with Debian's postgresql-15 binaries
/// (<c>pg_config --bindir</c>) in a temporary folder, on a free loopback port, run as the unprivileged
/// <c>postgres</c> account when this process is root (PostgreSQL refuses root), and removed by
/// <see cref="DisposeAsync"/>. Each test gets its own database.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    public const string EnvironmentVariable = "TWIRP_TEST_POSTGRES";

    private readonly string? _directory;
    private readonly string? _binDirectory;

    private PostgresServer(string adminConnectionString, string? directory, string? binDirectory)
    {
        AdminConnectionString = adminConnectionString;
        _directory = directory;
        _binDirectory = binDirectory;
    }

    /// <summary>Connects to the server's <c>postgres</c> database as a superuser.</summary>
    public string AdminConnectionString { get; }

    /// <param name="durable">False for tests (no fsync: a throwaway cluster); true for benchmarks, so figures include real commits.</param>
    public static async Task<PostgresServer> StartAsync(bool durable = false)
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } existing)
        {
            return new PostgresServer(existing, null, null);
        }
        var bin = FindBinDirectory()
            ?? throw new InvalidOperationException(
                "The PostgreSQL tests need PostgreSQL's server binaries (initdb, pg_ctl) and found none: install Debian's " +
                "'postgresql-15' package (apt-get install postgresql-15), or set " + EnvironmentVariable + " to the connection string of a server to use.");
        var directory = Path.Combine(Path.GetTempPath(), "twirp-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", directory]);
        }
        var data = Path.Combine(directory, "data");
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions"], asRoot);
        var port = FreePort();
        var settings = $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300 -c shared_buffers=128MB"
            + (durable ? string.Empty : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", data, "-o", settings, "-l", Path.Combine(directory, "server.log"), "-w", "-t", "60", "start"], asRoot);
        return new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=100", directory, bin);
    }

    /// <summary>Creates an empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "twirp_queue_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ToString();
    }

    /// <summary>Drops a database <see cref="CreateDatabaseAsync"/> made, disconnecting whoever is left.</summary>
    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE);", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is null)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunAsync(Path.Combine(_binDirectory!, "pg_ctl"), ["-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop"], Environment.UserName == "root");
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static string? FindBinDirectory()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, UseShellExecute = false })!;
            var bin = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            if (File.Exists(Path.Combine(bin, "initdb")))
            {
                return bin;
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No pg_config on the PATH: look where Debian puts the server.
        }
        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).Order().LastOrDefault()
            : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, string[] arguments, bool asPostgres = false)
    {
        var start = asPostgres
            ? new ProcessStartInfo("runuser") { ArgumentList = { "-u", "postgres", "--", program } }
            : new ProcessStartInfo(program);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
        }
    }
}
