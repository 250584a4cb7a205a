using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;
using NpgsqlTypes;
using Vouchers.Contracts;
using Vouchers.Domain;

namespace Vouchers.Silo.Persistence.Events;

/// <summary>
/// Events to and from rows of <c>vouchers_events</c> (migration 0009): the one place that knows the columns, used by
/// the event store and by the claim store, which writes a claim's events in its own statements.
/// </summary>
internal static class EventRows
{
    public const string Columns = """
        event_id, kind, occurred_at, batch_id, actor, actor_id, code, person_key, region_code, age, gender, target_group,
        channel_id, institution_id, amount, use_mode, application_id, batch_facts
        """;

    /// <summary>The events passed by <see cref="AddParameters"/> as rows named <c>e</c>, with the columns of <see cref="Columns"/>.</summary>
    public const string Unnest = $"""
        unnest(@e_ids::text[], @e_kinds::text[], @e_at::timestamptz[], @e_batch_ids::text[], @e_actors::text[],
               @e_actor_ids::text[], @e_codes::text[], @e_person_keys::text[], @e_regions::text[], @e_ages::int[],
               @e_genders::text[], @e_groups::text[], @e_channels::text[], @e_institutions::text[], @e_amounts::numeric[],
               @e_modes::text[], @e_applications::text[], @e_batch_facts::jsonb[])
            AS e({Columns})
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Adds the parameters of <see cref="Unnest"/> for <paramref name="events"/>.</summary>
    public static void AddParameters(NpgsqlCommand command, IReadOnlyList<VoucherEvent> events)
    {
        Add(command, "e_ids", events, e => e.Id);
        Add(command, "e_kinds", events, e => e.Kind.ToString());
        Add(command, "e_at", events, e => e.At.ToUniversalTime());
        Add(command, "e_batch_ids", events, e => e.BatchId);
        Add(command, "e_actors", events, e => e.Actor.ToString());
        Add(command, "e_actor_ids", events, e => e.ActorId);
        Add(command, "e_codes", events, e => e.Code);
        Add(command, "e_person_keys", events, e => e.PersonKey);
        Add(command, "e_regions", events, e => e.Profile?.RegionCode);
        Add(command, "e_ages", events, e => e.Profile?.Age);
        Add(command, "e_genders", events, e => e.Profile?.Gender.ToString());
        Add(command, "e_groups", events, e => e.Profile?.TargetGroup);
        Add(command, "e_channels", events, e => e.ChannelId);
        Add(command, "e_institutions", events, e => e.InstitutionId);
        Add(command, "e_amounts", events, e => e.Amount);
        Add(command, "e_modes", events, e => e.Mode?.ToString());
        Add(command, "e_applications", events, e => e.ApplicationId);
        command.Parameters.Add(new NpgsqlParameter("e_batch_facts", NpgsqlDbType.Array | NpgsqlDbType.Jsonb)
        {
            Value = events.Select(e => e.Batch is null ? null : JsonSerializer.Serialize(e.Batch, Json)).ToArray(),
        });
    }

    /// <summary>Reads rows selecting <c>tx::text::bigint, seq</c> and then <see cref="Columns"/>.</summary>
    public static async Task<ImmutableArray<PositionedEvent>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var events = ImmutableArray.CreateBuilder<PositionedEvent>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var position = new EventCursor(reader.GetInt64(0), reader.GetInt64(1));
            string? Text(int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
            var region = Text(10);
            var profile = region is null
                ? null
                : new ClaimantProfile(region, reader.GetInt32(11), Enum.Parse<Gender>(reader.GetString(12)), Text(13) ?? "");
            var facts = Text(19) is { } json ? JsonSerializer.Deserialize<BatchFacts>(json, Json) : null;
            events.Add(new PositionedEvent(position, new VoucherEvent(
                reader.GetString(2),
                Enum.Parse<EventKind>(reader.GetString(3)),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.GetString(5),
                Enum.Parse<ActorKind>(reader.GetString(6)),
                reader.GetString(7),
                Text(8),
                Text(9),
                profile,
                Text(14),
                Text(15),
                reader.GetDecimal(16),
                facts,
                Text(17) is { } mode ? Enum.Parse<UseMode>(mode) : null,
                Text(18))));
        }

        return events.ToImmutable();
    }

    private static void Add<T>(NpgsqlCommand command, string name, IReadOnlyList<VoucherEvent> events, Func<VoucherEvent, T> value) =>
        command.Parameters.Add(new NpgsqlParameter<T[]>(name, [.. events.Select(value)]));

    /// <summary>A cursor's transaction id as the <c>xid8</c> text PostgreSQL parses.</summary>
    public static string TransactionText(EventCursor cursor) => cursor.Transaction.ToString(CultureInfo.InvariantCulture);
}
