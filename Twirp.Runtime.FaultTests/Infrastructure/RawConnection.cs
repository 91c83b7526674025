using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Twirp.Runtime.FaultTests;

/// <summary>An HTTP/1.1 response as read off the socket.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public bool ClosesConnection => Headers.TryGetValue("connection", out var value) && value.Equals("close", StringComparison.OrdinalIgnoreCase);

    /// <summary>The Twirp error code of the body, or null when the body is not a Twirp error.</summary>
    public string? TwirpCode
    {
        get
        {
            if (!Headers.TryGetValue("content-type", out var type) || !type.StartsWith("application/json", StringComparison.Ordinal))
            {
                return null;
            }
            try
            {
                using var json = JsonDocument.Parse(Body);
                return json.RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    public override string ToString() => $"{Status} {(Body.Length < 300 ? BodyText : BodyText.Substring(0, 300) + "...")}";
}

/// <summary>
/// A client that speaks HTTP/1.1 by hand over a socket, so it can do what HttpClient never does: lie
/// about lengths, break chunk framing, send garbage, stop mid-body, reset the connection.
/// </summary>
public sealed class RawConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly List<byte> _pending = new();
    private bool _closed;

    private RawConnection(Socket socket) => _socket = socket;

    public static RawConnection Open(EndPoint endPoint)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        socket.Connect(endPoint);
        return new RawConnection(socket);
    }

    /// <summary>The head of a request: request line, Host, the given headers, and the blank line.</summary>
    public static byte[] Head(string path, string contentType, long? contentLength, bool chunked = false, string method = "POST", params string[] headers)
    {
        var head = new StringBuilder();
        head.Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ").Append(contentType).Append("\r\n");
        if (contentLength is { } length)
        {
            head.Append("Content-Length: ").Append(length).Append("\r\n");
        }
        if (chunked)
        {
            head.Append("Transfer-Encoding: chunked\r\n");
        }
        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }
        head.Append("\r\n");
        return Encoding.ASCII.GetBytes(head.ToString());
    }

    /// <summary>A whole request with a Content-Length that tells the truth.</summary>
    public static byte[] Request(string path, string contentType, byte[] body, string method = "POST", params string[] headers) =>
        Concat(Head(path, contentType, body.Length, method: method, headers: headers), body);

    /// <summary><paramref name="body"/> in chunks of <paramref name="chunkSize"/> bytes, with the last chunk and no trailers.</summary>
    public static byte[] Chunked(byte[] body, int chunkSize)
    {
        using var framed = new MemoryStream();
        for (var offset = 0; offset < body.Length; offset += chunkSize)
        {
            var size = Math.Min(chunkSize, body.Length - offset);
            framed.Write(Encoding.ASCII.GetBytes(size.ToString("x") + "\r\n"));
            framed.Write(body, offset, size);
            framed.Write("\r\n"u8);
        }
        framed.Write("0\r\n\r\n"u8);
        return framed.ToArray();
    }

    public static byte[] Concat(params byte[][] parts)
    {
        using var all = new MemoryStream();
        foreach (var part in parts)
        {
            all.Write(part);
        }
        return all.ToArray();
    }

    /// <summary>Sends bytes; false when the server has already closed or reset the connection.</summary>
    public bool Send(ReadOnlySpan<byte> bytes)
    {
        try
        {
            while (bytes.Length > 0)
            {
                var sent = _socket.Send(bytes);
                bytes = bytes.Slice(sent);
            }
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public bool Send(string ascii) => Send(Encoding.ASCII.GetBytes(ascii));

    /// <summary>Closes our sending side (a FIN): the server sees the body end early.</summary>
    public void ShutdownSend() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Resets the connection (an RST, not a FIN), as a crashing or impatient client does.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
        _closed = true;
    }

    /// <summary>
    /// Reads one response; null when the server closed or reset the connection without answering.
    /// Throws <see cref="TimeoutException"/> when nothing complete arrives in time.
    /// </summary>
    public RawResponse? ReadResponse(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        int headEnd;
        while ((headEnd = IndexOf(_pending, "\r\n\r\n"u8)) < 0)
        {
            if (!Receive(deadline))
            {
                if (_pending.Count == 0)
                {
                    return null;
                }
                throw new IOException($"connection closed inside a response head: {Encoding.ASCII.GetString(_pending.ToArray())}");
            }
        }
        var head = Encoding.ASCII.GetString(_pending.GetRange(0, headEnd).ToArray()).Split("\r\n");
        _pending.RemoveRange(0, headEnd + 4);
        var status = int.Parse(head[0].Split(' ')[1]);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < head.Length; i++)
        {
            var colon = head[i].IndexOf(':');
            headers[head[i].Substring(0, colon).Trim()] = head[i].Substring(colon + 1).Trim();
        }
        byte[] body;
        if (headers.TryGetValue("content-length", out var lengthText))
        {
            var length = int.Parse(lengthText);
            while (_pending.Count < length)
            {
                if (!Receive(deadline))
                {
                    throw new IOException("connection closed inside a response body");
                }
            }
            body = _pending.GetRange(0, length).ToArray();
            _pending.RemoveRange(0, length);
        }
        else if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = ReadChunkedBody(deadline);
        }
        else
        {
            while (Receive(deadline))
            {
            }
            body = _pending.ToArray();
            _pending.Clear();
        }
        return new RawResponse(status, headers, body);
    }

    /// <summary>Whether the server closes (or resets) the connection within <paramref name="timeout"/>; bytes it sends meanwhile are dropped.</summary>
    public bool WaitForClose(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        try
        {
            while (Receive(deadline))
            {
                _pending.Clear();
            }
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private byte[] ReadChunkedBody(DateTime deadline)
    {
        using var body = new MemoryStream();
        while (true)
        {
            int lineEnd;
            while ((lineEnd = IndexOf(_pending, "\r\n"u8)) < 0)
            {
                if (!Receive(deadline))
                {
                    throw new IOException("connection closed inside a chunked response");
                }
            }
            var size = Convert.ToInt32(Encoding.ASCII.GetString(_pending.GetRange(0, lineEnd).ToArray()).Split(';')[0], 16);
            _pending.RemoveRange(0, lineEnd + 2);
            while (_pending.Count < size + 2)
            {
                if (!Receive(deadline))
                {
                    throw new IOException("connection closed inside a chunk");
                }
            }
            body.Write(_pending.GetRange(0, size).ToArray());
            _pending.RemoveRange(0, size + 2);
            if (size == 0)
            {
                return body.ToArray();
            }
        }
    }

    /// <summary>Receives more bytes; false once the connection is closed or reset.</summary>
    private bool Receive(DateTime deadline)
    {
        if (_closed)
        {
            return false;
        }
        var remaining = deadline - DateTime.UtcNow;
        if (remaining <= TimeSpan.Zero)
        {
            throw new TimeoutException("no complete response in time");
        }
        _socket.ReceiveTimeout = Math.Max(1, (int)remaining.TotalMilliseconds);
        var buffer = new byte[16 * 1024];
        int read;
        try
        {
            read = _socket.Receive(buffer);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.TimedOut || exception.SocketErrorCode == SocketError.WouldBlock)
        {
            throw new TimeoutException("no complete response in time");
        }
        catch (SocketException)
        {
            _closed = true;
            return false;
        }
        if (read == 0)
        {
            _closed = true;
            return false;
        }
        for (var i = 0; i < read; i++)
        {
            _pending.Add(buffer[i]);
        }
        return true;
    }

    private static int IndexOf(List<byte> bytes, ReadOnlySpan<byte> pattern)
    {
        for (var i = 0; i + pattern.Length <= bytes.Count; i++)
        {
            var match = true;
            for (var j = 0; j < pattern.Length && match; j++)
            {
                match = bytes[i + j] == pattern[j];
            }
            if (match)
            {
                return i;
            }
        }
        return -1;
    }

    public void Dispose()
    {
        if (!_closed)
        {
            _socket.Dispose();
            _closed = true;
        }
    }
}
