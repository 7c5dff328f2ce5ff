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
        -- Leases renewed at least once (score = expiry, as in lease:exp): self-preservation weighs
        -- only these, so registrations that never renew cannot pause eviction.
        local established = pfx .. 'lease:est'
        local function fmt(n) return string.format('%d', n) end
        -- Lease ownership: lease id -> principal name (absent: registered anonymously); per principal the
        -- instances it owns in total (pinst) and per namespace (pns:<principal>), the per-principal caps.
        local principals = pfx .. 'lease:principal'
        local pinst = pfx .. 'pinst'
        local function pnskey(owner) return pfx .. 'pns:' .. owner end
        local function own_add(owner, ns)
          if owner and owner ~= '' then
            redis.call('HINCRBY', pinst, owner, 1)
            redis.call('HINCRBY', pnskey(owner), ns, 1)
          end
        end
        local function own_release(owner, ns)
          if owner and owner ~= '' then
            if redis.call('HINCRBY', pinst, owner, -1) <= 0 then redis.call('HDEL', pinst, owner) end
            if redis.call('HINCRBY', pnskey(owner), ns, -1) <= 0 then redis.call('HDEL', pnskey(owner), ns) end
          end
        end
        -- Whether the caller may change the instance bound to this lease: no owner required (anonymous
        -- registry or an admin), no recorded owner, or the same principal.
        local function owned(lease, required)
          if required == '' then return true end
          local o = redis.call('HGET', principals, lease)
          return (not o) or o == required
        end
        local function ikey(ns, app) return pfx .. 'inst:' .. ns .. ':' .. app end
        local function appskey(ns) return pfx .. 'apps:' .. ns end
        local function svckey(ns, svc) return pfx .. 'svc:' .. ns .. ':' .. svc end
        local function svcskey(ns) return pfx .. 'svcs:' .. ns end
        local function asvckey(ns, app) return pfx .. 'asvc:' .. ns .. ':' .. app end
        -- Namespaces holding state, instances and mappings per namespace, apps idle since (lease clock):
        -- the caps and the unmapping read these instead of counting, so each check is O(1).
        local nss = pfx .. 'nss'
        local ninst = pfx .. 'ninst'
        local nmap = pfx .. 'nmap'
        local idle = pfx .. 'idle'

        -- A cap is checked before anything is written (an error reply does not undo earlier writes).
        -- The error text is parsed by the store: 'LIMIT <option> <max> <what>'.
        local function limit(name, max, what) return redis.error_reply('LIMIT ' .. name .. ' ' .. max .. ' ' .. what) end
        local function ns_full(ns, max)
          return redis.call('SISMEMBER', nss, ns) == 0 and redis.call('SCARD', nss) >= tonumber(max)
        end
        local function decr(hash, field)
          if redis.call('HINCRBY', hash, field, -1) <= 0 then redis.call('HDEL', hash, field) end
        end
        local function ns_gc(ns)
          if redis.call('HLEN', appskey(ns)) == 0 and redis.call('SCARD', svcskey(ns)) == 0 then redis.call('SREM', nss, ns) end
        end

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
        -- extends. Any other caller (ARGV[3] < 0) notes the gap in clock:gap (its length) and
        -- clock:gapfrom (its start on the lease clock) and moves clock:last on. The note must outlive
        -- the time a declaring node needs to get back to Redis (reconnect backoff, a loaded machine):
        -- kept for 10 x threshold, not 1 x, or a restart whose first script came from a node that saw
        -- nothing forgot the outage before the declaring node's first script, and no lease was
        -- extended. While the note exists Evict spares every lease that lapsed after the gap began
        -- (see evictable()); unconsumed when it expires, the gap was a slow Redis and sweeps go on.
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
                redis.call('DEL', pfx .. 'clock:gap', pfx .. 'clock:gapfrom')
              end
            elseif threshold < 0 and gap > -threshold then
              -- The latest gap wins: a later stall replaces an older note, so a slow Redis never
              -- spares a lease for longer than 10 x threshold after its last stall.
              local keep = fmt(-threshold * 10)
              redis.call('SET', pfx .. 'clock:gap', fmt(gap), 'PX', keep)
              redis.call('SET', pfx .. 'clock:gapfrom', fmt(last - offset), 'PX', keep)
            end
          end
          if (not last) or now > last then
            redis.call('SET', pfx .. 'clock:last', fmt(now))
          end
          return now, now - offset
        end

        -- Whether a lease with this expiry (lease clock) may be evicted now. Not while a noted gap
        -- (see clock()) that began before the expiry waits for a declaring node: had that node's
        -- script run first, the lease would be extended, not lapsed. Call after clock().
        local function evictable(score)
          local from = redis.call('GET', pfx .. 'clock:gapfrom')
          return (not from) or tonumber(score) <= tonumber(from)
        end

        -- The feed is a stream whose entry ids are '<revision>-0', so a revision range is an id range.
        -- Revisions are contiguous (each one has exactly one entry), so the compacted-through watermark
        -- is simply the first kept entry's revision minus one.
        -- Looks at the oldest entry first and reads more only when it is due: reading 100 entries (each
        -- with all its fields) on every append was most of a registration's cost in Redis.
        local function trim_age(now)
          local cutoff = now - tonumber(ARGV[5])
          local first = redis.call('XRANGE', feed, '-', '+', 'COUNT', 1)
          if #first == 0 or tonumber(first[1][2][2]) >= cutoff then return end
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
        local function remove_instance(ns, app, id, value, now, lnow)
          local p = split(value, 3)
          redis.call('HDEL', ikey(ns, app), id)
          decr(ninst, ns)
          if redis.call('HINCRBY', appskey(ns), app, -1) <= 0 then
            redis.call('HDEL', appskey(ns), app)
            -- The app's last instance is gone: its mappings' unmap clock starts.
            if redis.call('EXISTS', asvckey(ns, app)) == 1 then redis.call('ZADD', idle, 'NX', fmt(lnow), ns .. '\n' .. app) end
          end
          redis.call('HDEL', owners, p[2])
          own_release(redis.call('HGET', principals, p[2]), ns)
          redis.call('HDEL', principals, p[2])
          redis.call('ZREM', expiry, p[2])
          redis.call('ZREM', established, p[2])
          local rev = next_rev()
          append(rev, now, 'k', '2', 'n', ns, 'a', app, 'i', id, 'm', p[1], 'b', p[3])
          ns_gc(ns)
          return rev
        end

        """;

    /// <summary>
    /// The registration of one instance, shared by <see cref="Register"/> and <see cref="RegisterMany"/>:
    /// <c>register(ns, app, id, body, ttl, owner, admin, lim, first, last)</c> with owner '' = anonymous, admin '1'
    /// (may take over another principal's instance), lim = {ns = MaxNamespaces, inst = MaxInstancesPerNamespace,
    /// pinst = MaxInstancesPerPrincipal, pns = MaxNamespacesPerPrincipal} and the random lease id candidates in
    /// ARGV[first..last]. Returns {'OK', lease, revision}, {'LIMIT', text} past a cap, {'OWNED'} when the instance
    /// exists and another principal owns it, or {'TAKEN'} when every candidate is taken. Every check comes before
    /// the first write, so a refusal changes nothing.
    /// </summary>
    private const string RegisterFunction = """
        local function limit_text(name, max, what) return name .. ' ' .. max .. ' ' .. what end
        local function register(ns, app, id, body, ttl, owner, admin, lim, first, last)
          -- Lease ids are random (drawn by the caller), never a counter: a counter lets a caller renew
          -- its own id + 1, a stranger's lease. A taken candidate (another node drew it) is skipped;
          -- none free -> {'TAKEN'}, and the caller retries with new ones. Kept as strings: 62 bits do not fit
          -- a Lua double.
          local lease = nil
          for i = first, last do
            if redis.call('HEXISTS', owners, ARGV[i]) == 0 then lease = ARGV[i]; break end
          end
          if not lease then return {'TAKEN'} end
          local old = redis.call('HGET', ikey(ns, app), id)
          local oldowner = false
          if old then oldowner = redis.call('HGET', principals, split(old, 3)[2]) end
          if old and owner ~= '' and admin ~= '1' and oldowner and oldowner ~= owner then
            return {'OWNED'}
          end
          if owner ~= '' and oldowner ~= owner then
            local mine = tonumber(redis.call('HGET', pinst, owner) or '0')
            if mine >= tonumber(lim.pinst) then
              return {'LIMIT', limit_text('MaxInstancesPerPrincipal', lim.pinst, "principal '" .. owner .. "' owns " .. mine .. ' instances')}
            end
            if redis.call('HEXISTS', pnskey(owner), ns) == 0 then
              local n = redis.call('HLEN', pnskey(owner))
              if n >= tonumber(lim.pns) then
                return {'LIMIT', limit_text('MaxNamespacesPerPrincipal', lim.pns, "principal '" .. owner .. "' owns instances in " .. n .. " namespaces, '" .. ns .. "' would be a new one")}
              end
            end
          end
          if not old then
            if ns_full(ns, lim.ns) then
              return {'LIMIT', limit_text('MaxNamespaces', lim.ns, redis.call('SCARD', nss) .. " namespaces hold state, '" .. ns .. "' would be a new one")}
            end
            local count = tonumber(redis.call('HGET', ninst, ns) or '0')
            if count >= tonumber(lim.inst) then
              return {'LIMIT', limit_text('MaxInstancesPerNamespace', lim.inst, "namespace '" .. ns .. "' has " .. count .. ' instances')}
            end
          end
          local now, lnow = clock()
          redis.call('ZREM', idle, ns .. '\n' .. app)
          if old then
            local p = split(old, 3)
            redis.call('HDEL', owners, p[2])
            own_release(oldowner, ns)
            redis.call('HDEL', principals, p[2])
            redis.call('ZREM', expiry, p[2])
            redis.call('ZREM', established, p[2])
          else
            redis.call('HINCRBY', appskey(ns), app, 1)
            redis.call('HINCRBY', ninst, ns, 1)
            redis.call('SADD', nss, ns)
          end
          local rev = next_rev()
          redis.call('HSET', ikey(ns, app), id, rev .. '\n' .. lease .. '\n' .. body)
          redis.call('HSET', owners, lease, ns .. '\n' .. app .. '\n' .. id .. '\n' .. ttl)
          redis.call('ZADD', expiry, fmt(lnow + tonumber(ttl)), lease)
          if owner ~= '' then
            redis.call('HSET', principals, lease, owner)
            own_add(owner, ns)
          end
          append(rev, now, 'k', '1', 'n', ns, 'a', app, 'i', id, 'm', rev, 'b', body)
          return {'OK', lease, rev}
        end

        """;

    /// <summary>
    /// ARGV[6..12]: ns, app, instance id, body, ttl ms, MaxNamespaces, MaxInstancesPerNamespace; ARGV[13..16]: owner
    /// ('' = anonymous), admin ('1' may take over another principal's instance), MaxInstancesPerPrincipal,
    /// MaxNamespacesPerPrincipal; ARGV[17..]: random lease id candidates. Returns {lease, revision}, a LIMIT error
    /// past a cap, an OWNED error when the instance exists and another principal owns it, or nil (nothing
    /// changed) when every candidate is taken.
    /// </summary>
    public const string Register = Prelude + RegisterFunction + """
        local lim = {ns = ARGV[11], inst = ARGV[12], pinst = ARGV[15], pns = ARGV[16]}
        local r = register(ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10], ARGV[13], ARGV[14], lim, 17, #ARGV)
        if r[1] == 'OK' then return {r[2], r[3]} end
        if r[1] == 'TAKEN' then return false end
        if r[1] == 'OWNED' then return redis.error_reply('OWNED') end
        return redis.error_reply('LIMIT ' .. r[2])
        """;

    /// <summary>
    /// Several registrations in one call (the registrations that arrived while the previous call was in
    /// flight). ARGV[6..10]: MaxNamespaces, MaxInstancesPerNamespace, MaxInstancesPerPrincipal,
    /// MaxNamespacesPerPrincipal, candidates per registration (k); then per registration 7 + k arguments: ns, app,
    /// instance id, body, ttl ms, owner ('' = anonymous), admin ('1'), k random lease id candidates. Each
    /// registration stands alone, in order (a later one sees the earlier ones, as if sent one by one); returns one
    /// reply per registration as <see cref="RegisterFunction"/> describes.
    /// </summary>
    public const string RegisterMany = Prelude + RegisterFunction + """
        local lim = {ns = ARGV[6], inst = ARGV[7], pinst = ARGV[8], pns = ARGV[9]}
        local k = tonumber(ARGV[10])
        local stride = 7 + k
        local out = {}
        for i = 11, #ARGV - stride + 1, stride do
          out[#out + 1] = register(ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], lim, i + 7, i + 6 + k)
        end
        return out
        """;

    /// <summary>
    /// ARGV[6..8]: ns, lease, required owner ('' = any). Returns the TTL in ms, or -1 when the lease is unknown or
    /// another principal owns it (the same answer: a renewal tells a stranger nothing).
    /// </summary>
    public const string Renew = Prelude + """
        local owner = redis.call('HGET', owners, ARGV[7])
        if not owner then return -1 end
        if not owned(ARGV[7], ARGV[8]) then return -1 end
        local o = split(owner, 4)
        if o[1] ~= ARGV[6] then return -1 end
        local now, lnow = clock()
        redis.call('ZADD', expiry, fmt(lnow + tonumber(o[4])), ARGV[7])
        redis.call('ZADD', established, fmt(lnow + tonumber(o[4])), ARGV[7])
        return tonumber(o[4])
        """;

    /// <summary>
    /// The renewals of one KeepAlive burst. ARGV[6..]: triples of ns, lease, required owner ('' = any). Returns
    /// one number per triple, each exactly what <see cref="Renew"/> answers for it: the TTL in ms, or -1 when the
    /// lease is unknown, in another namespace or owned by another principal. The clock is read once, when the
    /// first lease is found (a burst without one touches nothing, like a Renew that finds nothing).
    /// </summary>
    public const string RenewMany = Prelude + """
        local out = {}
        local lnow = nil
        for i = 6, #ARGV - 2, 3 do
          local lease = ARGV[i + 1]
          local r = -1
          local owner = redis.call('HGET', owners, lease)
          if owner and owned(lease, ARGV[i + 2]) then
            local o = split(owner, 4)
            if o[1] == ARGV[i] then
              if not lnow then local _, l = clock(); lnow = l end
              local exp = fmt(lnow + tonumber(o[4]))
              redis.call('ZADD', expiry, exp, lease)
              redis.call('ZADD', established, exp, lease)
              r = tonumber(o[4])
            end
          end
          out[#out + 1] = r
        end
        return out
        """;

    /// <summary>
    /// ARGV[6..13]: ns, app, id, has-revision, revision, has-labels, labels-json, required owner ('' = any).
    /// Returns the new revision, the unchanged record's mod revision, nil for an unknown instance, or an
    /// OWNED error (nothing changed) when another principal owns it.
    /// </summary>
    public const string Update = Prelude + """
        local ns, app, id = ARGV[6], ARGV[7], ARGV[8]
        local value = redis.call('HGET', ikey(ns, app), id)
        if not value then return false end
        local p = split(value, 6)
        if not owned(p[2], ARGV[13]) then return redis.error_reply('OWNED') end
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

    /// <summary>ARGV[6..9]: ns, app, id, required owner ('' = any). Returns the DELETE revision, nil, or an OWNED error (nothing changed).</summary>
    public const string Deregister = Prelude + """
        local value = redis.call('HGET', ikey(ARGV[6], ARGV[7]), ARGV[8])
        if not value then return false end
        if not owned(split(value, 3)[2], ARGV[9]) then return redis.error_reply('OWNED') end
        local now, lnow = clock()
        return remove_instance(ARGV[6], ARGV[7], ARGV[8], value, now, lnow)
        """;

    /// <summary>
    /// ARGV[6..9]: ns, lease, app, id. The compare-and-delete of the sweepers: evicts only if the lease
    /// still exists, still belongs to that instance and is still lapsed, and no noted outage gap (clock()) began before
    /// its expiry. Returns the DELETE revision or nil.
    /// </summary>
    public const string Evict = Prelude + """
        local ns, lease, app, id = ARGV[6], ARGV[7], ARGV[8], ARGV[9]
        local owner = redis.call('HGET', owners, lease)
        if not owner then return false end
        local o = split(owner, 4)
        if o[1] ~= ns or o[2] ~= app or o[3] ~= id then return false end
        local now, lnow = clock()
        local score = redis.call('ZSCORE', expiry, lease)
        if (not score) or tonumber(score) > lnow or not evictable(score) then return false end
        local value = redis.call('HGET', ikey(ns, app), id)
        if (not value) or split(value, 3)[2] ~= lease then return false end
        return remove_instance(ns, app, id, value, now, lnow)
        """;

    /// <summary>
    /// ARGV[6..]: ns, app, MaxNamespaces, MaxServicesPerApp, MaxMappingsPerNamespace, services (distinct).
    /// Returns the revision of the last new pair, or the current revision; a LIMIT error (nothing
    /// written) when the new pairs would pass a cap. The number of services is capped per call
    /// (MaxServicesPerMapService) above the store, which bounds this script's run time.
    /// </summary>
    public const string MapServices = Prelude + """
        local ns, app = ARGV[6], ARGV[7]
        local added = 0
        for i = 11, #ARGV do
          if redis.call('SISMEMBER', svckey(ns, ARGV[i]), app) == 0 then added = added + 1 end
        end
        if added == 0 then return fmt(current_rev()) end
        if ns_full(ns, ARGV[8]) then
          return limit('MaxNamespaces', ARGV[8], redis.call('SCARD', nss) .. " namespaces hold state, '" .. ns .. "' would be a new one")
        end
        local mine = redis.call('SCARD', asvckey(ns, app))
        if mine + added > tonumber(ARGV[9]) then
          return limit('MaxServicesPerApp', ARGV[9], "app '" .. app .. "' in namespace '" .. ns .. "' is mapped to " .. mine .. ' services and asks for ' .. added .. ' more')
        end
        local total = tonumber(redis.call('HGET', nmap, ns) or '0')
        if total + added > tonumber(ARGV[10]) then
          return limit('MaxMappingsPerNamespace', ARGV[10], "namespace '" .. ns .. "' has " .. total .. ' mappings and the call adds ' .. added)
        end
        local now, lnow = clock()
        local last = nil
        for i = 11, #ARGV do
          local svc = ARGV[i]
          if redis.call('SADD', svckey(ns, svc), app) == 1 then
            redis.call('SADD', svcskey(ns), svc)
            redis.call('SADD', asvckey(ns, app), svc)
            redis.call('HINCRBY', nmap, ns, 1)
            last = next_rev()
            append(last, now, 'k', '3', 'n', ns, 'a', app, 's', svc)
          end
        end
        redis.call('SADD', nss, ns)
        -- Mapped without any instance: the unmap clock runs from now (NX: keep an earlier start).
        if redis.call('HEXISTS', appskey(ns), app) == 0 then redis.call('ZADD', idle, 'NX', fmt(lnow), ns .. '\n' .. app) end
        return last
        """;

    /// <summary>
    /// ARGV[6..7]: idle ms, max apps. Removes every mapping of up to max apps idle (no instance) for at
    /// least idle ms on the lease clock (so a Redis outage does not count as idle time): one
    /// MAPPING_DELETE per pair. Atomic per call, so racing nodes unmap each app once. Returns the
    /// number of apps unmapped.
    /// </summary>
    public const string UnmapIdle = Prelude + """
        local now, lnow = clock()
        local due = redis.call('ZRANGEBYSCORE', idle, '-inf', fmt(lnow - tonumber(ARGV[6])), 'LIMIT', 0, tonumber(ARGV[7]))
        local done = 0
        for _, member in ipairs(due) do
          redis.call('ZREM', idle, member)
          local nl = string.find(member, '\n', 1, true)
          local ns, app = string.sub(member, 1, nl - 1), string.sub(member, nl + 1)
          if redis.call('HEXISTS', appskey(ns), app) == 0 then
            local svcs = redis.call('SMEMBERS', asvckey(ns, app))
            table.sort(svcs)
            for _, svc in ipairs(svcs) do
              if redis.call('SREM', svckey(ns, svc), app) == 1 then
                if redis.call('SCARD', svckey(ns, svc)) == 0 then redis.call('SREM', svcskey(ns), svc) end
                decr(nmap, ns)
                append(next_rev(), now, 'k', '4', 'n', ns, 'a', app, 's', svc)
              end
            end
            redis.call('DEL', asvckey(ns, app))
            ns_gc(ns)
            done = done + 1
          end
        end
        return done
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
    /// ARGV[6]: max. Returns {total, lapsed, offset-ms, [lease, expiry-ms, owner, established, ...],
    /// established, established-lapsed}, oldest expiry first. Changes no lease (touches only the clock).
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
            out[#out + 1] = redis.call('ZSCORE', established, ids[i]) and 1 or 0
          end
        end
        local est = redis.call('ZCARD', established)
        local estLapsed = redis.call('ZCOUNT', established, '-inf', fmt(lnow))
        return {total, lapsed, fmt(now - lnow), out, est, estLapsed}
        """;

    /// <summary>The clock heartbeat every node runs. Returns the total outage offset in ms.</summary>
    public const string Heartbeat = Prelude + """
        local now, lnow = clock()
        return fmt(now - lnow)
        """;
}
