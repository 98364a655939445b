import Foundation
import SwitchboardCore
import SwitchboardTestSupport

/// Sequential round trips (issue #22): the official Python SDK's server behind the delay proxy (50 ms per
/// round trip, the TCP handshake included), with its metadata naming the proxy's origin so that every
/// request of a flow, the headless browser's included, crosses the slow link. A figure is the wall time
/// divided by 50 ms: how many round trips the person waits for, process starts counted in. Beside it, the
/// same flows through the proxy at 0 ms give what the machine itself takes (process starts, both sides'
/// work); (wall at 50 ms − wall at 0 ms) / 50 ms is then the count of sequential round trips alone, a
/// figure a busy machine does not move.
extension Scenarios {
    static let roundTripMilliseconds = 50.0

    /// The samples of one pass, in milliseconds (connections: how many the proxy accepted, per command).
    struct RoundTripFlows {
        var steps: [String: [Double]] = [:], opened: [String: [Double]] = [:], total: [Double] = []
        var checks: [Double] = [], checkConnections: [Double] = [], refreshes: [Double] = [], refreshConnections: [Double] = []
        var python2025: [Double] = [], python2026: [Double] = []
    }

    static func roundTrips(_ quick: Bool) async throws -> [Result] {
        let binary = try Child.binary()
        let rtt = roundTripMilliseconds
        let slow = try await roundTripFlows(rtt: rtt, quick: quick)
        let fast = try await roundTripFlows(rtt: 0, quick: quick)
        // What a process start costs here, in round trips (a figure above counts one per process).
        let starts = try sample(runs: quick ? 3 : 7, warmup: 1, scale: ms) {
            guard try Child.spawn([binary, "--version"]) == 0 else { throw Child.ValidationFailure("--version failed") }
        }.map { $0 / rtt }

        /// Wall time in round trips, with the milliseconds and the round trips net of the machine's own time.
        func result(_ name: String, _ slowMS: [Double], _ fastMS: [Double], target: Double?, _ extra: [String: String] = [:]) -> Result {
            var notes = extra
            notes["ms"] = Report.format(median(slowMS))
            notes["at 0 ms"] = Report.format(median(fastMS)) + " ms"
            notes["network RTT"] = Report.format((median(slowMS) - median(fastMS)) / rtt)
            return Result(name, unit: "RTT", samples: slowMS.map { $0 / rtt }, target: target, notes: notes)
        }
        let perCommand = ["add", "connect", "check"].map { label in
            "\(label) \(Report.format(median(slow.steps[label] ?? []) / rtt))"
        }.joined(separator: ", ")
        return [
            result("roundtrips: add + connect + check", slow.total, fast.total, target: 10,
                   ["per command": perCommand, "processes": "4 (add, connect, browser, check)",
                    "server": InteropServer.Flavor.pythonSDK.description + ", dynamic registration"]),
            result("roundtrips: connect", slow.steps["connect"] ?? [], fast.steps["connect"] ?? [], target: nil,
                   ["connections": Report.format(median(slow.opened["connect"] ?? []))]),
            result("roundtrips: check (era known)", slow.checks, fast.checks, target: 3,
                   ["connections": Report.format(median(slow.checkConnections))]),
            result("roundtrips: token, refresh", slow.refreshes, fast.refreshes, target: 2,
                   ["connections": Report.format(median(slow.refreshConnections))]),
            result("roundtrips: python sdk client, initialize", slow.python2025, fast.python2025, target: nil,
                   ["what": "in-process: OAuth + initialize + tools/list"]),
            result("roundtrips: python sdk client, 2026-07-28", slow.python2026, fast.python2026, target: nil,
                   ["what": "in-process: OAuth + server/discover + tools/list"]),
            Result("roundtrips: one process start (--version)", unit: "RTT", samples: starts, target: nil,
                   notes: ["ms": Report.format(median(starts) * rtt)]),
        ]
    }

    /// One pass through the proxy at `rtt` milliseconds, against a server of its own.
    static func roundTripFlows(rtt: Double, quick: Bool) async throws -> RoundTripFlows {
        let binary = try Child.binary()
        let python = try await InteropPython.interpreter()
        var f = RoundTripFlows()
        let proxyPort = try FreePort.pick()
        let origin = "http://127.0.0.1:\(proxyPort)"
        // Dynamic registration (no client set up in advance): the whole chain a first sign-in runs.
        let server = try await InteropServer.start(.pythonSDK, ["--public-origin", origin])
        defer { server.stop() }
        let accepted = FileManager.default.temporaryDirectory.appendingPathComponent("switchboard-bench-connections-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: accepted) }
        let proxy = try KillableChild(command: [python, InteropPython.scripts.appendingPathComponent("delay_proxy.py").path,
                                                "--target-port", "\(server.port)", "--listen-port", "\(proxyPort)",
                                                "--rtt-ms", "\(Int(rtt))", "--connections", accepted.path])
        defer { proxy.kill(); proxy.wait() }
        proxy.waitForOutput(timeout: 30) { $0.contains("READY ") && $0.hasSuffix("\n") }
        guard proxy.stdout.contains("READY \(proxyPort)") else { throw Child.ValidationFailure("the delay proxy did not start: \(proxy.stdout)") }
        /// TCP connections the proxy has accepted so far.
        func connections() -> Int { ((try? String(contentsOf: accepted, encoding: .utf8)) ?? "").split(separator: "\n").count }

        let url = origin + "/mcp"
        let env = ["BROWSER": binary + " headless-browser"]
        let runs = quick ? 3 : 7
        let home = home()
        defer { try? FileManager.default.removeItem(at: home.directory) }
        let at = ["--home", home.directory.path]

        func timed(_ args: [String]) async throws -> (ms: Double, connections: Int) {
            let before = connections()
            let m = try await Task.detached { try Child.measure([binary] + args + at, peak: false, env: env) }.value
            guard m.status == 0 else { throw Child.ValidationFailure("`switchboard \(args.joined(separator: " "))` exited \(m.status) behind the delay proxy") }
            return (m.milliseconds, connections() - before)
        }

        // From nothing to a listed tool, a new connection each run (the first run warms the caches).
        for i in 0..<(runs + 1) {
            let name = "svc\(i)"
            var sum = 0.0
            for (label, args) in [("add", ["add", name, url]), ("connect", ["connect", name]), ("check", ["check", name])] {
                let (ms, made) = try await timed(args)
                sum += ms
                if i >= 1 {
                    f.steps[label, default: []].append(ms)
                    f.opened[label, default: []].append(Double(made))
                }
            }
            if i >= 1 { f.total.append(sum) }
        }
        let last = "svc\(runs)"

        // `check` again on a connected connection (its era known from the first check).
        for i in 0..<(runs + 1) {
            let (ms, made) = try await timed(["check", last])
            if i >= 1 { f.checks.append(ms); f.checkConnections.append(Double(made)) }
        }

        // A refresh through `token`: the stored access token made to look expired (and obtained long ago, past
        // the refresh floor), so the command must refresh at the token endpoint before it prints.
        let integrations = ConnectionStore(home: home)
        guard let scheme = try integrations.load().connection(named: last)?.schemes.first?.id else {
            throw Child.ValidationFailure("no scheme for \(last)")
        }
        for i in 0..<(runs + 1) {
            try SecretStore(home: home, warn: { _ in }).updateScheme(scheme) { s in
                s.tokens?.expiresAt = Date(timeIntervalSinceNow: -60)
                s.tokens?.obtainedAt = Date(timeIntervalSinceNow: -3600)
            }
            let grants = server.events("/token").filter { $0.grant_type == "refresh_token" }.count
            let (ms, made) = try await timed(["token", last])
            guard server.events("/token").filter({ $0.grant_type == "refresh_token" }).count == grants + 1 else {
                throw Child.ValidationFailure("`switchboard token` did not refresh exactly once")
            }
            if i >= 1 { f.refreshes.append(ms); f.refreshConnections.append(Double(made)) }
        }

        // The Python SDK's own client, in one process: its OAuth flow, then initialize (or server/discover) and tools/list.
        let script = InteropPython.scripts.appendingPathComponent("auth_client.py").path
        for i in 0..<(runs + 1) {
            for (mode, into) in [("legacy", 0), ("2026-07-28", 1)] {
                let r = try await BinaryRunner.runDetached([script, "--url", url, "--mode", mode], binary: URL(fileURLWithPath: python))
                guard r.status == 0, let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
                      let ms = object["ms"] as? Double else {
                    throw Child.ValidationFailure("the Python SDK client flow failed: \(r.stderr.suffix(800))")
                }
                if i >= 1 { if into == 0 { f.python2025.append(ms) } else { f.python2026.append(ms) } }
            }
        }

        return f
    }
}
