using Vouchers.Domain;

namespace Vouchers.Events;

/// <summary>
/// How events are spread over streams: every event of a batch goes to one stream, picked by a stable hash of the batch
/// id, so a batch's events stay in order and one consumer per stream counts them. The number of streams is
/// <c>Events:Streams</c>, the same on every silo of a cluster; a consumer's counts are its stream's batches'.
/// </summary>
public static class EventStreams
{
    /// <summary>The Orleans stream namespace the pumps publish to and the consumers subscribe to implicitly.</summary>
    public const string Namespace = "vouchers-events";

    /// <summary>The Orleans stream provider the events travel on.</summary>
    public const string Provider = "events";

    public static int Of(string batchId, int streams) => Fnv1a.Bucket(batchId, streams);

    /// <summary>The key of stream <paramref name="stream"/>, of its pump and of each consumer grain of it.</summary>
    public static string KeyOf(int stream) => stream.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
