using System.Net;
using System.Text;
using Vouchers.NSwag;

const string Problem409 = """{"type":"urn:vouchers:problem:already-claimed","title":"The person holds a voucher of this batch already.","status":409,"detail":"The existing voucher is 7K4QW9HMXR2TPC3NA.","voucherCode":"7K4QW9HMXR2TPC3NA","voucherStatus":"subsidyApplied","traceId":"t"}""";
const string Voucher = """{"code":"7K4QW9HMXR2TPC3NA","batchId":"b","programId":"p","status":"claimed","holderName":"张*丰","holderIdNumber":"4403**********2319","subsidyAmount":1500,"claimedAt":"2026-03-02T09:30:00+08:00","expiresAt":"2026-05-31T09:30:00+08:00","channelId":"national-app","institutionId":null,"usedAt":null,"applicationId":null,"courseId":null,"classId":null,"useMode":null}""";

var fail = 0;
void Check(bool ok, string what) { Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}"); if (!ok) fail++; }

var client = new VouchersClient(new HttpClient(new Canned(HttpStatusCode.Conflict, Problem409, "application/problem+json")));
try
{
    await client.ClaimAsync(new ClaimBody { RequestId = "r", BatchId = "b", IdNumber = "440305199003072319", Name = "张三丰",
        Attestation = new AttestationRequest { Method = AttestationRequestMethod.Face, VerifiedAt = DateTimeOffset.UtcNow } });
    Check(false, "a 409 throws");
}
catch (ApiException<Problem> e)
{
    Check(e.StatusCode == 409 && e.Result.Type == "urn:vouchers:problem:already-claimed" && e.Result.VoucherCode == "7K4QW9HMXR2TPC3NA"
        && e.Result.VoucherStatus == VoucherStatus.SubsidyApplied, "a 409's problem details are typed (type, voucherCode, voucherStatus)");
}

client = new VouchersClient(new HttpClient(new Canned(HttpStatusCode.OK, Voucher, "application/json")));
var voucher = await client.ClaimAsync(new ClaimBody { RequestId = "r", BatchId = "b", IdNumber = "x", Name = "n",
    Attestation = new AttestationRequest { Method = AttestationRequestMethod.Face, VerifiedAt = DateTimeOffset.UtcNow } });
Check(voucher.Status == VoucherStatus.Claimed && voucher.UseMode is null, "string enums and a null useMode deserialize");
return fail;

sealed class Canned(HttpStatusCode status, string body, string type) : HttpMessageHandler
{
    public string LastBody = "";
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken token)
    {
        LastBody = request.Content is null ? "" : await request.Content.ReadAsStringAsync(token);
        return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, type) };
    }
}
