using System.IO;
using Twirp.Packaging.Tests.Infrastructure;

namespace Twirp.Packaging.Tests.EndToEnd;

/// <summary>
/// Writes two new projects the way a user would set them up from the README: a web server and a
/// console caller sharing one <c>.proto</c>, with only PackageReferences to our local feed.
/// </summary>
public sealed class ConsumerProjects
{
    public const string Proto = """
        syntax = "proto3";

        package e2e.hats;

        option csharp_namespace = "E2E.Hats";

        import "sizes.proto";

        service Haberdasher {
          rpc MakeHat(Size) returns (Hat);
        }

        message Hat {
          int32 inches = 1;
          string color = 2;
          string name = 3;
        }
        """;

    /// <summary>The user's edit: <see cref="Proto"/> with one more rpc.</summary>
    public static readonly string ProtoWithMeasure = Proto.Replace(
        "  rpc MakeHat(Size) returns (Hat);\n",
        "  rpc MakeHat(Size) returns (Hat);\n  // Measure tells the size of a hat.\n  rpc Measure(Hat) returns (Size);\n");

    /// <summary>Imported by hats.proto, so import resolution (ProtoRoot) runs through a real build.</summary>
    public const string SizesProto = """
        syntax = "proto3";

        package e2e.hats;

        option csharp_namespace = "E2E.Hats";

        message Size { int32 inches = 1; }
        """;

    private readonly LocalPackages _packages;

    public ConsumerProjects(string root, LocalPackages packages)
    {
        Root = root;
        _packages = packages;
    }

    public string Root { get; }

    public string Web => Path.Combine(Root, "Web");

    public string Caller => Path.Combine(Root, "Caller");

    /// <summary>A caller that forgot Grpc.Tools: it must get TWIRP053, not a wall of CS0246.</summary>
    public string WithoutGrpcTools => Path.Combine(Root, "NoGrpcTools");

    public string ProtoPath => Path.Combine(Root, "Protos", "hats.proto");

    public void Write()
    {
        Directory.CreateDirectory(Path.Combine(Root, "Protos"));
        Directory.CreateDirectory(Web);
        Directory.CreateDirectory(Caller);

        // Our feed first, then whatever sources the machine already uses (nuget.org, a mirror).
        File.WriteAllText(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="twirp-e2e" value="{_packages.Feed}" />
              </packageSources>
            </configuration>
            """);
        // Stop MSBuild from looking further up for Directory.*.props (a temp folder may have any parent).
        File.WriteAllText(Path.Combine(Root, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(Root, "Directory.Packages.props"), "<Project />\n");
        File.WriteAllText(ProtoPath, Proto);
        File.WriteAllText(Path.Combine(Root, "Protos", "sizes.proto"), SizesProto);

        var v = _packages.Version;
        var grpcTools = _packages.CentralVersion("Grpc.Tools");
        File.WriteAllText(Path.Combine(Web, "Web.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Twirp.SourceGen" Version="{v}" />
                <PackageReference Include="Twirp.Runtime" Version="{v}" />
                <PackageReference Include="Twirp.OpenApi" Version="{v}" />
                <PackageReference Include="Grpc.Tools" Version="{grpcTools}" PrivateAssets="all" />
              </ItemGroup>
              <ItemGroup>
                <Protobuf Include="../Protos/*.proto" ProtoRoot="../Protos" GrpcServices="None" />
              </ItemGroup>
            </Project>
            """);

        // The caller also names a .proto explicitly as AdditionalFiles (through another relative path) to
        // prove it is not added twice, keeps its classes internal through the Protobuf item, and relies
        // on the default ProtoRoot (the directory of a file outside the project) where Web sets it.
        File.WriteAllText(Path.Combine(Caller, "Caller.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Twirp.SourceGen" Version="{v}" />
                <PackageReference Include="Twirp.Client" Version="{v}" />
                <PackageReference Include="Grpc.Tools" Version="{grpcTools}" PrivateAssets="all" />
              </ItemGroup>
              <ItemGroup>
                <Protobuf Include="../Protos/*.proto" GrpcServices="None" Access="Internal" TwirpServices="Client" />
                <AdditionalFiles Include="../Caller/../Protos/hats.proto" />
              </ItemGroup>
            </Project>
            """);

        Directory.CreateDirectory(WithoutGrpcTools);
        File.WriteAllText(Path.Combine(WithoutGrpcTools, "NoGrpcTools.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Twirp.SourceGen" Version="{v}" />
                <PackageReference Include="Twirp.Client" Version="{v}" />
              </ItemGroup>
              <ItemGroup>
                <Protobuf Include="../Protos/*.proto" />
              </ItemGroup>
            </Project>
            """);

        WritePrograms(measure: false);
    }

    /// <summary>The code a user adds after putting <c>Measure</c> in the .proto.</summary>
    public void WritePrograms(bool measure)
    {
        var measureOverride = measure
            ? "public override Task<Size> Measure(Hat request, TwirpContext context) => Task.FromResult(new Size { Inches = request.Inches });"
            : string.Empty;
        File.WriteAllText(Path.Combine(Web, "Program.cs"), $$"""
            using E2E.Hats;
            using Twirp;

            var builder = WebApplication.CreateBuilder(args);
            builder.Services.AddTwirp();
            // Microsoft.AspNetCore.OpenApi comes with Twirp.OpenApi (net10.0): no reference of its own.
            builder.Services.AddOpenApi(options => options.AddTwirpOperations());
            var app = builder.Build();
            app.MapTwirp<HatService>();
            app.MapTwirpOpenApi();
            app.MapOpenApi();
            app.Run();

            sealed class HatService : HaberdasherBase
            {
                public override Task<Hat> MakeHat(Size request, TwirpContext context) =>
                    Task.FromResult(new Hat { Inches = request.Inches, Color = "grey", Name = "fedora" });

                {{measureOverride}}
            }
            """);

        File.WriteAllText(Path.Combine(Caller, "Program.cs"), CallerProgram(measure));
    }

    private static string CallerProgram(bool measure)
    {
        var measureCall = measure
            ? """
              var size = await client.MeasureAsync(hat);
              Console.WriteLine($"measured: {size.Inches} inches");
              """
            : string.Empty;
        return $$"""
            using E2E.Hats;

            using var http = new HttpClient { BaseAddress = new Uri(args[0]) };
            var client = new HaberdasherClient(http);
            var hat = await client.MakeHatAsync(new Size { Inches = int.Parse(args[1]) });
            Console.WriteLine($"hat: {hat.Inches} inches, {hat.Name}");
            {{measureCall}}
            """;
    }
}
