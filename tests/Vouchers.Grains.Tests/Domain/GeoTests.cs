using Vouchers.Domain;

namespace Vouchers.Grains.Tests.Domain;

public sealed class GeoTests
{
    /// <summary>One degree of a great circle on the sphere of the mean Earth radius.</summary>
    private const double DegreeMeters = Geo.EarthRadiusMeters * Math.PI / 180;

    [Fact]
    public void TiananmenToBeijingRailwayStationIsAboutTwoAndAHalfKilometres()
    {
        // 天安门 (gate) and 北京站 (station building), WGS-84.
        var meters = Geo.DistanceMeters(39.9087, 116.3975, 39.9029, 116.4270);

        Assert.InRange(meters, 2_560, 2_640);
    }

    [Fact]
    public void NashvilleToLosAngelesMatchesThePublishedHaversineFigureScaledToTheMeanRadius()
    {
        // The classic haversine example: 2887.2599506 km on a sphere of 6372.8 km; distances scale with the radius.
        var expected = 2_887_259.9506 * Geo.EarthRadiusMeters / 6_372_800;

        Assert.Equal(expected, Geo.DistanceMeters(36.12, -86.67, 33.94, -118.40), precision: 0);
    }

    [Fact]
    public void OneDegreeAlongTheEquatorOrAMeridianIsTheRadiusTimesPiOver180()
    {
        Assert.Equal(DegreeMeters, Geo.DistanceMeters(0, 0, 0, 1), precision: 3);
        Assert.Equal(DegreeMeters, Geo.DistanceMeters(0, 30, 1, 30), precision: 3);
        Assert.Equal(111_195.08, DegreeMeters, precision: 2);
    }

    [Theory]
    [InlineData(179.9, -179.9)]
    [InlineData(-179.9, 179.9)]
    [InlineData(180.0, -179.8)]
    public void PointsAcrossTheAntimeridianAreCloseNotHalfTheWorldApart(double fromLongitude, double toLongitude)
    {
        Assert.Equal(0.2 * DegreeMeters, Geo.DistanceMeters(0, fromLongitude, 0, toLongitude), precision: 3);
    }

    [Fact]
    public void ThePolesAreHalfACircumferenceApartAndAPointIsZeroFromItself()
    {
        Assert.Equal(Math.PI * Geo.EarthRadiusMeters, Geo.DistanceMeters(90, 0, -90, 0), precision: 3);
        Assert.Equal(Math.PI * Geo.EarthRadiusMeters, Geo.DistanceMeters(0, 0, 0, 180), precision: 3);
        Assert.Equal(0, Geo.DistanceMeters(22.5431, 114.0579, 22.5431, 114.0579));
        Assert.Equal(0, Geo.DistanceMeters(90, 0, 90, 123), precision: 6);
    }

    [Fact]
    public void DistanceIsSymmetricAndResolvesCentimetres()
    {
        Assert.Equal(Geo.DistanceMeters(22.5431, 114.0579, 23.1291, 113.2644), Geo.DistanceMeters(23.1291, 113.2644, 22.5431, 114.0579), precision: 6);

        // 1e-7 degrees of latitude is about 1.1 cm; the formula must not round it away.
        Assert.Equal(DegreeMeters * 1e-7, Geo.DistanceMeters(22.5431, 114.0579, 22.5431001, 114.0579), precision: 4);
    }

    [Theory]
    [InlineData(22.5, 114.0)]
    [InlineData(-90.0, -180.0)]
    [InlineData(90.0, 180.0)]
    [InlineData(0.0, 0.0001)]
    public void ValidPositionsHaveNoErrors(double latitude, double longitude)
    {
        Assert.Empty(Geo.Validate(latitude, longitude));
    }

    [Theory]
    [InlineData(90.000001, 114.0, "latitude")]
    [InlineData(-91.0, 114.0, "latitude")]
    [InlineData(double.NaN, 114.0, "latitude")]
    [InlineData(double.PositiveInfinity, 114.0, "latitude")]
    [InlineData(null, 114.0, "latitude")]
    [InlineData(22.5, 180.5, "longitude")]
    [InlineData(22.5, -181.0, "longitude")]
    [InlineData(22.5, double.NaN, "longitude")]
    [InlineData(22.5, double.NegativeInfinity, "longitude")]
    [InlineData(22.5, null, "longitude")]
    [InlineData(0.0, 0.0, "latitude")]
    public void InvalidPositionsNameTheField(double? latitude, double? longitude, string field)
    {
        var errors = Geo.Validate(latitude, longitude);

        Assert.Equal(field, Assert.Single(errors).Key);
    }

    [Fact]
    public void ErrorsUseTheFieldNamesTheCallerGives()
    {
        var errors = Geo.Validate(null, null, "position.lat", "position.lon");

        Assert.Equal(["position.lat", "position.lon"], errors.Keys.Order(StringComparer.Ordinal));
    }
}
