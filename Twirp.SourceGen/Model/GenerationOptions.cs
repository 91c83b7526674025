namespace Twirp.SourceGen.Model;

/// <summary>
/// What the generator writes for one input <c>.proto</c>: its <see cref="Input.ProtoFileMetadata"/> (item
/// metadata) decided against the runtimes the compilation references.
/// </summary>
/// <param name="Generate">False for <c>TwirpServices="None"</c>: the file only feeds the symbol table.</param>
/// <param name="WritesGrpcClasses">Grpc.Tools writes gRPC classes for the file, whose names are taken.</param>
internal sealed record GenerationOptions(bool Generate, bool IsInternal, bool GenerateServer, bool GenerateClient, bool WritesGrpcClasses);
