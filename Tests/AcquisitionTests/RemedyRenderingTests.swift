import Foundation
import Testing
@testable import Acquisition
import SwitchboardApp
import SwitchboardCore
import SwitchboardWiring

/// One remedy value, said by every surface its own way (issue #24): the command line as a command, the screen
/// as the key from `KeyMap`'s tables, the bridge as command lines in its JSON-RPC error text.
@Suite struct RemedyRenderingTests {
    /// The issuer-moved error the engine raises, as the engine raises it.
    static func issuerMoved(_ name: String) throws -> AcquisitionError {
        var secrets = SchemeSecrets(manualClientSecret: "sek")
        secrets.manualClientIssuer = "https://old.example"
        do {
            try TokenKeeper.checkSecretIssuer(secrets, issuer: "https://new.example", name: name)
        } catch let e as AcquisitionError {
            return e
        }
        Issue.record("no error for a secret bound to another issuer")
        return AcquisitionError(.storage, "")
    }

    @Test func issuerMovedSaysACommandInTheTerminalAndAKeyOnTheScreen() throws {
        let e = try Self.issuerMoved("figma")
        #expect(e.remedies.map(\.remedy) == [.trustNewIssuer(connection: "figma"), .setClient(connection: "figma", secret: true, issuer: false)])
        let cli = try #require(e.remedyText)
        #expect(cli.contains("run `switchboard connect figma --trust-new-issuer`"), "\(cli)")
        #expect(cli.contains("run `switchboard set-client figma --client-id ID --client-secret-stdin`"), "\(cli)")
        #expect(!cli.contains("on the screen"))

        let screen = try #require(e.remedy(KeyMap.say))
        let trust = try #require(KeyMap.clientIssuerChanged.first { $0.command == .confirm }?.hint)
        let client = try #require(KeyMap.key(for: .manualClient))
        #expect(screen.contains("press \(trust.key) to \(trust.label)"), "\(screen)")
        #expect(screen.contains("press \(client) to enter the client"), "\(screen)")
        #expect(!screen.contains("switchboard"), "the screen says keys, not commands: \(screen)")
        #expect(screen.hasPrefix("If the move is expected and the same client works there, press"))

        // The bridge's reader is at a terminal: command lines.
        let bridge = Wiring.bridgeText(for: e, connection: "figma")
        #expect(bridge.contains("`switchboard connect figma --trust-new-issuer`"), "\(bridge)")
    }

    /// A name a shell would split is quoted in every command line, as before.
    @Test func connectionNamesStayQuoted() {
        #expect(Remedy.trustNewIssuer(connection: "my server").commandLine == "switchboard connect 'my server' --trust-new-issuer")
        #expect(RemedyStep.say([RemedyStep(.reconnect(connection: "a;b"))], with: \.sentence) == "Run `switchboard reconnect 'a;b'`.")
    }

    static let all: [Remedy] = [.reconnect(connection: "x"), .connect(connection: "x"), .reconnectNewPort(connection: "x"),
                             .trustNewIssuer(connection: "x"), .setClient(connection: "x", secret: true, issuer: true),
                             .addWithClient(connection: "x"), .doctor(connection: "x"), .doctor(connection: nil), .list,
                             .remove(connection: "x"), .removeAndAddAgain(connection: "x", scheme: "bearer"),
                             .pasteAddress(connection: "x"), .sealSecrets(seal: false), .advice("Contact its operator.")]

    /// Every remedy the screen says comes from a key table or is advice: never a literal key, never empty.
    @Test func everyRemedyHasAScreenForm() {
        for remedy in Self.all {
            #expect(!KeyMap.say(remedy).isEmpty, "\(remedy)")
            #expect(!remedy.sentence.isEmpty, "\(remedy)")
        }
        #expect(KeyMap.say(.reconnect(connection: "x")) == "Press \(KeyMap.key(for: .reconnect) ?? "?") to sign in again")
        #expect(KeyMap.say(.reconnectNewPort(connection: "x")) == "In a terminal, run `switchboard connect x --new-port`")
    }

    /// Every remedy survives the file, with its condition.
    @Test func everyRemedyRoundTripsThroughJSON() throws {
        let steps = Self.all.map { RemedyStep($0, when: "If it applies") } + [RemedyStep(.doctor(connection: nil))]
        let data = try JSONEncoder().encode(steps)
        #expect(try JSONDecoder().decode([RemedyStep].self, from: data) == steps)
    }

    /// A store error says its remedy in each surface's words: the command in a terminal, the key on the screen.
    @Test func storeErrorsSayTheirRemedyPerSurface() {
        let taken = ConnectionStoreError.duplicateName("figma")
        #expect("\(taken)".contains("run `switchboard remove figma`"), "\(taken)")
        let screen = taken.said(with: KeyMap.say)
        #expect(screen.contains("press \(KeyMap.key(for: .remove) ?? "?") to remove it") && !screen.contains("switchboard"), "\(screen)")
    }

    /// A stored error keeps its remedy as values; an older file's sentence reads back as plain advice.
    @Test func storedErrorStatusRoundTripsAndTheOldFormStillDecodes() throws {
        let e = try Self.issuerMoved("figma")
        let status = SchemeStatus.error(message: e.message, remedies: e.remedies)
        let data = try JSONEncoder().encode(status)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"action\":\"trustNewIssuer\"") && !text.contains("switchboard connect"), "\(text)")
        #expect(try JSONDecoder().decode(SchemeStatus.self, from: data) == status)

        let old = #"{"state":"error","message":"The server said no.","remedy":"Run `switchboard reconnect figma`."}"#
        let decoded = try JSONDecoder().decode(SchemeStatus.self, from: Data(old.utf8))
        #expect(decoded == .error(message: "The server said no.", remedies: [RemedyStep(.advice("Run `switchboard reconnect figma`."))]))
        let none = #"{"state":"error","message":"boom"}"#
        #expect(try JSONDecoder().decode(SchemeStatus.self, from: Data(none.utf8)) == .error(message: "boom", remedies: []))
    }
}
