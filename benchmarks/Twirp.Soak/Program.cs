using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Twirp;
using Twirp.Example.Haberdasher;

// Drives the sample server with JSON and protobuf MakeHat calls for a while and prints the calls made
// per interval. Usage: Twirp.Soak <base address> <minutes> [workers] [interval seconds]
var baseAddress = new Uri(args[0]);
var duration = TimeSpan.FromMinutes(double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture));
var workers = args.Length > 2 ? int.Parse(args[2]) : 8;
var interval = TimeSpan.FromSeconds(args.Length > 3 ? int.Parse(args[3]) : 30);

using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = baseAddress };
var clients = new[]
{
    new HaberdasherClient(http, new TwirpClientOptions { Encoding = TwirpEncoding.Protobuf }),
    new HaberdasherClient(http, new TwirpClientOptions { Encoding = TwirpEncoding.Json }),
};
long calls = 0, failures = 0;
using var stop = new CancellationTokenSource(duration);

async Task WorkAsync(int worker)
{
    var i = worker;
    while (!stop.IsCancellationRequested)
    {
        i++;
        try
        {
            // Every 50th call asks for 0 inches: the error path (invalid_argument) soaks too.
            var inches = i % 50 == 0 ? 0 : 1 + i % 20;
            await clients[i % 2].MakeHatAsync(new Size { Inches = inches });
            Interlocked.Increment(ref calls);
        }
        catch (TwirpException error) when (error.Code == TwirpErrorCode.InvalidArgument)
        {
            Interlocked.Increment(ref calls);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref failures);
        }
    }
}

var clock = Stopwatch.StartNew();
var load = Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w))));
long last = 0;
Console.WriteLine("elapsed_s,calls,calls_per_s,failures");
while (!load.IsCompleted)
{
    await Task.WhenAny(load, Task.Delay(interval));
    var now = Interlocked.Read(ref calls);
    Console.WriteLine($"{clock.Elapsed.TotalSeconds:F0},{now},{(now - last) / interval.TotalSeconds:F0},{Interlocked.Read(ref failures)}");
    last = now;
}
Console.WriteLine($"total: {calls} calls, {failures} failures in {clock.Elapsed.TotalMinutes:F1} min");
return failures == 0 ? 0 : 1;
