using System;
using System.Data.Common;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
using Npgsql;
using NUnit.Framework;
using Twirp.Queue.PostgreSql;
using Twirp.Queue.Sqlite;

namespace Twirp.Queue.Tests;

public enum StoreKind
{
    Sqlite,
    PostgreSql,
}

/// <summary>A fresh, empty queue database for one test, on a real store; removed afterwards.</summary>
public sealed class TestStore : IAsyncDisposable
{
    private readonly string? _directory;

    private TestStore(StoreKind kind, string connectionString, string? directory)
    {
        Kind = kind;
        ConnectionString = connectionString;
        _directory = directory;
    }

    public StoreKind Kind { get; }

    public string ConnectionString { get; }

    /// <summary>The worker process's store arguments.</summary>
    public string[] CommandLine => Kind == StoreKind.Sqlite
        ? ["--sqlite", new SqliteConnectionStringBuilder(ConnectionString).DataSource]
        : ["--postgres", ConnectionString];

    public static async Task<TestStore> CreateAsync(StoreKind kind)
    {
        switch (kind)
        {
            case StoreKind.Sqlite:
                var directory = Path.Combine(Path.GetTempPath(), "twirp-queue-tests", Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(directory);
                var path = Path.Combine(directory, "queue.db");
                return new TestStore(kind, new SqliteConnectionStringBuilder { DataSource = path }.ToString(), directory);
            default:
                var server = await SharedPostgres.ServerAsync();
                return new TestStore(kind, await server.CreateDatabaseAsync(), null);
        }
    }

    public TwirpQueue CreateQueue(Action<TwirpQueueOptions>? configure = null)
    {
        switch (Kind)
        {
            case StoreKind.Sqlite:
                var options = new SqliteTwirpQueueOptions { ConnectionString = ConnectionString };
                configure?.Invoke(options);
                return new SqliteTwirpQueue(options);
            default:
                var postgres = new PostgreSqlTwirpQueueOptions { ConnectionString = ConnectionString };
                configure?.Invoke(postgres);
                return new PostgreSqlTwirpQueue(postgres);
        }
    }

    public async Task<DbConnection> OpenConnectionAsync()
    {
        DbConnection connection = Kind switch
        {
            StoreKind.Sqlite => new SqliteConnection(ConnectionString),
            _ => new NpgsqlConnection(ConnectionString),
        };
        await connection.OpenAsync();
        return connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (Kind == StoreKind.PostgreSql)
        {
            await (await SharedPostgres.ServerAsync()).DropDatabaseAsync(ConnectionString);
        }
        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}

/// <summary>One PostgreSQL server per test run, started on first use and stopped after the last test.</summary>
[SetUpFixture]
public sealed class SharedPostgres
{
    private static readonly object Gate = new();
    private static Task<PostgresServer>? _server;

    public static Task<PostgresServer> ServerAsync()
    {
        lock (Gate)
        {
            return _server ??= PostgresServer.StartAsync();
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        Task<PostgresServer>? server;
        lock (Gate)
        {
            server = _server;
            _server = null;
        }
        if (server is not null)
        {
            await (await server).DisposeAsync();
        }
    }
}
