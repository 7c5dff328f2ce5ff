namespace Introspection.Registry.Stores.Redis;

/// <summary>
/// The Lua scripts of <see cref="RedisRegistryStore"/>. Every multi-key change is one script, so
/// "state + revision + feed entry" is atomic without MULTI/WATCH retries. All keys of a registry share
/// the hash tag <c>{prefix}</c>: the scripts are Cluster-legal (one slot) even though they build key
/// names from arguments (KEYS[1], the revision key, routes the call to that slot).
/// </summary>
/// <remarks>
/// Common arguments: ARGV[1] key prefix <c>{name}:</c>, ARGV[2] clock override in Unix ms ("" = Redis
/// <c>TIME</c>), ARGV[3] outage threshold ms (0 = off; negative: the caller saw no outage, so it may not extend), ARGV[4] history MaxEvents, ARGV[5] history
/// MaxAge ms; a script's own arguments start at ARGV[6]. Lua numbers are doubles: revisions (≈ Unix µs,
/// ~2^51) are exact, but <c>tostring</c>/<c>..</c> would print them in exponent form, hence <c>fmt</c>
/// everywhere a number becomes a string. Lease ids (random 62 bits) are not exact as doubles: the
/// scripts only ever handle them as strings.
/// </remarks>
internal static class RedisScripts
{
    /// <summary>Shared helpers: key names, counters, the outage-aware clock, the feed.</summary>
    private const string Prelude = """
        local pfx = ARGV[1]
        local feed = pfx .. 'feed'
        local owners = pfx .. 'lease:owner'
        local expiry = pfx .. 'lease:exp'
        local function fmt(n) return string.format('%d', n) end
        local function ikey(ns, app) return pfx .. 'inst:' .. ns .. ':' .. app end
        local function appskey(ns) return pfx .. 'apps:' .. ns end
        local function svckey(ns, svc) return pfx .. 'svc:' .. ns .. ':' .. svc end
        local function svcskey(ns) return pfx .. 'svcs:' .. ns end

        -- 'a\nb\nc' -> {a, b, c}; the last part keeps any further newlines.
        local function split(s, n)
          local parts, pos = {}, 1
          for i = 1, n - 1 do
            local nl = string.find(s, '\n', pos, true)
            parts[i] = string.sub(s, pos, nl - 1)
            pos = nl + 1
          end
          parts[n] = string.sub(s, pos)
          return parts
        end

        -- A missing counter starts at Redis's time in microseconds: a flushed or replaced Redis
        -- restarts above every revision it can ever have issued.
        local function counter(key)
          if redis.call('EXISTS', key) == 0 then
            local t = redis.call('TIME')
            redis.call('SET', key, t[1] .. string.format('%06d', tonumber(t[2])))
          end
          return key
        end
        local function current_rev() return tonumber(redis.call('GET', counter(pfx .. 'rev'))) end
        local function next_rev() return fmt(redis.call('INCR', counter(pfx .. 'rev'))) end

        -- Returns (wall, lease) in ms. Lease expiries live on the lease clock = wall minus every outage
        -- seen so far. Every node touches clock:last often; a gap longer than the threshold means nobody
        -- could reach Redis (down, restarted, failed over, all nodes cut off), so nobody could renew:
        -- the whole gap is added to the offset, which extends every lease at once, exactly once.
        -- But a gap is also what a slow command (a long script, DEBUG SLEEP) leaves, and slow is not
        -- down. So only a caller that saw a real outage (connection lost, heartbeat dark; ARGV[3] > 0)
        -- extends. Any other caller (ARGV[3] < 0) only notes the gap in clock:gap for a moment, for a
        -- node whose declared-outage calls reach Redis right behind it (a frozen Redis thawing runs the
        -- calls queued before the declaration first).
        local function clock()
          local now
          if ARGV[2] == '' then
            local t = redis.call('TIME')
            now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
          else
            now = tonumber(ARGV[2])
          end
          local offset = tonumber(redis.call('GET', pfx .. 'clock:offset') or '0')
          local last = redis.call('GET', pfx .. 'clock:last')
          local threshold = tonumber(ARGV[3])
          if last then
            last = tonumber(last)
            local gap = now - last
            if threshold > 0 then
              local noted = tonumber(redis.call('GET', pfx .. 'clock:gap') or '0')
              if noted > gap then gap = noted end
              if gap > threshold then
                offset = offset + gap
                redis.call('SET', pfx .. 'clock:offset', fmt(offset))
                redis.call('DEL', pfx .. 'clock:gap')
              end
            elseif threshold < 0 and gap > -threshold then
              redis.call('SET', pfx .. 'clock:gap', fmt(gap), 'PX', fmt(-threshold))
            end
          end
          if (not last) or now > last then
            redis.call('SET', pfx .. 'clock:last', fmt(now))
          end
          return now, now - offset
        end

        -- The feed is a stream whose entry ids are '<revision>-0', so a revision range is an id range.
        -- Revisions are contiguous (each one has exactly one entry), so the compacted-through watermark
        -- is simply the first kept entry's revision minus one.
        local function trim_age(now)
          local cutoff = now - tonumber(ARGV[5])
          local head = redis.call('XRANGE', feed, '-', '+', 'COUNT', 100)
          for _, e in ipairs(head) do
            if tonumber(e[2][2]) < cutoff then redis.call('XDEL', feed, e[1]) else break end
          end
        end
        local function compacted(current)
          local first = redis.call('XRANGE', feed, '-', '+', 'COUNT', 1)
          if #first == 0 then return current end
          local id = first[1][1]
          return tonumber(string.sub(id, 1, string.find(id, '-', 1, true) - 1)) - 1
        end
        local function append(rev, now, ...)
          redis.call('XADD', feed, 'MAXLEN', ARGV[4], rev .. '-0', 't', fmt(now), ...)
          trim_age(now)
          redis.call('PUBLISH', pfx .. 'changes', rev)
        end

        -- Instance values: 'modrev\nlease\nhost\nport\nrevision\nlabels-json'.
        local function remove_instance(ns, app, id, value, now)
          local p = split(value, 3)
          redis.call('HDEL', ikey(ns, app), id)
          if redis.call('HINCRBY', appskey(ns), app, -1) <= 0 then redis.call('HDEL', appskey(ns), app) end
          redis.call('HDEL', owners, p[2])
          redis.call('ZREM', expiry, p[2])
          local rev = next_rev()
          append(rev, now, 'k', '2', 'n', ns, 'a', app, 'i', id, 'm', p[1], 'b', p[3])
          return rev
        end

        """;

    /// <summary>
    /// ARGV[6..10]: ns, app, instance id, body, ttl ms; ARGV[11..]: random lease id candidates. Returns
    /// {lease, revision}, or nil (nothing changed) when every candidate is taken.
    /// </summary>
    public const string Register = Prelude + """
        local ns, app, id, body, ttl = ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]
        -- Lease ids are random (drawn by the caller), never a counter: a counter lets a caller renew
        -- its own id + 1, a stranger's lease. A taken candidate (another node drew it) is skipped;
        -- none free -> nil, and the caller retries with new ones. Kept as strings: 62 bits do not fit
        -- a Lua double.
        local lease = nil
        for i = 11, #ARGV do
          if redis.call('HEXISTS', owners, ARGV[i]) == 0 then lease = ARGV[i]; break end
        end
        if not lease then return false end
        local now, lnow = clock()
        local old = redis.call('HGET', ikey(ns, app), id)
        if old then
          local p = split(old, 3)
          redis.call('HDEL', owners, p[2])
          redis.call('ZREM', expiry, p[2])
        else
          redis.call('HINCRBY', appskey(ns), app, 1)
        end
        local rev = next_rev()
        redis.call('HSET', ikey(ns, app), id, rev .. '\n' .. lease .. '\n' .. body)
        redis.call('HSET', owners, lease, ns .. '\n' .. app .. '\n' .. id .. '\n' .. ttl)
        redis.call('ZADD', expiry, fmt(lnow + tonumber(ttl)), lease)
        append(rev, now, 'k', '1', 'n', ns, 'a', app, 'i', id, 'm', rev, 'b', body)
        return {lease, rev}
        """;

    /// <summary>ARGV[6..7]: ns, lease. Returns the TTL in ms, or -1 when the lease is unknown.</summary>
    public const string Renew = Prelude + """
        local owner = redis.call('HGET', owners, ARGV[7])
        if not owner then return -1 end
        local o = split(owner, 4)
        if o[1] ~= ARGV[6] then return -1 end
        local now, lnow = clock()
        redis.call('ZADD', expiry, fmt(lnow + tonumber(o[4])), ARGV[7])
        return tonumber(o[4])
        """;

    /// <summary>
    /// ARGV[6..12]: ns, app, id, has-revision, revision, has-labels, labels-json. Returns the new
    /// revision, the unchanged record's mod revision, or nil for an unknown instance.
    /// </summary>
    public const string Update = Prelude + """
        local ns, app, id = ARGV[6], ARGV[7], ARGV[8]
        local value = redis.call('HGET', ikey(ns, app), id)
        if not value then return false end
        local p = split(value, 6)
        local revision, labels, changed = p[5], p[6], false
        if ARGV[9] == '1' and ARGV[10] ~= revision then revision = ARGV[10]; changed = true end
        if ARGV[11] == '1' and ARGV[12] ~= labels then labels = ARGV[12]; changed = true end
        if not changed then return p[1] end
        local now = clock()
        local rev = next_rev()
        local body = p[3] .. '\n' .. p[4] .. '\n' .. revision .. '\n' .. labels
        redis.call('HSET', ikey(ns, app), id, rev .. '\n' .. p[2] .. '\n' .. body)
        append(rev, now, 'k', '1', 'n', ns, 'a', app, 'i', id, 'm', rev, 'b', body)
        return rev
        """;

    /// <summary>ARGV[6..8]: ns, app, id. Returns the DELETE revision or nil.</summary>
    public const string Deregister = Prelude + """
        local value = redis.call('HGET', ikey(ARGV[6], ARGV[7]), ARGV[8])
        if not value then return false end
        local now = clock()
        return remove_instance(ARGV[6], ARGV[7], ARGV[8], value, now)
        """;

    /// <summary>
    /// ARGV[6..9]: ns, lease, app, id. The compare-and-delete of the sweepers: evicts only if the lease
    /// still exists, still belongs to that instance and is still lapsed. Returns the DELETE revision or nil.
    /// </summary>
    public const string Evict = Prelude + """
        local ns, lease, app, id = ARGV[6], ARGV[7], ARGV[8], ARGV[9]
        local owner = redis.call('HGET', owners, lease)
        if not owner then return false end
        local o = split(owner, 4)
        if o[1] ~= ns or o[2] ~= app or o[3] ~= id then return false end
        local now, lnow = clock()
        local score = redis.call('ZSCORE', expiry, lease)
        if (not score) or tonumber(score) > lnow then return false end
        local value = redis.call('HGET', ikey(ns, app), id)
        if (not value) or split(value, 3)[2] ~= lease then return false end
        return remove_instance(ns, app, id, value, now)
        """;

    /// <summary>ARGV[6..]: ns, app, services. Returns the revision of the last new pair, or the current revision.</summary>
    public const string MapServices = Prelude + """
        local ns, app = ARGV[6], ARGV[7]
        local last, now = nil, nil
        for i = 8, #ARGV do
          local svc = ARGV[i]
          if redis.call('SADD', svckey(ns, svc), app) == 1 then
            redis.call('SADD', svcskey(ns), svc)
            if not now then now = clock() end
            last = next_rev()
            append(last, now, 'k', '3', 'n', ns, 'a', app, 's', svc)
          end
        end
        if last then return last end
        return fmt(current_rev())
        """;

    /// <summary>Returns the current revision (initialising the counter of a new or flushed Redis).</summary>
    public const string GetRevision = Prelude + """
        return fmt(current_rev())
        """;

    /// <summary>ARGV[6]: ns. Returns {revision, [app, count, ...]}.</summary>
    public const string ListApps = Prelude + """
        return {fmt(current_rev()), redis.call('HGETALL', appskey(ARGV[6]))}
        """;

    /// <summary>ARGV[6..7]: ns, app. Returns {revision, [id, value, ...]}.</summary>
    public const string ListInstances = Prelude + """
        return {fmt(current_rev()), redis.call('HGETALL', ikey(ARGV[6], ARGV[7]))}
        """;

    /// <summary>ARGV[6..7]: ns, service. Returns {revision, [app, ...]}.</summary>
    public const string Lookup = Prelude + """
        return {fmt(current_rev()), redis.call('SMEMBERS', svckey(ARGV[6], ARGV[7]))}
        """;

    /// <summary>
    /// ARGV[6..]: ns, include-mappings, all-apps, apps. One consistent view (a script runs alone).
    /// Returns {revision, [app, [id, value, ...], ...], [service, [app, ...], ...]}.
    /// </summary>
    public const string Snapshot = Prelude + """
        local ns = ARGV[6]
        local apps
        if ARGV[8] == '1' then
          apps = redis.call('HKEYS', appskey(ns))
        else
          apps = {}
          for i = 9, #ARGV do apps[#apps + 1] = ARGV[i] end
        end
        local instances = {}
        for _, app in ipairs(apps) do
          local h = redis.call('HGETALL', ikey(ns, app))
          if #h > 0 then
            instances[#instances + 1] = app
            instances[#instances + 1] = h
          end
        end
        local mappings = {}
        if ARGV[7] == '1' then
          for _, svc in ipairs(redis.call('SMEMBERS', svcskey(ns))) do
            mappings[#mappings + 1] = svc
            mappings[#mappings + 1] = redis.call('SMEMBERS', svckey(ns, svc))
          end
        end
        return {fmt(current_rev()), instances, mappings}
        """;

    /// <summary>
    /// ARGV[6..8]: after, first id to read ('&lt;after+1&gt;-0'), max. Returns {current, 1} when history
    /// is lost, else {current, 0, [[id, [field, value, ...]], ...]}.
    /// </summary>
    public const string ReadChanges = Prelude + """
        local now = clock()
        trim_age(now)
        local current = current_rev()
        local after = tonumber(ARGV[6])
        if after > current or after < compacted(current) then return {fmt(current), 1} end
        return {fmt(current), 0, redis.call('XRANGE', feed, ARGV[7], '+', 'COUNT', ARGV[8])}
        """;

    /// <summary>
    /// ARGV[6]: max. Returns {total, lapsed, offset-ms, [lease, expiry-ms, owner, ...]}, oldest expiry first.
    /// Changes no lease (touches only the clock).
    /// </summary>
    public const string ScanLeases = Prelude + """
        local now, lnow = clock()
        local total = redis.call('ZCARD', expiry)
        local lapsed = redis.call('ZCOUNT', expiry, '-inf', fmt(lnow))
        local out = {}
        local max = tonumber(ARGV[6])
        if max > 0 and lapsed > 0 then
          local ids = redis.call('ZRANGEBYSCORE', expiry, '-inf', fmt(lnow), 'WITHSCORES', 'LIMIT', 0, max)
          for i = 1, #ids, 2 do
            out[#out + 1] = ids[i]
            out[#out + 1] = ids[i + 1]
            out[#out + 1] = redis.call('HGET', owners, ids[i]) or ''
          end
        end
        return {total, lapsed, fmt(now - lnow), out}
        """;

    /// <summary>The clock heartbeat every node runs. Returns the total outage offset in ms.</summary>
    public const string Heartbeat = Prelude + """
        local now, lnow = clock()
        return fmt(now - lnow)
        """;
}
