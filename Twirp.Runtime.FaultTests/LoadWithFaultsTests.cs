using System;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;
using Google.Protobuf;
using NUnit.Framework;
using Twirp.Runtime.FaultTests.Protos;

namespace Twirp.Runtime.FaultTests;

/// <summary>
/// Valid calls on loopback while other clients abort mid-body, reset after their request, send garbage
/// and oversize bodies, for a bounded time (<c>TWIRP_FAULT_LOAD_SECONDS</c>, default 20): no valid call
/// fails and Twirp logs no error.
/// </summary>
public class LoadWithFaultsTests
{
    [Test]
    public async Task Valid_calls_all_succeed_while_hostile_clients_fault_alongside()
    {
        var seconds = int.TryParse(Environment.GetEnvironmentVariable("TWIRP_FAULT_LOAD_SECONDS"), out var configured) ? configured : 20;
        await using var server = await FaultServer.StartAsync(maxRequestBodySize: 64 * 1024);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        long succeeded = 0, faultsSent = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();

        async Task ValidCallsAsync(int worker)
        {
            using var client = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
            var random = new Random(worker);
            while (!stop.IsCancellationRequested)
            {
                var node = new Node { Text = "call " + random.Next(), Ratio = random.NextDouble() };
                node.Numbers.Add(random.NextInt64());
                var json = random.Next(2) == 0;
                HttpContent content;
                if (json)
                {
                    content = new StringContent(JsonFormatter.Default.Format(node), System.Text.Encoding.UTF8, "application/json");
                }
                else
                {
                    content = new ByteArrayContent(node.ToByteArray());
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/protobuf");
                }
                try
                {
                    using var response = await client.PostAsync(FaultServer.EchoPath, content);
                    var echoed = json
                        ? JsonParser.Default.Parse<Node>(await response.Content.ReadAsStringAsync())
                        : Node.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
                    if (response.IsSuccessStatusCode && echoed.Equals(node))
                    {
                        Interlocked.Increment(ref succeeded);
                    }
                    else
                    {
                        failures.Enqueue($"{(int)response.StatusCode} {echoed}");
                    }
                }
                catch (Exception exception)
                {
                    failures.Enqueue(exception.GetType().Name + ": " + exception.Message);
                }
            }
        }

        async Task FaultsAsync(int worker)
        {
            var random = new Random(100 + worker);
            var slow = RawConnection.Request(FaultServer.SlowPath, "application/protobuf", new SlowRequest { DelayMs = 30, IgnoreCancellation = true }.ToByteArray());
            while (!stop.IsCancellationRequested)
            {
                using var connection = server.Connect();
                switch (random.Next(5))
                {
                    case 0: // reset mid-body
                        connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/protobuf", contentLength: 500));
                        connection.Send(new byte[random.Next(0, 100)]);
                        await Task.Delay(random.Next(0, 5));
                        connection.Reset();
                        break;
                    case 1: // reset right after a full request, before the answer
                        connection.Send(slow);
                        await Task.Delay(random.Next(0, 40));
                        connection.Reset();
                        break;
                    case 2: // garbage
                        var garbage = new byte[random.Next(1, 300)];
                        random.NextBytes(garbage);
                        connection.Send(garbage);
                        connection.Send("\r\n\r\n");
                        connection.WaitForClose(TimeSpan.FromSeconds(5));
                        break;
                    case 3: // oversize chunked
                        connection.Send(RawConnection.Head(FaultServer.EchoPath, "application/protobuf", contentLength: null, chunked: true));
                        connection.Send(RawConnection.Chunked(new byte[80 * 1024], 8192));
                        connection.WaitForClose(TimeSpan.FromSeconds(5));
                        break;
                    default: // random body, then reset whatever the answer
                        var body = new byte[random.Next(0, 200)];
                        random.NextBytes(body);
                        connection.Send(RawConnection.Request(FaultServer.EchoPath, "application/protobuf", body));
                        connection.Reset();
                        break;
                }
                Interlocked.Increment(ref faultsSent);
            }
        }

        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => ValidCallsAsync(i)))
            .Concat(Enumerable.Range(0, 2).Select(i => Task.Run(() => FaultsAsync(i)))));
        await Task.Delay(500); // the last faults' logs

        TestContext.Out.WriteLine($"{succeeded} valid calls ({succeeded / clock.Elapsed.TotalSeconds:F0}/s) and {faultsSent} faults in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.That(failures.Take(10), Is.Empty, $"{failures.Count} valid calls failed");
        Assert.That(succeeded, Is.GreaterThan(100));
        Assert.That(faultsSent, Is.GreaterThan(100));
        Assert.That(server.Logs.TwirpErrors.Take(10), Is.Empty);
    }
}
