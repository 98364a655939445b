import Acquisition
import Foundation
import SwitchboardCore
import SwitchboardFixtures
import SwitchboardTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `switchboard bridge` (issue #21): what the bridge adds to a call, against a client talking to the same
/// server directly, in one run. Two servers: the official Python SDK's (the figure a person sees, both
/// paths driven by the Python SDK's client) and the in-process fixture (fast enough that the bridge's own
/// cost, its throughput and its memory show, driven over its pipes by this benchmark).
extension Scenarios {
    static func bridge(_ quick: Bool) async throws -> [Result] {
        var results = try await bridgeAgainstFixture(quick)
        results += try await bridgeAgainstPythonSDK(quick)
        return results
    }

    /// A bridge process for connection `fx` in `home`, driven over its pipes.
    static func startBridge(_ binary: String, _ home: SwitchboardHome, name: String = "fx") throws -> LineChild {
        var env = ProcessInfo.processInfo.environment
        env["SWITCHBOARD_ENCRYPT_SECRETS"] = nil
        // To look inside a start: SWITCHBOARD_BENCH_WRAP="strace -f -ttt -o /tmp/bridge.trace" runs each bridge
        // under that command.
        let wrap = env["SWITCHBOARD_BENCH_WRAP"].map { $0.split(separator: " ").map(String.init) } ?? []
        return try LineChild(command: wrap + [binary, "bridge", name, "--home", home.directory.path], environment: env)
    }

    static let initializeLine = #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"switchboard-bench","version":"1"}}}"#

    static func callLine(_ id: Int) -> String {
        #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"echo","arguments":{"text":"call \#(id)"}}}"#
    }

    static func rss(_ pid: pid_t) -> (rss: Double, peak: Double, anonymous: Double, file: Double) {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func kib(_ key: String) -> Double {
            let line = text.split(separator: "\n").first { $0.hasPrefix(key + ":") } ?? ""
            return Double(line.split(separator: " ").dropFirst().first ?? "0").map { $0 / 1024 } ?? .nan
        }
        return (kib("VmRSS"), kib("VmHWM"), kib("RssAnon"), kib("RssFile"))
    }

    /// Start to first answer: process start, the store read, and the initialize round trip, `runs` times.
    static func startToFirstAnswer(_ binary: String, _ home: SwitchboardHome, runs: Int) async throws -> [Double] {
        var first: [Double] = []
        var phases: [String: [Double]] = [:]
        for _ in 0..<runs {
            let t0 = Clock.now()
            let bridge = try startBridge(binary, home)
            guard await bridge.ask(initializeLine)?["result"] != nil else { throw Child.ValidationFailure("the bridge did not answer initialize: \(bridge.standardError)") }
            first.append(Double(Clock.now() - t0) / 1e6)
            bridge.closeInput()
            _ = await bridge.wait()
            var seen: [String: Int] = [:]
            for line in bridge.standardError.split(separator: "\n") where line.hasPrefix("T ") {
                let w = line.split(separator: " ", maxSplits: 2)
                guard w.count == 3, let ns = UInt64(w[1]), ns >= t0 else { continue }
                let n = seen[String(w[2]), default: 0] + 1
                seen[String(w[2])] = n
                phases["\(w[2]) #\(n)", default: []].append(Double(ns - t0) / 1e6)
            }
        }
        for (name, xs) in phases.sorted(by: { median($0.value) < median($1.value) }) { print("  phase \(name): median \(median(xs)) ms (n=\(xs.count))") }
        return first
    }

    /// Only the bridge's start, many times (to profile it: `perf record -a` around this scenario).
    static func bridgeStart(_ quick: Bool) async throws -> [Result] {
        let binary = try Child.binary()
        let (fixture, engine, _) = try await connectedFixture()
        defer { Task { await fixture.stop() }; engine.remove() }
        // An empty program: what any process costs to start on this machine, for comparison.
        var empty: [Double] = []
        for _ in 0..<(quick ? 5 : 50) {
            let t0 = Clock.now()
            let child = try LineChild(command: ["/bin/true"], environment: [:])
            _ = await child.wait()
            empty.append(Double(Clock.now() - t0) / 1e6)
        }
        let first = try await startToFirstAnswer(binary, engine.home, runs: quick ? 10 : 100)
        return [
            Result("bridge: start to first answer", unit: "ms", samples: first, target: 20, notes: ["server": "fixture"]),
            Result("an empty process (/bin/true), start to exit", unit: "ms", samples: empty, target: nil),
        ]
    }

    /// The in-process fixture and an engine whose connection `fx` is signed in to it.
    static func connectedFixture() async throws -> (OAuthFixture, Wiring, scheme: String) {
        let fixture = try await OAuthFixture.start(FixtureOptions())
        let engine = Wiring(home: home())
        let scheme = try engine.integrations.add(NewConnection(name: "fx", url: fixture.serverURL.absoluteString)).schemes[0].id
        try await engine.connect(scheme)
        return (fixture, engine, scheme)
    }

    static func bridgeAgainstFixture(_ quick: Bool) async throws -> [Result] {
        let binary = try Child.binary()
        let (fixture, engine, scheme) = try await connectedFixture()
        defer { Task { await fixture.stop() }; engine.remove() }
        let token = try await engine.actor.validToken(for: scheme)

        let first = try await startToFirstAnswer(binary, engine.home, runs: quick ? 5 : 20)

        // One call at a time: through the bridge, and straight to the server with the same HTTP client.
        let bridge = try startBridge(binary, engine.home)
        _ = await bridge.ask(initializeLine)
        bridge.send(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#)
        let calls = quick ? 500 : 2000
        var viaBridge: [Double] = [], direct: [Double] = []
        let http = engine.http
        for round in 0..<4 {
            for i in 0..<(calls / 4) {
                let t0 = Clock.now()
                guard let answer = await bridge.ask(callLine(round * calls + i)), answer["result"] != nil else {
                    throw Child.ValidationFailure("a call through the bridge failed: \(bridge.standardError.suffix(500))")
                }
                viaBridge.append(Double(Clock.now() - t0) / 1e3)
            }
            for i in 0..<(calls / 4) {
                let t0 = Clock.now()
                let r = try await http.send(HTTPRequestSpec(method: "POST", url: fixture.serverURL, headers: [
                    ("Content-Type", "application/json"), ("Accept", "application/json, text/event-stream"), ("Authorization", "Bearer \(token)"),
                ], body: Data(callLine(i).utf8)))
                guard r.status == 200 else { throw Child.ValidationFailure("a direct call failed: \(r.status)") }
                direct.append(Double(Clock.now() - t0) / 1e3)
            }
        }
        let added = median(viaBridge) - median(direct)

        // Throughput and memory: 10,000 calls, 32 in flight, as an agent running tools in parallel would.
        let total = quick ? 2000 : 10_000
        let window = 32
        let t0 = Clock.now()
        var sent = 0, received = 0
        var early = Double.nan
        while sent < min(window, total) { bridge.send(callLine(100_000 + sent)); sent += 1 }
        while received < total {
            guard let line = await bridge.nextLine(timeout: 60), line.contains("\"result\"") else {
                throw Child.ValidationFailure("a pipelined call failed: \(bridge.standardError.suffix(500))")
            }
            received += 1
            if received == total / 10 { early = rss(bridge.pid).rss }
            if sent < total { bridge.send(callLine(100_000 + sent)); sent += 1 }
        }
        let perSecond = Double(total) / (Double(Clock.now() - t0) / 1e9)
        let memory = rss(bridge.pid)
        bridge.closeInput()
        _ = await bridge.wait()

        return [
            Result("bridge: start to first answer", unit: "ms", samples: first, target: 20, notes: ["server": "fixture"]),
            Result("bridge: call via bridge (fixture)", unit: "µs", samples: viaBridge, target: nil),
            Result("bridge: call direct (fixture, same HTTP client)", unit: "µs", samples: direct, target: nil),
            Result("bridge: added latency p50 (fixture)", unit: "ms", samples: [added / 1000], target: 0.3),
            Result("bridge: calls per second (32 in flight)", unit: "calls/s", samples: [perSecond], target: nil,
                   notes: ["target": "≥ 1000", "met": perSecond >= 1000 ? "yes" : "NO", "calls": "\(total)"]),
            Result("bridge: RSS after \(total) calls", unit: "MiB", samples: [memory.rss], target: 25,
                   notes: ["peak": Report.format(memory.peak), "after \(total / 10)": Report.format(early), "anonymous": Report.format(memory.anonymous), "file-backed": Report.format(memory.file)]),
        ]
    }

    /// The Python SDK's client through the bridge and straight to the Python SDK's server, alternating.
    static func bridgeAgainstPythonSDK(_ quick: Bool) async throws -> [Result] {
        let binary = try Child.binary()
        let python = try await InteropPython.interpreter()
        let script = InteropPython.scripts.appendingPathComponent("bench_client.py").path
        let port = try FreePort.pick()
        let server = try await InteropServer.start(.pythonSDK, ["--registration", "off", "--static-client", "bench-client",
                                                               "--static-redirect", "http://127.0.0.1:\(port)/callback"])
        defer { server.stop() }
        let home = home()
        defer { try? FileManager.default.removeItem(at: home.directory) }
        let at = ["--home", home.directory.path]
        let env = ["BROWSER": binary + " headless-browser"]
        for args in [["add", "p", server.serverURL.absoluteString, "--scheme", "oauth", "--client-id", "bench-client", "--redirect-port", "\(port)"],
                     ["connect", "p"]] {
            let m = try await Task.detached { try Child.measure([binary] + args + at, peak: false, env: env) }.value
            guard m.status == 0 else { throw Child.ValidationFailure("`switchboard \(args.joined(separator: " "))` failed") }
        }
        let token = try BinaryRunner.run(["token", "p"] + at, binary: URL(fileURLWithPath: binary)).stdout.trimmingCharacters(in: .whitespacesAndNewlines)

        func run(_ args: [String]) async throws -> [Double] {
            let r = try await BinaryRunner.runDetached([script] + args, binary: URL(fileURLWithPath: python))
            guard r.status == 0, let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any],
                  let latencies = object["latencies_us"] as? [Double] else {
                throw Child.ValidationFailure("the Python bench client failed: \(r.stderr.suffix(800))")
            }
            return latencies
        }
        let n = quick ? 100 : 300
        var viaBridge: [Double] = [], direct: [Double] = []
        for _ in 0..<(quick ? 2 : 4) {
            viaBridge += try await run(["--n", "\(n)", binary, "bridge", "p"] + at).dropFirst(10)
            direct += try await run(["--n", "\(n)", "--url", server.serverURL.absoluteString, "--token", token]).dropFirst(10)
        }

        // Over a link with 50 ms round trips (a delay proxy in front of the same server): one round trip per
        // call either way, as long as the bridge keeps its connection alive.
        let proxy = try KillableChild(command: [python, InteropPython.scripts.appendingPathComponent("delay_proxy.py").path,
                                                "--target-port", "\(server.port)", "--rtt-ms", "50"])
        defer { proxy.kill(); proxy.wait() }
        proxy.waitForOutput(timeout: 30) { $0.contains("READY ") && $0.hasSuffix("\n") }
        guard let proxyPort = proxy.stdout.split(separator: " ").last.flatMap({ Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }) else {
            throw Child.ValidationFailure("the delay proxy did not start")
        }
        let slowURL = "http://127.0.0.1:\(proxyPort)/mcp"
        _ = try BinaryRunner.run(["add", "slow", slowURL, "--scheme", "bearer"] + at, stdin: token + "\n", binary: URL(fileURLWithPath: binary))
        let slowN = quick ? 10 : 30
        let slowBridge = try await run(["--n", "\(slowN)", binary, "bridge", "slow"] + at).dropFirst(2).map { $0 / 1000 }
        let slowDirect = try await run(["--n", "\(slowN)", "--url", slowURL, "--token", token]).dropFirst(2).map { $0 / 1000 }

        return [
            Result("bridge: python client via bridge", unit: "µs", samples: viaBridge, target: nil, notes: ["server": server.flavor.description]),
            Result("bridge: python client direct", unit: "µs", samples: direct, target: nil),
            Result("bridge: added latency p50 (python sdk)", unit: "ms", samples: [(median(viaBridge) - median(direct)) / 1000], target: 0.3),
            Result("bridge: call over 50 ms RTT via bridge", unit: "ms", samples: slowBridge, target: nil,
                   notes: ["round trips": Report.format(median(slowBridge) / 50)]),
            Result("bridge: call over 50 ms RTT direct", unit: "ms", samples: slowDirect, target: nil,
                   notes: ["round trips": Report.format(median(slowDirect) / 50)]),
        ]
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? .nan : sorted[sorted.count / 2]
    }
}
