import Foundation
import SwitchboardCore
import SwitchboardTestSupport

/// Sequential round trips (issue #22): the official Python SDK's server behind the delay proxy (50 ms per
/// round trip, the TCP handshake included), with its metadata naming the proxy's origin so that every
/// request of a flow, the headless browser's included, crosses the slow link. A figure is the wall time
/// divided by 50 ms: how many round trips the person waits for, process starts counted in.
extension Scenarios {
    static let roundTripMilliseconds = 50.0

    static func roundTrips(_ quick: Bool) async throws -> [Result] {
        let binary = try Child.binary()
        let python = try await InteropPython.interpreter()
        let rtt = roundTripMilliseconds
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
        var steps: [String: [Double]] = [:], opened: [String: [Double]] = [:], total: [Double] = []
        var checks: [Double] = [], checkConnections: [Double] = [], refreshes: [Double] = [], refreshConnections: [Double] = []
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
                    steps[label, default: []].append(ms / rtt)
                    opened[label, default: []].append(Double(made))
                }
            }
            if i >= 1 { total.append(sum / rtt) }
        }
        let last = "svc\(runs)"

        // `check` again on a connected connection (its era known from the first check).
        for i in 0..<(runs + 1) {
            let (ms, made) = try await timed(["check", last])
            if i >= 1 { checks.append(ms / rtt); checkConnections.append(Double(made)) }
        }

        // A refresh through `token`: the stored access token made to look expired (and obtained long ago, past
        // the refresh floor), so the command must refresh at the token endpoint before it prints.
        let integrations = IntegrationStore(home: home)
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
            if i >= 1 { refreshes.append(ms / rtt); refreshConnections.append(Double(made)) }
        }

        // The Python SDK's own client, in one process: its OAuth flow, then initialize (or server/discover) and tools/list.
        var python2025: [Double] = [], python2026: [Double] = []
        let script = InteropPython.scripts.appendingPathComponent("auth_client.py").path
        for i in 0..<(runs + 1) {
            for (mode, into) in [("legacy", 0), ("2026-07-28", 1)] {
                let r = try await BinaryRunner.runDetached([script, "--url", url, "--mode", mode], binary: URL(fileURLWithPath: python))
                guard r.status == 0, let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
                      let ms = object["ms"] as? Double else {
                    throw Child.ValidationFailure("the Python SDK client flow failed: \(r.stderr.suffix(800))")
                }
                if i >= 1 { if into == 0 { python2025.append(ms / rtt) } else { python2026.append(ms / rtt) } }
            }
        }

        // What a process start costs here, in round trips (a figure above counts one per process).
        let starts = try sample(runs: runs, warmup: 1, scale: ms) {
            guard try Child.spawn([binary, "--version"]) == 0 else { throw Child.ValidationFailure("--version failed") }
        }.map { $0 / rtt }

        func notes(_ label: String) -> [String: String] {
            ["ms": Report.format(median(steps[label] ?? []) * rtt), "connections": Report.format(median(opened[label] ?? []))]
        }
        let perCommand = ["add", "connect", "check"].map { label in
            "\(label) \(Report.format(median(steps[label] ?? [])))"
        }.joined(separator: ", ")
        return [
            Result("roundtrips: add + connect + check", unit: "RTT", samples: total, target: 10,
                   notes: ["ms": Report.format(median(total) * rtt), "per command": perCommand, "processes": "4 (add, connect, browser, check)",
                           "server": server.flavor.description + ", dynamic registration"]),
            Result("roundtrips: connect", unit: "RTT", samples: steps["connect"] ?? [], target: nil, notes: notes("connect")),
            Result("roundtrips: check (era known)", unit: "RTT", samples: checks, target: 3,
                   notes: ["ms": Report.format(median(checks) * rtt), "connections": Report.format(median(checkConnections))]),
            Result("roundtrips: token, refresh", unit: "RTT", samples: refreshes, target: 2,
                   notes: ["ms": Report.format(median(refreshes) * rtt), "connections": Report.format(median(refreshConnections))]),
            Result("roundtrips: python sdk client, initialize", unit: "RTT", samples: python2025, target: nil,
                   notes: ["ms": Report.format(median(python2025) * rtt), "what": "in-process: OAuth + initialize + tools/list"]),
            Result("roundtrips: python sdk client, 2026-07-28", unit: "RTT", samples: python2026, target: nil,
                   notes: ["ms": Report.format(median(python2026) * rtt), "what": "in-process: OAuth + server/discover + tools/list"]),
            Result("roundtrips: one process start (--version)", unit: "RTT", samples: starts, target: nil,
                   notes: ["ms": Report.format(median(starts) * rtt)]),
        ]
    }
}
