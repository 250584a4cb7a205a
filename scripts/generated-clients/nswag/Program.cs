// The README tour through an NSwag client generated (defaults, System.Text.Json) from the gateway's document: the
// channel signs with one DelegatingHandler, the institution and HR send X-Api-Key; no other hand-written HTTP.
using Vouchers.NSwag;
using static Tour;

var channel = new VouchersClient(new HttpClient(new SigningHandler(SigningKeyId, SigningSecret))) { BaseUrl = Url };
var school = new VouchersClient(ApiKeyClient(InstitutionKey)) { BaseUrl = Url };
var admin = new VouchersClient(ApiKeyClient(AdminKey)) { BaseUrl = Url };
AttestationRequest Face() => new() { Method = AttestationRequestMethod.Face, VerifiedAt = DateTimeOffset.UtcNow };
ClaimBody Claim(string requestId) => new() { RequestId = requestId, BatchId = BatchId, IdNumber = IdNumber, Name = "张三丰", Attestation = Face() };

Console.WriteLine("nswag:");
var batches = await channel.ListClaimableBatchesAsync();
Check(batches.Any(b => b.Id == BatchId), "the channel lists the batch it offers");

var voucher = await channel.ClaimAsync(Claim($"nswag-{RunId}-1"));
Check(voucher.Status == VoucherStatus.Claimed && voucher.UseMode is null && voucher.HolderIdNumber.Contains('*'),
    "a claim answers the voucher (string enums, a null useMode, the ID number masked)");
var replay = await channel.ClaimAsync(Claim($"nswag-{RunId}-1"));
Check(replay.Code == voucher.Code && replay.ClaimedAt == voucher.ClaimedAt, "the same requestId replays the first answer");

try
{
    await channel.ClaimAsync(Claim($"nswag-{RunId}-2"));
    Check(false, "a second claim of the batch is refused");
}
catch (ApiException<Problem> e)
{
    Check(e.StatusCode == 409 && e.Result.Type == "urn:vouchers:problem:already-claimed" && e.Result.VoucherCode == voucher.Code,
        "a second claim is a typed 409 naming the voucher the person holds");
}

using (var qr = await channel.VoucherQrAsync(voucher.Code, new QrRequest { IdNumber = IdNumber, Attestation = Face() }))
{
    var head = new byte[4];
    await qr.Stream.ReadExactlyAsync(head);
    Check(head is [0x89, (byte)'P', (byte)'N', (byte)'G'], "the holder's QR code comes as PNG bytes");
}

var wallet = await channel.WalletAsync(new WalletRequest { IdNumber = IdNumber, Attestation = Face() });
Check(wallet.Vouchers.Any(v => v.Code == voucher.Code), "the holder's wallet holds the voucher");

var verified = await school.VerifyAsync(null, new VerifyRequest { Code = voucher.Code });
Check(verified.Valid && verified.Verdict == VerifyVerdict.Valid, "the institution verifies the code: valid");
var used = await school.UseVoucherAsync(voucher.Code, null, null);
Check(used.Status == VoucherStatus.Used && used.UseMode == UseMode.Offline, "the institution enrols the holder, no body: used offline");
var typo = await school.VerifyAsync(null, new VerifyRequest { Code = Mistyped(voucher.Code) });
Check(!typo.Valid && typo.Verdict == VerifyVerdict.Unknown && typo.Voucher is null, "a mistyped scan reads as unknown");

var application = await school.SubmitSubsidyApplicationAsync(
    new SubsidyApplicationRequest { BatchId = BatchId, Codes = [voucher.Code], RequestId = $"nswag-{RunId}-app" });
Check(application.Status == SubsidyApplicationStatus.Submitted && application.Lines.Single().Status == SubsidyLineStatus.Pending,
    "the institution applies for the subsidy");
var reviewed = await admin.ReviewSubsidyApplicationAsync(application.Id,
    new ReviewRequest { Decisions = [new ReviewDecision { Code = voucher.Code, Approve = true }] });
Check(reviewed.Lines.Single().Status == SubsidyLineStatus.Approved, "HR approves the line");
var disbursed = await admin.DisburseSubsidyAsync(application.Id);
Check(disbursed.Status == SubsidyApplicationStatus.Disbursed && disbursed.Lines.Single().Status == SubsidyLineStatus.Redeemed,
    "HR disburses the subsidy, which redeems the voucher");

var again = await school.VerifyAsync(null, new VerifyRequest { Code = voucher.Code });
Check(!again.Valid && again.Verdict == VerifyVerdict.Redeemed && again.Voucher.Status == VoucherStatus.Redeemed,
    "a redeemed code never verifies again");
var batch = await admin.GetBatchAsync(BatchId);
Check(batch.Counters.Redeemed >= 1, "the batch counters count the redemption");
using (var csv = await school.ExportVerificationRecordsAsync(null, null, null, null))
{
    var text = await new StreamReader(csv.Stream).ReadToEndAsync();
    Check(text.Split('\n').Length > 2 && text.Contains(voucher.Code[^4..], StringComparison.Ordinal),
        "the verification records come as a CSV file naming the voucher");
}

try
{
    await channel.ClaimAsync(new ClaimBody
    {
        RequestId = $"nswag-{RunId}-3", BatchId = BatchId, IdNumber = "440305199003072318", Name = "李四", Attestation = Face(),
    });
    Check(false, "a wrong check digit is refused");
}
catch (ApiException<Problem> e)
{
    Check(e.StatusCode == 400 && e.Result.Type == "urn:vouchers:problem:validation" && e.Result.Errors.ContainsKey("idNumber"),
        "a wrong check digit is a typed 400 naming idNumber");
}

return Result();
