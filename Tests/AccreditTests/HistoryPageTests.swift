import AccreditContent
import AccreditEngine
@testable import AccreditSite
import Foundation
import Testing

/// The sample site's pages on its date, with `historyPageSize` changes a page of the history.
private func samplePages(historyPageSize: Int = HistoryPage.defaultPageSize, asOf: Day = Day("2026-11-15"))
  -> [String: String]
{
  let loaded = ContentLoader.load(
    (try? ContentFolder.read(repositoryRoot.appendingPathComponent("content")))?.files ?? [])
  let evaluations = Evaluator(standards: loaded.content.standards)
    .evaluate(loaded.content.partners, cases: loaded.content.cases, asOf: asOf)
  guard let templates = try? TemplateSet.builtIn() else { return [:] }
  var renderer = SiteRenderer(
    content: loaded.content, evaluations: evaluations, asOf: asOf, contentName: "content", templates: templates)
  renderer.historyPageSize = historyPageSize
  guard let files = try? renderer.render() else { return [:] }
  return Dictionary(uniqueKeysWithValues: files.map { ($0.path, String(decoding: $0.bytes, as: UTF8.self)) })
}

private let defaultPages = samplePages()

@Suite("The history page")
struct HistoryPageTests {
  @Test func theChartHasATitleADescriptionAndTheTableOfItsNumbers() throws {
    let page = try #require(defaultPages["history/index.html"])
    #expect(page.contains("<title id=\"status-chart-title\">Accreditations by status, month by month</title>"))
    #expect(page.contains("<desc id=\"status-chart-desc\">Stacked bars"))
    #expect(page.contains("aria-labelledby=\"status-chart-title status-chart-desc\""))

    // The table's last row is the engine's count of the evaluation date's month, status by status.
    let loaded = ContentLoader.load(try ContentFolder.read(repositoryRoot.appendingPathComponent("content")).files)
    let asOf = Day("2026-11-15")
    let histories = Evaluator(standards: loaded.content.standards)
      .histories(loaded.content.partners, cases: loaded.content.cases, through: asOf)
    let months = Evaluator.programMonths(histories, through: asOf)
    #expect(months.count == 24)
    let last = try #require(months.last)
    let order: [AccreditationStatus] = [.accredited, .atRisk, .underReview, .ineligible, .revoked]
    let cells = order.map { "<td class=\"numeric\">\(last.accreditations[$0] ?? 0)</td>" }.joined()
    let total = order.map { last.accreditations[$0] ?? 0 }.reduce(0, +)
    #expect(
      page.contains(
        "<tr><th scope=\"row\"><time datetime=\"2026-11\">Nov 2026</time></th>\(cells)"
          + "<td class=\"numeric\">\(total)</td></tr>"))
    #expect(page.contains("<time datetime=\"2026-11\">Nov 2026</time></th><td class=\"numeric\">\(last.partners)</td>"))
    // One segment per month and status with accreditations: as many as the table's non-zero cells.
    let nonZero = months.map { month in order.count { (month.accreditations[$0] ?? 0) > 0 } }.reduce(0, +)
    let chart = try #require(page.components(separatedBy: "id=\"status-chart-title\"").dropFirst().first)
      .components(separatedBy: "</svg>")[0]
    #expect(chart.components(separatedBy: "class=\"segment segment-").count - 1 == nonZero)
  }

  @Test func listsTheStatusChangesOfTheLast90DaysWithTheEnginesReasons() throws {
    let page = try #require(defaultPages["history/index.html"])
    let changes = try #require(page.components(separatedBy: "id=\"changes\"").last)
      .replacingOccurrences(of: "</span>\n", with: "</span>")
    // Tailspin's Data Integration went at risk on 30 Sep 2026, within 90 days of 15 Nov 2026.
    let row = try #require(
      changes.components(separatedBy: "<tr>").first { $0.contains("Tailspin") && $0.contains("2026-09-30") })
    #expect(row.contains("href=\"../partners/tailspin-interactive/\""))
    #expect(row.contains("Data Integration"))
    #expect(row.contains("Accredited</span> → <span class=\"status status-at-risk\">"))
    #expect(row.contains("<td data-label=\"Reason\">Data Operations and Sync expired 30 Sep 2026.</td>"))
    // Proseware's change of 14 Aug 2026 is 93 days back: not listed.
    #expect(!changes.contains("2026-08-14"))
    // Newest first.
    let dates = changes.matches(of: /<td data-label="Date"><time datetime="(\d{4}-\d\d-\d\d)"/).map { String($0.1) }
    #expect(!dates.isEmpty && dates == dates.sorted(by: >))
  }

  @Test func theChangesArePaginatedAndTheLaterPagesHaveNoCharts() throws {
    let pages = samplePages(historyPageSize: 2)
    let first = try #require(pages["history/index.html"])
    let rows = { (page: String) in page.components(separatedBy: "<td data-label=\"Date\"><time datetime=").count - 1 }
    #expect(rows(first) == 2)
    let count = pages.keys.count { $0.hasPrefix("history/page/") }
    #expect(count >= 1)
    let second = try #require(pages["history/page/2/index.html"])
    #expect(!second.contains("stacked-chart") && first.contains("stacked-chart"))
    #expect(second.contains("Status changes, page 2 of \(count + 1)"))
    #expect(second.contains("<a href=\"../../../history/\" rel=\"prev\">"))
    #expect(first.contains("<a href=\"../history/page/2/\" rel=\"next\">"))
  }

  @Test func theOverviewShowsTheSmallChartLinkingToTheHistory() throws {
    let home = try #require(defaultPages["index.html"])
    #expect(home.contains("<title id=\"trend-chart-title\">"))
    #expect(home.contains("<a href=\"history/\" class=\"chart-link\">"))
  }

}

@Suite("The feeds of status changes")
struct StatusFeedTests {
  /// Each entry's id with its title.
  private func entries(_ feed: String) -> [String: String] {
    var result: [String: String] = [:]
    for entry in feed.components(separatedBy: "<entry>").dropFirst() {
      guard let id = entry.firstMatch(of: /<id>([^<]*)<\/id>/),
        let title = entry.firstMatch(of: /<title>([^<]*)<\/title>/)
      else { continue }
      result[String(id.1)] = String(title.1)
    }
    return result
  }

  @Test func statusChangesAreEntriesOfTheSiteFeedAndThePartnersFeed() throws {
    let site = entries(try #require(defaultPages["feed.xml"]))
    let partner = try #require(defaultPages["partners/tailspin-interactive/feed.xml"])
    let own = entries(partner)
    let matching = own.keys.filter { $0.hasSuffix("#status-data-integration-2025-05-20-2026-09-30") }
    #expect(matching.count == 1, "\(own.keys.sorted())")
    let title = try #require(matching.first.flatMap { own[$0] })
    #expect(title.hasSuffix("Data Integration accredited → at risk"))
    #expect(site[matching.first ?? ""] == title)
    #expect(partner.contains("Data Operations and Sync expired 30 Sep 2026."))
    let page = try #require(defaultPages["partners/tailspin-interactive/index.html"])
    #expect(page.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Tailspin"))
    #expect(page.contains("href=\"feed.xml\">"))
  }

  @Test func anEntryKeepsItsIdInALaterBuild() throws {
    let earlier = samplePages(asOf: Day("2026-10-15"))
    for feed in ["feed.xml", "partners/tailspin-interactive/feed.xml", "partners/wingtip-partners/feed.xml"] {
      let before = entries(try #require(earlier[feed]))
      let after = entries(try #require(defaultPages[feed]))
      let changes = before.filter { $0.key.contains("#status-") }
      #expect(!changes.isEmpty, "\(feed) has status changes on 15 Oct 2026")
      for (id, title) in changes { #expect(after[id] == title, "\(feed): \(id)") }
    }
  }
}
