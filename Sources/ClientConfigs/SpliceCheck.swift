import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardStorage
import SwitchboardSystem

/// The byte check a splice passes before `export --write` writes it: everything outside the spans of the entries
/// it removed, replaced or added is what the file held, byte for byte and in the same order. Reading the result
/// back compares values only, which cannot see a comment or a blank line go; this can.
///
/// Each text is cut into pieces (a JSON member or comment, a TOML table or a line between tables, and the text
/// around the edited object), with only separators between them: white space, and in JSON commas. A piece either
/// stays or is one the splice changes. The pieces that stay must be the same bytes in the same order before and
/// after, and the separators between two of them too, unless a piece that changes lies between them on either
/// side (that is where the splice adds or removes its line breaks). Commas are left out of that comparison: they
/// belong to the list, not to a member (removing the last member takes the comma before it), and the parse
/// that comes with this check says whether the ones left are right.
enum SpliceCheck {
    struct Piece: Equatable {
        var range: Range<Int>
        var changes: Bool
    }

    static func keeps(_ before: [UInt8], _ beforePieces: [Piece], _ after: [UInt8], _ afterPieces: [Piece]) -> Bool {
        guard inOrder(beforePieces, within: before.count), inOrder(afterPieces, within: after.count) else { return false }
        let keptBefore = beforePieces.indices.filter { !beforePieces[$0].changes }
        let keptAfter = afterPieces.indices.filter { !afterPieces[$0].changes }
        guard keptBefore.count == keptAfter.count else { return false }
        for (b, a) in zip(keptBefore, keptAfter) where before[beforePieces[b].range] != after[afterPieces[a].range] {
            return false
        }
        // The separators between neighbours that stay (the start and the end of the text count as such).
        for k in 0...keptBefore.count {
            let b = (k > 0 ? keptBefore[k - 1] : -1, k < keptBefore.count ? keptBefore[k] : beforePieces.count)
            let a = (k > 0 ? keptAfter[k - 1] : -1, k < keptAfter.count ? keptAfter[k] : afterPieces.count)
            guard b.1 - b.0 == 1, a.1 - a.0 == 1 else { continue }
            if separator(before, beforePieces, b) != separator(after, afterPieces, a) { return false }
        }
        return true
    }

    /// Whether the pieces follow one another without overlapping, inside the text.
    private static func inOrder(_ pieces: [Piece], within count: Int) -> Bool {
        var end = 0
        for piece in pieces {
            guard piece.range.lowerBound >= end, piece.range.upperBound <= count else { return false }
            end = piece.range.upperBound
        }
        return true
    }

    /// The bytes between piece `between.0` (-1: the start) and piece `between.1` (count: the end), commas left out.
    private static func separator(_ bytes: [UInt8], _ pieces: [Piece], _ between: (Int, Int)) -> [UInt8] {
        let start = between.0 >= 0 ? pieces[between.0].range.upperBound : 0
        let end = between.1 < pieces.count ? pieces[between.1].range.lowerBound : bytes.count
        return bytes[start..<end].filter { $0 != UInt8(ascii: ",") }
    }
}
