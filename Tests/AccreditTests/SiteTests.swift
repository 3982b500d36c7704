import AccreditContent
import AccreditEngine
@testable import AccreditSite
import Foundation
import Testing

/// Renders the sample content once, in memory, as `Scripts/build-site` builds it: with the search box.
private let sampleSite: [String: String] = {
  var request = SiteBuilder.Request(
    content: repositoryRoot.appendingPathComponent("content"), asOf: nil, today: Day("2026-11-15"))
  request.search = true
  guard let files = try? SiteBuilder.render(request).files else { return [:] }
  return Dictionary(uniqueKeysWithValues: files.map { ($0.path, String(decoding: $0.bytes, as: UTF8.self)) })
}()

@Suite("The sample site")
struct SiteTests {
  struct Golden: CustomTestStringConvertible, Sendable {
    let page: String
    let golden: String
    var testDescription: String { page }
  }

  @Test(arguments: [
    Golden(page: "partners/northwind-digital/index.html", golden: "partner-northwind-digital.html"),
    Golden(page: "partners/quarry-lane-digital/cases/QL-2026-003/index.html", golden: "case-QL-2026-003.html"),
  ])
  func pagesMatchTheirGoldenFiles(_ row: Golden) throws {
    let built = try #require(sampleSite[row.page])
    let url = repositoryRoot.appendingPathComponent("Tests/AccreditTests/Fixtures/golden/\(row.golden)")
    if ProcessInfo.processInfo.environment["ACCREDIT_RECORD"] == "1" {
      try built.write(to: url, atomically: true, encoding: .utf8)
      Issue.record("re-recorded \(row.golden); run again without ACCREDIT_RECORD")
      return
    }
    #expect(built == (try String(contentsOf: url, encoding: .utf8)), "re-record with ACCREDIT_RECORD=1 on purpose")
  }

  @Test func theCommittedPublicFolderIsTheSampleBuiltByteForByte() throws {
    let publicFolder = repositoryRoot.appendingPathComponent("public")
    var committed: [String: String] = [:]
    let enumerator = FileManager.default.enumerator(at: publicFolder, includingPropertiesForKeys: [.isRegularFileKey])
    while let url = enumerator?.nextObject() as? URL {
      guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else { continue }
      let path = String(url.standardizedFileURL.path.dropFirst(publicFolder.standardizedFileURL.path.count + 1))
      guard !path.hasPrefix(".") else { continue }  // the build manifest is not part of the site
      // Pagefind's index: the browser tests check it is current (they have Pagefind).
      guard !path.hasPrefix("pagefind/") else { continue }
      committed[path] = try String(contentsOf: url, encoding: .utf8)
    }
    let extra = Set(committed.keys).subtracting(sampleSite.keys).sorted()
    let missing = Set(sampleSite.keys).subtracting(committed.keys).sorted()
    #expect(
      extra.isEmpty && missing.isEmpty, "public/ is stale (run Scripts/build-site): extra \(extra), missing \(missing)")
    for (path, text) in sampleSite where committed[path] != text {
      Issue.record("public/\(path) differs from a fresh build: run Scripts/build-site")
    }
  }

  @Test func everyPageIsMarkedNoindexAndRobotsDisallowsAll() throws {
    #expect(sampleSite["robots.txt"] == "User-agent: *\nDisallow: /\n")
    let pages = sampleSite.filter { $0.key.hasSuffix(".html") }
    #expect(pages.count > 50)
    for (path, html) in pages {
      #expect(html.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"), "\(path)")
    }
  }

  @Test func theSiteUsesNothingFromOutside() {
    for (path, text) in sampleSite where path.hasSuffix(".html") || path.hasSuffix(".css") {
      let external = text.matches(of: /(src|href)="(https?:)?\/\/[^"]*"|@import|url\(https?:/)
      #expect(external.isEmpty, "\(path) loads something from another host")
    }
  }

  @Test func hostileCaseNotesAreRenderedSafely() throws {
    let page = try #require(sampleSite["partners/litware-labs/cases/LW-2026-006/index.html"])
    #expect(!page.contains("<script>alert"))
    #expect(!page.contains("javascript:"))
    #expect(page.contains("&lt;script&gt;"), "the code span shows the markup as text")
  }

  @Test func hostileRecordsAreEscapedEverywhere() throws {
    let hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    let loaded = Tree([
      "partners/evil.yaml": """
      name: "\(hostile)"
      region: "\\" onmouseover=\\"alert(3)"
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
      certifications:
        - { name: program, earned: 2025-01-01 }
        - { name: sales, earned: 2025-01-01 }
      accreditations:
        - { type: crm, issued: 2025-03-15 }
      """,
      "cases/evil/X-1.md": """
      ---
      customer: "\(hostile)"
      steps:
        - { stage: complaint, date: 2026-01-01 }
      ---
      <script>alert(4)</script> [x](javascript:alert(5)) <a href="#" onclick="alert(6)">y</a>
      """,
      "faq/q.md": "---\nquestion: \"\(hostile)\"\n---\n<iframe src=\"javascript:alert(7)\"></iframe>\n",
    ]).load()
    #expect(!loaded.diagnostics.hasErrors)
    let evaluations = Evaluator(standards: loaded.content.standards)
      .evaluate(loaded.content.partners, cases: loaded.content.cases, asOf: Day("2026-11-15"))
    let files = try SiteRenderer(
      content: loaded.content, evaluations: evaluations, asOf: Day("2026-11-15"), contentName: "content",
      templates: try TemplateSet.builtIn()
    ).render()
    // The CSV export is data for spreadsheets, not markup: it holds the names as they are, quoted and defused
    // by CSV's rules (AccreditationsCSVTests).
    for file in files where !file.path.hasPrefix("assets/") && !file.path.hasSuffix(".csv") {
      let text = String(decoding: file.bytes, as: UTF8.self)
      #expect(!text.contains("<script>alert"), "\(file.path)")
      #expect(!text.contains("<img src=x"), "\(file.path)")
      #expect(!text.contains("javascript:"), "\(file.path)")
      #expect(!text.contains("onclick=\"alert"), "\(file.path)")
      #expect(!text.contains("\" onmouseover=\""), "\(file.path)")
      #expect(!text.contains("<iframe"), "\(file.path)")
    }
  }
}

@Suite("The route table")
struct RouteTests {
  @Test func pathsFilesAndTheWayBackToTheRoot() {
    #expect(Route.home.file == "index.html" && Route.home.root == "")
    #expect(Route.partner(slug: "p").file == "partners/p/index.html" && Route.partner(slug: "p").root == "../../")
    #expect(Route.escalation(partner: "p", id: "X-1").root == "../../../../")
    #expect(Route.badge(partner: "p").file == "partners/p/badge.svg" && Route.badge(partner: "p").root == "../../")
    #expect(Route.statusJSON.file == "api/status.json" && Route.statusJSON.root == "../")
    #expect(Route.feed.file == "feed.xml" && Route.feed.root == "")
  }

  @Test func linksGoUpToTheSharedFolderThenDown() {
    let partner = Route.partner(slug: "p")
    #expect(partner.link(to: .escalation(partner: "p", id: "X-1")) == "cases/X-1/")
    #expect(partner.link(to: .badge(partner: "p")) == "badge.svg")
    #expect(Route.marks(partner: "p").link(to: .escalation(partner: "p", id: "X-1")) == "../cases/X-1/")
    #expect(Route.marks(partner: "p").link(to: partner) == "../")
    #expect(Route.escalation(partner: "p", id: "X-1").link(to: partner) == "../../")
    #expect(Route.home.link(to: partner) == "partners/p/")
    #expect(Route.faq.link(to: .statusJSON) == "../api/status.json")
  }

  /// The links are cut on bytes for ASCII paths, on characters otherwise: both give what splitting the
  /// paths into folders gives, between every two routes here (ASCII, accented, a combining mark after a
  /// slash, a prefix of another folder's name).
  @Test func linksOnBytesEqualLinksOnFolders() {
    func folders(_ route: Route) -> [Substring] {
      let parts = route.path.split(separator: "/")
      return route.isPage ? parts : Array(parts.dropLast())
    }
    func expected(_ from: Route, _ to: Route) -> String {
      let shared = zip(folders(from), folders(to)).prefix { $0 == $1 }.count
      let down = folders(to).dropFirst(shared).map { $0 + "/" }.joined()
      let leaf = to.isPage ? "" : String(to.path.split(separator: "/").last ?? "")
      return String(repeating: "../", count: folders(from).count - shared) + down + leaf
    }
    let routes: [Route] = [
      .home, .faq, .statusJSON, .feed, .sitemapPart(2), .partnerListPage(3), .actions, .actionsPage(2),
      .partner(slug: "p"), .partner(slug: "pa"), .marks(partner: "p"), .badge(partner: "pa"),
      .escalation(partner: "p", id: "X-1"), .escalation(partner: "pa", id: "X-10"), .partnerFeed(partner: "p"),
      .partner(slug: "caf\u{E9}"), .escalation(partner: "cafe\u{301}", id: "\u{301}X"), .pdm(slug: "p"),
      // Between a partner and its cases, whose links are known without the paths when plain.
      .escalation(partner: "p", id: ""), .escalation(partner: "p", id: "a/b"), .partner(slug: ""),
      .escalation(partner: "", id: "Z"), .escalation(partner: "caf\u{E9}", id: "X-1"),
      .partner(slug: "cafe\u{301}"), .escalation(partner: "caf\u{E9}", id: "\u{301}X"),
    ]
    for from in routes {
      for to in routes {
        #expect(from.link(to: to) == expected(from, to), "\(from.path) → \(to.path)")
      }
    }
  }
}
