using System.Text.Json;
using Microsoft.OpenApi;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Http.Contracts;
using Vouchers.Http.Persons;
using Vouchers.Http.Problems;

namespace Vouchers.Gateway.OpenApi;

/// <summary>
/// Examples for the operations integrators start with (claim, verification, subsidy), built from the API's own contract
/// types and serialized as the API serializes them, so an example can never drift from its schema.
/// </summary>
public static class OpenApiExamples
{
    private static readonly DateTimeOffset CheckedAt = new(2026, 3, 2, 9, 30, 0, TimeSpan.FromHours(8));
    private static readonly string Code = ExampleCode();

    private static readonly VoucherView Claimed = new(
        Code, "demo-electrician-2026", "electrician-l5", VoucherStatus.Claimed, "张*丰", "4403**********2319", 1500m,
        CheckedAt, CheckedAt.AddDays(90), "national-app", null, null, null);

    private static readonly SubsidyApplicationView Application = new(
        "sa-7f3a9c2e41d05b6e8a17", "sz-skills-school", "demo-electrician-2026", "4403", SubsidyApplicationStatus.Submitted,
        [new SubsidyLine(Code, SubsidyLineStatus.Pending, 1500m)], CheckedAt.AddDays(30), null);

    /// <summary>Request and answer examples of the operation named by the endpoint's <see cref="IEndpointNameMetadata"/>.</summary>
    public static void Apply(OpenApiOperation operation, IList<object> metadata, JsonSerializerOptions json)
    {
        var name = metadata.OfType<IEndpointNameMetadata>().LastOrDefault()?.EndpointName;
        switch (name)
        {
            case "Claim":
                Request(operation, json, new ClaimBody
                {
                    RequestId = "tour-1",
                    BatchId = "demo-electrician-2026",
                    IdNumber = "440305199003072319",
                    Name = "张三丰",
                    Attestation = new AttestationRequest("face", CheckedAt),
                });
                Answer(operation, json, "200", Claimed);
                Answer(operation, json, "409", new Dictionary<string, object?>
                {
                    ["type"] = ProblemTypes.AlreadyClaimed,
                    ["title"] = "The person holds a voucher of this batch already.",
                    ["status"] = 409,
                    ["detail"] = $"The existing voucher is {Code}.",
                    ["voucherCode"] = Code,
                    ["traceId"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                });
                break;
            case "Verify":
                Request(operation, json, new VerifyRequest(Code));
                Answer(operation, json, "200", new VerifyResponse(Code, true, VerifyVerdict.Valid, Claimed));
                break;
            case "SubmitSubsidyApplication":
                Request(operation, json, new SubsidyApplicationRequest("demo-electrician-2026", [Code], "apply-2026-04-01"));
                Answer(operation, json, "201", Application);
                break;
            case "ReviewSubsidyApplication":
                Request(operation, json, new ReviewRequest([new ReviewDecision(Code, true, "roster and attendance checked")]));
                Answer(operation, json, "200", Application with { Lines = [new SubsidyLine(Code, SubsidyLineStatus.Approved, 1500m)] });
                break;
            case "DisburseSubsidy":
                Answer(operation, json, "200", Application with
                {
                    Status = SubsidyApplicationStatus.Disbursed,
                    Lines = [new SubsidyLine(Code, SubsidyLineStatus.Redeemed, 1500m)],
                    DisbursedAt = CheckedAt.AddDays(40),
                });
                break;
            default:
                break;
        }
    }

    private static void Request<T>(OpenApiOperation operation, JsonSerializerOptions json, T example)
    {
        if (operation.RequestBody?.Content?.TryGetValue("application/json", out var media) == true && media is not null)
        {
            media.Example = JsonSerializer.SerializeToNode(example, json);
        }
    }

    private static void Answer<T>(OpenApiOperation operation, JsonSerializerOptions json, string status, T example)
    {
        if (operation.Responses?.TryGetValue(status, out var response) == true && response?.Content is { } content)
        {
            foreach (var media in content.Values)
            {
                media.Example = JsonSerializer.SerializeToNode(example, json);
            }
        }
    }

    /// <summary>A well-formed code (its check character right), the same in every document.</summary>
    private static string ExampleCode()
    {
        const string Data = "7K4QW9HMXR2TPC3N";
        return Data + VoucherCode.CheckCharacter(Data);
    }
}
