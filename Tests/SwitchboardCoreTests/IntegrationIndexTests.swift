import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing

/// The index next to integrations.json: trusted bytes for `list --json`, the first rows for the screen,
/// and a full decode whenever the file is not exactly what Switchboard wrote.
@Suite struct IntegrationIndexTests {
    func connections(_ n: Int) -> [Connection] {
        (0..<n).map { i in
            Connection(name: "c\(i)", serverURL: URL(string: "https://s\(i).example.com/mcp")!,
                       schemes: [AuthScheme(kind: .oauthDynamic, status: i % 4 == 0 ? .expired(reason: "gone", since: Date(timeIntervalSince1970: 1_800_000_000)) : .notConnected)])
        }
    }

    @Test func trustedFileIsCopiedAndTheFirstRowsDecodedAlone() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        let list = connections(300)
        try IntegrationStore(home: home).update { $0.connections = list }
        let reader = IntegrationStore(home: home)
        #expect(try reader.jsonForOutput() == Data(contentsOf: home.integrationsFile), "the file's own bytes")
        let decoded = try JSONCoding.decoder().decode(IntegrationsFile.self, from: reader.jsonForOutput())
        #expect(decoded.connections == list, "and they are the whole list")
        let first = try reader.prefix(20)
        #expect(first.connections == Array(list.prefix(20)))
        #expect(first.total == 300 && first.attention == 75)
        // Only one connection changed: the file is rebuilt from the others' remembered JSON and stays valid.
        try reader.update { $0.connections[5].name = "renamed" }
        #expect(try IntegrationStore(home: home).load().connections[5].name == "renamed")
        #expect(try IntegrationStore(home: home).prefix(10).connections[5].name == "renamed")
    }

    @Test func aHandEditedFileIsDecodedInFullAndABrokenOneReported() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        try IntegrationStore(home: home).update { $0.connections = connections(10) }
        // An edit keeps the JSON valid but no longer matches the index's digest.
        var text = try String(contentsOf: home.integrationsFile, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"c3\"", with: "\"edited\"")
        try text.write(to: home.integrationsFile, atomically: true, encoding: .utf8)
        let reader = IntegrationStore(home: home)
        #expect(try reader.prefix(5).connections[3].name == "edited")
        #expect(try JSONCoding.decoder().decode(IntegrationsFile.self, from: reader.jsonForOutput()).connections[3].name == "edited")
        // A broken file is an error with its line and column, never printed as if it were fine.
        try Data("{\"version\": 1, \"connections\": [".utf8).write(to: home.integrationsFile)
        #expect(throws: IntegrationStoreError.self) { try IntegrationStore(home: home).jsonForOutput() }
        #expect(throws: IntegrationStoreError.self) { try IntegrationStore(home: home).prefix(5) }
    }
}
