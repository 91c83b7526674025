using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;
using NUnit.Framework;
using Twirp.Example.Haberdasher;

namespace Twirp.Queue.Tests;

/// <summary>The queue's semantics, the same suite on every store: each test gets an empty database.</summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.PostgreSql)]
public class QueueTests(StoreKind kind)
{
    private const string Service = "twirp.example.haberdasher.Haberdasher";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private TestStore _store = null!;

    [SetUp]
    public async Task CreateStoreAsync() => _store = await TestStore.CreateAsync(kind);

    [TearDown]
    public async Task RemoveStoreAsync() => await _store.DisposeAsync();

    private static async Task<TwirpQueueGroupProgress> ProgressAsync(TwirpQueue queue, string group) =>
        (await queue.GetProgressAsync()).Single(p => p.Group == group && p.Service == Service);

    [Test]
    public async Task Every_group_handles_every_task_and_no_task_runs_twice_at_once_within_a_group()
    {
        await using var workers = new Workers(_store.CreateQueue());
        foreach (var group in new[] { "a", "b" })
        {
            for (var worker = 0; worker < 3; worker++)
            {
                await workers.StartAsync(group, concurrency: 2);
            }
        }

        var ids = new List<long>();
        foreach (var chunk in Enumerable.Range(1, 1000).Chunk(250))
        {
            ids.AddRange(await workers.Queue.EnqueueBatchAsync(HaberdasherTwirp.MakeHat, chunk.Select(i => new Size { Inches = i })));
        }

        Assert.That(await Eventually.HoldsAsync(async () => (await workers.Queue.GetProgressAsync()).All(p => p.Done == 1000), TimeSpan.FromSeconds(90)), Is.True,
            () => string.Join("; ", workers.Queue.GetProgressAsync().Result));
        Assert.That(ids.Distinct().Count(), Is.EqualTo(1000));
        Assert.That(workers.Probe.TaskIds("a").Distinct(), Is.EqualTo(ids.Order()), "group a handled every task");
        Assert.That(workers.Probe.TaskIds("b").Distinct(), Is.EqualTo(ids.Order()), "group b handled every task");
        Assert.That(workers.Probe.Overlaps, Is.Zero, "no two workers of a group ran one task at once");
        var progress = await workers.Queue.GetProgressAsync();
        Assert.That(progress.Select(p => (p.Group, p.Done, p.Pending, p.Leased, p.Dead)), Is.EqualTo(new[] { ("a", 1000L, 0L, 0L, 0L), ("b", 1000L, 0L, 0L, 0L) }));
    }

    [Test]
    public async Task A_task_whose_worker_process_is_killed_is_finished_by_another_worker_after_the_lease_expires()
    {
        await using var workers = new Workers(_store.CreateQueue());
        await workers.Queue.MigrateAsync();
        using var doomed = HatQueueProcess.Start(_store, "work", "--group", "k", "--work-ms", "60000", "--lease-ms", "1500", "--poll-ms", "100");
        var id = await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 7 });
        var others = await workers.Queue.EnqueueBatchAsync(HaberdasherTwirp.MakeHat, Enumerable.Range(1, 20).Select(i => new Size { Inches = i }));
        Assert.That(await Eventually.HoldsAsync(async () => (await workers.Queue.GetProgressAsync()).Any(p => p.Group == "k" && p.Leased == 1), Patience), Is.True, doomed.Output);

        doomed.Kill();
        await workers.StartAsync("k", concurrency: 4, o => o.LeaseDuration = TimeSpan.FromMilliseconds(1500));

        Assert.That(await Eventually.HoldsAsync(async () => (await ProgressAsync(workers.Queue, "k")).Done == 21, Patience), Is.True);
        Assert.That(workers.Probe.TaskIds("k"), Is.EqualTo(others.Append(id).Order()), "every task done once here, none lost");
        Assert.That(workers.Probe.Handled.Single(h => h.TaskId == id).Attempt, Is.EqualTo(2), "the killed worker's run was attempt 1");
    }

    [Test]
    public async Task A_retryable_failure_is_retried_with_growing_delays_then_becomes_a_dead_letter_that_can_be_requeued()
    {
        await using var workers = new Workers(_store.CreateQueue());
        await workers.StartAsync("r", configure: o =>
        {
            o.MaxAttempts = 4;
            o.RetryDelay = TimeSpan.FromMilliseconds(100);
        });
        var id = await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = -2 });

        Assert.That(await Eventually.HoldsAsync(async () => (await ProgressAsync(workers.Queue, "r")).Dead == 1, Patience), Is.True);
        var runs = workers.Probe.Handled.Where(h => h.TaskId == id).ToList();
        Assert.That(runs.Select(r => r.Attempt), Is.EqualTo(new[] { 1, 2, 3, 4 }));
        for (var retry = 1; retry < runs.Count; retry++)
        {
            // Equal jitter: at least half of 100 ms * 2^(retry-1).
            var least = TimeSpan.FromMilliseconds(50 * Math.Pow(2, retry - 1));
            Assert.That(runs[retry].At - runs[retry - 1].At, Is.GreaterThanOrEqualTo(least - TimeSpan.FromMilliseconds(5)), $"delay before attempt {retry + 1}");
        }
        var letter = (await workers.Queue.ListDeadLettersAsync(Service, "r")).Single();
        Assert.That((letter.TaskId, letter.Method, letter.Attempts), Is.EqualTo((id, "MakeHat", 4)));
        Assert.That(letter.ErrorJson, Is.EqualTo("{\"code\":\"unavailable\",\"msg\":\"the felt supplier is down\"}"));
        Assert.That(letter.Error.Code, Is.EqualTo(TwirpErrorCode.Unavailable));
        Assert.That(letter.DeadAt, Is.GreaterThanOrEqualTo(letter.EnqueuedAt));

        workers.Probe.Healed = true;
        Assert.That(await workers.Queue.RequeueDeadLettersAsync(Service, "r"), Is.EqualTo(1));
        Assert.That(await Eventually.HoldsAsync(async () => (await ProgressAsync(workers.Queue, "r")).Done == 1, Patience), Is.True);
        Assert.That(workers.Probe.Handled.Last(h => h.TaskId == id).Attempt, Is.EqualTo(1), "a requeued dead letter gets a full set of attempts");
        Assert.That(await workers.Queue.ListDeadLettersAsync(Service, "r"), Is.Empty);
    }

    [Test]
    public async Task A_final_error_is_a_dead_letter_at_once()
    {
        await using var workers = new Workers(_store.CreateQueue());
        await workers.StartAsync("f");
        var id = await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = -1 });

        Assert.That(await Eventually.HoldsAsync(async () => (await ProgressAsync(workers.Queue, "f")).Dead == 1, Patience), Is.True);
        var letter = (await workers.Queue.ListDeadLettersAsync(Service, "f")).Single();
        Assert.That((letter.TaskId, letter.Attempts, letter.Error.Code, letter.Error.Meta["argument"]), Is.EqualTo((id, 1, TwirpErrorCode.InvalidArgument, "inches")));
    }

    [Test]
    public async Task An_undecodable_payload_becomes_a_dead_letter_and_the_worker_goes_on()
    {
        await using var workers = new Workers(_store.CreateQueue());
        await workers.StartAsync("u");
        var garbage = await workers.Queue.EnqueueAsync([new TwirpQueueMessage(Service, "MakeHat", TwirpContentTypes.Protobuf, new byte[] { 0xFF, 0xFF, 0xFF })]);
        var unknownMethod = await workers.Queue.EnqueueAsync([new TwirpQueueMessage(Service, "BurnHat", TwirpContentTypes.Protobuf, Array.Empty<byte>())]);
        var unknownType = await workers.Queue.EnqueueAsync([new TwirpQueueMessage(Service, "MakeHat", "text/plain", "12"u8.ToArray())]);
        var good = await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 9 });

        Assert.That(await Eventually.HoldsAsync(async () => await ProgressAsync(workers.Queue, "u") is { Done: 1, Dead: 3 }, Patience), Is.True);
        var letters = (await workers.Queue.ListDeadLettersAsync(Service, "u")).ToDictionary(l => l.TaskId, l => l.Error.Code);
        Assert.That(letters, Is.EqualTo(new Dictionary<long, TwirpErrorCode>
        {
            [garbage[0]] = TwirpErrorCode.Malformed,
            [unknownMethod[0]] = TwirpErrorCode.BadRoute,
            [unknownType[0]] = TwirpErrorCode.BadRoute,
        }));
        Assert.That(workers.Probe.TaskIds("u"), Is.EqualTo(new[] { good }));
    }

    [Test]
    public async Task A_second_enqueue_with_the_same_idempotency_key_returns_the_first_id_and_stores_nothing()
    {
        await using var workers = new Workers(_store.CreateQueue());
        await workers.StartAsync("i");
        var first = await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 1 }, new TwirpEnqueueOptions { IdempotencyKey = "order-42" });
        var second = await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 2 }, new TwirpEnqueueOptions { IdempotencyKey = "order-42" });
        var other = await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 3 }, new TwirpEnqueueOptions { IdempotencyKey = "order-43" });

        Assert.That(second, Is.EqualTo(first));
        Assert.That(other, Is.Not.EqualTo(first));
        Assert.That(await Eventually.HoldsAsync(async () => (await ProgressAsync(workers.Queue, "i")).Done == 2, Patience), Is.True);
        await Task.Delay(300);
        Assert.That(workers.Probe.TaskIds("i"), Is.EqualTo(new[] { first, other }.Order()));
    }

    [Test]
    public async Task A_task_enqueued_in_the_callers_transaction_is_delivered_only_if_it_commits()
    {
        await using var workers = new Workers(_store.CreateQueue());
        await workers.StartAsync("t");
        long rolledBack;
        long committed;
        await using (var connection = await _store.OpenConnectionAsync())
        {
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                rolledBack = await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 1 }, transaction: transaction);
                await transaction.RollbackAsync();
            }
            await using (var transaction = await connection.BeginTransactionAsync())
            {
                committed = await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 2 }, transaction: transaction);
                await Task.Delay(300);
                Assert.That(workers.Probe.Handled, Is.Empty, "nothing runs before the caller commits");
                await transaction.CommitAsync();
            }
        }

        Assert.That(await Eventually.HoldsAsync(async () => (await ProgressAsync(workers.Queue, "t")).Done == 1, Patience), Is.True);
        await Task.Delay(300);
        Assert.That(workers.Probe.Handled.Select(h => h.TaskId), Is.EqualTo(new[] { committed }), "the rolled-back task never ran");
        Assert.That(rolledBack, Is.GreaterThan(0));
    }

    [Test]
    public async Task A_delayed_task_runs_no_earlier_than_its_delay()
    {
        await using var workers = new Workers(_store.CreateQueue());
        await workers.StartAsync("d");
        var enqueuedAt = DateTimeOffset.UtcNow;
        var delayed = await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 1 }, new TwirpEnqueueOptions { Delay = TimeSpan.FromSeconds(1.5) });
        var now = await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 2 });

        Assert.That(await Eventually.HoldsAsync(async () => (await ProgressAsync(workers.Queue, "d")).Done == 2, Patience), Is.True);
        var runs = workers.Probe.Handled.ToDictionary(h => h.TaskId);
        Assert.That(runs[now].At - enqueuedAt, Is.LessThan(TimeSpan.FromSeconds(1.5)));
        Assert.That(runs[delayed].At - enqueuedAt, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(1.5)));
        Assert.That(runs[delayed].At - enqueuedAt, Is.LessThan(TimeSpan.FromSeconds(5)), "woken by its time, not a long poll");
    }

    [Test]
    public async Task Graceful_shutdown_finishes_running_tasks_within_the_timeout_and_takes_no_new_ones()
    {
        await using var workers = new Workers(_store.CreateQueue());
        workers.Probe.WorkTime = TimeSpan.FromMilliseconds(700);
        var consumer = await workers.StartAsync("g", concurrency: 2);
        await workers.Queue.EnqueueBatchAsync(HaberdasherTwirp.MakeHat, Enumerable.Range(1, 5).Select(i => new Size { Inches = i }));
        Assert.That(await Eventually.HoldsAsync(() => workers.Probe.Running == 2, Patience), Is.True);

        await workers.StopAsync(consumer, TimeSpan.FromSeconds(20));

        var progress = await ProgressAsync(workers.Queue, "g");
        Assert.That((progress.Done, progress.Leased, progress.Pending), Is.EqualTo((2L, 0L, 3L)), "the two running hats were finished, the rest left for others");
    }

    [Test]
    public async Task Shutdown_past_the_hosts_timeout_releases_unfinished_tasks_without_counting_an_attempt()
    {
        await using var workers = new Workers(_store.CreateQueue());
        var consumer = await workers.StartAsync("s", concurrency: 2);
        var ids = await workers.Queue.EnqueueBatchAsync(HaberdasherTwirp.MakeHat, [new Size { Inches = -3 }, new Size { Inches = -3 }]);
        Assert.That(await Eventually.HoldsAsync(() => workers.Probe.Running == 2, Patience), Is.True);

        var stopping = Stopwatch.StartNew();
        await workers.StopAsync(consumer, TimeSpan.FromMilliseconds(300));

        Assert.That(stopping.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        var progress = await ProgressAsync(workers.Queue, "s");
        Assert.That((progress.Done, progress.Leased, progress.Pending, progress.Dead), Is.EqualTo((0L, 0L, 2L, 0L)));
        workers.Probe.Handled.Clear();
        await workers.StartAsync("s", concurrency: 2);
        Assert.That(await Eventually.HoldsAsync(() => workers.Probe.Running == 2, Patience), Is.True);
        Assert.That(await Eventually.HoldsAsync(() => workers.Probe.Handled.IsEmpty, Patience), Is.True);
        // The next run is attempt 1 again: a shutdown is not the task's failure.
        var attempts = await AttemptsAsync(ids);
        Assert.That(attempts, Is.EqualTo(new[] { 1, 1 }));
    }

    private async Task<int[]> AttemptsAsync(IReadOnlyList<long> ids)
    {
        await using var connection = await _store.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT attempt FROM twirp_queue_deliveries WHERE task_id IN ({string.Join(",", ids)}) ORDER BY task_id";
        var attempts = new List<int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            attempts.Add(Convert.ToInt32(reader.GetValue(0)));
        }
        return attempts.ToArray();
    }

    [Test]
    public async Task Queued_calls_run_the_same_hooks_interceptors_and_di_scope_per_call_as_http_and_see_the_task()
    {
        var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var workers = new Workers(_store.CreateQueue(), o =>
        {
            o.Hooks.Add(new TwirpHooks
            {
                RequestReceived = c => { events.Enqueue("received " + c.MethodName); return default; },
                RequestRouted = c => { events.Enqueue("routed " + c.Encoding); return default; },
                ResponsePrepared = c => { events.Enqueue("prepared"); return default; },
                Error = (c, e) => { events.Enqueue("error " + e.Code.ToWireName()); return default; },
                ResponseSent = c => { events.Enqueue("sent " + (c.Error?.Code.ToWireName() ?? "ok")); return default; },
            });
            o.Interceptors.Add(new RecordingInterceptor(events));
        });
        await workers.StartAsync("h");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var ok = await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 5 }, new TwirpEnqueueOptions
        {
            Encoding = TwirpEncoding.Json,
            Headers = new Dictionary<string, string> { ["X-Tenant"] = "acme" },
        });
        Assert.That(await Eventually.HoldsAsync(async () => (await ProgressAsync(workers.Queue, "h")).Done == 1, Patience), Is.True);
        var failed = await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = -1 });
        Assert.That(await Eventually.HoldsAsync(async () => (await ProgressAsync(workers.Queue, "h")).Dead == 1, Patience), Is.True);
        await Task.Delay(100);

        Assert.That(events, Is.EqualTo(new[]
        {
            "received MakeHat", "routed Json", "exchange in", "call in 5", "call out", "prepared", "exchange out ok", "sent ok",
            "received MakeHat", "routed Protobuf", "exchange in", "call in -1", "error invalid_argument", "exchange out invalid_argument", "sent invalid_argument",
        }));
        var runs = workers.Probe.Handled.ToList();
        Assert.That(runs.Select(r => (r.TaskId, r.Group, r.Attempt, r.Tenant)), Is.EqualTo(new[] { (ok, "h", 1, (string?)"acme"), (failed, "h", 1, (string?)null) }));
        Assert.That(runs[0].Scope, Is.Not.EqualTo(runs[1].Scope), "a DI scope per call");
        Assert.That(runs[0].EnqueuedAt, Is.GreaterThan(before).And.LessThanOrEqualTo(runs[0].At));
    }

    private sealed class RecordingInterceptor(System.Collections.Concurrent.ConcurrentQueue<string> events) : TwirpInterceptor
    {
        public override async Task InterceptExchangeAsync(TwirpContext context, TwirpExchangeContinuation continuation)
        {
            events.Enqueue("exchange in");
            await continuation(context);
            events.Enqueue("exchange out " + (context.Error?.Code.ToWireName() ?? "ok"));
        }

        public override async Task<TResponse> InterceptCallAsync<TRequest, TResponse>(TRequest request, TwirpContext context, TwirpCallContinuation<TRequest, TResponse> continuation)
        {
            events.Enqueue("call in " + ((Size)(object)request).Inches);
            var response = await continuation(request, context);
            events.Enqueue("call out");
            return response;
        }
    }

    [Test]
    public async Task Progress_counts_each_state_and_the_age_of_the_oldest_ready_task_and_pruning_removes_finished_tasks()
    {
        // The consumers prune on their own schedule (the first time when they start); only this separate
        // instance keeps nothing, so the explicit PruneAsync below is the one that finds the finished task.
        await using var workers = new Workers(_store.CreateQueue());
        await using var pruner = _store.CreateQueue(o => o.Retention = TimeSpan.Zero);
        var consumer = await workers.StartAsync("p");
        await workers.StopAsync(consumer, TimeSpan.FromSeconds(5));
        await workers.Queue.EnqueueBatchAsync(HaberdasherTwirp.MakeHat, [new Size { Inches = 1 }, new Size { Inches = -1 }]);
        await workers.Queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 3 }, new TwirpEnqueueOptions { Delay = TimeSpan.FromHours(1) });
        await Task.Delay(400);

        var waiting = await ProgressAsync(workers.Queue, "p");
        Assert.That((waiting.Done, waiting.Pending, waiting.Leased, waiting.Dead), Is.EqualTo((0L, 3L, 0L, 0L)));
        Assert.That(waiting.OldestPendingAge, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300)).And.LessThan(TimeSpan.FromMinutes(1)));
        Assert.That(waiting.ToString(), Is.EqualTo("p: done 0, pending 3, leased 0, dead 0"));

        await workers.StartAsync("p");
        Assert.That(await Eventually.HoldsAsync(async () => await ProgressAsync(workers.Queue, "p") is { Done: 1, Dead: 1, Pending: 1 }, Patience), Is.True);
        await Task.Delay(20);
        Assert.That(await pruner.PruneAsync(), Is.EqualTo(1), "only the task every group finished goes");
        var pruned = await ProgressAsync(workers.Queue, "p");
        Assert.That((pruned.Done, pruned.Pending, pruned.Dead, pruned.OldestPendingAge), Is.EqualTo((0L, 1L, 1L, TimeSpan.Zero)));
    }

    [Test]
    public async Task A_group_that_starts_late_receives_every_stored_task_and_migrating_twice_is_harmless()
    {
        await using var queue = _store.CreateQueue();
        await queue.MigrateAsync();
        await queue.MigrateAsync();
        var ids = await queue.EnqueueBatchAsync(HaberdasherTwirp.MakeHat, Enumerable.Range(1, 10).Select(i => new Size { Inches = i }));
        await using var workers = new Workers(_store.CreateQueue());

        await workers.StartAsync("late");

        Assert.That(await Eventually.HoldsAsync(async () => (await ProgressAsync(workers.Queue, "late")).Done == 10, Patience), Is.True);
        Assert.That(workers.Probe.TaskIds("late"), Is.EqualTo(ids));
    }

    [Test]
    public async Task Two_worker_processes_share_a_groups_tasks_each_task_once()
    {
        await using var queue = _store.CreateQueue();
        await queue.MigrateAsync();
        // Each hat takes 10 ms, so one process alone needs 1.5 s for the batch: long enough that the other one,
        // polling every 50 ms, always gets a share however the machine schedules the two.
        using var first = HatQueueProcess.Start(_store, "work", "--group", "c", "--concurrency", "2", "--verbose", "--poll-ms", "50", "--work-ms", "10");
        using var second = HatQueueProcess.Start(_store, "work", "--group", "c", "--concurrency", "2", "--verbose", "--poll-ms", "50", "--work-ms", "10");
        Assert.That(await Eventually.HoldsAsync(async () => first.Output.Contains("started") && second.Output.Contains("started"), Patience), Is.True, first.Output + second.Output);

        var ids = await queue.EnqueueBatchAsync(HaberdasherTwirp.MakeHat, Enumerable.Range(1, 300).Select(i => new Size { Inches = 8 }));
        Assert.That(await Eventually.HoldsAsync(async () => (await ProgressAsync(queue, "c")).Done == 300, TimeSpan.FromSeconds(60)), Is.True);
        first.Stop();
        second.Stop();

        var byFirst = first.MadeHats();
        var bySecond = second.MadeHats();
        Assert.That(byFirst, Is.Not.Empty, "both processes took tasks");
        Assert.That(bySecond, Is.Not.Empty, "both processes took tasks");
        Assert.That(byFirst.Intersect(bySecond), Is.Empty, "no task ran in both");
        Assert.That(byFirst.Concat(bySecond).Order(), Is.EqualTo(ids));
    }
}
