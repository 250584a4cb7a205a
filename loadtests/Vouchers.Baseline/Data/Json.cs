using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vouchers.Baseline.Data;

/// <summary>The API's JSON conventions: camelCase, enums as camelCase strings, numbers strictly as numbers.</summary>
public static class Json
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.NumberHandling = JsonNumberHandling.Strict;
    }

    /// <summary>Batch definitions are stored as jsonb in the same shape the API shows them.</summary>
    public static JsonSerializerOptions Storage { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }
}
