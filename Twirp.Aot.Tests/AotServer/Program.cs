using System;
using System.Linq;
using System.Threading.Tasks;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Twirp;
using Twirp.Aot;

// Listens on a free loopback port and prints "listening <address>" once it answers.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Services.AddTwirp(options => options.Json.TypeRegistry = TypeRegistry.FromMessages(Everything.Types.Nested.Descriptor));
var app = builder.Build();
app.MapTwirp<MirrorService>();
app.Lifetime.ApplicationStarted.Register(() =>
    Console.WriteLine("listening " + app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
app.Run();

internal sealed class MirrorService : MirrorBase
{
    public override Task<Everything> Echo(Everything request, TwirpContext context)
    {
        var answer = request.Clone();
        answer.ServedBy = "aot";
        return Task.FromResult(answer);
    }
}
