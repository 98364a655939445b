import MCPSession
import Testing

@Suite struct SSEParserTests {
    func parse(_ chunks: [String]) -> [SSEEvent] {
        var p = SSEParser()
        return chunks.flatMap { p.feed(Array($0.utf8)) } + p.finish()
    }

    @Test func multiLineDataAndFields() {
        let events = parse(["event: message\nid: 7\nretry: 1500\ndata: {\"a\":\ndata: 1}\n\n"])
        #expect(events == [SSEEvent(event: "message", data: "{\"a\":\n1}", id: "7", retry: 1500)])
    }

    @Test(arguments: ["\n", "\r", "\r\n"])
    func everyLineEnding(_ eol: String) {
        let events = parse(["data: one" + eol + eol + "data: two" + eol + eol])
        #expect(events.map(\.data) == ["one", "two"])
    }

    @Test func crlfSplitAcrossChunksAndBytesSplitAnywhere() {
        let text = "data: héllo\r\n\r\ndata: world\r\n\r\n"
        let bytes = Array(text.utf8)
        var p = SSEParser()
        var out: [SSEEvent] = []
        for b in bytes { out += p.feed([b]) }
        #expect(out.map(\.data) == ["héllo", "world"])
    }

    @Test func commentsBOMAndDefaults() {
        let events = parse(["\u{FEFF}: keep-alive\n\ndata\n\nevent: ping\ndata:x\n\n"])
        #expect(events == [SSEEvent(event: "message", data: "", id: nil, retry: nil), SSEEvent(event: "ping", data: "x", id: nil, retry: nil)])
    }

    @Test func idPersistsAndIncompleteEventIsDropped() {
        let events = parse(["id: 1\ndata: a\n\ndata: b\n\n", "data: unfinished"])
        #expect(events.map(\.id) == ["1", "1"])
        #expect(events.count == 2)
    }

    @Test func badRetryIsIgnored() {
        #expect(parse(["retry: soon\ndata: a\n\n"])[0].retry == nil)
    }
}
