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
        try ConnectionStore(home: home).update { $0.connections = list }
        let reader = ConnectionStore(home: home)
        #expect(try reader.jsonForOutput() == Data(contentsOf: home.integrationsFile), "the file's own bytes")
        let decoded = try JSONCoding.decoder().decode(ConnectionsFile.self, from: reader.jsonForOutput())
        #expect(decoded.connections == list, "and they are the whole list")
        let first = try reader.prefix(20)
        #expect(first.connections == Array(list.prefix(20)))
        #expect(first.total == 300 && first.attention == 75)
        // Only one connection changed: the file is rebuilt from the others' remembered JSON and stays valid.
        try reader.update { $0.connections[5].name = "renamed" }
        #expect(try ConnectionStore(home: home).load().connections[5].name == "renamed")
        #expect(try ConnectionStore(home: home).prefix(10).connections[5].name == "renamed")
    }

    @Test func aHandEditedFileIsDecodedInFullAndABrokenOneReported() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        try ConnectionStore(home: home).update { $0.connections = connections(10) }
        // An edit keeps the JSON valid but no longer matches the index's digest.
        var text = try String(contentsOf: home.integrationsFile, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"c3\"", with: "\"edited\"")
        try text.write(to: home.integrationsFile, atomically: true, encoding: .utf8)
        let reader = ConnectionStore(home: home)
        #expect(try reader.prefix(5).connections[3].name == "edited")
        #expect(try JSONCoding.decoder().decode(ConnectionsFile.self, from: reader.jsonForOutput()).connections[3].name == "edited")
        // A broken file is an error with its line and column, never printed as if it were fine.
        try Data("{\"version\": 1, \"connections\": [".utf8).write(to: home.integrationsFile)
        #expect(throws: ConnectionStoreError.self) { try ConnectionStore(home: home).jsonForOutput() }
        #expect(throws: ConnectionStoreError.self) { try ConnectionStore(home: home).prefix(5) }
    }

    /// `status --json` of every connection comes from the status file the writer keeps, byte for byte what a
    /// full decode renders; a file it was not made from (edited by hand, written by a crashed writer) is
    /// decoded in full instead.
    @Test func statusRowsAreKeptByTheWriterAndIgnoredWhenStale() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        var list = connections(50)
        list[1].schemes[0].status = .connected(expiresAt: Date(timeIntervalSince1970: 1_900_000_000))
        list[2].schemes[0].status = .error(message: "The server said no.", remedies: .advice("Try again."))
        list[3].schemes = []
        try ConnectionStore(home: home).update { $0.connections = list }
        let status = tmp.url.appendingPathComponent(".integrations.status")
        #expect(FileManager.default.fileExists(atPath: status.path))
        let kept = try ConnectionStore(home: home).statusJSON()
        #expect(kept == (try StatusRows.render(list, now: Date())))
        let rows = try JSONCoding.decoder().decode([StatusRow].self, from: kept)
        #expect(rows.count == 49 && rows == list.flatMap { StatusRow.rows(for: $0, now: Date()) })
        #expect(rows.first { $0.name == "c0" }?.remedy == "switchboard reconnect c0")
        #expect(rows.first { $0.name == "c2" }?.message == "The server said no.")
        #expect(rows.first { $0.name == "c2" }?.remedy == "Try again.")

        // The writer keeps it current: one change, and the file says so.
        try ConnectionStore(home: home).updateScheme(list[1].schemes[0].id) { $0.status = .notConnected }
        #expect(try JSONCoding.decoder().decode([StatusRow].self, from: ConnectionStore(home: home).statusJSON())[1].state == .notConnected)

        // A status file whose digest is not the current file's is not used: the rows come from the file.
        let planted = try Data(contentsOf: status)
        var text = try String(contentsOf: home.integrationsFile, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"c7\"", with: "\"edited\"")
        try text.write(to: home.integrationsFile, atomically: true, encoding: .utf8)
        let fresh = try ConnectionStore(home: home).statusJSON()
        #expect(try JSONCoding.decoder().decode([StatusRow].self, from: fresh).contains { $0.name == "edited" })
        #expect(fresh != planted.drop { $0 != 0x0A }.dropFirst())
        // Nor is one in another format, even with the right digest.
        try ConnectionStore(home: home).update { $0.connections[0].name = "again" }
        let current = try Data(contentsOf: status)
        let other = Data("status-rows-v0".utf8) + current.drop { $0 != 0x20 }
        try Data(other.prefix(other.firstIndex(of: 0x0A)! + 1) + Data("[]\n".utf8)).write(to: status)
        #expect(try JSONCoding.decoder().decode([StatusRow].self, from: ConnectionStore(home: home).statusJSON()).count == 49)
        // No connections: an empty array.
        try ConnectionStore(home: home).update { $0.connections = [] }
        #expect(try JSONCoding.decoder().decode([StatusRow].self, from: ConnectionStore(home: home).statusJSON()).isEmpty)
    }
}
