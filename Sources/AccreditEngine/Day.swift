/// A calendar date with no time of day and no time zone, as the content format writes it (`YYYY-MM-DD`).
///
/// Written by hand rather than on Foundation's `Calendar`: the standards only need whole days and
/// month arithmetic with month-end clamping, and a plain value keeps the engine free of time zones.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// The year, e.g. 2026.
  public let year: Int
  /// The month, 1 to 12.
  public let month: Int
  /// The day of the month, 1 to the month's length.
  public let day: Int

  /// Creates a day, or nil when the three numbers name no calendar date (2026-02-30).
  public init?(year: Int, month: Int, day: Int) {
    guard (1...9999).contains(year), (1...12).contains(month),
      (1...Day.length(ofMonth: month, year: year)).contains(day)
    else { return nil }
    self.year = year
    self.month = month
    self.day = day
  }

  /// The last day there is: `YYYY-MM-DD` has four digits for the year. A date past it could be computed
  /// but not written, so commands that look ahead stop there.
  public static let latest = Day(uncheckedYear: 9999, month: 12, day: 31)

  /// The day `days` days after 1970-01-01 (negative for earlier days).
  public init(daysSinceUnixEpoch days: Int) {
    self.init(dayNumber: days)
  }

  /// Parses exactly `YYYY-MM-DD`; nil for any other shape or for a date that does not exist.
  public init?(iso text: some StringProtocol) {
    let bytes = Array(text.utf8)
    guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
    func number(_ range: Range<Int>) -> Int? {
      var value = 0
      for byte in bytes[range] {
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
        value = value * 10 + Int(byte - UInt8(ascii: "0"))
      }
      return value
    }
    guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
    self.init(year: year, month: month, day: day)
  }

  /// `YYYY-MM-DD`.
  public var iso: String {
    // Written digit by digit: a site formats hundreds of thousands of dates.
    String(unsafeUninitializedCapacity: 10) { buffer in
      Day.writeDigits(year, count: 4, into: buffer, at: 0)
      buffer[4] = UInt8(ascii: "-")
      Day.writeDigits(month, count: 2, into: buffer, at: 5)
      buffer[7] = UInt8(ascii: "-")
      Day.writeDigits(day, count: 2, into: buffer, at: 8)
      return 10
    }
  }

  /// The date as people read it on the site: `15 Nov 2026`.
  public var display: String { "\(day) \(Day.monthAbbreviations[month - 1]) \(year)" }

  /// `30 Sep` when the day is in `reference`'s year, `30 Sep 2025` otherwise: for brief texts.
  public func display(relativeTo reference: Day) -> String {
    year == reference.year ? "\(day) \(Day.monthAbbreviations[month - 1])" : display
  }

  public var description: String { iso }

  public static func < (lhs: Day, rhs: Day) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }

  /// Adds whole months, keeping the day of the month and clamping it to the target month's last day
  /// (2025-08-31 + 6 months = 2026-02-28).
  public func adding(months: Int) -> Day {
    let index = year * 12 + (month - 1) + months
    let newYear = index / 12
    let newMonth = index % 12 + 1
    let newDay = min(day, Day.length(ofMonth: newMonth, year: newYear))
    return Day(uncheckedYear: newYear, month: newMonth, day: newDay)
  }

  /// Adds whole days (negative to go back).
  public func adding(days: Int) -> Day {
    Day(dayNumber: dayNumber + days)
  }

  /// Days from `self` to `other` (positive when `other` is later).
  public func days(until other: Day) -> Int { other.dayNumber - dayNumber }

  /// Whether `year` is a Gregorian leap year.
  public static func isLeapYear(_ year: Int) -> Bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
  }

  /// The number of days in `month` of `year`.
  public static func length(ofMonth month: Int, year: Int) -> Int {
    switch month {
    case 2: return isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  /// The months' names, January first.
  public static let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
    "December",
  ]

  private static let monthAbbreviations = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
  ]

  private init(uncheckedYear year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// Writes the last `count` decimal digits of `value`, zero-padded, at `offset`.
  private static func writeDigits(
    _ value: Int, count: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int
  ) {
    var rest = value
    for index in stride(from: offset + count - 1, through: offset, by: -1) {
      buffer[index] = UInt8(ascii: "0") + UInt8(rest % 10)
      rest /= 10
    }
  }

  // Days since 1970-01-01 (Howard Hinnant's civil-from-days algorithm), for day arithmetic.
  private var dayNumber: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146097 + dayOfEra - 719468
  }

  private init(dayNumber: Int) {
    let z = dayNumber + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let dayOfEra = z - era * 146097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    self.init(uncheckedYear: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month, day: day)
  }
}
