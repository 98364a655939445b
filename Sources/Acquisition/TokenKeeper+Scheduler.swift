import Foundation
import SwitchboardCore

extension TokenKeeper {
    /// Starts the proactive refresher: each scheme is refreshed shortly before it expires; a scheme that
    /// cannot be refreshed flips to expired when its token runs out. Reports what it does as events.
    public func startScheduler() {
        guard scheduler == nil else { return }
        scheduler = Task { await self.schedulerLoop() }
    }

    public func stopScheduler() {
        scheduler?.cancel()
        scheduler = nil
        sleeper?.cancel()
        for task in scheduled.values { task.cancel() }
    }

    /// Re-plans now (after a connect, when another process changed the stores, or when a refresh ended).
    public func wakeScheduler() {
        wakeRequested = true
        sleeper?.cancel()
    }

    struct Plan {
        var due: [String] = []
        var lapsed: [String] = []
        var next: Date?
    }

    func plan(now: Date) -> Plan {
        var plan = Plan()
        guard let file = try? env.integrations.load(), let secrets = try? env.secrets.load() else { return plan }
        for connection in file.connections {
            for scheme in connection.schemes where scheme.kind.isOAuth {
                guard case .connected = scheme.status, let tokens = secrets.schemes[scheme.id]?.tokens,
                      let expiresAt = tokens.expiresAt else { continue }
                if tokens.refreshToken == nil {
                    // A lapse whose expiry could not be written waits for its floor before it is tried again.
                    let at = max(expiresAt, notBefore[scheme.id] ?? expiresAt)
                    if at <= now { plan.lapsed.append(scheme.id) } else { plan.next = min(plan.next ?? at, at) }
                    continue
                }
                // The one rule every display reads too (`RefreshPolicy.due`), with the schedule's state from the file,
                // so the screen's "next refresh" is this plan, whichever process wrote the last outcome.
                var due = RefreshPolicy.due(expiresAt: expiresAt, lifetime: Freshness.lifetime(tokens),
                                            shortStreak: scheme.info.shortStreak ?? 0, retryAt: scheme.info.retryAt)
                // This process's own floor after an outcome the file could not record (a write that failed, an
                // error before any write): never a retry at once, whatever the file says.
                if let floor = notBefore[scheme.id], floor > due { due = floor }
                if due <= now { plan.due.append(scheme.id) } else { plan.next = min(plan.next ?? due, due) }
            }
        }
        return plan
    }

    /// Plans, starts the due refreshes that are not already running (each on its own, at most
    /// `refreshConcurrency` at once), and sleeps until the next is due or a refresh ends. It never waits for a
    /// refresh: a server that takes its whole deadline holds up only its own scheme.
    func schedulerLoop() async {
        while !Task.isCancelled {
            wakeRequested = false
            let now = env.now()
            let plan = plan(now: now)
            for id in plan.lapsed {
                try? await expire(id, reason: "The token expired and the server issued no refresh token.", dropTokens: true)
                // If the expiry could not be written, the scheme is found lapsed again: not before the floor.
                notBefore[id] = env.now().addingTimeInterval(RefreshPolicy.floor)
            }
            // Stopped while it expired something: a stopped scheduler starts nothing more.
            if Task.isCancelled { break }
            let waiting = plan.due.filter { scheduled[$0] == nil }
            for id in waiting.prefix(max(0, max(1, env.refreshConcurrency) - scheduled.count)) { startScheduledRefresh(id) }
            if !plan.lapsed.isEmpty || wakeRequested { continue }
            // Sleep until the next due time; at most 30 s, so changes by other processes are noticed. A due
            // scheme already being refreshed (or waiting for a free slot) wakes the loop when a refresh ends.
            let wait = min(30, max(0.01, (plan.next ?? now.addingTimeInterval(30)).timeIntervalSince(now)))
            let time = env.time
            let s = Task { _ = try? await time.sleep(for: .seconds(wait)) }
            sleeper = s
            await s.value
            // Only its own: after a stop and a start, a newer loop's sleeper is that loop's to clear.
            if sleeper == s { sleeper = nil }
        }
    }

    /// One scheduled refresh, on its own task; when it ends, its outcome sets the scheme's backoff and the
    /// scheduler plans again.
    private func startScheduledRefresh(_ id: String) {
        scheduled[id] = Task {
            let settled: Bool
            do {
                _ = try await self.refresh(schemeID: id)
                settled = true
            } catch {
                settled = (error as? AcquisitionError)?.needsReconnect ?? false
            }
            await self.scheduledRefreshEnded(id, settled: settled)
        }
    }

    /// The refresh wrote its outcome (the streak, the failures and the retry) with the status; plan again. A
    /// failure also sets this process's own floor, in case the file could not say so.
    private func scheduledRefreshEnded(_ id: String, settled: Bool) async {
        recordLocalOutcome(id, settled: settled)
        scheduled[id] = nil
        if scheduler != nil { wakeScheduler() }
        // Among many refreshes each status write is only queued; the last one to end waits for all.
        if scheduled.isEmpty { await flushStatus() }
    }

    /// One pass of the scheduler now: refreshes every scheme that is due (bounded concurrency) and expires
    /// the lapsed ones. Returns how many were due.
    @discardableResult
    public func refreshDueNow() async -> Int {
        let plan = plan(now: env.now())
        for id in plan.lapsed {
            try? await expire(id, reason: "The token expired and the server issued no refresh token.", dropTokens: true)
        }
        await refreshAll(plan.due)
        return plan.due.count
    }

    /// Refreshes with bounded concurrency and waits for all; failures back off exponentially (each refresh
    /// records its outcome with its status).
    func refreshAll(_ ids: [String]) async {
        await withTaskGroup(of: (String, Bool).self) { group in
            var iterator = ids.makeIterator()
            func addNext() -> Bool {
                guard let id = iterator.next() else { return false }
                group.addTask {
                    do {
                        _ = try await self.refresh(schemeID: id)
                        return (id, true)
                    } catch {
                        return (id, (error as? AcquisitionError)?.needsReconnect ?? false)
                    }
                }
                return true
            }
            for _ in 0..<max(1, env.refreshConcurrency) where addNext() {}
            for await (id, settled) in group {
                recordLocalOutcome(id, settled: settled)
                _ = addNext()
            }
        }
        await flushStatus()
    }
}

extension TokenKeeper {
    /// A new session, a refresh that worked, an expiry or a disconnect: no floor from before carries over.
    func forgetSchedule(_ id: String) {
        notBefore[id] = nil
        localFailures[id] = nil
    }

    /// This process's floor after a refresh: cleared when it settled (refreshed, or the person must act), else
    /// backed off like the file's retry (`RefreshPolicy.retry`). Reviewed: with the backoff only in the file, a
    /// failure that could not be written (a full disk, a lock file owned by root) was retried at once, for ever.
    func recordLocalOutcome(_ id: String, settled: Bool) {
        if settled {
            notBefore[id] = nil
            localFailures[id] = nil
        } else {
            let n = min(64, (localFailures[id] ?? 0) + 1)
            localFailures[id] = n
            // The token's real expiry (the cache is empty in a process that never got one): a retry still comes
            // before it while there is time.
            let expiry = cache[id]?.expiresAt ?? (try? loadSecrets(id))?.tokens?.expiresAt
            notBefore[id] = RefreshPolicy.retry(after: n, now: env.now(), expiresAt: expiry)
        }
    }
}
