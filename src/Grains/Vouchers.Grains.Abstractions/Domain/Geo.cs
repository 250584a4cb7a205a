namespace Vouchers.Domain;

/// <summary>
/// Positions in WGS-84 degrees (what phones report) and great-circle distances between them. The haversine formula
/// on a sphere of the mean Earth radius is within 0.5 % of the ellipsoidal distance, a few metres at the radii of
/// check-ins (10 m to 10 km), and stays accurate for short distances, where the spherical law of cosines does not.
/// </summary>
public static class Geo
{
    /// <summary>The mean Earth radius (IUGG, R1), in metres.</summary>
    public const double EarthRadiusMeters = 6_371_008.8;

    /// <summary>A finite number of degrees between -90 and 90.</summary>
    public static bool IsValidLatitude(double latitude) => double.IsFinite(latitude) && latitude is >= -90 and <= 90;

    /// <summary>A finite number of degrees between -180 and 180.</summary>
    public static bool IsValidLongitude(double longitude) => double.IsFinite(longitude) && longitude is >= -180 and <= 180;

    /// <summary>
    /// The coordinate errors of a position, keyed by <paramref name="latitudeField"/> and <paramref name="longitudeField"/>:
    /// missing, not finite, out of range, or exactly 0, 0 (where a missing position ends up, not where anyone is).
    /// Empty when the position is valid.
    /// </summary>
    public static Dictionary<string, string[]> Validate(double? latitude, double? longitude, string latitudeField = "latitude", string longitudeField = "longitude")
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (latitude is not { } lat || !IsValidLatitude(lat))
        {
            errors[latitudeField] = ["The latitude is required: degrees between -90 and 90 (WGS-84)."];
        }

        if (longitude is not { } lon || !IsValidLongitude(lon))
        {
            errors[longitudeField] = ["The longitude is required: degrees between -180 and 180 (WGS-84)."];
        }

        if (errors.Count == 0 && latitude == 0 && longitude == 0)
        {
            errors[latitudeField] = ["0, 0 is where a missing position ends up; send the real one."];
        }

        return errors;
    }

    /// <summary>The great-circle distance in metres between two valid positions (haversine).</summary>
    public static double DistanceMeters(double latitude1, double longitude1, double latitude2, double longitude2)
    {
        var phi1 = Radians(latitude1);
        var phi2 = Radians(latitude2);
        var sinHalfDeltaPhi = Math.Sin(Radians(latitude2 - latitude1) / 2);
        // sin² is periodic in 180°, so a difference of 359.8° across the antimeridian counts as 0.2°.
        var sinHalfDeltaLambda = Math.Sin(Radians(longitude2 - longitude1) / 2);
        var h = (sinHalfDeltaPhi * sinHalfDeltaPhi) + (Math.Cos(phi1) * Math.Cos(phi2) * sinHalfDeltaLambda * sinHalfDeltaLambda);
        return 2 * EarthRadiusMeters * Math.Asin(Math.Sqrt(Math.Clamp(h, 0, 1)));
    }

    private static double Radians(double degrees) => degrees * Math.PI / 180;
}
