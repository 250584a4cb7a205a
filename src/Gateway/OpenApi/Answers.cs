namespace Vouchers.Gateway.OpenApi;

/// <summary>
/// What a route answers beyond what every route of its kind answers (<see cref="AnswersOperationTransformer"/> adds those:
/// 401/403/429 behind a key or signature, 400/413/415 with a body or parameters, 404 with a path parameter, 503 always).
/// Each status given here is answered as problem details; the problem <c>type</c> says why.
/// </summary>
public static class Answers
{
    /// <summary>The route may also answer these statuses with a problem (e.g. 404 for a body naming a missing batch, 409, 422).</summary>
    public static TBuilder AlsoAnswers<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }

    /// <summary>
    /// A retry of the same request id answers the first result with <c>Idempotent-Replayed: true</c>
    /// (<see cref="Http.Results.IdempotentReplay"/>) and changes nothing.
    /// </summary>
    public static TBuilder Replays<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(ReplaysMetadata.Instance);

    /// <summary>The route reads the optional <c>X-Device-Id</c> header (the scan gun or terminal, for the records).</summary>
    public static TBuilder ReadsDeviceId<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(DeviceIdMetadata.Instance);

    internal sealed class ReplaysMetadata
    {
        public static readonly ReplaysMetadata Instance = new();
    }

    internal sealed class DeviceIdMetadata
    {
        public static readonly DeviceIdMetadata Instance = new();
    }
}
