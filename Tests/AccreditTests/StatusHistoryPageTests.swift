import AccreditContent
import AccreditEngine
@testable import AccreditSite
import Foundation
import Testing

/// The sample site's pages, rendered once in memory on the sample's date.
private let samplePages: [String: String] = {
  let request = SiteBuilder.Request(
    content: repositoryRoot.appendingPathComponent("content"), asOf: nil, today: Day("2026-11-15"))
  guard let files = try? SiteBuilder.render(request).files else { return [:] }
  return Dictionary(uniqueKeysWithValues: files.map { ($0.path, String(decoding: $0.bytes, as: UTF8.self)) })
}()

/// The text of `page` from the first `start` to the next `end` after it.
private func slice(_ page: String, from start: String, to end: String) -> String? {
  guard let lower = page.range(of: start), let upper = page.range(of: end, range: lower.upperBound..<page.endIndex)
  else { return nil }
  return String(page[lower.lowerBound..<upper.upperBound])
}

@Suite("The partner page's status history")
struct StatusHistoryPageTests {
  @Test func listsEachChangeNewestFirstWithTheReasonsOfItsDay() throws {
    let page = try #require(samplePages["partners/tailspin-interactive/index.html"])
    // The status badge partial ends its line.
    let section = try #require(slice(page, from: "id=\"status-history\"", to: "</section>"))
      .replacingOccurrences(of: "</span>\n", with: "</span>")
    // Tailspin's Data Integration: ineligible on issue (tier), accredited from 18 Jun 2025, at risk from
    // 30 Sep 2026 when a certification expired.
    let atRisk = try #require(section.range(of: "At risk</span> from <time datetime=\"2026-09-30\">30 Sep 2026</time>"))
    let accredited = try #require(
      section.range(of: "Accredited</span> from <time datetime=\"2025-06-18\">18 Jun 2025</time>"))
    let ineligible = try #require(
      section.range(of: "Ineligible</span> from <time datetime=\"2025-05-20\">20 May 2025</time>"))
    #expect(atRisk.lowerBound < accredited.lowerBound && accredited.lowerBound < ineligible.lowerBound)

    // The at-risk entry words the engine's certification reason of 30 Sep 2026 and links its evidence, an
    // anchor of the record on the same page.
    let entry = try #require(slice(section, from: "datetime=\"2026-09-30\"", to: "</ul>"))
    let reason = try #require(slice(entry, from: "reason-certification", to: "</li>"))
    let href = try #require(slice(reason, from: "href=\"#", to: "\"")).dropFirst("href=\"#".count).dropLast()
    #expect(page.contains("id=\"\(href)\""), "the evidence link \(href) leads to the record")
    #expect(reason.contains("expired"))
    // The accredited entry passes every check: no reason.
    let clean = try #require(slice(section, from: "datetime=\"2025-06-18\"", to: "</li>"))
    #expect(!clean.contains("class=\"reason"))
  }

  @Test func aCaseReasonLinksToTheCasePage() throws {
    let page = try #require(samplePages["partners/harborlight-systems/index.html"])
    let section = try #require(slice(page, from: "id=\"status-history\"", to: "</section>"))
    let reason = try #require(slice(section, from: "reason-serious-case", to: "</li>"))
    let href = try #require(slice(reason, from: "href=\"cases/", to: "\""))
    let id = href.dropFirst("href=\"cases/".count).dropLast(2)
    #expect(samplePages["partners/harborlight-systems/cases/\(id)/index.html"] != nil)
  }

  @Test func theTimelineHasAStatusRowPerAccreditationThatChangesColourWithTheStatus() throws {
    let page = try #require(samplePages["partners/tailspin-interactive/index.html"])
    let timeline = try #require(slice(page, from: "<figure class=\"timeline\">", to: "</figure>"))
    let rows = timeline.components(separatedBy: "class=\"bar status-row ").dropFirst().map { $0.prefix(40) }
    #expect(
      rows.map { $0.prefix { $0 != "\"" } } == [
        "status-row-ineligible", "status-row-accredited", "status-row-at-risk",
      ])
    #expect(timeline.contains("Data Integration: At risk from 30 Sep 2026: "))
    #expect(page.contains("<time datetime=\"2026-09-30\">30 Sep 2026</time>: Data Integration: At risk: "))
  }

  @Test func aPartnerWithoutAccreditationsSaysSo() throws {
    let partner = try #require(
      samplePages.first { $0.key.hasPrefix("partners/") && $0.value.contains("No accreditation has been issued") })
    let section = try #require(slice(partner.value, from: "id=\"status-history\"", to: "</section>"))
    #expect(section.contains("No accreditation has been issued"))
    #expect(!section.contains("<ol"))
  }
}
