namespace Vouchers.Http.Contracts;

/// <summary>Answer of GET /api/v1/institution/me: who the presented key acts for.</summary>
public sealed record InstitutionIdentity(string InstitutionId, string Name, string KeyId);
