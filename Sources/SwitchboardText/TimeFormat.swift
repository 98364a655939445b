import Foundation
import SwitchboardModel

/// The one time-zone policy: state and files keep `Date`s; people see them in their local time zone (the
/// `TZ` environment variable, else the system's), always with the zone named, on the screen and in every
/// command alike; `--json` and files carry ISO 8601 in UTC. Views take the zone as a parameter, so goldens
/// and tests pass UTC.
public enum TimeFormat {
    /// The zone people see times in.
    public static var local: TimeZone { .current }

    public static let utc = TimeZone(identifier: "UTC")!

    /// `2026-11-26 18:30 UTC` (the zone's abbreviation, or its identifier when it has none); with `seconds`,
    /// `2026-11-26 18:30:05 UTC`.
    public static func clock(_ date: Date, in timeZone: TimeZone = local, seconds: Bool = false) -> String {
        let c = components(date, timeZone)
        return String(format: "%04d-%02d-%02d ", c.year!, c.month!, c.day!) + time(c, seconds: seconds) + " " + zone(date, timeZone)
    }

    /// `18:30:05`, in the zone.
    public static func time(_ date: Date, in timeZone: TimeZone = local) -> String { time(components(date, timeZone), seconds: true) }

    /// `UTC`, or the zone's abbreviation (its identifier when it has none).
    public static func zone(_ date: Date, _ timeZone: TimeZone) -> String {
        timeZone.identifier == "UTC" || timeZone.identifier == "GMT" ? "UTC" : (timeZone.abbreviation(for: date) ?? timeZone.identifier)
    }

    private static func components(_ date: Date, _ timeZone: TimeZone) -> DateComponents {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = timeZone
        return cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }

    private static func time(_ c: DateComponents, seconds: Bool) -> String {
        seconds ? String(format: "%02d:%02d:%02d", c.hour!, c.minute!, c.second!) : String(format: "%02d:%02d", c.hour!, c.minute!)
    }

    /// ISO 8601 in UTC, for files and `--json`.
    public static func iso(_ date: Date) -> String { date.formatted(.iso8601) }
}
