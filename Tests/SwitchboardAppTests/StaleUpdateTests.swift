import Foundation
import SwitchboardCore
import SwitchboardApp
import SwitchboardTestSupport
import Testing

/// An engine update whose status is older than the row's (a batched refresh's event that arrives after a
/// disconnect's) does not overwrite it: the revision on disk decides, as it does for a reload.
@Suite struct StaleUpdateTests {
    func state() -> AppState {
        var s = AppState(now: Sample.now)
        s.connections = [Connection(id: "c1", name: "notes", serverURL: URL(string: "https://notes.example/mcp")!,
                                    schemes: [AuthScheme(id: "s1", kind: .oauthDynamic)])]
        return s
    }

    @Test func anOlderRevisionsStatusIsNotApplied() {
        var s = state()
        _ = reduce(&s, .acquisition(SchemeUpdate(schemeID: "s1", event: .disconnected(revoked: false), revision: 7, status: .notConnected)))
        #expect(s.connections[0].schemes[0].status == .notConnected)
        // The refresh wrote revision 6 before the disconnect wrote 7; its event comes last.
        let late = Sample.now.addingTimeInterval(3600)
        _ = reduce(&s, .acquisition(SchemeUpdate(schemeID: "s1", event: .refreshed(expiresAt: late), revision: 6, status: .connected(expiresAt: late))))
        #expect(s.connections[0].schemes[0].status == .notConnected)
        #expect(s.connections[0].schemes[0].statusRevision == 7)
    }

    @Test func aNewerRevisionAndAProgressStatusAreApplied() {
        var s = state()
        _ = reduce(&s, .acquisition(SchemeUpdate(schemeID: "s1", event: .disconnected(revoked: false), revision: 7, status: .notConnected)))
        // Progress carries no revision: shown at once.
        _ = reduce(&s, .acquisition(SchemeUpdate(schemeID: "s1", event: .probing(server: "https://notes.example/mcp"), status: .connecting)))
        #expect(s.connections[0].schemes[0].status == .connecting)
        let late = Sample.now.addingTimeInterval(3600)
        _ = reduce(&s, .acquisition(SchemeUpdate(schemeID: "s1", event: .connected(expiresAt: late), revision: 8, status: .connected(expiresAt: late))))
        #expect(s.connections[0].schemes[0].status == .connected(expiresAt: late))
        #expect(s.connections[0].schemes[0].statusRevision == 8)
    }
}
