// The README tour through a Kiota client generated (defaults) from the gateway's document: the channel signs with one
// DelegatingHandler, the institution and HR send X-Api-Key; no other hand-written HTTP.
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;
using Vouchers.Client;
using Vouchers.Client.Models;
using static Tour;

VouchersClient Client(HttpClient http) =>
    new(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = Url });

var channel = Client(KiotaClientFactory.Create(finalHandler: new SigningHandler(SigningKeyId, SigningSecret)));
var school = Client(ApiKeyClient(InstitutionKey));
var admin = Client(ApiKeyClient(AdminKey));
AttestationRequest Face() => new() { Method = AttestationRequest_method.Face, VerifiedAt = DateTimeOffset.UtcNow };
ClaimBody Claim(string requestId) => new() { RequestId = requestId, BatchId = BatchId, IdNumber = IdNumber, Name = "张三丰", Attestation = Face() };

Console.WriteLine("kiota:");
var batches = await channel.Api.V1.Channel.Batches.GetAsync();
Check(batches!.Any(b => b.Id == BatchId), "the channel lists the batch it offers");

var voucher = (await channel.Api.V1.Channel.Claims.PostAsync(Claim($"kiota-{RunId}-1")))!;
Check(voucher.Status == VoucherStatus.Claimed && voucher.UseMode is null && voucher.HolderIdNumber!.Contains('*'),
    "a claim answers the voucher (string enums, a null useMode, the ID number masked)");

var inspect = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
var replay = await channel.Api.V1.Channel.Claims.PostAsync(Claim($"kiota-{RunId}-1"), c => c.Options.Add(inspect));
Check(replay!.Code == voucher.Code && inspect.ResponseHeaders.TryGetValue("Idempotent-Replayed", out var replayed) && replayed.Contains("true"),
    "the same requestId replays the first answer with Idempotent-Replayed: true");

try
{
    await channel.Api.V1.Channel.Claims.PostAsync(Claim($"kiota-{RunId}-2"));
    Check(false, "a second claim of the batch is refused");
}
catch (Problem problem)
{
    Check(problem.ResponseStatusCode == 409 && problem.Type == "urn:vouchers:problem:already-claimed" && problem.VoucherCode == voucher.Code,
        "a second claim is a typed 409 naming the voucher the person holds");
}

await using (var png = await channel.Api.V1.Channel.Vouchers[voucher.Code].Qr.PostAsync(new QrRequest { IdNumber = IdNumber, Attestation = Face() }))
{
    var head = new byte[4];
    await png!.ReadExactlyAsync(head);
    Check(head is [0x89, (byte)'P', (byte)'N', (byte)'G'], "the holder's QR code comes as PNG bytes");
}

var wallet = await channel.Api.V1.Channel.Wallet.PostAsync(new WalletRequest { IdNumber = IdNumber, Attestation = Face() });
Check(wallet!.Vouchers!.Any(v => v.Code == voucher.Code), "the holder's wallet holds the voucher");

var verified = await school.Api.V1.Institution.Verifications.PostAsync(new VerifyRequest { Code = voucher.Code });
Check(verified!.Valid == true && verified.Verdict == VerifyVerdict.Valid, "the institution verifies the code: valid");
var used = await school.Api.V1.Institution.Vouchers[voucher.Code].Use.PostAsync(new UseRequest());
Check(used!.Status == VoucherStatus.Used && used.UseMode == UseMode.Offline, "the institution enrols the holder: used offline");
var typo = await school.Api.V1.Institution.Verifications.PostAsync(new VerifyRequest { Code = Mistyped(voucher.Code!) });
Check(typo!.Valid == false && typo.Verdict == VerifyVerdict.Unknown && typo.Voucher is null, "a mistyped scan reads as unknown");

var application = await school.Api.V1.Institution.SubsidyApplications.PostAsync(
    new SubsidyApplicationRequest { BatchId = BatchId, Codes = [voucher.Code!], RequestId = $"kiota-{RunId}-app" });
Check(application!.Status == SubsidyApplicationStatus.Submitted && application.Lines!.Single().Status == SubsidyLineStatus.Pending,
    "the institution applies for the subsidy");
var reviewed = await admin.Api.V1.Admin.SubsidyApplications[application.Id].Review.PostAsync(
    new ReviewRequest { Decisions = [new ReviewDecision { Code = voucher.Code, Approve = true }] });
Check(reviewed!.Lines!.Single().Status == SubsidyLineStatus.Approved, "HR approves the line");
var disbursed = await admin.Api.V1.Admin.SubsidyApplications[application.Id].Disburse.PostAsync();
Check(disbursed!.Status == SubsidyApplicationStatus.Disbursed && disbursed.Lines!.Single().Status == SubsidyLineStatus.Redeemed,
    "HR disburses the subsidy, which redeems the voucher");

var again = await school.Api.V1.Institution.Verifications.PostAsync(new VerifyRequest { Code = voucher.Code });
Check(again!.Valid == false && again.Verdict == VerifyVerdict.Redeemed && again.Voucher!.Status == VoucherStatus.Redeemed,
    "a redeemed code never verifies again");
var batch = await admin.Api.V1.Admin.Batches[BatchId].GetAsync();
Check(batch!.Counters!.Redeemed >= 1, "the batch counters count the redemption");
await using (var csv = await school.Api.V1.Institution.VerificationRecordsCsv.GetAsync())
{
    var text = await new StreamReader(csv!).ReadToEndAsync();
    Check(text.Split('\n').Length > 2 && text.Contains(voucher.Code![^4..], StringComparison.Ordinal),
        "the verification records come as a CSV file naming the voucher");
}

try
{
    await channel.Api.V1.Channel.Claims.PostAsync(new ClaimBody
    {
        RequestId = $"kiota-{RunId}-3", BatchId = BatchId, IdNumber = "440305199003072318", Name = "李四", Attestation = Face(),
    });
    Check(false, "a wrong check digit is refused");
}
catch (Problem problem)
{
    Check(problem.ResponseStatusCode == 400 && problem.Type == "urn:vouchers:problem:validation"
        && problem.Errors?.AdditionalData.ContainsKey("idNumber") == true, "a wrong check digit is a typed 400 naming idNumber");
}

return Result();
