using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vouchers.Testing.Gateway;

namespace Vouchers.Testing.Security;

/// <summary>A generated malformed request: what it broke, and the request to send as the route's in-scope caller.</summary>
public sealed record FuzzProbe(string Route, string Kind, string Method, string Path, byte[]? Body, string? ContentType)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(new HttpMethod(Method), Path);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        return message;
    }

    public override string ToString()
    {
        var body = Body is null ? "(no body)" : Encoding.UTF8.GetString(Body);
        return $"[{Kind}] {Method} {Path} {(body.Length <= 160 ? body : body[..160] + "…")}";
    }
}

/// <summary>
/// Turns a route's valid request into malformed ones that no server may accept: required fields missing, values of
/// the wrong JSON type, numbers that overflow or lie far outside any range, invalid UTF-8, a duplicated key with a
/// wrong value, nesting deeper than the parser allows, injection strings in id fields, oversized and truncated
/// bodies, random bytes, wrong content types, and malformed route values and query strings. Every mutation keeps at
/// least one defect that validation must refuse, so a request that changes anything is a finding. Seeded: the same
/// seed gives the same probes.
/// </summary>
public sealed class RequestFuzzer(int seed)
{
    public const string Json = "application/json";

    /// <summary>Fields without which each route's body is refused (the others are optional and never removed).</summary>
    private static readonly Dictionary<string, string[]> Required = new()
    {
        ["POST /api/v1/admin/batches"] = ["title", "programId", "claimOpensAt", "claimClosesAt", "quantity", "subsidyAmount", "fundingSource"],
        ["PUT /api/v1/admin/batches/{}"] = ["title", "programId", "claimOpensAt", "claimClosesAt", "quantity", "subsidyAmount", "fundingSource"],
        ["POST /api/v1/admin/batches/{}/quantity"] = ["amount"],
        ["POST /api/v1/admin/batches/{}/targets"] = ["idNumbers"],
        ["POST /api/v1/admin/programs"] = ["id", "name"],
        ["POST /api/v1/admin/institutions"] = ["id", "name", "address", "latitude", "longitude", "radiusMeters"],
        ["POST /api/v1/admin/channels"] = ["id", "name"],
        ["POST /api/v1/admin/api-keys"] = ["role", "displayName"],
        ["POST /api/v1/admin/subsidy-applications/{}/review"] = ["decisions"],
        ["POST /api/v1/channel/claims"] = ["requestId", "batchId", "idNumber", "name", "attestation"],
        ["POST /api/v1/channel/wallet"] = ["idNumber", "attestation"],
        ["POST /api/v1/channel/vouchers/{}/return"] = ["idNumber", "attestation"],
        ["POST /api/v1/channel/vouchers/{}/use"] = ["idNumber", "attestation", "institutionId"],
        ["POST /api/v1/channel/vouchers/{}/qr"] = ["idNumber", "attestation"],
        ["POST /api/v1/channel/check-ins"] = ["idNumber", "attestation", "institutionId", "sessionId", "latitude", "longitude"],
        ["POST /api/v1/institution/verifications"] = ["code"],
        ["POST /api/v1/institution/subsidy-applications"] = ["batchId", "codes"],
        ["POST /api/v1/institution/class-sessions"] = ["classId", "title", "startsAt", "endsAt"],
    };

    /// <summary>
    /// Fields whose values follow a format (ids, ID numbers), where an injection string is always refused. Not "code" of
    /// a verification: a string that is no code is a question the route answers (200, verdict <c>malformed</c>).
    /// </summary>
    private static readonly HashSet<string> FormattedFields =
    [
        "programId", "regionCode", "id", "batchId", "idNumber", "institutionId", "sessionId", "classId", "courseId", "voucherCode",
        "role", "scope",
    ];

    private static readonly string[] Injections =
    [
        "' OR '1'='1", "'; DROP TABLE vouchers_claims; --", "<script>alert(1)</script>", "../../../../etc/passwd", "${jndi:ldap://127.0.0.1/a}",
        "{{7*7}}", "\u0000", "a\r\nX-Injected: 1", "%00%0d%0a", "1; SELECT pg_sleep(5)", "\\u202Eevil", "$(reboot)", "` || true `",
    ];

    private static readonly string[] ContentTypes =
    [
        "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16",
        "application/json; charset=nonsense", "image/png", "*/*",
    ];

    private static readonly string[] Segments =
    [
        "x", "UPPER", "-lead", "under_score", "%20", "%2E%2E", "%FF", "%C0%AF", "a%2Fb", "%0D%0AX-Injected:%201", new string('a', 65),
        new string('7', 400), "%E5%88%B8", "null", "0", "..%5C..%5Cetc", "%25", "'%20OR%201=1--", "%3Cscript%3E", "%F0%9F%98%80",
        "0000000000000000", "%7B%7D", "~", "$.x",
    ];

    private static readonly string[] Queries =
    [
        "limit=-1", "limit=0", "limit=99999999999999999999", "limit=abc", "from=yesterday", "to=0001-01-01T00:00:00%2B14:00",
        "from=9999-12-31T23:59:59Z&to=0001-01-01T00:00:00Z", "cursor=%FF%FE", "cursor=AAAA", "result=bogus", "kind=%00", "classId=Not%20A%20Slug",
        "classId=" + new string('a', 300), "action=%27%20OR%201=1--", "actor=%3Cscript%3E", "limit=1&limit=2", "%ZZ=%ZZ",
    ];

    private readonly Random random = new(seed);

    public int Seed => seed;

    /// <summary>
    /// At least <paramref name="count"/> probes for one route, starting from its valid request (<paramref name="path"/>
    /// with the route values filled in, <paramref name="validBody"/> or null).
    /// </summary>
    public IEnumerable<FuzzProbe> ProbesFor(string method, string template, string path, object? validBody, int count)
    {
        var shape = ApiRouteShapes.Of(method, template);
        var probes = new List<FuzzProbe>();
        void Add(string kind, string p, byte[]? body, string? contentType = Json) => probes.Add(new(shape, kind, method, p, body, contentType));

        var body = validBody is null ? null : JsonSerializer.SerializeToNode(validBody, VoucherApi.Json) as JsonObject;
        foreach (var segmentPath in MalformedPaths(template, path))
        {
            Add("route-value", segmentPath, body is null ? null : Utf8(body.ToJsonString()), body is null ? null : Json);
        }

        if (body is null && method != "GET")
        {
            // A route that changes something without a body: only its route values can be malformed.
            while (probes.Count < count && template.Contains('{', StringComparison.Ordinal))
            {
                Add("random-route-value", RandomSegments(template, path), null, null);
            }

            return probes;
        }

        if (body is null)
        {
            // Reads: malformed query strings, bodies they do not take, and random queries until the quota is met.
            foreach (var query in Queries)
            {
                Add("query", WithQuery(path, query), null, null);
            }

            foreach (var junk in new[] { "{", "[]", "null", "{\"a\":}", new string('[', 200) })
            {
                Add("unexpected-body", path, Utf8(junk));
            }

            while (probes.Count < count)
            {
                Add("random-query", WithQuery(path, RandomQuery()), null, null);
            }

            return probes;
        }

        var required = Required.GetValueOrDefault(shape, []);
        foreach (var field in required.Where(body.ContainsKey))
        {
            Add("missing-field", path, Utf8(Without(body, field).ToJsonString()));
        }

        foreach (var (field, value) in Fields(body))
        {
            foreach (var wrong in WrongTypes(value))
            {
                Add("wrong-type", path, Utf8(With(body, field, wrong)));
            }

            if (value is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
            {
                foreach (var number in new[] { "1e400", "-1e400", "-2147483649", "9223372036854775808", "-1e300", "79228162514264337593543950336" })
                {
                    Add("number-out-of-range", path, Utf8(With(body, field, number)));
                }
            }

            if (value is JsonValue s && s.GetValueKind() == JsonValueKind.String)
            {
                foreach (var invalid in new byte[][] { [0xC3, 0x28], [0xFF, 0xFE], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80] })
                {
                    Add("invalid-utf8", path, InvalidUtf8(body, field, invalid));
                }
            }

            if (!field.Contains('.', StringComparison.Ordinal))
            {
                Add("duplicate-key", path, Utf8(body.ToJsonString()[..^1] + $",\"{field}\":{WrongTypes(value).First()}}}"));
            }

            Add("deep-nesting", path, Utf8(With(body, field, new string('[', 100) + "1" + new string(']', 100))));
            if (FormattedFields.Contains(LastName(field)) && value is JsonValue f && f.GetValueKind() == JsonValueKind.String)
            {
                foreach (var injection in Injections)
                {
                    Add("injection", path, Utf8(With(body, field, JsonSerializer.Serialize(injection))));
                }
            }
        }

        Add("oversized", path, Utf8(body.ToJsonString()[..^1] + ",\"padding\":\"" + new string('x', 70_000) + "\"}"));
        Add("oversized", path, new byte[1_100_000]);
        foreach (var contentType in ContentTypes)
        {
            Add("content-type", path, Utf8(body.ToJsonString()), contentType);
        }

        if (required.Length > 0)
        {
            Add("no-body", path, null, null);
        }

        var valid = Utf8(body.ToJsonString());
        while (probes.Count < count)
        {
            switch (random.Next(3))
            {
                case 0:
                    Add("truncated", path, valid[..random.Next(1, valid.Length - 1)]);
                    break;
                case 1:
                    var garbage = new byte[random.Next(1, 400)];
                    random.NextBytes(garbage);
                    Add("random-bytes", path, garbage);
                    break;
                default:
                    // Two defects at once in different fields: a wrong type and another wrong type or a huge number.
                    var fields = Fields(body).ToList();
                    var (first, firstValue) = fields[random.Next(fields.Count)];
                    var mutated = JsonNode.Parse(With(body, first, WrongTypes(firstValue).ElementAt(random.Next(WrongTypes(firstValue).Count()))))!.AsObject();
                    var topLevel = fields.Where(f => !f.Field.Contains('.', StringComparison.Ordinal) && !first.StartsWith(f.Field, StringComparison.Ordinal)).ToList();
                    Add("combined", path, Utf8(topLevel.Count == 0 ? mutated.ToJsonString() : With(mutated, topLevel[random.Next(topLevel.Count)].Field, "1e400")));
                    break;
            }
        }

        return probes;
    }

    private static string WithQuery(string path, string query) => path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;

    /// <summary>The path with every route value replaced by a random value that no id or code can have (it starts with '_').</summary>
    private string RandomSegments(string template, string path)
    {
        var templateSegments = template.Split('?')[0].Split('/');
        var segments = path.Split('?')[0].Split('/');
        for (var i = 0; i < templateSegments.Length && i < segments.Length; i++)
        {
            if (templateSegments[i].StartsWith('{'))
            {
                segments[i] = "_" + Uri.EscapeDataString(new string([.. Enumerable.Range(0, random.Next(1, 40)).Select(_ => (char)random.Next(0x20, 0x7F))]));
            }
        }

        return string.Join('/', segments);
    }

    private string RandomQuery() => Queries[random.Next(Queries.Length)] + "&" + Uri.EscapeDataString(new string((char)random.Next(0x21, 0x7E), random.Next(1, 20))) + "=" + random.Next();

    private static IEnumerable<string> MalformedPaths(string template, string path)
    {
        // Replace each route value of the filled path (the segments where the template has "{...}") by malformed ones.
        var templateSegments = template.Split('?')[0].Split('/');
        var pathAndQuery = path.Split('?', 2);
        var pathSegments = pathAndQuery[0].Split('/');
        var query = pathAndQuery.Length > 1 ? "?" + pathAndQuery[1] : "";
        for (var i = 0; i < templateSegments.Length && i < pathSegments.Length; i++)
        {
            if (!templateSegments[i].StartsWith('{'))
            {
                continue;
            }

            foreach (var segment in Segments)
            {
                var copy = (string[])pathSegments.Clone();
                copy[i] = segment;
                yield return string.Join('/', copy) + query;
            }
        }
    }

    /// <summary>Top-level fields and the fields of objects one level down ("attestation.method"), with their values.</summary>
    private static IEnumerable<(string Field, JsonNode? Value)> Fields(JsonObject body)
    {
        foreach (var (name, value) in body)
        {
            yield return (name, value);
            if (value is JsonObject inner)
            {
                foreach (var (innerName, innerValue) in inner)
                {
                    yield return ($"{name}.{innerName}", innerValue);
                }
            }
        }
    }

    private static string LastName(string field) => field[(field.LastIndexOf('.') + 1)..];

    /// <summary>JSON values of a type the field's value does not have (never null: null is a valid "absent").</summary>
    private static IEnumerable<string> WrongTypes(JsonNode? value) => value?.GetValueKind() switch
    {
        JsonValueKind.String => ["12345", "true", "{\"x\":1}", "[1]"],
        JsonValueKind.Number => ["\"12\"", "true", "{}", "[]"],
        JsonValueKind.True or JsonValueKind.False => ["\"true\"", "1", "[]", "{}"],
        JsonValueKind.Array => ["\"x\"", "1", "{}", "true"],
        JsonValueKind.Object => ["\"x\"", "1", "[]", "false"],
        _ => ["{\"x\":[{}]}", "[[]]", "-1e400"],
    };

    private static JsonObject Without(JsonObject body, string field)
    {
        var copy = body.DeepClone().AsObject();
        copy.Remove(field);
        return copy;
    }

    /// <summary>The body as JSON text with <paramref name="field"/> ("a" or "a.b") replaced by the raw JSON <paramref name="rawValue"/>.</summary>
    private static string With(JsonObject body, string field, string rawValue)
    {
        const string marker = "\"__fuzz_marker__\"";
        var copy = body.DeepClone().AsObject();
        var parts = field.Split('.');
        var target = parts.Length == 1 ? copy : copy[parts[0]]!.AsObject();
        target[parts[^1]] = "__fuzz_marker__";
        return copy.ToJsonString().Replace(marker, rawValue, StringComparison.Ordinal);
    }

    private static byte[] InvalidUtf8(JsonObject body, string field, byte[] invalid)
    {
        var text = With(body, field, "\"__utf8__\"");
        var index = text.IndexOf("__utf8__", StringComparison.Ordinal);
        return [.. Utf8(text[..index]), .. invalid, .. Utf8(text[(index + "__utf8__".Length)..])];
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
