using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace Vouchers.Grains.Storage;

/// <summary>
/// Stores grain state as plain System.Text.Json without .NET type names, so stored state survives
/// renames of types and namespaces (the providers' default embeds Newtonsoft type names).
/// </summary>
public sealed class JsonGrainStorageSerializer : IGrainStorageSerializer
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.Strict,
    };

    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T Deserialize<T>(BinaryData input) =>
        JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options)
        ?? throw new JsonException($"Stored state of {typeof(T).Name} deserialized to null.");
}
