using System.Threading.Tasks;
using Google.Protobuf.WellKnownTypes;
using Twirp.Example.Haberdasher;
using Twirp.OpenApi.Tests.Kitchen;

namespace Twirp.OpenApi.Tests.Infrastructure;

/// <summary>Echoes every field kind back, so a client can prove the round trip.</summary>
public sealed class KitchenSinkService : KitchenSinkBase
{
    public override Task<Everything> Echo(Everything request, TwirpContext context) => Task.FromResult(request);

    [System.Obsolete("Deprecated in the .proto, on purpose: the document marks it.")]
    public override Task<Empty> Ping(Empty request, TwirpContext context) => Task.FromResult(new Empty());

    public override Task<Tree> Grow(Tree request, TwirpContext context)
    {
        var grown = request.Clone();
        grown.Children.Add(new Tree { Label = request.Label + ".child" });
        return Task.FromResult(grown);
    }
}

public sealed class HaberdasherService : HaberdasherBase
{
    public override Task<Hat> MakeHat(Size request, TwirpContext context) =>
        request.Inches <= 0
            ? throw new TwirpException(TwirpErrorCode.InvalidArgument, "inches must be positive")
            : Task.FromResult(new Hat { Inches = request.Inches, Color = "blue", Name = "bowler" });
}
