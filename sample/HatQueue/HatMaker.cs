using System;
using System.Threading.Tasks;
using Twirp;
using Twirp.Example.Haberdasher;
using Twirp.Queue;

namespace HatQueue;

/// <summary>The service the queue serves: the same code would serve HTTP with <c>MapTwirp</c>.</summary>
public sealed class HatMaker(HatMakerSettings settings) : HaberdasherBase
{
    private static readonly string[] Colors = ["red", "green", "blue", "black"];

    public override async Task<Hat> MakeHat(Size request, TwirpContext context)
    {
        if (request.Inches <= 0)
        {
            // Not retryable: the task becomes a dead letter at once.
            throw TwirpException.InvalidArgument("inches", "I can't make a hat that small!");
        }
        if (settings.WorkTime > TimeSpan.Zero)
        {
            await Task.Delay(settings.WorkTime, context.CancellationToken);
        }
        var task = context.GetQueueTask()!;
        var hat = new Hat { Inches = request.Inches, Color = Colors[task.TaskId % Colors.Length], Name = "hat #" + task.TaskId };
        if (settings.Verbose)
        {
            Console.WriteLine($"{task.Group}: made {hat.Name} ({hat.Inches}\", {hat.Color}), attempt {task.Attempt}");
        }
        return hat;
    }
}

/// <summary>How the worker behaves: <c>--work-ms</c> (time each hat takes) and <c>--verbose</c>.</summary>
public sealed record HatMakerSettings(TimeSpan WorkTime, bool Verbose);
