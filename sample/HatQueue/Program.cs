using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using HatQueue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Twirp.Example.Haberdasher;
using Twirp.Queue;
using Twirp.Queue.PostgreSql;
using Twirp.Queue.Sqlite;

// hatqueue enqueue N | work --group G [--concurrency C] | status      [--sqlite PATH | --postgres "<cs>"]
var arguments = new Arguments(args);
if (arguments.Command is null)
{
    Console.Error.WriteLine("""
        usage: HatQueue enqueue N [--batch] | work --group G [--concurrency C] [--work-ms MS] [--lease-ms MS] [--verbose] | status
               [--sqlite PATH (default hats.db) | --postgres "<connection string>"]
        """);
    return 2;
}

await using var queue = arguments.CreateQueue();
switch (arguments.Command)
{
    case "enqueue":
    {
        var count = int.Parse(arguments.Positional(0) ?? "1", System.Globalization.CultureInfo.InvariantCulture);
        var sizes = Enumerable.Range(0, count).Select(i => new Size { Inches = 8 + i % 10 }).ToList();
        var ids = new List<long>();
        // One transaction per 1,000 calls: the batch API is what makes enqueueing fast.
        foreach (var chunk in sizes.Chunk(1000))
        {
            ids.AddRange(await queue.EnqueueBatchAsync(HaberdasherTwirp.MakeHat, chunk));
        }
        Console.WriteLine($"enqueued {ids.Count} hats (task ids {ids.FirstOrDefault()}..{ids.LastOrDefault()})");
        return 0;
    }
    case "status":
        foreach (var group in await queue.GetProgressAsync())
        {
            Console.WriteLine($"{group}, oldest pending {group.OldestPendingAge.TotalSeconds:0.0} s");
        }
        return 0;
    case "work":
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Twirp.Queue", LogLevel.Information);
        builder.Services.AddSingleton(new HatMakerSettings(TimeSpan.FromMilliseconds(arguments.Int("--work-ms") ?? 0), arguments.Flag("--verbose")));
        builder.Services.AddTwirpQueue(queue);
        builder.Services.AddTwirp().AddQueueConsumer<HatMaker>(o =>
        {
            o.Group = arguments.Option("--group") ?? "default";
            o.Concurrency = arguments.Int("--concurrency") ?? 1;
            if (arguments.Int("--lease-ms") is { } leaseMs)
            {
                o.LeaseDuration = TimeSpan.FromMilliseconds(leaseMs);
            }
            o.PollInterval = TimeSpan.FromMilliseconds(arguments.Int("--poll-ms") ?? 200);
        });
        await builder.Build().RunAsync();
        return 0;
    }
    default:
        Console.Error.WriteLine($"unknown command '{arguments.Command}'");
        return 2;
}

internal sealed class Arguments(string[] args)
{
    public string? Command => args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : null;

    public string? Positional(int index)
    {
        var positional = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToList();
        return index < positional.Count ? positional[index] : null;
    }

    public string? Option(string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    public int? Int(string name) => Option(name) is { } value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    public bool Flag(string name) => args.Contains(name);

    public TwirpQueue CreateQueue() => Option("--postgres") is { } postgres
        ? new PostgreSqlTwirpQueue(postgres)
        : new SqliteTwirpQueue(Option("--sqlite") ?? "hats.db");
}
