import AccreditEngine
import Testing

@Suite("Calendar dates")
struct DayTests {
  struct MonthCase: CustomTestStringConvertible, Sendable {
    let name: String
    let start: String
    let months: Int
    let expected: String
    var testDescription: String { name }
  }

  @Test(arguments: [
    MonthCase(name: "month end clamps to February", start: "2025-08-31", months: 6, expected: "2026-02-28"),
    MonthCase(name: "leap year February keeps the 29th", start: "2023-08-29", months: 6, expected: "2024-02-29"),
    MonthCase(name: "leap day plus a year clamps", start: "2024-02-29", months: 12, expected: "2025-02-28"),
    MonthCase(name: "31st into a 30-day month", start: "2026-05-31", months: 1, expected: "2026-06-30"),
    MonthCase(name: "year rolls over", start: "2026-11-15", months: 3, expected: "2027-02-15"),
    MonthCase(name: "century non-leap year", start: "2099-08-31", months: 6, expected: "2100-02-28"),
    MonthCase(name: "400-year leap year", start: "1999-08-31", months: 6, expected: "2000-02-29"),
  ])
  func addingMonths(_ row: MonthCase) {
    #expect(Day(row.start).adding(months: row.months) == Day(row.expected))
  }

  @Test(arguments: [
    "2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "2026-1-5", "26-01-01", "2026/01/01",
    "2026-01-01T00:00", "", "abcd-ef-gh", "2026-04-31",
  ])
  func rejectsWhatIsNotACalendarDate(_ text: String) {
    #expect(Day(iso: text) == nil)
  }

  @Test func parsesAndPrints() throws {
    let day = try #require(Day(iso: "2024-02-29"))
    #expect(day.iso == "2024-02-29")
    #expect(day.display == "29 Feb 2024")
    #expect(YearMonth(day).iso == "2024-02")
    #expect(YearMonth(day).name == "February 2024")
    #expect(YearMonth(day).firstDay == Day("2024-02-01"))
    #expect(YearMonth(Day("2026-12-31")) < YearMonth(Day("2027-01-01")))
    #expect(Day("2026-11-05").display == "5 Nov 2026")
  }

  @Test func addsDaysAcrossMonthsAndYears() {
    #expect(Day("2026-12-31").adding(days: 1) == Day("2027-01-01"))
    #expect(Day("2024-02-28").adding(days: 1) == Day("2024-02-29"))
    #expect(Day("2026-03-01").adding(days: -1) == Day("2026-02-28"))
    #expect(Day("2026-11-15").adding(days: 60) == Day("2027-01-14"))
    #expect(Day("2026-01-01").days(until: Day("2027-01-01")) == 365)
  }

  @Test func ordersChronologically() {
    #expect(Day("2025-12-31") < Day("2026-01-01"))
    #expect(Day("2026-02-01") > Day("2026-01-31"))
  }
}

@Suite("Days since the Unix epoch")
struct EpochTests {
  @Test func countsFromTheFirstOfJanuary1970() {
    #expect(Day(daysSinceUnixEpoch: 0) == Day("1970-01-01"))
    #expect(Day(daysSinceUnixEpoch: 20_407) == Day("2025-11-15"))
    #expect(Day(daysSinceUnixEpoch: -1) == Day("1969-12-31"))
  }
}
