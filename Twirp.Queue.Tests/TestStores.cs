using System;
using System.Data.Common;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;
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

    public static Task<TestStore> CreateAsync(StoreKind kind)
    {
        switch (kind)
        {
            case StoreKind.Sqlite:
                var directory = Path.Combine(Path.GetTempPath(), "twirp-queue-tests", Guid.NewGuid().ToString("N"));
                Directory.CreateDirectory(directory);
                var path = Path.Combine(directory, "queue.db");
                return Task.FromResult(new TestStore(kind, new SqliteConnectionStringBuilder { DataSource = path }.ToString(), directory));
            default:
                throw new NotSupportedException(kind.ToString());
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
                throw new NotSupportedException(Kind.ToString());
        }
    }

    public async Task<DbConnection> OpenConnectionAsync()
    {
        DbConnection connection = Kind switch
        {
            StoreKind.Sqlite => new SqliteConnection(ConnectionString),
            _ => throw new NotSupportedException(Kind.ToString()),
        };
        await connection.OpenAsync();
        return connection;
    }

    public ValueTask DisposeAsync()
    {
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
        return default;
    }
}
