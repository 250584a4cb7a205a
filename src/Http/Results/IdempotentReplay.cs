using Microsoft.AspNetCore.Http;

namespace Vouchers.Http.Results;

/// <summary>The header that marks an answer as the first result of a request id sent again (nothing changed).</summary>
public static class IdempotentReplay
{
    public const string Header = "Idempotent-Replayed";

    public static void Mark(HttpResponse response) => response.Headers[Header] = "true";

    public static bool IsMarked(HttpResponse response) => response.Headers[Header] == "true";
}
