using System;
using System.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Twirp.Runtime.FaultTests;

/// <summary>
/// <c>dotnet Twirp.Runtime.FaultTests.dll serve [--urls ...] [--HostOptions:ShutdownTimeout=...]</c> runs the
/// fault server in a process of its own, for the shutdown tests' SIGTERM. The test host never calls this.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] != "serve")
        {
            Console.Error.WriteLine("usage: Twirp.Runtime.FaultTests serve [--urls http://127.0.0.1:0] [--HostOptions:ShutdownTimeout=00:00:30]");
            return 2;
        }
        var app = FaultServer.Build(args.Skip(1).ToArray(), logs: null);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            Console.WriteLine("listening " + address);
        });
        app.Lifetime.ApplicationStopping.Register(() => Console.WriteLine("stopping"));
        app.Run();
        Console.WriteLine("stopped");
        return 0;
    }
}
