using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Vouchers.LoadTests.Transport;

/// <summary>
/// One HTTP/1.1 request as the bytes of one send: request line, Host, the credential's header (X-Api-Key, or a
/// channel's signed Authorization), Content-Type and Content-Length, then the JSON body. The buffer is rented from
/// <see cref="ArrayPool{T}.Shared"/>; the caller returns it.
/// </summary>
internal static class Http1Request
{
    public static ArraySegment<byte> Format(string method, string pathAndQuery, string host, Credential? credential, byte[]? body)
    {
        var headLength = method.Length + pathAndQuery.Length + host.Length + 160;
        var buffer = ArrayPool<byte>.Shared.Rent((headLength * 3) + (credential?.MaxHeaderBytes(pathAndQuery.Length) ?? 0) + (body?.Length ?? 0));
        var n = 0;
        void Write(string s) => n += Encoding.UTF8.GetBytes(s, 0, s.Length, buffer, n);
        Write(method);
        Write(" ");
        Write(pathAndQuery);
        Write(" HTTP/1.1\r\nHost: ");
        Write(host);
        if (credential is not null)
        {
            n += credential.WriteHeader(buffer.AsSpan(n), method, pathAndQuery, body);
        }

        if (body is not null)
        {
            Write("\r\nContent-Type: application/json");
        }

        Write("\r\nContent-Length: ");
        Utf8Formatter.TryFormat(body?.Length ?? 0, buffer.AsSpan(n), out var digits);
        n += digits;
        Write("\r\n\r\n");
        if (body is not null)
        {
            body.CopyTo(buffer, n);
            n += body.Length;
        }

        return new ArraySegment<byte>(buffer, 0, n);
    }
}
