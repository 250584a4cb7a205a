namespace Vouchers.Contracts;

/// <summary>
/// The cluster's database failed or refused a piece of work, so nothing of it was acknowledged; retrying later is
/// safe. Silos send it in place of a database driver's exception, whose type cannot cross the wire (its message and
/// SQL details stay in the silo's log).
/// </summary>
[GenerateSerializer, Alias("StorageUnavailableException")]
public sealed class StorageUnavailableException : OrleansException
{
    public StorageUnavailableException()
        : base("The database is unavailable.")
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
