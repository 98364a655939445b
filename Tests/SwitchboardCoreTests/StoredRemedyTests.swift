import Foundation
import SwitchboardCore
import Testing

/// A scheme's error status is read from `integrations.json`, which other processes write: its remedies are
/// bounded, and one that does not read never makes the file unreadable.
@Suite struct StoredRemedyTests {
    func status(_ json: String) throws -> SchemeStatus {
        try JSONCoding.decoder().decode(SchemeStatus.self, from: Data(json.utf8))
    }

    @Test func aNameThatIsNoConnectionNameIsNotUsed() throws {
        let s = try status(#"{"state":"error","message":"m","remedies":[{"action":"reconnect","connection":"--home=/tmp/x"}]}"#)
        guard case .error(_, let remedies) = s else { Issue.record("\(s)"); return }
        #expect(remedies.map(\.remedy) == [.doctor(connection: nil)])
        #expect(!RemedyStep.say(remedies, with: \.sentence).contains("--home"))
    }

    @Test func entriesThatDoNotReadLeaveTheFileReadable() throws {
        for bad in [#"{"action":"reconnect"}"#, #"{"action":"setClient","connection":"notes","secret":"yes"}"#,
                    #"{"action":7}"#, #""just a string""#] {
            let s = try status(#"{"state":"error","message":"m","remedies":["# + bad + "]}")
            guard case .error(let message, let remedies) = s else { Issue.record("\(s)"); continue }
            #expect(message == "m")
            #expect(remedies.map(\.remedy) == [.doctor(connection: nil)], "\(bad)")
        }
        let notAList = try status(#"{"state":"error","message":"m","remedies":{"action":"list"}}"#)
        guard case .error(_, let remedies) = notAList else { Issue.record("\(notAList)"); return }
        #expect(remedies.map(\.remedy) == [.doctor(connection: nil)])
    }

    @Test func storedTextIsBounded() throws {
        let long = String(repeating: "a", count: 10_000)
        let many = Array(repeating: #"{"action":"list"}"#, count: 50).joined(separator: ",")
        let s = try status(#"{"state":"error","message":"m","remedies":[{"when":"\#(long)","action":"advice","text":"\#(long)"},\#(many)]}"#)
        guard case .error(_, let remedies) = s else { Issue.record("\(s)"); return }
        #expect(remedies.count == 8)
        #expect((remedies[0].when ?? "").count == 200)
        guard case .advice(let text) = remedies[0].remedy else { Issue.record("\(remedies[0])"); return }
        #expect(text.count == Remedy.adviceLimit)
        let old = try status(#"{"state":"error","message":"m","remedy":"\#(long)"}"#)
        guard case .error(_, let oldRemedies) = old, case .advice(let oldText) = oldRemedies.first?.remedy else { Issue.record("\(old)"); return }
        #expect(oldText.count == Remedy.adviceLimit)
    }

    @Test func aWellFormedRemedyStillReads() throws {
        let s = try status(#"{"state":"error","message":"m","remedies":[{"when":"If it moved","action":"trustNewIssuer","connection":"figma"}]}"#)
        guard case .error(_, let remedies) = s else { Issue.record("\(s)"); return }
        #expect(remedies == [RemedyStep(.trustNewIssuer(connection: "figma"), when: "If it moved")])
    }
}
