using System.Net;
using System.Text;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Vouchers.Client;
using Vouchers.Client.Models;

const string Problem409 = """{"type":"urn:vouchers:problem:already-claimed","title":"The person holds a voucher of this batch already.","status":409,"detail":"The existing voucher is 7K4QW9HMXR2TPC3NA.","voucherCode":"7K4QW9HMXR2TPC3NA","voucherStatus":"subsidyApplied","traceId":"t"}""";
const string Voucher = """{"code":"7K4QW9HMXR2TPC3NA","batchId":"b","programId":"p","status":"claimed","holderName":"张*丰","holderIdNumber":"4403**********2319","subsidyAmount":1500,"claimedAt":"2026-03-02T09:30:00+08:00","expiresAt":"2026-05-31T09:30:00+08:00","channelId":"national-app","institutionId":null,"usedAt":null,"applicationId":null,"courseId":null,"classId":null,"useMode":null}""";

var fail = 0;
void Check(bool ok, string what) { Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}"); if (!ok) fail++; }
VouchersClient ClientAnswering(HttpStatusCode status, string body, string type) =>
    new(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: new HttpClient(new Canned(status, body, type))) { BaseUrl = "http://engine" });
ClaimBody Body() => new() { RequestId = "r", BatchId = "b", IdNumber = "440305199003072319", Name = "张三丰",
    Attestation = new AttestationRequest { Method = AttestationRequest_method.Face, VerifiedAt = DateTimeOffset.UtcNow } };

try
{
    await ClientAnswering(HttpStatusCode.Conflict, Problem409, "application/problem+json").Api.V1.Channel.Claims.PostAsync(Body());
    Check(false, "a 409 throws");
}
catch (Problem e)
{
    Check(e.ResponseStatusCode == 409 && e.Type == "urn:vouchers:problem:already-claimed" && e.VoucherCode == "7K4QW9HMXR2TPC3NA"
        && e.VoucherStatus == VoucherStatus.SubsidyApplied, "a 409's problem details are typed (type, voucherCode, voucherStatus)");
}

var voucher = await ClientAnswering(HttpStatusCode.OK, Voucher, "application/json").Api.V1.Channel.Claims.PostAsync(Body());
Check(voucher?.Status == VoucherStatus.Claimed && voucher.UseMode is null, "string enums and a null useMode deserialize");
return fail;

sealed class Canned(HttpStatusCode status, string body, string type) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken token) =>
        Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, type) });
}
