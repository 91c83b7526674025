namespace Twirp;

/// <summary>The wire protocol of a call. The same endpoints and clients speak both.</summary>
public enum TwirpProtocol
{
    /// <summary>Twirp (v7/v8): <c>POST</c>, <c>application/protobuf</c> or <c>application/json</c>, errors as <c>{"code","msg","meta"}</c>.</summary>
    Twirp,
    /// <summary>
    /// Connect's unary protocol (connectrpc.com): <c>application/proto</c>, or <c>application/json</c> with
    /// <c>Connect-Protocol-Version: 1</c>, or a <c>GET</c> for methods without side effects; errors as
    /// <c>{"code","message","details"}</c> with Connect's own status table.
    /// </summary>
    Connect,
}
