namespace SignalRChannels.Redis.Internal;

/// <summary>
/// The Lua scripts of <see cref="RedisChannelEventStore"/>. Each runs atomically, so offsets stay contiguous and a
/// read sees a consistent stream however many nodes append at once. KEYS are <see cref="RedisKeys.History"/>:
/// stream, offset, epoch, a hash of the newest offset of each event name (for filtered subscriptions), then
/// <see cref="RedisKeys.HistoryIds"/> (the ids of recent events, for idempotent appends). Entry IDs are <c>{offset}-0</c>;
/// each entry has one field, <c>d</c>, the event as JSON.
/// </summary>
internal static class RedisHistoryScripts
{
    // ARGV[1]: an epoch to use if the stream has to start over; ARGV[2]: the TTL, in ms, of an empty stream's epoch.
    // A missing epoch, or a missing offset beside a surviving stream (evicted or deleted keys), means the stream
    // was lost: it starts over under the new epoch rather than handing out offsets that clients saw before.
    private const string Prelude = """
        local position = redis.call('MGET', KEYS[3], KEYS[2])
        local epoch = position[1]
        local top = tonumber(position[2] or '0')
        if not epoch or (top == 0 and redis.call('EXISTS', KEYS[1]) == 1) then
          redis.call('DEL', KEYS[1], KEYS[2], KEYS[4], KEYS[5])
          epoch = ARGV[1]
          redis.call('SET', KEYS[3], epoch, 'PX', ARGV[2])
          top = 0
        elseif top == 0 then
          redis.call('PEXPIRE', KEYS[3], ARGV[2])
        end
        local function add_entries(result, entries)
          for _, entry in ipairs(entries) do
            result[#result + 1] = entry[1]
            result[#result + 1] = entry[2][2]
          end
          return result
        end

        """;

    /// <summary>
    /// ARGV[3]: size; ARGV[4]: TTL in ms; ARGV[5]: the event; ARGV[6]: its name; ARGV[7]: its id, or empty for none;
    /// ARGV[8]: how many recent ids to remember; ARGV[9…]: names whose newest earlier offset to report. Returns
    /// {epoch, offset, previous offset of each ARGV[9…] name (0 when none)}. An event whose id is among the stream's
    /// recent ids is not appended again: its first offset is returned (a queue worker retrying after a failed send or a
    /// crash mid-send), with that offset minus one for each name (no event lies between).
    /// </summary>
    public static readonly RedisScript Append = new(Prelude + """
        if ARGV[7] ~= '' then
          local seen = redis.call('ZSCORE', KEYS[5], ARGV[7])
          if seen then
            local repeated = {epoch, tonumber(seen)}
            for i = 9, #ARGV do
              repeated[#repeated + 1] = tonumber(seen) - 1
            end
            return repeated
          end
        end
        local offset = top + 1
        -- XADD before moving the offset: if it fails, no offset has been handed out without an entry.
        redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], string.format('%d-0', offset), 'd', ARGV[5])
        redis.call('SET', KEYS[2], string.format('%d', offset), 'PX', ARGV[4])
        local result = {epoch, offset}
        for i = 9, #ARGV do
          result[#result + 1] = tonumber(redis.call('HGET', KEYS[4], ARGV[i]) or '0')
        end
        -- Kept on every append, not only while filters exist: a filter that starts later still learns the truth.
        redis.call('HSET', KEYS[4], ARGV[6], offset)
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        redis.call('PEXPIRE', KEYS[3], ARGV[4])
        redis.call('PEXPIRE', KEYS[4], ARGV[4])
        if ARGV[7] ~= '' then
          redis.call('ZADD', KEYS[5], offset, ARGV[7])
          if redis.call('ZCARD', KEYS[5]) > tonumber(ARGV[8]) then
            redis.call('ZPOPMIN', KEYS[5])
          end
          redis.call('PEXPIRE', KEYS[5], ARGV[4])
        end
        return result
        """);

    // For AppendMany and AppendPublish, whose ARGV[3…5] are size, TTL and how many recent ids to remember: appends one
    // event (ARGV[i]: the event, ARGV[i + 1]: its id or empty, ARGV[i + 2]: its name) after offset `top`, unless its id
    // is among the recent ones. Returns the event's offset and the stream's new top.
    private const string AppendOne = """
        local function append_one(i, top)
          local id = ARGV[i + 1]
          if id ~= '' then
            local seen = redis.call('ZSCORE', KEYS[5], id)
            if seen then
              return tonumber(seen), top
            end
          end
          local offset = top + 1
          redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], string.format('%d-0', offset), 'd', ARGV[i])
          redis.call('SET', KEYS[2], string.format('%d', offset), 'PX', ARGV[4])
          redis.call('HSET', KEYS[4], ARGV[i + 2], offset)
          if id ~= '' then
            redis.call('ZADD', KEYS[5], offset, id)
            if redis.call('ZCARD', KEYS[5]) > tonumber(ARGV[5]) then
              redis.call('ZPOPMIN', KEYS[5])
            end
            redis.call('PEXPIRE', KEYS[5], ARGV[4])
          end
          return offset, offset
        end
        local function expire_all(offset, top)
          if offset > top then
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            redis.call('PEXPIRE', KEYS[3], ARGV[4])
            redis.call('PEXPIRE', KEYS[4], ARGV[4])
          end
        end

        """;

    /// <summary>
    /// ARGV[3]: size; ARGV[4]: TTL in ms; ARGV[5]: how many recent ids to remember; then triples from ARGV[6]: an event,
    /// its id (or empty) and its name. Appends each as <see cref="Append"/> does, in order. Returns {epoch, offset, offset, …}.
    /// </summary>
    public static readonly RedisScript AppendMany = new(Prelude + AppendOne + """
        local result = {epoch}
        local offset = top
        for i = 6, #ARGV, 3 do
          local at
          at, offset = append_one(i, offset)
          result[#result + 1] = at
        end
        expire_all(offset, top)
        return result
        """);

    /// <summary>
    /// <see cref="AppendMany"/> that also publishes each event to SignalR's backplane (<see cref="BackplaneMessages"/>):
    /// ARGV[3]: size; ARGV[4]: TTL in ms; ARGV[5]: how many recent ids to remember; ARGV[6]: the Redis channel of the
    /// channel's group; ARGV[7]: per hub protocol, how its offset is written (<c>d</c> decimal, <c>u</c> 64-bit unsigned);
    /// then per event: the event, its id (or empty), its name, and per protocol four template parts (before the
    /// <c>bin</c>, before the offset, before the epoch, after it). Returns {epoch, 1 when published else 0, offset, …}:
    /// an epoch of another length than the templates' is not published, and the caller sends the events itself.
    /// </summary>
    public static readonly RedisScript AppendPublish = new(Prelude + AppendOne + """
        local kinds = ARGV[7]
        local stride = 3 + 4 * #kinds
        local publish = #epoch == 8
        local function be64(n)
          local b = {}
          for i = 8, 1, -1 do
            b[i] = n % 256
            n = math.floor(n / 256)
          end
          return string.char(b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8])
        end
        local function bin_header(n)
          if n < 256 then
            return '\196' .. string.char(n)
          elseif n < 65536 then
            return '\197' .. string.char(math.floor(n / 256), n % 256)
          end
          return '\198' .. string.sub(be64(n), 5)
        end
        -- One concatenation per protocol: the bin's length is added up, not measured on a joined string.
        local function part(t, value)
          local n = #ARGV[t + 1] + #value + #ARGV[t + 2] + #epoch + #ARGV[t + 3]
          return ARGV[t] .. bin_header(n) .. ARGV[t + 1] .. value .. ARGV[t + 2] .. epoch .. ARGV[t + 3]
        end
        local function send(at, offset)
          local decimal, binary
          if #kinds == 1 then
            local value = kinds == 'd' and string.format('%d', offset) or ('\207' .. be64(offset))
            redis.call('PUBLISH', ARGV[6], part(at + 3, value))
            return
          end
          local parts = {}
          for p = 1, #kinds do
            local value
            if string.sub(kinds, p, p) == 'd' then
              decimal = decimal or string.format('%d', offset)
              value = decimal
            else
              binary = binary or ('\207' .. be64(offset))
              value = binary
            end
            parts[p] = part(at + 3 + 4 * (p - 1), value)
          end
          redis.call('PUBLISH', ARGV[6], table.concat(parts))
        end
        local result = {epoch, publish and 1 or 0}
        local offset = top
        for i = 8, #ARGV, stride do
          local at
          at, offset = append_one(i, offset)
          result[#result + 1] = at
          if publish then
            send(i, at)
          end
        end
        expire_all(offset, top)
        return result
        """);

    /// <summary>
    /// ARGV[3]: read after this offset; ARGV[4]: the since epoch, or empty for none; ARGV[5]: limit;
    /// ARGV[6]: 1 for newest first. Returns {epoch, top, id, event, id, event, …}.
    /// </summary>
    public static readonly RedisScript Read = new(Prelude + """
        local result = {epoch, top}
        local limit = tonumber(ARGV[5])
        if (ARGV[4] ~= '' and ARGV[4] ~= epoch) or limit == 0 or tonumber(ARGV[3]) >= top then
          return result
        end
        local from = string.format('%d-0', tonumber(ARGV[3]) + 1)
        if ARGV[6] == '1' then
          return add_entries(result, redis.call('XREVRANGE', KEYS[1], '+', from, 'COUNT', limit))
        end
        return add_entries(result, redis.call('XRANGE', KEYS[1], from, '+', 'COUNT', limit))
        """);

    /// <summary>
    /// ARGV[3]: the client's offset; ARGV[4]: its epoch, or empty for none; ARGV[5]: the most events to replay.
    /// Returns {epoch, top, 1, id, event, …} when recovered, else {epoch, top, 0}.
    /// </summary>
    public static readonly RedisScript Recover = new(Prelude + """
        local since = tonumber(ARGV[3])
        local missed = top - since
        if ARGV[4] ~= epoch or since < 0 or missed < 0 or missed > tonumber(ARGV[5]) then
          return {epoch, top, 0}
        end
        if missed == 0 then
          return {epoch, top, 1}
        end
        local entries = redis.call('XRANGE', KEYS[1], string.format('%d-0', since + 1), '+', 'COUNT', missed)
        -- Fewer entries than missed offsets: some were trimmed or lost, and a partial replay is never given.
        if #entries ~= missed then
          return {epoch, top, 0}
        end
        return add_entries({epoch, top, 1}, entries)
        """);

    /// <summary>Returns {epoch, top}.</summary>
    public static readonly RedisScript Position = new(Prelude + """
        return {epoch, top}
        """);
}
