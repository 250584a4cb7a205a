namespace Vouchers.Grains.Storage;

/// <summary>The named grain storage every grain of the engine persists to.</summary>
public static class StorageNames
{
    public const string Vouchers = "vouchers";
}
