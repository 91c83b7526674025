using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Data.Sqlite;

namespace Twirp.Queue.Sqlite;

/// <summary>Options of a <see cref="SqliteTwirpQueue"/>.</summary>
public sealed class SqliteTwirpQueueOptions : TwirpQueueOptions
{
    /// <summary>A Microsoft.Data.Sqlite connection string, e.g. <c>Data Source=hats.db</c>.</summary>
    public string ConnectionString { get; set; } = "Data Source=twirp-queue.db";
}

/// <summary>
/// A <see cref="TwirpQueue"/> in one SQLite file, in WAL mode so the processes of one machine share it
/// (writers take turns; readers never block). Consumers in other processes learn of new tasks by polling
/// (<see cref="TwirpQueueConsumerOptions.PollInterval"/>); those in this process are woken at once.
/// </summary>
public sealed class SqliteTwirpQueue : TwirpQueue
{
    private readonly string _connectionString;

    /// <summary>A queue in the SQLite file at <paramref name="path"/>, created when missing.</summary>
    public SqliteTwirpQueue(string path)
        : this(new SqliteTwirpQueueOptions { ConnectionString = new SqliteConnectionStringBuilder { DataSource = path }.ToString() })
    {
    }

    /// <summary>A queue with the given options.</summary>
    public SqliteTwirpQueue(SqliteTwirpQueueOptions options)
        : base(options)
    {
        ArgumentException.ThrowIfNullOrEmpty(options.ConnectionString);
        var builder = new SqliteConnectionStringBuilder(options.ConnectionString)
        {
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
        };
        _connectionString = builder.ToString();
    }

    /// <summary>The SQL of each schema version, in order: what <see cref="TwirpQueue.MigrateAsync"/> runs (see docs/queue.md).</summary>
    public static IReadOnlyList<string> Migrations { get; } =
    [
        """
        CREATE TABLE twirp_queue_tasks (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            service TEXT NOT NULL,
            method TEXT NOT NULL,
            content_type TEXT NOT NULL,
            body BLOB NOT NULL,
            headers TEXT NULL,
            idempotency_key TEXT NULL,
            enqueued_at INTEGER NOT NULL,
            run_at INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX twirp_queue_tasks_idempotency_key ON twirp_queue_tasks (idempotency_key) WHERE idempotency_key IS NOT NULL;
        CREATE INDEX twirp_queue_tasks_service ON twirp_queue_tasks (service, id);
        CREATE TABLE twirp_queue_groups (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            service TEXT NOT NULL,
            name TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            UNIQUE (service, name)
        );
        CREATE TABLE twirp_queue_deliveries (
            group_id INTEGER NOT NULL REFERENCES twirp_queue_groups (id),
            task_id INTEGER NOT NULL REFERENCES twirp_queue_tasks (id),
            state TEXT NOT NULL CHECK (state IN ('pending', 'leased', 'done', 'dead')),
            attempt INTEGER NOT NULL DEFAULT 0,
            run_at INTEGER NOT NULL,
            lease_owner TEXT NULL,
            lease_until INTEGER NULL,
            last_error TEXT NULL,
            finished_at INTEGER NULL,
            PRIMARY KEY (group_id, task_id)
        ) WITHOUT ROWID;
        CREATE INDEX twirp_queue_deliveries_ready ON twirp_queue_deliveries (group_id, run_at, task_id) WHERE state = 'pending';
        CREATE INDEX twirp_queue_deliveries_leased ON twirp_queue_deliveries (group_id, lease_until) WHERE state = 'leased';
        CREATE INDEX twirp_queue_deliveries_task ON twirp_queue_deliveries (task_id);
        """,
    ];

    /// <inheritdoc/>
    protected override async Task MigrateCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // WAL is a property of the file: set once, it holds for every connection of every process.
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, "CREATE TABLE IF NOT EXISTS twirp_queue_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);", cancellationToken).ConfigureAwait(false);
        var current = Convert.ToInt32(await ScalarAsync(connection, transaction, "SELECT COALESCE((SELECT version FROM twirp_queue_schema WHERE id = 1), 0);", cancellationToken).ConfigureAwait(false));
        if (current > Migrations.Count)
        {
            throw new InvalidOperationException($"The queue's schema is version {current}, newer than this library's {Migrations.Count}: upgrade Twirp.Queue.Sqlite.");
        }
        for (var version = current + 1; version <= Migrations.Count; version++)
        {
            await ExecuteAsync(connection, transaction, Migrations[version - 1], cancellationToken).ConfigureAwait(false);
        }
        await ExecuteAsync(connection, transaction, $"INSERT INTO twirp_queue_schema (id, version) VALUES (1, {Migrations.Count}) ON CONFLICT (id) DO UPDATE SET version = excluded.version;", cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task<IReadOnlyList<long>> EnqueueCoreAsync(IReadOnlyList<TwirpQueueMessage> messages, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        if (transaction is not null && transaction is not SqliteTransaction)
        {
            throw new ArgumentException($"A SQLite queue enlists only in a SqliteTransaction, not a {transaction.GetType().Name}.", nameof(transaction));
        }
        var ownConnection = transaction is null ? await OpenAsync(cancellationToken).ConfigureAwait(false) : null;
        try
        {
            var connection = ownConnection ?? (SqliteConnection)transaction!.Connection!;
            var ownTransaction = ownConnection is null ? null : (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var tx = (SqliteTransaction)(transaction ?? ownTransaction)!;
            try
            {
                var ids = new long[messages.Count];
                await using var insert = Command(connection, tx, """
                    INSERT INTO twirp_queue_tasks (service, method, content_type, body, headers, idempotency_key, enqueued_at, run_at)
                    VALUES ($service, $method, $content_type, $body, $headers, $key, $now, $run_at)
                    ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                    RETURNING id;
                    """);
                await using var existing = Command(connection, tx, "SELECT id FROM twirp_queue_tasks WHERE idempotency_key = $key;");
                await using var deliver = Command(connection, tx, """
                    INSERT INTO twirp_queue_deliveries (group_id, task_id, state, attempt, run_at)
                    SELECT id, $task, 'pending', 0, $run_at FROM twirp_queue_groups WHERE service = $service;
                    """);
                var now = Now();
                for (var i = 0; i < messages.Count; i++)
                {
                    var message = messages[i];
                    var runAt = message.NotBefore is { } notBefore ? Math.Max(notBefore.ToUnixTimeMilliseconds(), now) : now;
                    Bind(insert, ("$service", message.Service), ("$method", message.Method), ("$content_type", message.ContentType),
                        ("$body", message.Body.ToArray()), ("$headers", TwirpQueueHeaders.ToJson(message.Headers)), ("$key", message.IdempotencyKey),
                        ("$now", now), ("$run_at", runAt));
                    var inserted = await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                    if (inserted is null)
                    {
                        Bind(existing, ("$key", message.IdempotencyKey));
                        ids[i] = Convert.ToInt64(await existing.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
                        continue;
                    }
                    ids[i] = Convert.ToInt64(inserted);
                    Bind(deliver, ("$task", ids[i]), ("$run_at", runAt), ("$service", message.Service));
                    await deliver.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                if (ownTransaction is not null)
                {
                    await ownTransaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
                return ids;
            }
            finally
            {
                if (ownTransaction is not null)
                {
                    await ownTransaction.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (ownConnection is not null)
            {
                await ownConnection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc/>
    protected override async Task<TwirpQueueGroup> RegisterGroupCoreAsync(string service, string group, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var insert = Command(connection, transaction, "INSERT INTO twirp_queue_groups (service, name, created_at) VALUES ($service, $name, $now) ON CONFLICT (service, name) DO NOTHING RETURNING id;");
        Bind(insert, ("$service", service), ("$name", group), ("$now", Now()));
        var created = await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        long id;
        if (created is not null)
        {
            id = Convert.ToInt64(created);
            // A new group receives every stored task of its service.
            await using var backfill = Command(connection, transaction, """
                INSERT INTO twirp_queue_deliveries (group_id, task_id, state, attempt, run_at)
                SELECT $group, id, 'pending', 0, run_at FROM twirp_queue_tasks WHERE service = $service;
                """);
            Bind(backfill, ("$group", id), ("$service", service));
            await backfill.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await using var select = Command(connection, transaction, "SELECT id FROM twirp_queue_groups WHERE service = $service AND name = $name;");
            Bind(select, ("$service", service), ("$name", group));
            id = Convert.ToInt64(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new TwirpQueueGroup(id, service, group);
    }

    /// <inheritdoc/>
    protected override async Task<IReadOnlyList<TwirpLeasedTask>> LeaseCoreAsync(TwirpQueueGroup group, int maxCount, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var now = Now();
        await using var lease = Command(connection, transaction, """
            UPDATE twirp_queue_deliveries
            SET state = 'leased', attempt = attempt + 1, lease_owner = $owner, lease_until = $until
            WHERE group_id = $group AND task_id IN (
                SELECT task_id FROM twirp_queue_deliveries
                WHERE group_id = $group AND state = 'pending' AND run_at <= $now
                ORDER BY run_at, task_id LIMIT $limit)
            RETURNING task_id, attempt;
            """);
        Bind(lease, ("$owner", owner), ("$until", now + (long)leaseDuration.TotalMilliseconds), ("$group", group.Id), ("$now", now), ("$limit", maxCount));
        var attempts = new Dictionary<long, int>();
        await using (var reader = await lease.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                attempts[reader.GetInt64(0)] = reader.GetInt32(1);
            }
        }
        if (attempts.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return [];
        }
        await using var load = Command(connection, transaction, """
            SELECT id, service, method, content_type, body, headers, idempotency_key, enqueued_at, run_at
            FROM twirp_queue_tasks WHERE id IN (SELECT value FROM json_each($ids)) ORDER BY run_at, id;
            """);
        Bind(load, ("$ids", JsonArray(attempts.Keys)));
        var tasks = new List<TwirpLeasedTask>(attempts.Count);
        await using (var reader = await load.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetInt64(0);
                var message = new TwirpQueueMessage(reader.GetString(1), reader.GetString(2), reader.GetString(3), (byte[])reader.GetValue(4))
                {
                    Headers = TwirpQueueHeaders.FromJson(reader.IsDBNull(5) ? null : reader.GetString(5)),
                    IdempotencyKey = reader.IsDBNull(6) ? null : reader.GetString(6),
                    NotBefore = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
                };
                tasks.Add(new TwirpLeasedTask(new TwirpQueueLease(id, attempts[id], owner), message, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
            }
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return tasks;
    }

    /// <inheritdoc/>
    protected override async Task<DateTimeOffset?> NextRunAtCoreAsync(TwirpQueueGroup group, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, "SELECT MIN(run_at) FROM twirp_queue_deliveries WHERE group_id = $group AND state = 'pending';");
        Bind(command, ("$group", group.Id));
        var next = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return next is null or DBNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(next));
    }

    /// <inheritdoc/>
    protected override async Task<IReadOnlyCollection<long>> ExtendLeasesCoreAsync(TwirpQueueGroup group, IReadOnlyList<TwirpQueueLease> leases, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        var held = new HashSet<long>();
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"""
            UPDATE twirp_queue_deliveries SET lease_until = $until
            WHERE group_id = $group AND state = 'leased' AND {LeaseMatch}
            RETURNING task_id;
            """);
        Bind(command, ("$until", Now() + (long)leaseDuration.TotalMilliseconds), ("$group", group.Id), ("$leases", LeasesJson(leases)));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            held.Add(reader.GetInt64(0));
        }
        return held;
    }

    /// <inheritdoc/>
    protected override async Task<int> ReclaimExpiredLeasesCoreAsync(TwirpQueueGroup group, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, """
            UPDATE twirp_queue_deliveries SET state = 'pending', run_at = $now, lease_owner = NULL, lease_until = NULL
            WHERE group_id = $group AND state = 'leased' AND lease_until < $now;
            """);
        Bind(command, ("$now", Now()), ("$group", group.Id));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task CompleteCoreAsync(TwirpQueueGroup group, IReadOnlyList<TwirpQueueLease> leases, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"""
            UPDATE twirp_queue_deliveries SET state = 'done', finished_at = $now, lease_owner = NULL, lease_until = NULL, last_error = NULL
            WHERE group_id = $group AND state = 'leased' AND {LeaseMatch};
            """);
        Bind(command, ("$now", Now()), ("$group", group.Id), ("$leases", LeasesJson(leases)));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override Task<bool> RetryCoreAsync(TwirpQueueGroup group, TwirpQueueLease lease, DateTimeOffset runAt, string errorJson, CancellationToken cancellationToken) =>
        FinishLeaseAsync(group, lease, "state = 'pending', run_at = $at, last_error = $error", runAt.ToUnixTimeMilliseconds(), errorJson, cancellationToken);

    /// <inheritdoc/>
    protected override Task<bool> DeadLetterCoreAsync(TwirpQueueGroup group, TwirpQueueLease lease, string errorJson, CancellationToken cancellationToken) =>
        FinishLeaseAsync(group, lease, "state = 'dead', finished_at = $at, last_error = $error", Now(), errorJson, cancellationToken);

    /// <inheritdoc/>
    protected override async Task ReleaseCoreAsync(TwirpQueueGroup group, IReadOnlyList<TwirpQueueLease> leases, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"""
            UPDATE twirp_queue_deliveries SET state = 'pending', attempt = attempt - 1, run_at = $now, lease_owner = NULL, lease_until = NULL
            WHERE group_id = $group AND state = 'leased' AND {LeaseMatch};
            """);
        Bind(command, ("$now", Now()), ("$group", group.Id), ("$leases", LeasesJson(leases)));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task<IReadOnlyList<TwirpQueueGroupProgress>> GetProgressCoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, """
            SELECT g.service, g.name,
                COALESCE(SUM(d.state = 'done'), 0), COALESCE(SUM(d.state = 'pending'), 0),
                COALESCE(SUM(d.state = 'leased'), 0), COALESCE(SUM(d.state = 'dead'), 0),
                MIN(CASE WHEN d.state = 'pending' AND d.run_at <= $now THEN d.run_at END)
            FROM twirp_queue_groups g LEFT JOIN twirp_queue_deliveries d ON d.group_id = g.id
            GROUP BY g.id ORDER BY g.service, g.name;
            """);
        var now = Now();
        Bind(command, ("$now", now));
        var progress = new List<TwirpQueueGroupProgress>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var oldest = reader.IsDBNull(6) ? TimeSpan.Zero : TimeSpan.FromMilliseconds(now - reader.GetInt64(6));
            progress.Add(new TwirpQueueGroupProgress(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), oldest));
        }
        return progress;
    }

    /// <inheritdoc/>
    protected override async Task<IReadOnlyList<TwirpDeadLetter>> ListDeadLettersCoreAsync(string service, string group, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, """
            SELECT t.id, t.method, d.attempt, d.last_error, t.enqueued_at, d.finished_at
            FROM twirp_queue_deliveries d
            JOIN twirp_queue_groups g ON g.id = d.group_id
            JOIN twirp_queue_tasks t ON t.id = d.task_id
            WHERE g.service = $service AND g.name = $name AND d.state = 'dead'
            ORDER BY d.finished_at, t.id LIMIT $limit;
            """);
        Bind(command, ("$service", service), ("$name", group), ("$limit", limit));
        var letters = new List<TwirpDeadLetter>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            letters.Add(new TwirpDeadLetter(reader.GetInt64(0), service, group, reader.GetString(1), reader.GetInt32(2),
                reader.IsDBNull(3) ? "{}" : reader.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
        }
        return letters;
    }

    /// <inheritdoc/>
    protected override async Task<int> RequeueDeadLettersCoreAsync(string service, string group, IReadOnlyList<long>? taskIds, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, """
            UPDATE twirp_queue_deliveries SET state = 'pending', attempt = 0, run_at = $now, finished_at = NULL
            WHERE state = 'dead'
              AND group_id = (SELECT id FROM twirp_queue_groups WHERE service = $service AND name = $name)
              AND ($ids IS NULL OR task_id IN (SELECT value FROM json_each($ids)));
            """);
        Bind(command, ("$now", Now()), ("$service", service), ("$name", group), ("$ids", taskIds is null ? null : JsonArray(taskIds)));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task<int> PruneCoreAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var select = Command(connection, transaction, """
            SELECT task_id FROM twirp_queue_deliveries GROUP BY task_id
            HAVING SUM(state <> 'done') = 0 AND MAX(finished_at) < $cutoff LIMIT 10000;
            """);
        Bind(select, ("$cutoff", finishedBefore.ToUnixTimeMilliseconds()));
        var doomed = new List<long>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                doomed.Add(reader.GetInt64(0));
            }
        }
        if (doomed.Count > 0)
        {
            var ids = JsonArray(doomed);
            await using var deliveries = Command(connection, transaction, "DELETE FROM twirp_queue_deliveries WHERE task_id IN (SELECT value FROM json_each($ids));");
            Bind(deliveries, ("$ids", ids));
            await deliveries.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await using var tasks = Command(connection, transaction, "DELETE FROM twirp_queue_tasks WHERE id IN (SELECT value FROM json_each($ids));");
            Bind(tasks, ("$ids", ids));
            await tasks.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return doomed.Count;
    }

    // A lease is held by one owner for one attempt: a worker that lost it (and maybe leased the task again)
    // cannot finish the other run.
    private const string LeaseMatch = """
        (task_id, attempt, lease_owner) IN (
            SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each($leases))
        """;

    private async Task<bool> FinishLeaseAsync(TwirpQueueGroup group, TwirpQueueLease lease, string set, long at, string errorJson, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"""
            UPDATE twirp_queue_deliveries SET {set}, lease_owner = NULL, lease_until = NULL
            WHERE group_id = $group AND task_id = $task AND attempt = $attempt AND lease_owner = $owner AND state = 'leased';
            """);
        Bind(command, ("$at", at), ("$error", errorJson), ("$group", group.Id), ("$task", lease.TaskId), ("$attempt", lease.Attempt), ("$owner", lease.Owner));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void Bind(SqliteCommand command, params (string Name, object? Value)[] parameters)
    {
        foreach (var (name, value) in parameters)
        {
            var parameter = command.Parameters.Contains(name) ? command.Parameters[name] : command.Parameters.Add(new SqliteParameter { ParameterName = name });
            parameter.Value = value ?? DBNull.Value;
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string JsonArray(IEnumerable<long> ids)
    {
        var json = new StringBuilder("[");
        foreach (var id in ids)
        {
            if (json.Length > 1)
            {
                json.Append(',');
            }
            json.Append(id);
        }
        return json.Append(']').ToString();
    }

    private static string LeasesJson(IReadOnlyList<TwirpQueueLease> leases)
    {
        using var buffer = new System.IO.MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var lease in leases)
            {
                writer.WriteStartArray();
                writer.WriteNumberValue(lease.TaskId);
                writer.WriteNumberValue(lease.Attempt);
                writer.WriteStringValue(lease.Owner);
                writer.WriteEndArray();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
