namespace Vouchers.Domain;

/// <summary>A string hash that is the same in every process and on every machine (unlike string.GetHashCode).</summary>
public static class Fnv1a
{
    /// <summary>FNV-1a over the characters of <paramref name="text"/>.</summary>
    public static uint Hash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }

    /// <summary>Which of <paramref name="buckets"/> buckets <paramref name="text"/> falls in.</summary>
    public static int Bucket(string text, int buckets) => (int)(Hash(text) % (uint)buckets);
}
