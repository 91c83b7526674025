namespace Twirp.SourceGen.Model;

/// <summary>
/// What the build says about one <c>.proto</c> file (its AdditionalFiles / Protobuf item metadata)
/// combined with what the compilation references.
/// </summary>
internal sealed record ProtoFileOptions(bool IsInternal, bool GenerateServer, bool GenerateClient);
