import AccreditContent
import AccreditEngine
import AccreditCLI
import AccreditFixtures
import Foundation
import Testing

@testable import AccreditSite

/// A program of `partners` generated partners, rendered in memory: path → text. With `only`, the files whose
/// path it accepts alone are rendered (the site is still planned whole): a debug build renders a 600-partner
/// site's 4,000 pages in seconds, and most tests here read a few site-wide files.
private func site(
  partners: Int, sitemapLimit: Int = 50_000, search: Bool = false, only: (String) -> Bool = { _ in true }
) throws -> [String: String] {
  var files: [ContentFile] = []
  FixtureGenerator(partners: partners, casesPerPartner: 1, seed: 5).generate { path, text in
    files.append(ContentFile(path: path, text: text))
  }
  let loaded = ContentLoader.load(files)
  #expect(!loaded.diagnostics.hasErrors)
  var renderer = SiteBuilder.renderer(
    for: loaded.content, asOf: Day("2026-11-15"), contentName: "content",
    templates: try TemplateSet.load(overlay: nil))
  renderer.sitemapLimit = sitemapLimit
  renderer.search = search
  return Dictionary(
    uniqueKeysWithValues: try renderer.jobs().filter { only($0.path) }.map {
      ($0.path, String(decoding: try $0.render(), as: UTF8.self))
    })
}

/// The partner links of a list page's table, in order.
private func listedSlugs(_ html: String) -> [String] {
  guard let body = html.range(of: "<tbody>"), let end = html.range(of: "</tbody>") else { return [] }
  return html[body.upperBound..<end.lowerBound].components(separatedBy: "<td data-value=").dropFirst().compactMap {
    guard let href = $0.range(of: "partners/"), let close = $0[href.upperBound...].firstIndex(of: "/") else {
      return nil
    }
    return String($0[href.upperBound..<close])
  }
}

@Suite("Large programs: a paged partner list, its index, a split sitemap, search")
struct LargeProgramTests {
  @Test func theListIsPagedAndThePagesTogetherListEveryPartnerOnceInTheIndexOrder() throws {
    let pages = try site(partners: 120) { $0 == "index.html" || $0.hasPrefix("partners/page/") || $0.hasPrefix("api/") }
    let first = try #require(pages["index.html"])
    #expect(listedSlugs(first).count == 50)
    #expect(first.contains("Partners 1–50 of 120"))
    #expect(first.contains(#"<a href="partners/page/2/" rel="next">"#))
    let second = try #require(pages["partners/page/2/index.html"])
    let third = try #require(pages["partners/page/3/index.html"])
    #expect(pages["partners/page/4/index.html"] == nil)
    #expect(third.contains("Partners 101–120 of 120"))
    #expect(
      second.contains(#"<a href="../../../index.html" rel="prev">"#)
        || second.contains(#"<a href="../../../" rel="prev">"#))
    #expect(second.contains(#"<a href="../../../partners/page/2/" aria-current="page">2</a>"#))
    let listed = listedSlugs(first) + listedSlugs(second) + listedSlugs(third)
    #expect(listed.count == 120 && Set(listed).count == 120)

    // The index lists the same partners in the same order, compactly.
    let index = try #require(pages["api/partners.json"])
    let json = try #require(try JSONSerialization.jsonObject(with: Data(index.utf8)) as? [String: Any])
    let partners = try #require(json["partners"] as? [[Any]])
    #expect(partners.compactMap { $0.first as? String } == listed)
    #expect(json["fields"] as? [String] == PartnerIndex.fields)
    #expect(!index.contains("\n  "), "compact: no indentation")
  }

  @Test func theListPutsThePartnersNeedingActionFirstThenRevoked() throws {
    let pages = try site(partners: 60) { $0 == "api/partners.json" }
    let index = try #require(pages["api/partners.json"])
    let json = try #require(try JSONSerialization.jsonObject(with: Data(index.utf8)) as? [String: Any])
    let partners = try #require(json["partners"] as? [[Any]])
    // The statuses' indices (revoked, ineligible, under review, at risk, accredited) in the list's order:
    // ineligible, under review, at risk, then revoked, then accredited.
    let order = [3, 0, 1, 2, 4]
    let worst = partners.map { row -> Int in
      let cells = row[6] as? [Int] ?? []
      return stride(from: 1, to: cells.count, by: 2).map { order[cells[$0]] }.min() ?? Int.max
    }
    #expect(worst == worst.sorted())
    #expect(Set(worst).count > 1, "the fixture has partners of several statuses")
  }

  @Test func theOverviewDoesNotGrowWithTheProgram() throws {
    let small = try #require(try site(partners: 60) { $0 == "index.html" }["index.html"])
    let large = try #require(try site(partners: 600) { $0 == "index.html" }["index.html"])
    #expect(listedSlugs(large).count == 50)
    // Ten times the partners: the overview grows by the numbers and the due-soon list, which is capped.
    #expect(Double(large.utf8.count) < Double(small.utf8.count) * 1.5, "\(small.utf8.count) → \(large.utf8.count)")
    #expect(large.components(separatedBy: "<li><time datetime=").count - 1 <= HomePage.dueLimit)
  }

  @Test func aSitemapOverTheLimitBecomesAnIndexOfFilesWithinIt() throws {
    let sitemaps = { (path: String) in path.hasPrefix("sitemap") }
    let whole = try site(partners: 30, only: sitemaps)
    let split = try site(partners: 30, sitemapLimit: 25, only: sitemaps)
    let urls = { (xml: String) in xml.components(separatedBy: "<loc>").dropFirst().map { $0.prefix { $0 != "<" } } }
    let all = urls(try #require(whole["sitemap.xml"]))
    #expect(all.count > 50)
    let index = try #require(split["sitemap.xml"])
    #expect(index.contains("<sitemapindex"))
    let parts = urls(index)
    #expect(parts.count == (all.count + 24) / 25)
    var listed: [Substring] = []
    for (number, part) in parts.enumerated() {
      #expect(part.hasSuffix("sitemaps/sitemap-\(number + 1).xml"))
      let file = try #require(split["sitemaps/sitemap-\(number + 1).xml"])
      #expect(file.contains("<urlset"))
      let entries = urls(file)
      #expect(entries.count <= 25)
      listed += entries
    }
    #expect(listed == all)
  }

  @Test func theSearchBoxIsOnEveryPageOnlyWhenTheSiteIsIndexed() throws {
    let plain = try site(partners: 3)
    let searched = try site(partners: 3, search: true)
    for (path, html) in plain where path.hasSuffix(".html") {
      #expect(!html.contains("pagefind/") && !html.contains(#"id="search""#), "\(path)")
    }
    for (path, html) in searched where path.hasSuffix(".html") {
      #expect(html.contains(#"<div id="search"></div>"#), "\(path)")
      #expect(html.contains("pagefind/pagefind-ui.js"), "\(path)")
    }
    // What Pagefind indexes: partner and case pages, with their titles and the case's customer.
    let partner = try #require(
      searched.first {
        $0.key.hasSuffix("/index.html") && $0.value.contains("<h1 data-pagefind-meta=\"title\">")
          && !$0.key.contains("/cases/")
      }?.value)
    #expect(partner.contains("<article data-pagefind-body>"))
    let escalation = try #require(searched.first { $0.key.contains("/cases/") }?.value)
    #expect(escalation.contains(#"<dd data-pagefind-meta="customer">"#))
    #expect(!(try #require(searched["index.html"])).contains("data-pagefind-body"), "the overview is not indexed")
  }
}

@Suite("build --search runs Pagefind")
struct SearchBuildTests {
  private func run(_ arguments: [String], pagefind: String) throws -> (code: Int32, err: String) {
    let captured = Captured()
    let command = try #require(try Accredit.parseAsRoot(["build"] + arguments) as? Build)
    let code = Commands.build(command, console: captured.console, environment: ["ACCREDIT_PAGEFIND": pagefind])
    return (code, captured.err)
  }

  @Test func aMissingPagefindFailsClearlyBeforeAnythingIsWritten() throws {
    try withTemporaryFolder { folder in
      let output = folder.appendingPathComponent("public")
      let content = repositoryRoot.appendingPathComponent("content").path
      let result = try run(
        ["--content", content, "--output", output.path, "--search"],
        pagefind: folder.appendingPathComponent("none").path)
      #expect(result.code == 69)
      #expect(result.err.contains("--search needs Pagefind"))
      #expect(result.err.contains("pip install pagefind-bin"))
      #expect(!FileManager.default.fileExists(atPath: output.path))
    }
  }

  @Test func theIndexIsSwappedInAndABuildWithoutSearchRemovesIt() throws {
    try withTemporaryFolder { folder in
      // A stand-in for Pagefind that records the pages it was given.
      let fake = folder.appendingPathComponent("pagefind")
      try """
      #!/bin/sh
      [ "$1" = --version ] && { echo "pagefind 1.5.2"; exit 0; }
      mkdir -p "$4" && find "$2" -name index.html | wc -l > "$4/pagefind.js"
      """.write(to: fake, atomically: true, encoding: .utf8)
      try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
      let output = folder.appendingPathComponent("public")
      let index = output.appendingPathComponent("pagefind/pagefind.js")
      let content = repositoryRoot.appendingPathComponent("content").path
      let arguments = [
        "--content", content, "--output", output.path, "--quiet", "--cache",
        folder.appendingPathComponent("cache").path,
      ]
      #expect(try run(arguments + ["--search"], pagefind: fake.path).code == 0)
      #expect(
        Int(try String(contentsOf: index, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 > 50)
      let page = try String(contentsOf: output.appendingPathComponent("faq/index.html"), encoding: .utf8)
      #expect(page.contains("pagefind/pagefind-ui.js"))
      // The sample's site.yaml says `search: true`: only --no-search builds without the index.
      #expect(try run(arguments + ["--no-search"], pagefind: fake.path).code == 0)
      #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("pagefind").path))
      let plain = try String(contentsOf: output.appendingPathComponent("faq/index.html"), encoding: .utf8)
      #expect(!plain.contains("pagefind/pagefind-ui.js"))
      let leftovers = try FileManager.default.contentsOfDirectory(atPath: output.path).filter {
        $0.hasPrefix(".pagefind")
      }
      #expect(leftovers.isEmpty)
    }
  }

  /// A copy of the sample content whose site.yaml says `search` (or nothing, for nil).
  private func content(search: String?, in folder: URL) throws -> URL {
    let content = folder.appendingPathComponent("content")
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: content)
    let site = "title: Search\nbase_url: https://search.example/\n" + (search.map { "search: \($0)\n" } ?? "")
    try Data(site.utf8).write(to: content.appendingPathComponent("site.yaml"))
    return content
  }

  /// A stand-in for Pagefind that writes an index file.
  private func fakePagefind(in folder: URL) throws -> URL {
    let fake = folder.appendingPathComponent("fake-pagefind")
    try """
    #!/bin/sh
    [ "$1" = --version ] && { echo "pagefind 1.5.2"; exit 0; }
    mkdir -p "$4" && echo indexed > "$4/pagefind.js"
    """.write(to: fake, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake.path)
    return fake
  }

  @Test func searchTrueInSiteYamlKeepsTheIndexOfAPlainBuildAndTheFlagsOverrideIt() throws {
    try withTemporaryFolder { folder in
      let content = try content(search: "true", in: folder)
      let fake = try fakePagefind(in: folder)
      let output = folder.appendingPathComponent("public")
      let index = output.appendingPathComponent("pagefind/pagefind.js")
      let arguments = [
        "--content", content.path, "--output", output.path, "--quiet", "--cache",
        folder.appendingPathComponent("cache").path,
      ]
      #expect(try run(arguments, pagefind: fake.path).code == 0)
      #expect(FileManager.default.fileExists(atPath: index.path), "a plain build makes the index")
      let page = try String(contentsOf: output.appendingPathComponent("faq/index.html"), encoding: .utf8)
      #expect(page.contains("pagefind/pagefind-ui.js"))
      #expect(try run(arguments + ["--no-search"], pagefind: fake.path).code == 0)
      #expect(!FileManager.default.fileExists(atPath: index.path), "--no-search wins over site.yaml")
      #expect(try run(arguments, pagefind: fake.path).code == 0)
      #expect(FileManager.default.fileExists(atPath: index.path))
    }
  }

  @Test func searchTrueInSiteYamlWithoutPagefindExits69NamingTheFileAndTheWayOut() throws {
    try withTemporaryFolder { folder in
      let content = try content(search: "yes", in: folder)
      let output = folder.appendingPathComponent("public")
      let missing = folder.appendingPathComponent("none").path
      let result = try run(["--content", content.path, "--output", output.path], pagefind: missing)
      #expect(result.code == 69)
      #expect(result.err.contains("accredit: error: 'search: true' in site.yaml needs Pagefind"))
      #expect(result.err.contains("or build without the index with --no-search"))
      #expect(!FileManager.default.fileExists(atPath: output.path))
      #expect(
        try run(["--content", content.path, "--output", output.path, "--no-search"], pagefind: missing).code == 0)
    }
  }

  @Test(arguments: [nil, "false"])
  func withoutSearchTrueAPlainBuildNeedsNoPagefindAndMakesNoIndex(search: String?) throws {
    try withTemporaryFolder { folder in
      let content = try content(search: search, in: folder)
      let output = folder.appendingPathComponent("public")
      let missing = folder.appendingPathComponent("none").path
      #expect(try run(["--content", content.path, "--output", output.path, "--quiet"], pagefind: missing).code == 0)
      #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("pagefind").path))
      let searched = try run(
        ["--content", content.path, "--output", output.path, "--search"], pagefind: missing)
      #expect(searched.code == 69, "--search wins over site.yaml")
      #expect(searched.err.contains("--search needs Pagefind"))
    }
  }
}
