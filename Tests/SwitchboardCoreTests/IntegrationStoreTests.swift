import Foundation
import SwitchboardCore
import SwitchboardTestSupport
import Testing

@Suite struct IntegrationStoreTests {
    @Test func roundTripWithPermissions() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.path("home"))
        let store = ConnectionStore(home: home)
        let expiry = Date(timeIntervalSince1970: 1_900_000_000)
        let c = Connection(name: "linear", serverURL: URL(string: "https://mcp.linear.app/mcp")!,
                           schemes: [AuthScheme(kind: .oauthDynamic, scopes: ["read"], status: .connected(expiresAt: expiry),
                                                info: SchemeInfo(issuer: "https://linear.app", grantedScopes: ["read"]))])
        let d = Connection(name: "gh", serverURL: URL(string: "http://127.0.0.1:9/x")!,
                           schemes: [AuthScheme(kind: .oauthManual, clientID: "abc",
                                                status: .error(message: "boom", remedies: .advice("do this"))),
                                     AuthScheme(kind: .none, status: .expired(reason: "gone", since: expiry))])
        try store.update { $0.connections = [c, d] }
        let loaded = try ConnectionStore(home: home).load()
        #expect(loaded.connections == [c, d])
        #expect(FileSystem.mode(of: home.directory) == 0o700)
        #expect(FileSystem.mode(of: home.integrationsFile) == 0o600)
    }

    @Test func missingFileIsEmpty() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        #expect(try ConnectionStore(home: SwitchboardHome(directory: tmp.path("none"))).load().connections.isEmpty)
    }

    @Test func corruptFileIsReportedAndNeverOverwritten() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        let broken = Data("{\n  \"version\": 1,\n  \"connections\": [ oops ]\n}\n".utf8)
        try broken.write(to: home.integrationsFile)
        let store = ConnectionStore(home: home)
        do {
            _ = try store.load()
            Issue.record("a corrupt file loaded")
        } catch let ConnectionStoreError.corrupt(e) {
            #expect(e.line == 3)
            #expect(e.column == 20)
            #expect(e.file.hasSuffix("integrations.json"))
            #expect("\(ConnectionStoreError.corrupt(e))".contains("line 3, column 20"))
        }
        #expect(throws: ConnectionStoreError.self) { try store.update { $0.connections = [] } }
        #expect(try Data(contentsOf: home.integrationsFile) == broken)
    }

    @Test func wrongShapeNamesTheField() throws {
        let tmp = TemporaryDirectory()
        defer { tmp.remove() }
        let home = SwitchboardHome(directory: tmp.url)
        try Data(#"{"version": 1, "connections": [{"id": "x", "name": 5}]}"#.utf8).write(to: home.integrationsFile)
        #expect { try ConnectionStore(home: home).load() } throws: { "\($0)".contains("connections.[0].name") || "\($0)".contains("name") }
    }

    @Test func homeResolution() {
        #expect(SwitchboardHome.resolve(explicit: "/a", environment: ["SWITCHBOARD_HOME": "/b"]).directory.path == "/a")
        #expect(SwitchboardHome.resolve(explicit: nil, environment: ["SWITCHBOARD_HOME": "/b", "XDG_CONFIG_HOME": "/c"]).directory.path == "/b")
        #expect(SwitchboardHome.resolve(explicit: nil, environment: ["XDG_CONFIG_HOME": "/c", "HOME": "/h"]).directory.path == "/c/switchboard")
        #expect(SwitchboardHome.resolve(explicit: nil, environment: ["HOME": "/h"]).directory.path == "/h/.config/switchboard")
    }
}
