/// A calendar month, such as the month of the next tier review: typed, so that no one turns `YYYY-MM`
/// back into a date by appending `-01`.
public struct YearMonth: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let year: Int
  /// 1…12.
  public let month: Int

  /// The month `day` falls in.
  public init(_ day: Day) {
    year = day.year
    month = day.month
  }

  /// The first day of the month.
  public var firstDay: Day { Day(year: year, month: month, day: 1) ?? Day(daysSinceUnixEpoch: 0) }

  /// `2027-01`.
  public var iso: String { String(firstDay.iso.prefix(7)) }

  /// `January 2027`, as the site shows it.
  public var name: String { "\(Day.monthNames[month - 1]) \(year)" }

  public var description: String { iso }

  public static func < (lhs: YearMonth, rhs: YearMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}
