import Crypto
import Foundation
import SwitchboardCore

extension FuzzEntryPoints {
    /// The numbers in Switchboard's own files, read as a reader reads them and then used as the commands and the
    /// screen use them: the first byte picks the file, the rest is its bytes. Must return normally on any input.
    ///
    /// - 0: `.integrations.index` (up to the first newline) over `integrations.json` (the rest), as when the
    ///   digest matched: the index's counts and ranges, then the first rows decoded from them;
    /// - 1: a secrets snapshot (opened with the fuzzer's key when sealed), then the generation the next write uses;
    /// - 2: `integrations.json`, then the status words, timings, lifetimes and refresh times shown from it, the
    ///   next status revision, and the file encoded again;
    /// - 3: `activity.jsonl`, then each event as `switchboard log` prints it.
    public static func storeFiles(_ data: Data) {
        guard let selector = data.first else { return }
        let body = Data(data.dropFirst())
        switch selector & 3 {
        case 0: indexSidecar(body)
        case 1: snapshotGeneration(body)
        case 2: integrationsFile(body)
        default: activityJournal(body)
        }
    }

    static func indexSidecar(_ body: Data) {
        let newline = body.firstIndex(of: 0x0A) ?? body.endIndex
        let file = Data(body[newline...].dropFirst())
        guard let index = ConnectionStore.Index.decode(Data(body[..<newline]), fileOf: file.count) else { return }
        for count in [0, 1, 5, 300, Int.max] {
            guard let rows = ConnectionStore.rows(file, index: index, first: count) else { continue }
            precondition(rows.total >= 0 && (0...rows.total).contains(rows.attention), "an index with impossible counts was trusted")
            precondition(rows.connections.count <= max(0, min(count, rows.total)), "more rows than asked for or counted")
        }
    }

    static func snapshotGeneration(_ body: Data) {
        let key = SymmetricKey(data: Data(repeating: 7, count: 32))
        guard let decoded = try? SecretsEnvelope.decode(body, file: "fuzz", keySource: "the fuzzer's key", key: { () throws(SecretStoreError) in key }) else { return }
        let next = SecretsEnvelope.generation(after: decoded.generation)
        precondition((1...SecretsEnvelope.maxGeneration).contains(next), "the next generation \(next) would not be read back")
        precondition(next != decoded.generation, "the next snapshot has the same generation")
    }

    static func integrationsFile(_ body: Data) {
        guard let file = try? JSONCoding.decode(ConnectionsFile.self, from: body, file: "fuzz") else { return }
        let now = Date(timeIntervalSince1970: 1_900_000_000)
        _ = ConnectionsFile.summary(file.connections)
        for c in file.connections {
            for var s in c.schemes {
                _ = StatusText.badge(s.status, kind: s.kind)
                _ = StatusText.timing(s.status, now: now)
                _ = StatusText.shortLifetimeTag(s.info.tokenLifetime)
                _ = StatusText.shortLifetimeNote(s.info.tokenLifetime)
                _ = s.standing(at: now).timing(now: now)
                if let port = s.redirectPort { precondition(UInt16(exactly: port) != nil, "a port the listener cannot bind was read") }
                s.countStatusWrite()
                precondition((1...AuthScheme.maxStatusRevision).contains(s.statusRevision), "a revision the file cannot hold again")
            }
        }
        _ = try? StatusRows.render(file.connections, now: now)
        if let again = try? JSONCoding.encoder().encode(file) {
            precondition((try? JSONCoding.decode(ConnectionsFile.self, from: again, file: "fuzz")) != nil, "a file read was written back unreadable")
        }
    }

    static func activityJournal(_ body: Data) {
        for e in ActivityJournal.parse(body) {
            _ = ActivityText.logLine(e, timeZone: TimeFormat.utc)
            _ = ActivityText.glyph(e)
        }
    }
}
