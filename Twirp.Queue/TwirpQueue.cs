using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;

namespace Twirp.Queue;

/// <summary>
/// A durable queue of Twirp calls in a database: producers enqueue calls, consumers
/// (<c>AddQueueConsumer&lt;TService&gt;</c>) serve them in groups. This class is the whole public API of
/// a queue (enqueue, progress, dead letters, pruning); <c>SqliteTwirpQueue</c> and
/// <c>PostgreSqlTwirpQueue</c> are its stores. Thread-safe; one instance per database per process.
/// </summary>
public abstract class TwirpQueue : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>Creates the queue with its options.</summary>
    protected TwirpQueue(TwirpQueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
    }

    /// <summary>The queue's options.</summary>
    public TwirpQueueOptions Options { get; }

    /// <summary>The schema version this library writes and reads.</summary>
    public const int SchemaVersion = 1;

    /// <summary>
    /// Enqueues one call of <paramref name="method"/> and returns the task's id (the first task's id when
    /// <see cref="TwirpEnqueueOptions.IdempotencyKey"/> names one that is stored already).
    /// </summary>
    /// <param name="method">The generated descriptor, e.g. <c>HaberdasherTwirp.MakeHat</c>.</param>
    /// <param name="request">The request.</param>
    /// <param name="options">Delay, idempotency key, metadata, encoding.</param>
    /// <param name="transaction">
    /// The caller's open transaction on this queue's database: the task is committed with the caller's own
    /// writes and vanishes if they roll back (the outbox pattern). Null: the queue commits on its own.
    /// </param>
    /// <param name="cancellationToken">Cancels the enqueue.</param>
    public async Task<long> EnqueueAsync<TRequest, TResponse>(TwirpMethod<TRequest, TResponse> method, TRequest request, TwirpEnqueueOptions? options = null, DbTransaction? transaction = null, CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var ids = await EnqueueAsync([TwirpQueueMessage.Create(method, request, options)], transaction, cancellationToken).ConfigureAwait(false);
        return ids[0];
    }

    /// <summary>Enqueues many calls of <paramref name="method"/> in one transaction; returns their ids in order.</summary>
    public Task<IReadOnlyList<long>> EnqueueBatchAsync<TRequest, TResponse>(TwirpMethod<TRequest, TResponse> method, IEnumerable<TRequest> requests, TwirpEnqueueOptions? options = null, DbTransaction? transaction = null, CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (options?.IdempotencyKey is not null)
        {
            throw new ArgumentException("One idempotency key cannot cover a batch; give each message its own with TwirpQueueMessage.Create.", nameof(options));
        }
        var messages = new List<TwirpQueueMessage>();
        foreach (var request in requests)
        {
            messages.Add(TwirpQueueMessage.Create(method, request, options));
        }
        return EnqueueAsync(messages, transaction, cancellationToken);
    }

    /// <summary>
    /// Enqueues stored-form messages (of any services and methods) in one transaction; returns their ids
    /// in order. See <see cref="EnqueueAsync{TRequest, TResponse}"/> for <paramref name="transaction"/>.
    /// </summary>
    public async Task<IReadOnlyList<long>> EnqueueAsync(IReadOnlyList<TwirpQueueMessage> messages, DbTransaction? transaction = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (messages.Count == 0)
        {
            return [];
        }
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        using var producer = TwirpQueueTelemetry.StartEnqueue(messages);
        var ids = await EnqueueCoreAsync(producer is null ? messages : TwirpQueueTelemetry.WithTraceContext(messages, producer), transaction, cancellationToken).ConfigureAwait(false);
        if (transaction is null)
        {
            // Local consumers wake at once; with a caller's transaction the store's own notification
            // (PostgreSQL: NOTIFY on commit) or polling picks the task up once it is committed.
            foreach (var message in messages)
            {
                SignalTasksAvailable(message.Service);
            }
        }
        return ids;
    }

    /// <summary>Where every group stands: done, pending, leased, dead, oldest pending age.</summary>
    public async Task<IReadOnlyList<TwirpQueueGroupProgress>> GetProgressAsync(CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await GetProgressCoreAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The dead letters of <paramref name="group"/> of <paramref name="service"/>, oldest first.</summary>
    public async Task<IReadOnlyList<TwirpDeadLetter>> ListDeadLettersAsync(string service, string group, int limit = 100, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentException.ThrowIfNullOrEmpty(group);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await ListDeadLettersCoreAsync(service, group, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Gives dead letters of the group another full set of attempts, now: the given tasks, or all of
    /// them when <paramref name="taskIds"/> is null. Returns how many were requeued.
    /// </summary>
    public async Task<int> RequeueDeadLettersAsync(string service, string group, IReadOnlyList<long>? taskIds = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentException.ThrowIfNullOrEmpty(group);
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var count = await RequeueDeadLettersCoreAsync(service, group, taskIds, cancellationToken).ConfigureAwait(false);
        SignalTasksAvailable(service);
        return count;
    }

    /// <summary>
    /// Deletes tasks that every group finished more than <see cref="TwirpQueueOptions.Retention"/> ago
    /// (consumers call it every <see cref="TwirpQueueOptions.PruneInterval"/>); returns how many.
    /// Tasks with a dead letter or no group yet are kept.
    /// </summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken = default)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        return await PruneCoreAsync(DateTimeOffset.UtcNow - Options.Retention, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates or migrates the schema to <see cref="SchemaVersion"/> (safe to run from many processes at
    /// once). Runs by itself before first use unless <see cref="TwirpQueueOptions.CreateSchema"/> is off.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await MigrateCoreAsync(cancellationToken).ConfigureAwait(false);
        _schemaReady = true;
    }

    /// <inheritdoc/>
    public virtual ValueTask DisposeAsync()
    {
        _schemaGate.Dispose();
        GC.SuppressFinalize(this);
        return default;
    }

    internal async ValueTask EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady || !Options.CreateSchema)
        {
            return;
        }
        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_schemaReady)
            {
                await MigrateAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    /// <summary>Wakes this process's consumers of <paramref name="service"/>; stores call it when they learn of new tasks.</summary>
    protected internal void SignalTasksAvailable(string service)
    {
        if (_signals.TryRemove(service, out var signal))
        {
            signal.TrySetResult();
        }
    }

    /// <summary>Wakes every consumer of this process, after a gap in the store's notifications.</summary>
    protected void SignalAllTasksAvailable()
    {
        foreach (var service in _signals.Keys)
        {
            SignalTasksAvailable(service);
        }
    }

    /// <summary>Completes when <see cref="SignalTasksAvailable"/> runs for <paramref name="service"/>; taken before looking for tasks, so no signal is missed.</summary>
    internal Task TasksAvailable(string service) =>
        _signals.GetOrAdd(service, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Starts whatever tells this process of tasks other processes enqueue (PostgreSQL: LISTEN); polling covers the rest.</summary>
    protected internal virtual void StartListening()
    {
    }

    /// <summary>Creates or migrates the schema; must be safe to run concurrently from many processes.</summary>
    protected internal abstract Task MigrateCoreAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="messages"/> with one delivery per group of their service, in
    /// <paramref name="transaction"/> when given (without committing it), else in a transaction of its
    /// own. Returns the ids in order (the existing id for a stored idempotency key).
    /// </summary>
    protected internal abstract Task<IReadOnlyList<long>> EnqueueCoreAsync(IReadOnlyList<TwirpQueueMessage> messages, DbTransaction? transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Registers the group (idempotent). A new group receives every stored task of the service, so a
    /// group that starts late still sees everything not yet pruned.
    /// </summary>
    protected internal abstract Task<TwirpQueueGroup> RegisterGroupCoreAsync(string service, string group, CancellationToken cancellationToken);

    /// <summary>Leases up to <paramref name="maxCount"/> ready tasks of the group, oldest first, each with its attempt incremented.</summary>
    protected internal abstract Task<IReadOnlyList<TwirpLeasedTask>> LeaseCoreAsync(TwirpQueueGroup group, int maxCount, string owner, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>When the group's next pending task becomes ready, or null when it has none.</summary>
    protected internal abstract Task<DateTimeOffset?> NextRunAtCoreAsync(TwirpQueueGroup group, CancellationToken cancellationToken);

    /// <summary>Extends the leases still held; returns the task ids whose lease is held (the others were taken over).</summary>
    protected internal abstract Task<IReadOnlyCollection<long>> ExtendLeasesCoreAsync(TwirpQueueGroup group, IReadOnlyList<TwirpQueueLease> leases, TimeSpan leaseDuration, CancellationToken cancellationToken);

    /// <summary>Returns the group's tasks whose lease expired (their worker died) to pending; returns how many.</summary>
    protected internal abstract Task<int> ReclaimExpiredLeasesCoreAsync(TwirpQueueGroup group, CancellationToken cancellationToken);

    /// <summary>Marks the leased tasks done for the group.</summary>
    protected internal abstract Task CompleteCoreAsync(TwirpQueueGroup group, IReadOnlyList<TwirpQueueLease> leases, CancellationToken cancellationToken);

    /// <summary>Puts a leased task back to pending, to run at <paramref name="runAt"/>, keeping its error; false when the lease was lost.</summary>
    protected internal abstract Task<bool> RetryCoreAsync(TwirpQueueGroup group, TwirpQueueLease lease, DateTimeOffset runAt, string errorJson, CancellationToken cancellationToken);

    /// <summary>Makes a leased task a dead letter with its error; false when the lease was lost.</summary>
    protected internal abstract Task<bool> DeadLetterCoreAsync(TwirpQueueGroup group, TwirpQueueLease lease, string errorJson, CancellationToken cancellationToken);

    /// <summary>Gives leased tasks back unfinished (shutdown), runnable now, their attempt not counted.</summary>
    protected internal abstract Task ReleaseCoreAsync(TwirpQueueGroup group, IReadOnlyList<TwirpQueueLease> leases, CancellationToken cancellationToken);

    /// <summary>See <see cref="GetProgressAsync"/>.</summary>
    protected internal abstract Task<IReadOnlyList<TwirpQueueGroupProgress>> GetProgressCoreAsync(CancellationToken cancellationToken);

    /// <summary>See <see cref="ListDeadLettersAsync"/>.</summary>
    protected internal abstract Task<IReadOnlyList<TwirpDeadLetter>> ListDeadLettersCoreAsync(string service, string group, int limit, CancellationToken cancellationToken);

    /// <summary>See <see cref="RequeueDeadLettersAsync"/>.</summary>
    protected internal abstract Task<int> RequeueDeadLettersCoreAsync(string service, string group, IReadOnlyList<long>? taskIds, CancellationToken cancellationToken);

    /// <summary>Deletes tasks every group finished before <paramref name="finishedBefore"/>; see <see cref="PruneAsync"/>.</summary>
    protected internal abstract Task<int> PruneCoreAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken);
}

/// <summary>Options every store shares.</summary>
public class TwirpQueueOptions
{
    /// <summary>
    /// Create or migrate the schema before first use (default). Turn off when migrations are run by
    /// other means; the SQL is in docs/queue.md.
    /// </summary>
    public bool CreateSchema { get; set; } = true;

    /// <summary>How long tasks every group finished are kept before pruning. Default one day.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How often consumers prune. Default five minutes.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(5);
}
