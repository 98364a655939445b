import Foundation

/// The one JSON configuration for Switchboard's files and `--json` output: ISO-8601 dates, sorted keys.
public enum JSONCoding {
    public static func encoder(pretty: Bool = true) -> JSONEncoder {
        let e = JSONEncoder()
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static func decoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }

    /// Decodes `data`, turning any failure into a `JSONFileError` that names the line and column
    /// (for syntax errors) or the field (for a wrong shape).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws(JSONFileError) -> T {
        do {
            return try decoder().decode(type, from: data)
        } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
            throw syntaxError(in: data, file: file, fallback: context.debugDescription)
        } catch let error as DecodingError {
            throw JSONFileError(file: file, line: nil, column: nil, detail: describe(error))
        } catch {
            throw JSONFileError(file: file, line: nil, column: nil, detail: "\(error)")
        }
    }

    /// Foundation's decoder does not report where JSON is malformed; JSONSerialization reports a
    /// character offset, which we turn into a line and column.
    public static func syntaxError(in data: Data, file: String, fallback: String) -> JSONFileError {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? fallback
            if let range = text.range(of: #"character (\d+)"#, options: .regularExpression),
               let offset = Int(text[range].dropFirst("character ".count)) {
                let (line, column) = lineAndColumn(of: offset, in: data)
                let reason = text.components(separatedBy: " around ").first ?? text
                return JSONFileError(file: file, line: line, column: column, detail: reason.lowercasedFirst())
            }
            return JSONFileError(file: file, line: nil, column: nil, detail: text)
        }
        if data.isEmpty { return JSONFileError(file: file, line: 1, column: 1, detail: "the file is empty") }
        return JSONFileError(file: file, line: nil, column: nil, detail: fallback)
    }

    static func lineAndColumn(of offset: Int, in data: Data) -> (Int, Int) {
        var line = 1, column = 1
        for (i, byte) in data.enumerated() {
            if i >= offset { break }
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return (line, column)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ p: [any CodingKey]) -> String {
            p.isEmpty ? "the top level" : "`" + p.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") + "`"
        }
        switch error {
        case .typeMismatch(let type, let c): return "\(path(c.codingPath)) should be \(type): \(c.debugDescription)"
        case .valueNotFound(let type, let c): return "\(path(c.codingPath)) is missing a \(type) value"
        case .keyNotFound(let key, let c): return "\(path(c.codingPath)) lacks the field `\(key.stringValue)`"
        case .dataCorrupted(let c): return "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

extension String {
    public func lowercasedFirst() -> String { prefix(1).lowercased() + dropFirst() }
}
