import Foundation

/// An incremental `text/event-stream` parser: lines end in CR, LF or CRLF (even split across chunks);
/// `data` lines join with LF; comments (`:`) are skipped; `id` and `retry` are kept; a blank line dispatches.
public struct SSEParser: Sendable {
    private var pending: [UInt8] = []
    private var sawCR = false
    private var data: [String] = []
    private var hasData = false
    private var event = ""
    private var retry: Int?
    private var started = false
    /// The last event id seen (it persists across events, as the standard says).
    public private(set) var lastEventID: String?

    public init() {}

    /// Feeds bytes; returns the events they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
        var out: [SSEEvent] = []
        for byte in bytes {
            if sawCR {
                sawCR = false
                if byte == 0x0A { continue } // the LF of a CRLF
            }
            if byte == 0x0D || byte == 0x0A {
                sawCR = byte == 0x0D
                if let e = line(String(decoding: pending, as: UTF8.self)) { out.append(e) }
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
        return out
    }

    /// Ends the stream: a final event without a blank line is discarded, per the standard.
    public mutating func finish() -> [SSEEvent] {
        pending.removeAll()
        return []
    }

    private mutating func line(_ raw: String) -> SSEEvent? {
        var text = raw
        if !started {
            started = true
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        }
        if text.isEmpty { return dispatch() }
        if text.hasPrefix(":") { return nil }
        let field: Substring, value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            var v = text[text.index(after: colon)...]
            if v.hasPrefix(" ") { v = v.dropFirst() }
            value = v
        } else {
            field = Substring(text)
            value = ""
        }
        switch field {
        case "data":
            data.append(String(value))
            hasData = true
        case "event": event = String(value)
        case "id": if !value.contains("\u{0}") { lastEventID = String(value) }
        case "retry": if let n = Int(value), value.allSatisfy(\.isNumber) { retry = n }
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            data = []
            hasData = false
            event = ""
            retry = nil
        }
        guard hasData else { return nil }
        return SSEEvent(event: event.isEmpty ? "message" : event, data: data.joined(separator: "\n"), id: lastEventID, retry: retry)
    }
}
