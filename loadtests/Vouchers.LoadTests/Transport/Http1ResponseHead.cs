using System.Buffers.Text;
using System.Text;

namespace Vouchers.LoadTests.Transport;

/// <summary>
/// What the client needs of a response's status line and headers: the status, how the body is framed, whether the
/// connection stays open, and the engine's Idempotent-Replayed header.
/// </summary>
internal readonly record struct Http1ResponseHead(int Status, long? ContentLength, bool Chunked, bool KeepAlive, bool Replayed)
{
    public static Http1ResponseHead Parse(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var digits) || digits != 3 || status < 100)
        {
            throw new HttpRequestException("The response does not start with an HTTP/1.x status line.");
        }

        var keepAlive = statusLine[7] == (byte)'1';
        var chunked = false;
        var replayed = false;
        long? contentLength = null;
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var next = rest.IndexOf("\r\n"u8);
            var line = next < 0 ? rest : rest[..next];
            rest = next < 0 ? [] : rest[(next + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long length, out var used) || used != value.Length || length < 0)
                {
                    throw new HttpRequestException("The Content-Length is not valid.");
                }

                contentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                chunked = Ascii.EqualsIgnoreCase(value, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                keepAlive = !Ascii.EqualsIgnoreCase(value, "close"u8) && (keepAlive || Ascii.EqualsIgnoreCase(value, "keep-alive"u8));
            }
            else if (Ascii.EqualsIgnoreCase(name, "Idempotent-Replayed"u8))
            {
                replayed = Ascii.EqualsIgnoreCase(value, "true"u8);
            }
        }

        return new Http1ResponseHead(status, contentLength, chunked, keepAlive, replayed);
    }
}
