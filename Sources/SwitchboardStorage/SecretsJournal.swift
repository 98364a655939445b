import Crypto
import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem

/// The secret store's append-only journal, `integration-secrets.journal`, next to the snapshot.
///
/// A commit appends one line holding every scheme it changed (the whole `SchemeSecrets`, or null for
/// a deletion) and fdatasyncs it: a few hundred bytes instead of the whole store. The first line names
/// the snapshot generation the journal continues; a journal of another generation is stale (its
/// records are already in the snapshot) and ignored. Each record carries a SHA-256 prefix of its
/// payload (plain) or is an AES-GCM box (sealed), so a torn tail is recognised and never applied.
///
///     {"format":"switchboard-secrets-journal","version":1,"generation":3,"encryption":"none"}
///     9f2c0e61a8d4b7e3 {"scheme-id":{"tokens":{…}},"other-id":null}
package enum SecretsJournal {
    static let format = "switchboard-secrets-journal"

    struct Header: Codable, Equatable {
        var format: String
        var version: Int
        var generation: Int
        var encryption: String
        /// The store this journal continues (version 2).
        var storeId: String?
    }

    package typealias Changes = [String: SchemeSecrets?]

    /// Where records are: which store and generation, and (sealed) the key. A sealed record is bound to
    /// all of it and to its position, so records cannot be reordered, replayed or moved between journals.
    package struct Context {
        var storeID: String?
        var generation: Int
        var version: Int
        var key: SymmetricKey?

        package init(storeID: String?, generation: Int, version: Int, key: SymmetricKey?) {
            self.storeID = storeID
            self.generation = generation
            self.version = version
            self.key = key
        }

        func associatedData(record index: Int) -> Data {
            Data("\(SecretsJournal.format)\u{0}v\(version)\u{0}store=\(storeID ?? "")\u{0}generation=\(generation)\u{0}record=\(index)".utf8)
        }
    }

    package static func headerLine(generation: Int, sealed: Bool, storeID: String) throws -> Data {
        var line = try JSONCoding.encoder(pretty: false).encode(
            Header(format: format, version: 2, generation: generation, encryption: sealed ? "aes-256-gcm" : "none", storeId: storeID))
        line.append(0x0A)
        return line
    }

    /// One record line, newline included; `index` is its position among the journal's records.
    package static func recordLine(_ changes: Changes, context: Context, index: Int) throws -> Data {
        let json = try JSONCoding.encoder(pretty: false).encode(changes)
        var line: Data
        if let key = context.key {
            guard let combined = try AES.GCM.seal(json, using: key, authenticating: context.associatedData(record: index)).combined else {
                throw SecretsEnvelope.ReadError.malformed("AES-GCM gave no combined box")
            }
            line = Data("sealed ".utf8)
            line.append(Data(combined.base64EncodedString().utf8))
        } else {
            line = Data((checksum(json) + " ").utf8)
            line.append(json)
        }
        line.append(0x0A)
        return line
    }

    static func checksum(_ payload: Data) -> String {
        SHA256.hash(data: payload).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// What a read of (part of) a journal found.
    package struct Parsed {
        var header: Header?
        package var changes: [Changes] = []
        /// Offset just past the last record that was complete and intact; a writer truncates to here.
        package var validEnd: Int
        /// How many intact records precede `validEnd` (the next record's position).
        package var records: Int
        /// A bad record followed by good ones: damage, not a torn write.
        var damage: String?
    }

    /// Only the header line of a journal (nil when the first line is not one).
    static func header(of data: Data) -> Header? {
        guard let nl = data.firstIndex(of: 0x0A),
              let header = try? JSONDecoder().decode(Header.self, from: data[data.startIndex..<nl]),
              header.format == format, (1...2).contains(header.version) else { return nil }
        return header
    }

    /// Parses `data`, which starts at file offset `base` (0: the header comes first, and `context` is
    /// checked against it) after `records` intact records.
    package static func parse(_ data: Data, base: Int, records: Int = 0, sealed: Bool, context: Context) -> Parsed {
        var parsed = Parsed(validEnd: base, records: records)
        var start = data.startIndex
        var lines: [Range<Data.Index>] = []
        while let nl = data[start...].firstIndex(of: 0x0A) {
            lines.append(start..<nl)
            start = nl + 1
        }
        // Anything after the last newline is an append in progress or a torn write: not a record yet.
        var index = 0
        var recordsSealed = sealed
        if base == 0 {
            guard let first = lines.first, let header = header(of: data) else {
                parsed.damage = lines.isEmpty ? nil : "the journal's first line is not a Switchboard journal header"
                return parsed
            }
            parsed.header = header
            parsed.validEnd = base + (first.upperBound + 1 - data.startIndex)
            recordsSealed = header.encryption != "none"
            index = 1
        }
        while index < lines.count {
            let range = lines[index]
            if let changes = decodeRecord(data[range], sealed: recordsSealed, context: context, index: parsed.records) {
                parsed.changes.append(changes)
                parsed.validEnd = base + (range.upperBound + 1 - data.startIndex)
                parsed.records += 1
                index += 1
                continue
            }
            // A bad last line is a write torn by a crash (never acknowledged); a bad line with good ones after it is damage.
            if index < lines.count - 1 {
                parsed.damage = "record \(parsed.records) of the journal is damaged or out of place"
            }
            break
        }
        return parsed
    }

    static func decodeRecord(_ line: Data, sealed: Bool, context: Context, index: Int) -> Changes? {
        guard let space = line.firstIndex(of: 0x20) else { return nil }
        let tag = String(decoding: line[line.startIndex..<space], as: UTF8.self)
        let payload = line[(space + 1)...]
        let json: Data
        if sealed {
            guard tag == "sealed", let key = context.key, let combined = Data(base64Encoded: Data(payload)),
                  let box = try? AES.GCM.SealedBox(combined: combined) else { return nil }
            let opened = context.version >= 2
                ? try? AES.GCM.open(box, using: key, authenticating: context.associatedData(record: index))
                : try? AES.GCM.open(box, using: key)
            guard let opened else { return nil }
            json = opened
        } else {
            guard tag == checksum(Data(payload)) else { return nil }
            json = Data(payload)
        }
        return try? JSONCoding.decoder().decode(Changes.self, from: json)
    }
}
