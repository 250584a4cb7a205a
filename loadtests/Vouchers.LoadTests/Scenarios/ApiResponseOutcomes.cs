using Vouchers.LoadTests.Transport;

namespace Vouchers.LoadTests.Scenarios;

/// <summary>A step's outcome from an API answer, labelled for the status-code table with its size for data transfer.</summary>
public static class ApiResponseOutcomes
{
    public static Response<T> Ok<T>(this ApiResponse response, T payload) => Response.Ok(payload, response.Label, response.Size);

    public static Response<T> Fail<T>(this ApiResponse response, string message) => Response.Fail<T>(response.Label, message, response.Size);
}
