using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Twirp;
using Twirp.Example.Haberdasher;
using Twirp.Queue;
using Twirp.Queue.PostgreSql;
using Twirp.Queue.Sqlite;
using Twirp.Queue.Tests;

// dotnet run -c Release --project benchmarks/Twirp.Queue.Benchmarks [-- sqlite|postgres] [--tasks N]
var stores = args.Where(a => a is "sqlite" or "postgres").DefaultIfEmpty("sqlite").ToList();
if (!args.Any(a => a is "sqlite" or "postgres"))
{
    stores.Add("postgres");
}
var tasks = args.SkipWhile(a => a != "--tasks").Skip(1).Select(int.Parse).FirstOrDefault(10_000);
Console.WriteLine($"Twirp.Queue benchmarks: {Environment.ProcessorCount} cores, {tasks} tasks per end-to-end run, .NET {Environment.Version}");

foreach (var store in stores)
{
    await using var postgres = store == "postgres" ? await PostgresServer.StartAsync(durable: true) : null;
    var directory = Path.Combine(Path.GetTempPath(), "twirp-queue-bench-" + Guid.NewGuid().ToString("N")[..8]);
    Directory.CreateDirectory(directory);
    var databases = 0;
    async Task<Func<TwirpQueue>> FreshAsync()
    {
        if (postgres is null)
        {
            var path = Path.Combine(directory, $"bench{databases++}.db");
            return () => new SqliteTwirpQueue(path);
        }
        var connectionString = await postgres.CreateDatabaseAsync();
        return () => new PostgreSqlTwirpQueue(connectionString);
    }

    Console.WriteLine($"\n== {store} ==");
    {
        var create = await FreshAsync();
        await using var queue = create();
        await queue.MigrateAsync();
        var single = Math.Min(tasks / 5, 2000);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < single; i++)
        {
            await queue.EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = i });
        }
        Console.WriteLine($"enqueue, one call per transaction:   {single / clock.Elapsed.TotalSeconds,10:N0} tasks/s ({single} tasks)");
        clock.Restart();
        foreach (var chunk in Enumerable.Range(0, tasks * 2).Chunk(1000))
        {
            await queue.EnqueueBatchAsync(HaberdasherTwirp.MakeHat, chunk.Select(i => new Size { Inches = i }));
        }
        Console.WriteLine($"enqueue, batches of 1,000:           {tasks * 2 / clock.Elapsed.TotalSeconds,10:N0} tasks/s ({tasks * 2} tasks)");
    }

    foreach (var workers in new[] { 1, 2, 4 })
    {
        var create = await FreshAsync();
        await using var queue = create();
        await using var app = new BenchApp(queue);
        // Register the group first, so the run measures draining, not the backfill of a new group.
        await app.StopAsync(await app.StartAsync("e2e", 1, TimeSpan.FromSeconds(1)));
        foreach (var chunk in Enumerable.Range(0, tasks).Chunk(1000))
        {
            await queue.EnqueueBatchAsync(HaberdasherTwirp.MakeHat, chunk.Select(i => new Size { Inches = i }));
        }
        var clock = Stopwatch.StartNew();
        var consumers = new List<IDisposable>();
        for (var i = 0; i < workers; i++)
        {
            consumers.Add(await app.StartAsync("e2e", 16, TimeSpan.FromSeconds(1)));
        }
        while (app.Handled < tasks && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(5);
        }
        var elapsed = clock.Elapsed;
        foreach (var consumer in consumers)
        {
            await app.StopAsync(consumer);
        }
        var done = (await queue.GetProgressAsync()).Single().Done;
        Console.WriteLine($"end to end, {workers} worker(s) x 16 slots:  {app.Handled / elapsed.TotalSeconds,10:N0} tasks/s ({app.Handled} handled, {done} marked done)");
    }

    foreach (var crossProcess in new[] { false, true })
    {
        var create = await FreshAsync();
        await using var queue = create();
        await using var producer = crossProcess ? create() : null;
        await using var app = new BenchApp(queue);
        var poll = TimeSpan.FromMilliseconds(postgres is null ? 50 : 1000);
        var consumer = await app.StartAsync("latency", 1, poll);
        var samples = new List<double>();
        for (var i = 0; i < 300; i++)
        {
            var before = app.Handled;
            var sent = Stopwatch.GetTimestamp();
            await (producer ?? queue).EnqueueAsync(HaberdasherTwirp.MakeHat, new Size { Inches = 1 }, new TwirpEnqueueOptions
            {
                Headers = new Dictionary<string, string> { ["x-sent"] = sent.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            });
            var wait = Stopwatch.StartNew();
            while (app.Handled == before && wait.Elapsed < TimeSpan.FromSeconds(10))
            {
                await Task.Delay(1);
            }
            await Task.Delay(20);
        }
        await app.StopAsync(consumer);
        var latencies = app.Latencies.Order().ToArray();
        var how = crossProcess ? (postgres is null ? $"another queue object (polling every {poll.TotalMilliseconds} ms)" : "another queue object (LISTEN/NOTIFY)") : "the same queue object (in-process signal)";
        Console.WriteLine($"idle worker, enqueue to handler, from {how}: p50 {Percentile(latencies, 0.50):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms ({latencies.Length} samples)");
    }
    Directory.Delete(directory, recursive: true);
}

static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

/// <summary>Consumers of a trivial hat maker over one queue, counting handled calls and their latency.</summary>
internal sealed class BenchApp : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly Counter _counter = new();

    public BenchApp(TwirpQueue queue)
    {
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)).AddSingleton(_counter).AddTwirpQueue(queue);
        services.AddTwirp();
        _services = services.BuildServiceProvider();
    }

    public int Handled => _counter.Handled;

    public ConcurrentBag<double> Latencies => _counter.Latencies;

    public async Task<IDisposable> StartAsync(string group, int concurrency, TimeSpan poll)
    {
        var consumer = new TwirpQueueConsumer<BenchHatMaker>(_services, new TwirpQueueConsumerOptions { Group = group, Concurrency = concurrency, PollInterval = poll });
        await consumer.StartAsync(CancellationToken.None);
        return consumer;
    }

    public async Task StopAsync(IDisposable consumer)
    {
        await ((TwirpQueueConsumer<BenchHatMaker>)consumer).StopAsync(CancellationToken.None);
        consumer.Dispose();
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}

internal sealed class Counter
{
    private int _handled;

    public int Handled => Volatile.Read(ref _handled);

    public ConcurrentBag<double> Latencies { get; } = new();

    public void Add(TwirpContext context)
    {
        if (context.RequestHeaders.TryGetValue("x-sent", out var sent))
        {
            Latencies.Add(Stopwatch.GetElapsedTime(long.Parse(sent.ToString(), System.Globalization.CultureInfo.InvariantCulture)).TotalMilliseconds);
        }
        Interlocked.Increment(ref _handled);
    }
}

internal sealed class BenchHatMaker(Counter counter) : HaberdasherBase
{
    public override Task<Hat> MakeHat(Size request, TwirpContext context)
    {
        counter.Add(context);
        return Task.FromResult(new Hat { Inches = request.Inches, Color = "red" });
    }
}
