import Foundation

/// The one time-zone policy: state and files keep `Date`s; people see them in their local time zone (the
/// `TZ` environment variable, else the system's), always with the zone named, on the screen and in every
/// command alike; `--json` and files carry ISO 8601 in UTC. Views take the zone as a parameter, so goldens
/// and tests pass UTC.
public enum TimeFormat {
    /// The zone people see times in.
    public static var local: TimeZone { .current }

    public static let utc = TimeZone(identifier: "UTC")!

    /// `2026-11-26 18:30 UTC` (the zone's abbreviation, or its identifier when it has none).
    public static func clock(_ date: Date, in timeZone: TimeZone = local) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let zone = timeZone.identifier == "UTC" || timeZone.identifier == "GMT" ? "UTC" : (timeZone.abbreviation(for: date) ?? timeZone.identifier)
        return String(format: "%04d-%02d-%02d %02d:%02d ", c.year!, c.month!, c.day!, c.hour!, c.minute!) + zone
    }

    /// ISO 8601 in UTC, for files and `--json`.
    public static func iso(_ date: Date) -> String { date.formatted(.iso8601) }
}
