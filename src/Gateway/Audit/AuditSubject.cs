using System.Text.Json.Nodes;
using Vouchers.Contracts;
using Vouchers.Domain;
using Vouchers.Http.Contracts;

namespace Vouchers.Gateway.Audit;

/// <summary>What an audit record says about the changed thing: its id, its region and its essentials (a small JSON object).</summary>
public sealed record AuditState(string TargetId, string RegionCode, string Essentials);

/// <summary>
/// How an audited route's subject is read: before the handler runs (null when there is nothing yet, as for a
/// creation), and after a successful answer, from the answer's value or read again.
/// </summary>
public abstract class AuditSubject
{
    public virtual ValueTask<AuditState?> BeforeAsync(HttpContext http, IGrainFactory grains) => ValueTask.FromResult<AuditState?>(null);

    public abstract ValueTask<AuditState?> AfterAsync(HttpContext http, object? value, IGrainFactory grains);

    /// <summary>The route value <paramref name="name"/> when it is an id (a slug); otherwise null.</summary>
    protected static string? RouteId(HttpContext http, string name) =>
        http?.GetRouteValue(name) is string id && Identifiers.IsValidSlug(id) ? id : null;

    protected static string Camel<T>(T value)
        where T : struct, Enum
    {
        var name = value.ToString();
        return string.Concat(char.ToLowerInvariant(name[0]).ToString(), name[1..]);
    }

    protected static string Json(JsonObject essentials) => essentials.ToJsonString();
}

/// <summary>The subjects of the audited routes and the essentials each records (never an ID number or a person's name).</summary>
public static class AuditSubjects
{
    /// <summary>A batch (route value <c>id</c>, or the created batch): status, quantity, window, validity, amount, program, how many institutions and channels.</summary>
    public static readonly AuditSubject Batch = new BatchSubject();

    /// <summary>People put on a batch's targeted list (route value <c>id</c>): how many; the people themselves are never named.</summary>
    public static readonly AuditSubject BatchTargets = new BatchTargetsSubject();

    /// <summary>A subsidy application (route value <c>id</c>, or the submitted one): status, lines per status, amount approved.</summary>
    public static readonly AuditSubject SubsidyApplication = new SubsidyApplicationSubject();

    /// <summary>A registered training program, institution or channel (the created entry).</summary>
    public static readonly AuditSubject RegistryEntry = new RegistryEntrySubject();

    /// <summary>A key (route value <c>keyId</c>, or the issued key): role, scope, kind, expiry, revocation, successor. Never a secret.</summary>
    public static readonly AuditSubject Key = new KeySubject();

    /// <summary>A published class session (the institution's region): class, course, start and end.</summary>
    public static readonly AuditSubject ClassSession = new ClassSessionSubject();

    private sealed class BatchSubject : AuditSubject
    {
        public override async ValueTask<AuditState?> BeforeAsync(HttpContext http, IGrainFactory grains) =>
            RouteId(http, "id") is { } id ? Describe(await grains.Grain<IBatchGrain>(id).GetAsync()) : null;

        public override async ValueTask<AuditState?> AfterAsync(HttpContext http, object? value, IGrainFactory grains) =>
            value is BatchSnapshot batch ? Describe(batch)
            : RouteId(http, "id") is { } id ? Describe(await grains.Grain<IBatchGrain>(id).GetAsync())
            : null;

        private static AuditState? Describe(BatchSnapshot? batch) => batch is null ? null : new(batch.Id, batch.Definition.RegionCode, Json(new JsonObject
        {
            ["status"] = Camel(batch.Status),
            ["quantity"] = batch.Definition.Quantity,
            ["programId"] = batch.Definition.ProgramId,
            ["claimOpensAt"] = batch.Definition.ClaimOpensAt,
            ["claimClosesAt"] = batch.Definition.ClaimClosesAt,
            ["daysValidAfterClaim"] = batch.Definition.DaysValidAfterClaim,
            ["fixedExpiry"] = batch.Definition.FixedExpiry,
            ["subsidyAmount"] = batch.Definition.SubsidyAmount,
            ["eligibleInstitutions"] = batch.Definition.EligibleInstitutionIds.Length,
            ["enabledChannels"] = batch.Definition.EnabledChannelIds.Length,
            ["targetedListOnly"] = batch.Definition.Eligibility.TargetedListOnly,
        }));
    }

    private sealed class BatchTargetsSubject : AuditSubject
    {
        public override async ValueTask<AuditState?> AfterAsync(HttpContext http, object? value, IGrainFactory grains) =>
            value is TargetsResponse targets && RouteId(http, "id") is { } id && await grains.Grain<IBatchGrain>(id).GetAsync() is { } batch
                ? new(batch.Id, batch.Definition.RegionCode, Json(new JsonObject { ["targetsAdded"] = targets.Added }))
                : null;
    }

    private sealed class SubsidyApplicationSubject : AuditSubject
    {
        public override async ValueTask<AuditState?> BeforeAsync(HttpContext http, IGrainFactory grains) =>
            RouteId(http, "id") is { } id ? Describe(await grains.Grain<ISubsidyApplicationGrain>(id).GetAsync()) : null;

        public override ValueTask<AuditState?> AfterAsync(HttpContext http, object? value, IGrainFactory grains) =>
            ValueTask.FromResult(Describe(value as SubsidyApplicationView));

        private static AuditState? Describe(SubsidyApplicationView? application)
        {
            if (application is null)
            {
                return null;
            }

            var lines = new JsonObject();
            foreach (var status in Enum.GetValues<SubsidyLineStatus>())
            {
                lines[Camel(status)] = application.Lines.Count(l => l.Status == status);
            }

            return new(application.Id, application.RegionCode, Json(new JsonObject
            {
                ["status"] = Camel(application.Status),
                ["batchId"] = application.BatchId,
                ["institutionId"] = application.InstitutionId,
                ["lines"] = lines,
                ["approvedAmount"] = application.ApprovedAmount,
            }));
        }
    }

    private sealed class RegistryEntrySubject : AuditSubject
    {
        public override ValueTask<AuditState?> AfterAsync(HttpContext http, object? value, IGrainFactory grains) => ValueTask.FromResult<AuditState?>(value switch
        {
            TrainingProgram p => new(p.Id, p.RegionCode, Json(new JsonObject { ["regionCode"] = p.RegionCode, ["occupationCode"] = p.OccupationCode })),
            Institution i => new(i.Id, i.RegionCode, Json(new JsonObject
            {
                ["regionCode"] = i.RegionCode,
                ["latitude"] = i.Latitude,
                ["longitude"] = i.Longitude,
                ["radiusMeters"] = i.RadiusMeters,
            })),
            Channel c => new(c.Id, "", Json(new JsonObject { ["channelId"] = c.Id })),
            _ => null,
        });
    }

    private sealed class KeySubject : AuditSubject
    {
        public override async ValueTask<AuditState?> BeforeAsync(HttpContext http, IGrainFactory grains) =>
            RouteId(http, "keyId") is { } keyId ? Describe(await grains.Grain<IKeyDirectoryGrain>(KeyDirectory.Key).GetAsync(keyId)) : null;

        public override async ValueTask<AuditState?> AfterAsync(HttpContext http, object? value, IGrainFactory grains) =>
            (RouteId(http, "keyId") ?? (value as ApiKeyResponse)?.KeyId) is { } keyId
                ? Describe(await grains.Grain<IKeyDirectoryGrain>(KeyDirectory.Key).GetAsync(keyId))
                : null;

        private static AuditState? Describe(KeyEntry? key) => key is null ? null : new(key.KeyId, key.RegionCode, Json(new JsonObject
        {
            ["role"] = Camel(key.Role),
            ["scope"] = key.Scope,
            ["kind"] = Camel(key.Kind),
            ["issuedBy"] = key.IssuedBy,
            ["expiresAt"] = key.ExpiresAt,
            ["revokedAt"] = key.RevokedAt,
            ["revokedBy"] = key.RevokedBy,
            ["replacedBy"] = key.ReplacedBy,
        }));
    }

    private sealed class ClassSessionSubject : AuditSubject
    {
        public override async ValueTask<AuditState?> AfterAsync(HttpContext http, object? value, IGrainFactory grains)
        {
            if (value is not ClassSessionView session)
            {
                return null;
            }

            var institution = await grains.Grain<IRegistryGrain<Institution>>(session.InstitutionId).GetAsync();
            return new(CheckInKeys.Session(session.InstitutionId, session.Id), institution?.RegionCode ?? "", Json(new JsonObject
            {
                ["institutionId"] = session.InstitutionId,
                ["classId"] = session.ClassId,
                ["courseId"] = session.CourseId,
                ["startsAt"] = session.StartsAt,
                ["endsAt"] = session.EndsAt,
            }));
        }
    }
}
