using Vouchers.Domain;
using Vouchers.Http.Contracts;
using Vouchers.Testing.Gateway;
using static Vouchers.Testing.Security.Status;

namespace Vouchers.Testing.Security;

/// <summary>
/// The authorization matrix: one row per API route. Columns: the in-scope answer, the answer to the same role outside
/// its scope (another region, channel or institution), and for holder-bound channel routes the answer to a channel
/// acting with another person's identity. Every row's request is valid, so what decides the answer is who asks.
/// </summary>
public static class AccessMatrix
{
    private const string Admin = "/api/v1/admin";
    private const string ChannelApi = "/api/v1/channel";
    private const string InstitutionApi = "/api/v1/institution";

    public static IReadOnlyList<MatrixRoute> Routes { get; } =
    [
        // Batches: the Shenzhen admin neither sees nor steers a Guangdong-wide batch, and cannot define one.
        new("POST", $"{Admin}/batches", Owner.Admin, Created, BadRequest, (w, _) => Request($"{Admin}/batches", VoucherApi.NewBatch())),
        new("GET", $"{Admin}/batches", Owner.Admin, Ok, Ok, (w, _) => Request($"{Admin}/batches", null, w.BatchId)),
        new("GET", $"{Admin}/batches/{{id}}", Owner.Admin, Ok, NotFound, (w, _) => Request($"{Admin}/batches/{w.BatchId}", null, w.Voucher.Code)),
        new("PUT", $"{Admin}/batches/{{id}}", Owner.Admin, Ok, NotFound,
            async (w, _) => Made($"{Admin}/batches/{await w.FreshDraftBatchAsync()}", VoucherApi.NewBatch(quantity: 7))),
        new("POST", $"{Admin}/batches/{{id}}/activate", Owner.Admin, Ok, NotFound, async (w, _) => Made($"{Admin}/batches/{await w.FreshDraftBatchAsync()}/activate")),
        new("POST", $"{Admin}/batches/{{id}}/pause", Owner.Admin, Ok, NotFound, async (w, _) => Made($"{Admin}/batches/{await w.FreshActiveBatchAsync()}/pause")),
        new("POST", $"{Admin}/batches/{{id}}/close", Owner.Admin, Ok, NotFound, async (w, _) => Made($"{Admin}/batches/{await w.FreshActiveBatchAsync()}/close")),
        new("POST", $"{Admin}/batches/{{id}}/quantity", Owner.Admin, Ok, NotFound, (w, _) => Request($"{Admin}/batches/{w.BatchId}/quantity", new QuantityRequest(1))),
        new("POST", $"{Admin}/batches/{{id}}/targets", Owner.Admin, Ok, NotFound,
            (w, _) => Request($"{Admin}/batches/{w.BatchId}/targets", new TargetsRequest([IdNumbers.New()]))),

        // Registries: programs and institutions belong to a region; channels are national and registered by the ministry.
        new("POST", $"{Admin}/programs", Owner.Admin, Created, BadRequest,
            (w, _) => Request($"{Admin}/programs", new ProgramRequest(Identifiers.NewId("program"), "Matrix program", null, "44"))),
        // A city reads its province's programs, not another city's.
        new("GET", $"{Admin}/programs/{{id}}", Owner.Admin, Ok, NotFound, (w, _) => Request($"{Admin}/programs/{w.GuangzhouProgramId}")),
        new("POST", $"{Admin}/institutions", Owner.Admin, Created, BadRequest,
            (w, _) => Request($"{Admin}/institutions", new InstitutionRequest(Identifiers.NewId("school"), "Matrix school", "4401", "广州市", 23.1, 113.3, 300))),
        new("GET", $"{Admin}/institutions/{{id}}", Owner.Admin, Ok, NotFound, (w, _) => Request($"{Admin}/institutions/{Demo.GzTechCollege}")),
        new("POST", $"{Admin}/channels", Owner.Ministry, Created, Forbidden,
            (w, _) => Request($"{Admin}/channels", new ChannelRequest(Identifiers.NewId("app"), "Matrix app"))),
        new("GET", $"{Admin}/channels/{{id}}", Owner.Admin, Ok, Ok, (w, _) => Request($"{Admin}/channels/{Demo.NationalApp}")),

        // Keys: an admin issues, lists, revokes and rotates keys it could issue; others' keys do not exist for it.
        new("POST", $"{Admin}/api-keys", Owner.Admin, Created, Forbidden,
            (w, _) => Request($"{Admin}/api-keys", new ApiKeyRequest("institution", Demo.GzTechCollege, "Matrix desk"))),
        new("GET", $"{Admin}/api-keys", Owner.Admin, Ok, Ok, (w, _) => Request($"{Admin}/api-keys", null, w.IssuedKeyId)),
        new("POST", $"{Admin}/api-keys/{{keyId}}/revoke", Owner.Admin, Ok, NotFound,
            async (w, _) => Made($"{Admin}/api-keys/{await w.IssueKeyAsync(Demo.GzTechCollege)}/revoke")),
        new("POST", $"{Admin}/api-keys/{{keyId}}/rotate", Owner.Admin, Created, NotFound,
            async (w, _) => Made($"{Admin}/api-keys/{await w.IssueKeyAsync(Demo.GzTechCollege)}/rotate")),

        // Audit: region-scoped.
        new("GET", $"{Admin}/audit", Owner.Admin, Ok, Ok, (w, _) => Request($"{Admin}/audit", null, w.BatchId)),
        new("GET", $"{Admin}/audit.csv", Owner.Admin, Ok, Ok, (w, _) => Request($"{Admin}/audit.csv", null, w.BatchId)),

        // Statistics: region-scoped, another region's batches are not counted nor named.
        new("GET", $"{Admin}/statistics", Owner.Admin, Ok, Ok, (w, _) => Request($"{Admin}/statistics?groupBy=batch", null, w.BatchId)),
        new("GET", $"{Admin}/statistics.csv", Owner.Admin, Ok, Ok, (w, _) => Request($"{Admin}/statistics.csv?groupBy=batch", null, w.BatchId)),

        // Subsidies.
        new("GET", $"{Admin}/batches/{{id}}/subsidy-applications", Owner.Admin, Ok, NotFound,
            (w, _) => Request($"{Admin}/batches/{w.BatchId}/subsidy-applications", null, w.ApplicationId)),
        new("GET", $"{Admin}/subsidy-applications/{{id}}", Owner.Admin, Ok, NotFound,
            (w, _) => Request($"{Admin}/subsidy-applications/{w.ApplicationId}", null, w.Used.Code)),
        new("POST", $"{Admin}/subsidy-applications/{{id}}/review", Owner.Admin, Ok, NotFound, async (w, _) =>
        {
            var (_, used) = await w.FreshUsedAsync();
            var application = await w.FreshApplicationAsync(approved: false, used.Code);
            return Made($"{Admin}/subsidy-applications/{application}/review", new ReviewRequest([new ReviewDecision(used.Code, true, "checked")]));
        }),
        new("POST", $"{Admin}/subsidy-applications/{{id}}/disburse", Owner.Admin, Ok, NotFound,
            async (w, _) => Made($"{Admin}/subsidy-applications/{await w.FreshApplicationAsync(approved: true)}/disburse")),

        // Channels: only batches that enable the channel, only for the holder with a fresh attestation.
        new("GET", $"{ChannelApi}/batches", Owner.Channel, Ok, Ok, (w, _) => Request($"{ChannelApi}/batches", null, w.BatchId)),
        new("POST", $"{ChannelApi}/claims", Owner.Channel, Ok, Forbidden,
            (w, _) => Request($"{ChannelApi}/claims", VoucherApi.Claim(TestPerson.New(), w.BatchId))),
        new("POST", $"{ChannelApi}/wallet", Owner.Channel, Ok, Ok,
            (w, _) => Request($"{ChannelApi}/wallet", new { idNumber = w.Holder.IdNumber, attestation = VoucherApi.FreshAttestation() }, w.Voucher.Code)),
        new("POST", $"{ChannelApi}/vouchers/{{code}}/return", Owner.Channel, Ok, NotFound, async (w, caller) =>
        {
            var (person, voucher) = await w.FreshHolderAsync();
            return Made($"{ChannelApi}/vouchers/{voucher.Code}/return", new ReturnRequest(Acting(caller, person).IdNumber, VoucherApi.FreshAttestation()), voucher.HolderIdNumber);
        }, NotTheHolder: NotFound),
        new("POST", $"{ChannelApi}/vouchers/{{code}}/use", Owner.Channel, Ok, NotFound, async (w, caller) =>
        {
            var (person, voucher) = await w.FreshHolderAsync();
            return Made($"{ChannelApi}/vouchers/{voucher.Code}/use",
                new OnlineUseRequest(Acting(caller, person).IdNumber, VoucherApi.FreshAttestation(), Demo.SzSkillsSchool, null, null), voucher.HolderIdNumber);
        }, NotTheHolder: NotFound),
        new("POST", $"{ChannelApi}/vouchers/{{code}}/qr", Owner.Channel, Ok, NotFound,
            (w, caller) => Request($"{ChannelApi}/vouchers/{w.Voucher.Code}/qr", new { idNumber = Acting(caller, w.Holder).IdNumber, attestation = VoucherApi.FreshAttestation() }),
            NotTheHolder: NotFound),
        // Check-ins name no voucher: a channel that may not see the holder's voucher, or acts for someone else, finds no enrolment.
        new("POST", $"{ChannelApi}/check-ins", Owner.Channel, Created, UnprocessableEntity, async (w, caller) =>
        {
            var (person, voucher) = await w.FreshUsedAsync();
            return Made($"{ChannelApi}/check-ins", w.CheckIn(Acting(caller, person)), voucher.Code, voucher.HolderIdNumber);
        }, NotTheHolder: UnprocessableEntity),

        // Institutions: their own records, sessions and applications; other institutions' vouchers by verdict only.
        new("POST", $"{InstitutionApi}/verifications", Owner.Institution, Ok, Ok,
            (w, _) => Request($"{InstitutionApi}/verifications", new VerifyRequest(w.Voucher.Code), w.Voucher.HolderIdNumber, w.Voucher.HolderName)),
        new("POST", $"{InstitutionApi}/vouchers/{{code}}/use", Owner.Institution, Ok, Conflict, async (w, _) =>
        {
            var (_, voucher) = await w.FreshHolderAsync();
            return Made($"{InstitutionApi}/vouchers/{voucher.Code}/use", new UseRequest(null, null), voucher.HolderIdNumber, voucher.HolderName);
        }),
        new("POST", $"{InstitutionApi}/subsidy-applications", Owner.Institution, Created, Created, async (w, _) =>
        {
            var (_, used) = await w.FreshUsedAsync();
            return Made($"{InstitutionApi}/subsidy-applications", new SubsidyApplicationRequest(w.BatchId, [used.Code]), used.HolderIdNumber, used.HolderName);
        }),
        new("GET", $"{InstitutionApi}/subsidy-applications/{{id}}", Owner.Institution, Ok, NotFound,
            (w, _) => Request($"{InstitutionApi}/subsidy-applications/{w.ApplicationId}", null, w.Used.Code)),
        new("POST", $"{InstitutionApi}/class-sessions", Owner.Institution, Created, Created, (w, _) =>
        {
            var now = DateTimeOffset.UtcNow;
            return Request($"{InstitutionApi}/class-sessions",
                new ClassSessionRequest(Identifiers.NewId("cs"), Identifiers.NewId("class"), null, "Matrix session", now.AddHours(1), now.AddHours(2)), w.SessionId);
        }),
        new("GET", $"{InstitutionApi}/class-sessions", Owner.Institution, Ok, Ok,
            (w, _) => Request($"{InstitutionApi}/class-sessions?classId={w.ClassId}", null, w.SessionId)),
        new("GET", $"{InstitutionApi}/class-sessions/{{id}}", Owner.Institution, Ok, NotFound, (w, _) => Request($"{InstitutionApi}/class-sessions/{w.SessionId}")),
        new("GET", $"{InstitutionApi}/class-sessions/{{id}}/attendance", Owner.Institution, Ok, NotFound,
            (w, _) => Request($"{InstitutionApi}/class-sessions/{w.SessionId}/attendance")),
        new("GET", $"{InstitutionApi}/attendance", Owner.Institution, Ok, NotFound,
            (w, _) => Request($"{InstitutionApi}/attendance?classId={w.ClassId}", null, w.Used.Code)),
        new("GET", $"{InstitutionApi}/vouchers/{{code}}/attendance", Owner.Institution, Ok, NotFound,
            (w, _) => Request($"{InstitutionApi}/vouchers/{w.Used.Code}/attendance", null, w.Used.HolderIdNumber)),
        new("GET", $"{InstitutionApi}/me", Owner.Institution, Ok, Ok, (w, _) => Request($"{InstitutionApi}/me", null, Demo.SzSkillsSchool)),
        new("GET", $"{InstitutionApi}/verification-records", Owner.Institution, Ok, Ok,
            (w, _) => Request($"{InstitutionApi}/verification-records", null, Institutions.Masked(w.Used.Code))),
        new("GET", $"{InstitutionApi}/verification-records.csv", Owner.Institution, Ok, Ok,
            (w, _) => Request($"{InstitutionApi}/verification-records.csv", null, Institutions.Masked(w.Used.Code))),
    ];

    private static Task<MatrixRequest> Request(string path, object? body = null, params string[] secrets) =>
        Task.FromResult(Made(path, body, secrets));

    private static MatrixRequest Made(string path, object? body = null, params string[] secrets) => new(path, body, secrets);

    /// <summary>The person a channel acts for: the holder, or for <see cref="Caller.NotTheHolder"/> someone else.</summary>
    private static TestPerson Acting(Caller caller, TestPerson holder) => caller == Caller.NotTheHolder ? TestPerson.New() : holder;
}
