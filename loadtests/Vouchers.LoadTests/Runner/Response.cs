namespace Vouchers.LoadTests;

/// <summary>The outcome of one scenario iteration or step, as NBomber's <c>IResponse</c>.</summary>
public interface IResponse
{
    bool IsError { get; }

    /// <summary>Shown in the status-code table; null leaves the response out of it.</summary>
    string? StatusCode { get; }

    /// <summary>Bytes transferred, for the data-transfer statistics.</summary>
    long SizeBytes { get; }

    string? Message { get; }
}

/// <summary>A response that may carry a payload from a step to the rest of its iteration.</summary>
public sealed class Response<T> : IResponse
{
    public required bool IsError { get; init; }
    public string? StatusCode { get; init; }
    public long SizeBytes { get; init; }
    public string? Message { get; init; }
    public T? Payload { get; init; }
    public bool IsOk => !IsError;
}

public static class Response
{
    public static Response<object> Ok(string? statusCode = null, long sizeBytes = 0, string? message = null) =>
        new() { IsError = false, StatusCode = statusCode, SizeBytes = sizeBytes, Message = message };

    public static Response<T> Ok<T>(T payload, string? statusCode = null, long sizeBytes = 0, string? message = null) =>
        new() { IsError = false, StatusCode = statusCode, SizeBytes = sizeBytes, Message = message, Payload = payload };

    public static Response<object> Fail(string? statusCode = null, string? message = null, long sizeBytes = 0) =>
        new() { IsError = true, StatusCode = statusCode, SizeBytes = sizeBytes, Message = message };

    public static Response<T> Fail<T>(string? statusCode = null, string? message = null, long sizeBytes = 0) =>
        new() { IsError = true, StatusCode = statusCode, SizeBytes = sizeBytes, Message = message };
}
