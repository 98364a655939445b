import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardStorage
import SwitchboardSystem

extension JSONSplice {
    /// Sets member `key` of `object` (found afresh by `locate`) to `value`: its value replaced if it exists,
    /// else a member added after the last one. Returns false when the layout was not understood.
    mutating func set(_ key: String, _ value: [ConfigMember], in locate: (JSONSplice) -> Object?) -> Bool {
        guard let object = locate(self) else { return false }
        let unit = indentUnit, nl = lineBreak
        if let member = object.members.first(where: { $0.key == key }) {
            let multiline = startsLine(member.keyStart)
            let rendered = Self.render(value, indent: indent(at: member.keyStart), unit: unit, lineBreak: multiline ? nl : nil)
            bytes.replaceSubrange(member.valueStart..<member.valueEnd, with: Array(rendered.utf8))
            return true
        }
        let name = Self.string(key)
        if let last = object.members.last {
            let multiline = startsLine(last.keyStart)
            let ind = indent(at: last.keyStart)
            let rendered = Self.render(value, indent: ind, unit: unit, lineBreak: multiline ? nl : nil)
            if multiline {
                // On a line of its own after the last member's line, so a comment at the end of that line stays
                // the last member's; the comma goes right after its value (unless it has one).
                let tail = tail(after: last.valueEnd)
                bytes.insert(contentsOf: Array((nl + ind + name + ": " + rendered).utf8), at: tail.end)
                if tail.comma == nil { bytes.insert(Self.comma, at: last.valueEnd) }
            } else {
                bytes.insert(contentsOf: Array((", " + name + ": " + rendered).utf8), at: last.valueEnd)
            }
            return true
        }
        let outer = indent(at: object.open), ind = outer + unit
        let member = name + ": " + Self.render(value, indent: ind, unit: unit, lineBreak: nl)
        let inner = object.open + 1..<object.close
        if bytes[inner].allSatisfy(Self.isSpace) {
            bytes.replaceSubrange(inner, with: Array((nl + ind + member + nl + outer).utf8))
        } else {
            // Only comments inside: they stay, after the new member.
            bytes.insert(contentsOf: Array((nl + ind + member).utf8), at: object.open + 1)
        }
        return true
    }

    /// Removes member `key` of the object `locate` finds, with what belongs to it: its comma (for the last
    /// member, the comma before it), the comments that follow it on its line, and its line when it had one to
    /// itself. Comments on lines of their own, before it or after, stay (they may be about the next member, or
    /// the whole table), and so does a comment at the end of the previous member's line. Returns false when the
    /// layout was not understood.
    mutating func remove(_ key: String, in locate: (JSONSplice) -> Object?) -> Bool {
        guard let object = locate(self), let index = object.members.firstIndex(where: { $0.key == key }) else { return false }
        let member = object.members[index]
        let tail = tail(after: member.valueEnd)
        let ownLine = startsLine(member.keyStart) && tail.lineEnds
        var start = ownLine ? lineStart(member.keyStart) : member.keyStart
        if !ownLine, tail.lineEnds {
            // Alone at the end of a shared line: the blanks before it go too (the line break stays).
            while start > 0, bytes[start - 1] == 0x20 || bytes[start - 1] == 0x09 { start -= 1 }
        }
        let end = ownLine ? tail.through : tail.end
        let isLast = index + 1 == object.members.count
        if tail.comma != nil || (isLast && index == 0) {
            bytes.removeSubrange(start..<end)
            return true
        }
        // No comma after it on its line: either it is the last member (the comma before it goes), or its comma
        // comes on a later line, a layout this does not edit.
        guard isLast else { return false }
        let comma = trivia(from: object.members[index - 1].valueEnd)
        guard comma < member.keyStart, bytes[comma] == Self.comma else { return false }
        if !ownLine, bytes[comma + 1..<member.keyStart].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            // `, "key": value` on one line: as one stretch, so no blank is left before the brace.
            bytes.removeSubrange(comma..<end)
        } else {
            bytes.removeSubrange(start..<end)
            bytes.remove(at: comma)
        }
        return true
    }
}
