using System.Globalization;
using System.Text.Json;

namespace Vouchers.LoadTests.Transport;

/// <summary>One HTTP answer, read whole: status, body and the one header the scenarios care about.</summary>
public sealed class ApiResponse(int status, byte[] body, bool replayed)
{
    private JsonElement? json;

    public int Status { get; } = status;
    public byte[] Body { get; } = body;
    public bool Replayed { get; } = replayed;
    public long Size => Body.Length;
    public bool IsSuccess => Status is >= 200 and < 300;

    /// <summary>The JSON body, or an undefined element when the body is not JSON.</summary>
    public JsonElement Json => json ??= Parse(Body);

    /// <summary>The last segment of a problem's type, e.g. <c>sold-out</c> for <c>urn:vouchers:problem:sold-out</c>.</summary>
    public string? Problem => String("type") is { } type ? type[(type.LastIndexOf(':') + 1)..] : null;

    /// <summary>Status code plus problem type, for the status-code table: <c>409 sold-out</c>.</summary>
    public string Label => Problem is { } p && !IsSuccess ? $"{Status} {p}" : Status.ToString(CultureInfo.InvariantCulture);

    public string? String(string property) =>
        Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static JsonElement Parse(byte[] body)
    {
        try
        {
            return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
