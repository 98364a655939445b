import Foundation
import Synchronization
import SwitchboardCore
import SwitchboardTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// No file crashes Switchboard: the numbers in the index sidecar, the secrets snapshot, `integrations.json` and
/// the activity journal are checked where they are read, and the arithmetic done with them cannot trap. A number
/// Switchboard never writes is an error that says what to do, and the file is left exactly as it was.
@Suite struct StoreNumbersTests {
    static let edgeDoubles = ["-1e300", "1e300", "-1", "1e400", "-1e400", "1.7976931348623157e308", "-0.0", "4.9e-324", "-9223372036854775809"]
    static let edgeInts = ["9223372036854775807", "-9223372036854775808", "-1", "9223372036854775806", "1e30", "18446744073709551616"]

    /// A home with one connected OAuth connection whose numbers are easy to find in the file's text.
    func home(_ tmp: TemporaryDirectory) throws -> SwitchboardHome {
        let home = SwitchboardHome(directory: tmp.path("home"))
        var scheme = AuthScheme(kind: .oauthDynamic, status: .connected(expiresAt: Date(timeIntervalSince1970: 1_900_000_000)))
        scheme.redirectPort = 43210
        scheme.statusRevision = 77
        scheme.info.tokenLifetime = 1234.5
        let connections = [Connection(name: "c", serverURL: URL(string: "https://mcp.example.com/mcp")!, schemes: [scheme]),
                           Connection(name: "d", serverURL: URL(string: "https://d.example.com/mcp")!, schemes: [AuthScheme(kind: .bearer)])]
        try ConnectionStore(home: home).update { $0.connections = connections }
        return home
    }

    func replace(_ old: String, with new: String, in url: URL) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.contains(old), "the fixture holds \(old)")
        try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: url)
        chmod(url.path, 0o600)
    }

    /// Off the cooperative pool (`runDetached`): a test that blocks a pool thread on a child starves the others.
    func run(_ home: SwitchboardHome, _ arguments: [String]) async throws -> BinaryRunner.Result {
        try await BinaryRunner.runDetached(arguments, environment: ["SWITCHBOARD_HOME": home.directory.path, "XDG_DATA_HOME": home.directory.appendingPathComponent("../data").path])
    }

    // MARK: The index sidecar

    /// The reported input: an index whose digest matches the file, with a range past Int's end.
    @Test(arguments: [
        #"[[9223372036854775807, 1]]"#, #"[[1, 9223372036854775807]]"#, #"[[-9223372036854775808, 0]]"#,
        #"[[4611686018427387904, 4611686018427387904]]"#, #"[[0, -1]]"#, #"[[0]]"#, #"[[0, 1, 2]]"#,
    ])
    func anIndexWithAMatchingDigestAndWildRangesIsNotTrusted(_ ranges: String) throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = try home(tmp)
        let indexURL = home.directory.appendingPathComponent(".integrations.index")
        var index = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: indexURL)) as? [String: Any])
        index["ranges"] = try JSONSerialization.jsonObject(with: Data(ranges.utf8))
        try JSONSerialization.data(withJSONObject: index).write(to: indexURL)
        let store = ConnectionStore(home: home)
        let first = try store.prefix(5)
        #expect(first.connections.map(\.name) == ["c", "d"] && first.total == 2)
        #expect(try JSONCoding.decoder().decode(ConnectionsFile.self, from: store.jsonForOutput()).connections.count == 2)
    }

    @Test(arguments: [(-1, 0), (2, -1), (2, 3), (-9_223_372_036_854_775_808, 0), (9_223_372_036_854_775_807, 9_223_372_036_854_775_807), (0, 0), (1, 0)])
    func anIndexWithImpossibleCountsIsNotTrusted(count: Int, attention: Int) async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = try home(tmp)
        let indexURL = home.directory.appendingPathComponent(".integrations.index")
        var index = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: indexURL)) as? [String: Any])
        index["count"] = count
        index["attention"] = attention
        try JSONSerialization.data(withJSONObject: index).write(to: indexURL)
        let first = try ConnectionStore(home: home).prefix(1)
        #expect(first.total == 2 && first.attention == 0, "the index's counts are \(count), \(attention)")
        #expect(first.connections.map(\.name) == ["c"])
        let none = try ConnectionStore(home: home).prefix(-5)
        #expect(none.connections.isEmpty && none.total == 2)
    }

    // MARK: The secrets snapshot

    /// The reported input: a snapshot of generation Int.max made the next write's generation overflow.
    @Test(arguments: ["9223372036854775807", "9007199254740993", "-1", "-9223372036854775808"])
    func aSnapshotGenerationSwitchboardNeverWritesIsDamageNotACrash(_ generation: String) async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.path("home"))
        try FileManager.default.createDirectory(at: home.directory, withIntermediateDirectories: true)
        let text = #"{"encryption":"none","format":"switchboard-secrets","generation":\#(generation),"schemes":{"a":{"bearerToken":"t","registrations":{}}},"storeId":"0123456789abcdef","version":2}"#
        try Data(text.utf8).write(to: home.secretsFile)
        chmod(home.secretsFile.path, 0o600)
        let warnings = Mutex<[String]>([])
        let store = SecretStore(home: home, encryption: .disabled, warn: { w in warnings.withLock { $0.append(w) } })
        #expect { try store.load() } throws: { error in
            guard case .damaged(_, let why)? = error as? SecretStoreError else { return false }
            return why.contains("generation") && "\(error)".contains("moves it aside")
        }
        #expect(try String(contentsOf: home.secretsFile, encoding: .utf8) == text, "a read changes nothing")
        // The next change (a deletion, which writes the next generation's snapshot) sets the file aside (kept,
        // with a warning) and starts afresh: no trap.
        try store.updateScheme("a") { $0.bearerToken = nil }
        try store.updateScheme("b") { $0.bearerToken = "u" }
        #expect(warnings.withLock { $0.contains { $0.contains("broken-") } })
        let kept = try FileManager.default.contentsOfDirectory(atPath: home.directory.path).filter { $0.hasPrefix("integration-secrets.json.broken-") }
        #expect(kept.count == 1)
        #expect(try kept.first.map { try String(contentsOf: home.directory.appendingPathComponent($0), encoding: .utf8) } == text)
        #expect(try SecretStore(home: home, encryption: .disabled, warn: { _ in }).secrets(for: "b").bearerToken == "u")
    }

    /// The largest generation accepted still has a next one.
    @Test func theLargestAcceptedGenerationStillAdvances() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.path("home"))
        try FileManager.default.createDirectory(at: home.directory, withIntermediateDirectories: true)
        let text = #"{"encryption":"none","format":"switchboard-secrets","generation":9007199254740992,"schemes":{},"storeId":"0123456789abcdef","version":2}"#
        try Data(text.utf8).write(to: home.secretsFile)
        chmod(home.secretsFile.path, 0o600)
        let store = SecretStore(home: home, encryption: .disabled, warn: { _ in })
        try store.updateScheme("a") { $0.bearerToken = "t" }
        try store.updateScheme("b") { $0.bearerToken = "u" }
        try store.updateScheme("a") { $0.bearerToken = nil }   // a deletion: a new snapshot, generation 1 again
        let reader = SecretStore(home: home, encryption: .disabled, warn: { _ in })
        #expect(try reader.secrets(for: "b").bearerToken == "u" && reader.secrets(for: "a").bearerToken == nil)
        #expect(try String(contentsOf: home.secretsFile, encoding: .utf8).contains("\"generation\":1,"))
    }

    // MARK: integrations.json

    /// The reported input (`tokenLifetime` -1e300 crashed `show`) and its neighbours: every command either works
    /// or says what is wrong and what to do, and the file is left as it was.
    @Test(arguments: StoreNumbersTests.edgeDoubles)
    func aTokenLifetimeOfAnyValueNeverCrashes(_ value: String) async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = try home(tmp)
        try replace("\"tokenLifetime\" : 1234.5", with: "\"tokenLifetime\" : \(value)", in: home.integrationsFile)
        let before = try Data(contentsOf: home.integrationsFile)
        for command in [["show", "c"], ["list"], ["list", "--json"], ["status", "--json"]] {
            let r = try await run(home, command)
            #expect(r.status == 0 || r.status == 1, "`\(command.joined(separator: " "))` with tokenLifetime \(value) ended with status \(r.status): \(r.stderr)")
            if r.status == 1 {
                // The field is named, except for numbers beyond Double's range, which Foundation's decoder reports without it.
                #expect(r.stderr.contains(value.hasSuffix("e400") ? "integrations.json" : "tokenLifetime") && r.stderr.contains("has not changed the file"), "\(r.stderr)")
            }
        }
        #expect(try Data(contentsOf: home.integrationsFile) == before, "the file was rewritten")
        if value.hasPrefix("-"), value != "-0.0" {
            #expect(try await run(home, ["show", "c"]).status == 1, "a negative lifetime is refused")
        }
    }

    /// `acquiredRevision` Int.max made the next status change overflow (`set-client`, any sign-in or refresh).
    @Test(arguments: StoreNumbersTests.edgeInts)
    func aStatusRevisionOfAnyValueNeverCrashes(_ value: String) async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = try home(tmp)
        try replace("\"acquiredRevision\" : 77", with: "\"acquiredRevision\" : \(value)", in: home.integrationsFile)
        let before = try Data(contentsOf: home.integrationsFile)
        let r = try await run(home, ["set-client", "c", "--client-id", "my-client"])
        #expect(r.status == 1, "set-client with acquiredRevision \(value) ended with status \(r.status): \(r.stderr)")
        // The field is named, except for numbers that are no Int at all, which Foundation's decoder reports without it.
        let named = Int(value) != nil
        #expect(r.stderr.contains(named ? "acquiredRevision" : "integrations.json") && r.stderr.contains("has not changed the file"), "\(r.stderr)")
        #expect(try Data(contentsOf: home.integrationsFile) == before, "the file was rewritten")
    }

    /// A redirect port outside 1…65535 trapped when the listener bound it.
    @Test(arguments: ["0", "65536", "-1", "9223372036854775807", "-9223372036854775808"])
    func aRedirectPortOutOfRangeIsRefusedWhenRead(_ value: String) async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = try home(tmp)
        try replace("\"redirectPort\" : 43210", with: "\"redirectPort\" : \(value)", in: home.integrationsFile)
        #expect { try ConnectionStore(home: home).load() } throws: { error in
            "\(error)".contains("redirectPort") && "\(error)".contains("65535") && "\(error)".contains("has not changed the file")
        }
    }

    // MARK: The activity journal

    @Test func activityLinesWithImpossibleNumbersAreSkipped() async throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = try home(tmp)
        let good = #"{"at":"2030-01-01T00:00:00Z","by":"token","connection":"c","id":"1.1.1","kind":"refreshed","milliseconds":120,"pid":5,"scheme":"s"}"#
        let lines = [
            good,
            #"{"at":"2030-01-01T00:00:01Z","by":"token","connection":"c","id":"1.2.1","kind":"refreshed","milliseconds":-9223372036854775808,"pid":5,"scheme":"s"}"#,
            #"{"at":"2030-01-01T00:00:02Z","by":"check","connection":"c","id":"1.3.1","kind":"checked","tools":-5,"pid":5,"scheme":"s"}"#,
            #"{"at":"2030-01-01T00:00:03Z","by":"bridge","connection":"c","id":"1.4.1","kind":"bridge_stopped","requests":-1,"pid":5,"scheme":"s"}"#,
            #"{"at":"2030-01-01T00:00:04Z","by":"token","connection":"c","id":"1.5.1","kind":"refreshed","milliseconds":1e300,"pid":5,"scheme":"s"}"#,
            #"{"at":"2030-01-01T00:00:05Z","by":"token","connection":"c","id":"1.6.1","kind":"refreshed","pid":-2147483648,"scheme":"s"}"#,
            #"{"at":"9999-12-31T23:59:59Z","by":"token","connection":"c","id":"1.7.1","kind":"refreshed","milliseconds":9223372036854775807,"pid":5,"scheme":"s"}"#,
        ]
        let journal = home.directory.appendingPathComponent("activity.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: journal)
        chmod(journal.path, 0o600)
        let events = try ActivityJournal(home: home, role: "test").events()
        #expect(events.map(\.id) == ["1.1.1", "1.7.1"])
        let r = try await run(home, ["log"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stdout.contains(" -"), "a negative count was shown: \(r.stdout)")
    }

    // MARK: The arithmetic itself

    @Test func durationsAndLifetimesAreTotal() {
        let values: [Double] = [.nan, .infinity, -.infinity, -1e300, 1e300, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                                Double(Int.max), Double(Int.min), -0.0, .leastNonzeroMagnitude, 59.5, -1]
        for v in values {
            let d = StatusText.duration(v)
            #expect(!d.isEmpty && !d.hasPrefix("-"), "duration(\(v)) is \(d)")
            if let tag = StatusText.shortLifetimeTag(v) { #expect(!tag.contains("-"), "\(tag)") }
            _ = StatusText.shortLifetimeNote(v)
            let due = RefreshPolicy.due(expiresAt: Date(timeIntervalSince1970: 1_900_000_000), lifetime: v, shortStreak: Int.max, retryAt: nil)
            #expect(due.timeIntervalSince1970.isFinite)
        }
        #expect(StatusText.duration(.nan) == "0s")
        #expect(StatusText.shortLifetimeTag(-1e300) == nil, "a negative lifetime is no lifetime")
    }
}
