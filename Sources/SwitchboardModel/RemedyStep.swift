import Foundation

/// One step of what to do about a failure: a remedy, and the case it is for when there are several
/// ("If the move is expected and the same client works there", then trust the new issuer). A failure's
/// remedy is a list of these; each surface says them its own way, from the same values.
public struct RemedyStep: Sendable, Equatable, Hashable {
    /// When this step applies, or how it follows the one before ("then"); nil when it always does.
    public var when: String?
    public var remedy: Remedy

    public init(_ remedy: Remedy, when: String? = nil) {
        self.when = when
        self.remedy = remedy
    }

    /// The steps as sentences, each remedy said by `say` (a command line, a key): "If …, run `…`. If …,
    /// press m to enter a client." Empty when there are no steps.
    public static func say(_ steps: [RemedyStep], with say: (Remedy) -> String) -> String {
        let parts = steps.map { step -> String in
            var action = say(step.remedy)
            while let last = action.last, last == "." || last == " " { action.removeLast() }
            guard let when = step.when, !when.isEmpty else { return action }
            return when + ", " + lowercasedFirst(action)
        }.filter { !$0.isEmpty }
        return parts.map { part in
            let text = part.prefix(1).uppercased() + part.dropFirst()
            return text + (text.last.map { "!?".contains($0) } == true ? "" : ".")
        }.joined(separator: " ")
    }

    /// "Run …" reads "run …" after a condition; a word in capitals ("URL", "MCP") stays as it is.
    public static func lowercasedFirst(_ s: String) -> String {
        let words = s.split(separator: " ", maxSplits: 1)
        guard let first = words.first, first.count > 1, first != "Switchboard",
              first.dropFirst().allSatisfy({ !$0.isUppercase }) else { return s }
        return s.prefix(1).lowercased() + s.dropFirst()
    }
}

extension Array where Element == RemedyStep {
    /// Plain advice read back from an older file, where the remedy was a sentence.
    public static func advice(_ text: String?) -> [RemedyStep] {
        text.map { [RemedyStep(.advice($0))] } ?? []
    }
}

extension RemedyStep: Codable {
    enum CodingKeys: String, CodingKey { case when }

    public init(from decoder: any Decoder) throws {
        // Bounded, and never a reason to refuse the whole file (a condition that does not read is dropped).
        when = (try? decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .when))?.map { String($0.prefix(200)) }
        remedy = try Remedy(from: decoder)
    }

    /// Flat: `{"when": "…", "action": "trustNewIssuer", "connection": "figma"}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(when, forKey: .when)
        try remedy.encode(to: encoder)
    }
}
