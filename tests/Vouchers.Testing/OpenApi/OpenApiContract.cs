using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Vouchers.Testing.OpenApi;

/// <summary>
/// The gateway's OpenAPI document as a contract its answers are checked against: the status is declared for the
/// operation, the body is of a declared content type and matches that response's schema (JSON Schema 2020-12, as
/// OpenAPI 3.1 says), and every header the answer carries is declared. Parsed once per document text; the schemas of
/// each response are built on first use and kept.
/// </summary>
public sealed partial class OpenApiContract
{
    private static readonly ConcurrentDictionary<string, OpenApiContract> Parsed = new(StringComparer.Ordinal);

    /// <summary>Headers every HTTP answer may carry that say how the bytes travel, not what the API answers.</summary>
    private static readonly HashSet<string> TransportHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "Content-Length", "Content-Disposition", "Content-Encoding", "Transfer-Encoding", "Date", "Server",
        "Connection", "Vary", "Keep-Alive",
    };

    private readonly JsonObject paths;
    private readonly JsonObject definitions;
    private readonly List<(Regex Pattern, string Template, int Parameters)> templates;
    private readonly ConcurrentDictionary<string, Lazy<JsonSchema>> schemas = new(StringComparer.Ordinal);
    private readonly Lock building = new();
    private readonly BuildOptions build = new() { SchemaRegistry = new SchemaRegistry() };
    private readonly string baseUri = $"https://contract.invalid/{Guid.NewGuid():N}/";
    private int built;

    private OpenApiContract(string json)
    {
        // The components' schemas become $defs of every response schema, so their $refs resolve without a registry lookup.
        var document = JsonNode.Parse(json.Replace("\"#/components/schemas/", "\"#/$defs/", StringComparison.Ordinal))!.AsObject();
        paths = document["paths"]!.AsObject();
        definitions = document["components"]?["schemas"]?.AsObject() ?? [];
        templates = [.. paths.Select(p => (Template(p.Key), p.Key, p.Key.Count(c => c == '{'))).OrderBy(t => t.Item3)];
    }

    /// <summary>The contract of <paramref name="documentJson"/>, parsed once for every host that serves the same text.</summary>
    public static OpenApiContract Of(string documentJson) => Parsed.GetOrAdd(documentJson, json => new OpenApiContract(json));

    /// <summary>What is wrong with an answer, one line each; empty when it conforms.</summary>
    public IReadOnlyList<string> Check(
        string method, string path, int status, IEnumerable<KeyValuePair<string, string>> headers, string? contentType, ReadOnlySpan<byte> body)
    {
        var problems = new List<string>();
        var template = templates.FirstOrDefault(t => t.Pattern.IsMatch(path)).Template;
        if (template is null)
        {
            // No route of the API: only the router's own answers are allowed.
            if (status is not (404 or 405))
            {
                problems.Add($"{method} {path} is no operation of the document, yet was answered {status}.");
            }

            return problems;
        }

        if (paths[template]?[method.ToLowerInvariant()] is not JsonObject operation)
        {
            if (status != 405)
            {
                problems.Add($"{method} {template} is not in the document, yet was answered {status}.");
            }

            return problems;
        }

        var statusKey = status.ToString(CultureInfo.InvariantCulture);
        var responsePointer = $"{template} {method} {statusKey}";
        if ((operation["responses"]?[statusKey] ?? operation["responses"]?["default"]) is not JsonObject response)
        {
            problems.Add($"{method} {template} answered {status}, which the document does not declare for it " +
                $"(declared: {string.Join(", ", operation["responses"]?.AsObject().Select(r => r.Key) ?? [])}).");
            return problems;
        }

        var declaredHeaders = response["headers"]?.AsObject().Select(h => h.Key).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        foreach (var (name, _) in headers)
        {
            if (!TransportHeaders.Contains(name) && !declaredHeaders.Contains(name))
            {
                problems.Add($"{method} {template} {status} carries the header {name}, which the document does not declare.");
            }
        }

        var content = response["content"]?.AsObject();
        if (body.Length == 0)
        {
            return problems;
        }

        var mediaType = contentType?.Split(';')[0].Trim();
        if (content is null || mediaType is null || content[mediaType] is not JsonObject media)
        {
            problems.Add($"{method} {template} {status} has a body of type '{contentType}', which the document does not declare " +
                $"(declared: {string.Join(", ", content?.Select(c => c.Key) ?? [])}).");
            return problems;
        }

        if (!IsJson(mediaType) || media["schema"] is not JsonObject schema)
        {
            return problems;
        }

        JsonDocument instance;
        try
        {
            instance = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException e)
        {
            problems.Add($"{method} {template} {status} declares {mediaType} but its body is not JSON: {e.Message}");
            return problems;
        }

        using (instance)
        {
            var compiled = SchemaOf($"{responsePointer} {mediaType}", schema);
            EvaluationResults results;
            // The library resolves references on first use and is not safe for parallel hosts sharing one schema.
            lock (compiled)
            {
                results = compiled.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            }

            if (!results.IsValid)
            {
                var errors = (results.Details ?? [])
                    .Where(d => d.Errors is { Count: > 0 })
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value} ({d.EvaluationPath})"))
                    .Take(8);
                problems.Add($"{method} {template} {status}: the body does not match the schema: {string.Join("; ", errors)}. " +
                    $"Body: {Excerpt(body)}");
            }
        }

        return problems;
    }

    private JsonSchema SchemaOf(string key, JsonObject schema) => schemas.GetOrAdd(key, _ => new Lazy<JsonSchema>(() => Build(schema))).Value;

    private JsonSchema Build(JsonObject schema)
    {
        var standalone = schema.DeepClone().AsObject();
        standalone["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        standalone["$defs"] = definitions.DeepClone();
        var uri = new Uri($"{baseUri}{Interlocked.Increment(ref built)}");
        using var document = JsonDocument.Parse(standalone.ToJsonString());
        lock (building)
        {
            return JsonSchema.Build(document.RootElement.Clone(), build, uri);
        }
    }

    private static bool IsJson(string mediaType) =>
        mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);

    private static Regex Template(string template) =>
        new("^" + TemplateParameter().Replace(Regex.Escape(template).Replace("\\{", "{", StringComparison.Ordinal), "[^/]+") + "$",
            RegexOptions.CultureInvariant);

    private static string Excerpt(ReadOnlySpan<byte> body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length <= 600 ? text : text[..600] + "…";
    }

    [GeneratedRegex("\\{[^}/]+\\}")]
    private static partial Regex TemplateParameter();
}
