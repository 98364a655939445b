import Foundation
@testable import MCPSession
import Testing

/// The bridge's small parsers: stdin lines, JSON-RPC classification, what it accepts from a server.
struct BridgeParsingTests {
    @Test func linesSplitAcrossChunksWithCRLFAndBlankLines() {
        var splitter = LineSplitter(limit: 64)
        var items = splitter.feed(Array(#"{"a":"#.utf8))
        #expect(items.isEmpty)
        items = splitter.feed(Array("1}\r\n\n  \n{\"b\":2}\n{\"c\"".utf8))
        #expect(items.count == 2)
        if case .line(let first) = items[0] { #expect(String(decoding: first, as: UTF8.self) == #"{"a":1}"#) } else { Issue.record("not a line") }
        items = splitter.feed(Array(":3}".utf8))
        #expect(items.isEmpty)
        guard case .line(let last)? = splitter.finish() else { Issue.record("no last line"); return }
        #expect(String(decoding: last, as: UTF8.self) == #"{"c":3}"#)
    }

    @Test func aLineOverTheLimitIsReportedOnceAndNotHeld() {
        var splitter = LineSplitter(limit: 10)
        var items: [StdinItem] = []
        for _ in 0..<5 { items += splitter.feed(Array(repeating: UInt8(ascii: "x"), count: 8)) }
        #expect(items.isEmpty)
        items = splitter.feed(Array("x\nok\n".utf8))
        #expect(items.count == 2)
        guard case .tooLong(let bytes) = items[0], case .line(let next) = items[1] else { Issue.record("\(items)"); return }
        #expect(bytes == 41 && String(decoding: next, as: UTF8.self) == "ok")
    }

    @Test func messagesAreClassifiedAndIdsKeptAsWritten() throws {
        let request = try RPCMessage(Data(#"{"jsonrpc":"2.0","id":"abc","method":"tools/call","params":{"name":"echo","_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}}"#.utf8))
        #expect(request.kind == .request && request.id?.json == #""abc""# && request.name == "echo" && request.envelopeVersion == "2026-07-28")
        let numbered = try RPCMessage(Data(#"{"jsonrpc":"2.0","id":42,"result":{}}"#.utf8))
        let fortyTwo = try #require(RPCID(42))
        #expect(numbered.kind == .response && numbered.id?.json == "42" && numbered.answers(fortyTwo))
        let cancel = try RPCMessage(Data(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":7}}"#.utf8))
        #expect(cancel.kind == .notification && cancel.cancels?.json == "7")
        let read = try RPCMessage(Data(#"{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file:///x"}}"#.utf8))
        #expect(read.name == "file:///x")
        #expect(throws: RPCMessage.ParseFailure.self) { try RPCMessage(Data("[1]".utf8)) }
        #expect(throws: RPCMessage.ParseFailure.self) { try RPCMessage(Data("nope".utf8)) }
        #expect(throws: RPCMessage.ParseFailure.self) { try RPCMessage(Data(#"{"id":1}"#.utf8)) }
        // An error the bridge writes echoes the id exactly.
        let error = String(decoding: RPC.error(id: RPCID("a\"b"), code: -32000, message: "m"), as: UTF8.self)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(error.utf8)) as? [String: Any])
        #expect(object["id"] as? String == "a\"b")
    }

    @Test func serverMessagesAreCheckedAndPutOnOneLine() throws {
        let pretty = Data("{\n  \"jsonrpc\": \"2.0\",\r\n  \"id\": 1,\n  \"result\": {\"text\": \"a\\nb\"}\n}".utf8)
        let message = try Bridge.serverMessage(pretty)
        #expect(!message.raw.contains(0x0A) && !message.raw.contains(0x0D))
        let parsed = try #require(try JSONSerialization.jsonObject(with: message.raw) as? [String: Any])
        #expect((parsed["result"] as? [String: Any])?["text"] as? String == "a\nb")
        #expect(throws: (any Error).self) { try Bridge.serverMessage(Data("\u{1B}[31mnot json".utf8)) }
        #expect(throws: (any Error).self) { try Bridge.serverMessage(Data(#"{"no":"rpc"}"#.utf8)) }
    }

    @Test func theLegacyEndpointMustBeOnTheServersOrigin() {
        let base = URL(string: "http://127.0.0.1:8000/sse")!
        #expect(Bridge.legacyEndpoint("/messages/?session_id=1", base: base)?.absoluteString == "http://127.0.0.1:8000/messages/?session_id=1")
        #expect(Bridge.legacyEndpoint("//evil.example/messages", base: base) == nil)
        #expect(Bridge.legacyEndpoint("https://127.0.0.1:8000/messages", base: base) == nil)
        #expect(Bridge.legacyEndpoint("http://127.0.0.1:9000/messages", base: base) == nil)
    }

    @Test func sessionIdsAndVersionsFromAServerAreChecked() {
        #expect(Bridge.validSessionID("abc-123") == "abc-123")
        #expect(Bridge.validSessionID("bad\r\nX-Injected: 1") == nil)
        #expect(Bridge.validSessionID("") == nil)
        #expect(Bridge.protocolVersion(in: Data(#"{"id":1,"result":{"protocolVersion":"2025-11-25"}}"#.utf8)) == "2025-11-25")
        #expect(Bridge.protocolVersion(in: Data(#"{"id":1,"result":{"protocolVersion":"2025\r\nX: y"}}"#.utf8)) == nil)
    }

    @Test func aResultAskingForInputBecomesAnErrorForA2025Client() throws {
        let asking = Data(#"{"jsonrpc":"2.0","id":3,"result":{"resultType":"input_required","inputRequests":{}}}"#.utf8)
        let answer = try #require(try JSONSerialization.jsonObject(with: Bridge.completeOnly(asking)) as? [String: Any])
        #expect(answer["id"] as? Int == 3 && answer["error"] != nil)
        let complete = Data(#"{"jsonrpc":"2.0","id":3,"result":{"content":[]}}"#.utf8)
        #expect(try Bridge.completeOnly(complete) == complete)
    }
}
