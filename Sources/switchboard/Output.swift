import ArgumentParser
import Foundation
import SwitchboardCore

/// Everything the command line writes goes through here. Any of it may carry text from a server or from
/// another program's file (names, descriptions, issuers, client ids, URLs), so every line is filtered
/// for terminal controls: escapes, C1 and bidi controls are shown, never sent (see `TerminalText`).
enum Output {
    /// A line of text on stdout.
    static func line(_ text: String = "") {
        write(filtered(text + "\n"), to: .standardOutput)
    }

    /// A line on stderr.
    static func error(_ text: String) {
        write(filtered(text + "\n"), to: .standardError)
    }

    /// JSON on stdout: the encoder escapes C0 controls; C1, bidi and format controls are escaped here.
    /// Clean output (the common case: `list --json` of 10,000 connections) is written as it is, after a byte scan.
    static func json(_ data: Data) {
        var out = data.withUnsafeBytes(TerminalText.needsFiltering) ? Data(TerminalText.safeJSON(String(decoding: data, as: UTF8.self)).utf8) : data
        if out.last != 0x0A { out.append(0x0A) }
        write(out, to: .standardOutput)
    }

    /// `text` as bytes, through the filter only when a byte scan finds something to filter.
    private static func filtered(_ text: String) -> Data {
        let data = Data(text.utf8)
        return data.withUnsafeBytes(TerminalText.needsFiltering) ? Data(TerminalText.safe(text, keepLineBreaks: true).utf8) : data
    }

    static func printJSON<T: Encodable>(_ value: T) throws {
        json(try JSONCoding.encoder().encode(value))
    }

    /// A credential for another program (`token`, `headers`): written as is, after checking that it is
    /// only visible ASCII (the token parser already refuses anything else; this is the last guard).
    static func credential(_ text: String) throws {
        guard text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw CLIError.failure("the stored credential holds characters a token cannot have; reconnect to replace it")
        }
        write(Data((text + "\n").utf8), to: .standardOutput)
    }

    private enum Stream { case standardOutput, standardError }

    private static func write(_ data: Data, to stream: Stream) {
        switch stream {
        case .standardOutput: FileHandle.standardOutput.write(data)
        case .standardError: FileHandle.standardError.write(data)
        }
    }
}
