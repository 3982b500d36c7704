import AccreditContent
import AccreditEngine
@testable import AccreditServe
@testable import AccreditSite
import Foundation
import Testing

/// Issue 22: a partner record edited in `accredit serve` reads and evaluates that partner alone and renders
/// the pages whose inputs changed, and the site equals a clean render byte for byte.
@Suite("Record edits in memory (accredit serve)")
struct RecordEditTests {
  /// The sample content, copied into `folder`.
  private func sampleContent(in folder: URL) throws -> URL {
    let content = folder.appendingPathComponent("content")
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: content)
    return content
  }

  private func edit(_ content: URL, _ path: String, _ from: String, _ to: String) throws {
    let url = content.appendingPathComponent(path)
    let text = try String(contentsOf: url, encoding: .utf8)
    #expect(text.contains(from), "\(path) has \(from)")
    try Data(text.replacingOccurrences(of: from, with: to).utf8).write(to: url)
  }

  /// Edits the record of `slug` in `content` with `change`, renders the edit, puts it into `site` and
  /// compares the site with a clean render; returns the paths the edit rendered.
  private func editRecord(
    _ slug: String, in content: URL, _ change: (String) -> String, request: SiteBuilder.Request,
    site: inout [String: [UInt8]], baseline: inout SiteBuilder.Baseline
  ) throws -> [String] {
    let url = content.appendingPathComponent("partners/\(slug).yaml")
    try Data(change(try String(contentsOf: url, encoding: .utf8)).utf8).write(to: url)
    let changes = ChangeSet(content: ["partners/\(slug).yaml": .changed])
    let patch = try #require(try SiteBuilder.renderChanges(request, changes: changes, since: baseline))
    try apply(patch, to: &site, baseline: &baseline, comparedWith: request, step: slug)
    return patch.files.map(\.path)
  }

  /// The sample content copied into `folder`, and the request that renders it (as of its `site.yaml`, on
  /// 2026-12-01).
  private func sampleRequest(in folder: URL) throws -> (content: URL, request: SiteBuilder.Request) {
    let content = try sampleContent(in: folder)
    return (content, SiteBuilder.Request(content: content, asOf: nil, today: Day("2026-12-01")))
  }

  /// A generated program of 120 partners in `folder`, whose partner list and `actions/` have several
  /// pages, and the request that renders it as of 2026-12-01.
  private func pagedRequest(in folder: URL) throws -> (content: URL, request: SiteBuilder.Request) {
    let content = try generatedContent(in: folder, partners: 120, cases: 5, seed: 5)
    return (content, SiteBuilder.Request(content: content, asOf: Day("2026-12-01"), today: Day("2026-12-01")))
  }

  /// A first render of `request`: its baseline and its files by path, as the server keeps them.
  private func firstRender(_ request: SiteBuilder.Request) throws -> (SiteBuilder.Baseline, [String: [UInt8]]) {
    let first = try SiteBuilder.render(request)
    return (first.baseline, Dictionary(uniqueKeysWithValues: first.files.map { ($0.path, $0.bytes) }))
  }

  /// Puts `patch` into `site` (path → bytes), moves `baseline` on, and compares the site with a clean render
  /// of `request`, naming `step` in what differs; returns the clean render's files.
  @discardableResult
  private func apply(
    _ patch: SiteBuilder.Patch, to site: inout [String: [UInt8]], baseline: inout SiteBuilder.Baseline,
    comparedWith request: SiteBuilder.Request, step: String
  ) throws -> [OutputFile] {
    for path in patch.removed { site[path] = nil }
    for file in patch.files { site[file.path] = file.bytes }
    baseline = patch.baseline
    let clean = try SiteBuilder.render(request).files
    #expect(Set(site.keys) == Set(clean.map(\.path)), "\(step): the same files")
    for file in clean where site[file.path] != file.bytes {
      Issue.record("\(step): \(file.path) differs from a clean render")
    }
    return clean
  }

  @Test func aSequenceOfRecordEditsGivesWhatACleanRenderGives() throws {
    try withTemporaryFolder { folder in
      let (content, request) = try sampleRequest(in: folder)
      var (baseline, site) = try firstRender(request)
      let northwind = "partners/northwind-digital.yaml"
      // Each step: the files edited (from → to), all saved before the render.
      let steps: [[(String, String, String)]] = [
        // An expired certification renewed: Commerce Setup's status changes.
        [(northwind, "earned: 2024-03-20, expires: 2026-03-20", "earned: 2026-03-19, expires: 2028-03-19")],
        // A PDM who had no partner: a new portfolio page.
        [("partners/quarry-lane-digital.yaml", "pdm: Daniel Okafor", "pdm: Eve Newcomer")],
        // The PDM's last partner moves away (with another record in the same save): the page goes.
        [
          ("partners/wingtip-partners.yaml", "pdm: Daniel Okafor", "pdm: Jana Kowalski"),
          ("partners/contoso-consulting.yaml", "region: ", "region: Far "),
        ],
        // A tier change that makes the partner ineligible.
        [
          (
            "partners/contoso-consulting.yaml", "{ reviewed: 2026-06-22, tier: diamond }",
            "{ reviewed: 2026-06-22, tier: gold }"
          )
        ],
        // The renewal undone.
        [(northwind, "earned: 2026-03-19, expires: 2028-03-19", "earned: 2024-03-20, expires: 2026-03-20")],
        // The website alone, which the partner's page alone shows: its files alone are rendered.
        [(northwind, "website: https://northwind.example", "website: https://northwind.example/partners")],
        // Then its status again, after an edit that left the other files' keys as they were.
        [(northwind, "earned: 2024-03-20, expires: 2026-03-20", "earned: 2026-03-19, expires: 2028-03-19")],
      ]
      for (number, step) in steps.enumerated() {
        for (path, from, to) in step { try edit(content, path, from, to) }
        let changes = ChangeSet(content: Dictionary(uniqueKeysWithValues: step.map { ($0.0, .changed) }))
        let patch = try #require(try SiteBuilder.renderChanges(request, changes: changes, since: baseline))
        #expect(patch.summary == "partner records edited")
        let clean = try apply(patch, to: &site, baseline: &baseline, comparedWith: request, step: "step \(number)")
        #expect(patch.files.count < clean.count / 3, "step \(number): only what changed is rendered")
        #expect(!patch.files.contains { $0.path.hasPrefix("partners/adventure-works-agency/") })
        if number == 1 { #expect(patch.files.contains { $0.path.hasPrefix("pdms/eve-newcomer") }) }
        if number == 2 { #expect(patch.removed.contains { $0.hasPrefix("pdms/daniel-okafor") }) }
        if number == 5 {
          // Its page alone: its case pages, marks page, badge and feed do not show the website.
          #expect(patch.files.map(\.path) == ["partners/northwind-digital/index.html"])
        }
        if number == 6 { #expect(patch.files.contains { $0.path == "index.html" }) }
      }
    }
  }

  /// A case's front matter edited (its customer, seriousness, steps; two partners' cases in one save):
  /// the case is read alone, its partner evaluated again, and the pages whose keys changed are rendered,
  /// the other partners' own pages not among them. Each step equals a clean render byte for byte. A case
  /// with a diagnostic, or naming an accreditation its partner does not hold (a warning), takes the
  /// whole build, which reports it.
  @Test func caseFrontMatterEditsGiveWhatACleanRenderGives() throws {
    try withTemporaryFolder { folder in
      let (content, request) = try sampleRequest(in: folder)
      var (baseline, site) = try firstRender(request)
      let northwind = "cases/northwind-digital/NW-2026-019.md"
      let contoso = "cases/contoso-consulting/CT-2026-017.md"
      let steps: [[(String, String, String)]] = [
        // The customer renamed, and the notes too, in one save.
        [(northwind, "customer: \"Pinecrest Realty\"", "customer: \"Pinecrest Homes\"")],
        // Serious: the partner goes under review (its status, the overview, the board, the feeds).
        [(northwind, "accreditation: crm-implementation", "accreditation: crm-implementation\nserious: true")],
        // A step added, and another partner's case edited in the same save.
        [
          (
            northwind, "  - { stage: mediation, date: 2026-10-26 }",
            "  - { stage: mediation, date: 2026-10-26 }\n"
              + "  - { stage: partner-ops, date: 2026-11-05 }"
          ),
          (contoso, "\"Willowbrook Clinics\"", "\"Willowbrook Clinic Group\""),
        ],
        // Back as it was.
        [(northwind, "accreditation: crm-implementation\nserious: true", "accreditation: crm-implementation")],
      ]
      for (number, step) in steps.enumerated() {
        for (path, from, to) in step { try edit(content, path, from, to) }
        if number == 0 {
          let url = content.appendingPathComponent(northwind)
          try Data((try String(contentsOf: url, encoding: .utf8) + "\nA call.\n").utf8).write(to: url)
        }
        let changes = ChangeSet(content: Dictionary(uniqueKeysWithValues: step.map { ($0.0, .changed) }))
        let patch = try #require(try SiteBuilder.renderChanges(request, changes: changes, since: baseline))
        #expect(patch.summary == "case files edited", "step \(number)")
        let clean = try apply(patch, to: &site, baseline: &baseline, comparedWith: request, step: "step \(number)")
        let paths = Set(patch.files.map(\.path))
        #expect(paths.count < clean.count / 3, "step \(number): only what changed is rendered")
        #expect(paths.contains("partners/northwind-digital/cases/NW-2026-019/index.html"), "step \(number)")
        #expect(paths.contains("partners/northwind-digital/index.html"), "step \(number)")
        #expect(!paths.contains { $0.hasPrefix("partners/adventure-works-agency/") }, "step \(number)")
        if number == 2 {
          #expect(paths.contains("partners/contoso-consulting/cases/CT-2026-017/index.html"))
        }
      }
      #expect(
        String(decoding: site["partners/northwind-digital/cases/NW-2026-019/index.html"] ?? [], as: UTF8.self)
          .contains("Pinecrest Homes"))
      // A case naming an accreditation its partner does not hold (a warning), or with an error: the whole build.
      for (from, to) in [
        ("accreditation: crm-implementation", "accreditation: platform-migration"),
        ("stage: mediation", "stage: nowhere"),
      ] {
        try edit(content, northwind, from, to)
        #expect(
          try SiteBuilder.renderChanges(request, changes: ChangeSet(content: [northwind: .changed]), since: baseline)
            == nil)
        try edit(content, northwind, to, from)
      }
    }
  }

  /// Case files and partner records added, removed and renamed: each is read alone (an added one listed
  /// through the jail), its partner evaluated again, the pages whose keys changed rendered and a removed
  /// case's or partner's pages taken out; each step equals a clean render byte for byte. An added case
  /// whose id is taken, a partner removed with its cases left, or a link leading out of the content
  /// folder, takes the whole build.
  @Test func filesAddedOrRemovedGiveWhatACleanRenderGives() throws {
    try withTemporaryFolder { folder in
      let (content, request) = try sampleRequest(in: folder)
      var (baseline, site) = try firstRender(request)
      let existing = "cases/northwind-digital/NW-2026-019.md"
      let added = "cases/northwind-digital/NW-2026-900.md"
      let renamed = "cases/northwind-digital/NW-2026-901.md"
      let newRecord = "partners/cobalt-lake-media.yaml"
      let newCase = "cases/cobalt-lake-media/CL-2026-001.md"
      let manager = FileManager.default
      func url(_ path: String) -> URL { content.appendingPathComponent(path) }
      let text = try String(contentsOf: url(existing), encoding: .utf8)
      let steps: [(change: () throws -> Void, changes: [String: ChangeSet.Change])] = [
        // A new serious case: the partner goes under review.
        (
          {
            try Data(text.replacingOccurrences(of: "accreditation: ", with: "serious: true\naccreditation: ").utf8)
              .write(to: url(added))
          }, [added: .added]
        ),
        // Renamed: a new id, the old page gone.
        ({ try manager.moveItem(at: url(added), to: url(renamed)) }, [added: .removed, renamed: .added]),
        // Removed.
        ({ try manager.removeItem(at: url(renamed)) }, [renamed: .removed]),
        // A new partner with a case, in one save.
        (
          {
            let record = try String(contentsOf: url("partners/cobalt-river-media.yaml"), encoding: .utf8)
            try Data(record.replacingOccurrences(of: "Cobalt River Media", with: "Cobalt Lake Media").utf8)
              .write(to: url(newRecord))
            try manager.createDirectory(at: url("cases/cobalt-lake-media"), withIntermediateDirectories: true)
            let note = try String(contentsOf: url("cases/cobalt-river-media/CR-2025-006.md"), encoding: .utf8)
            try Data(note.utf8).write(to: url(newCase))
          }, [newRecord: .added, newCase: .added]
        ),
        // The partner and its case gone.
        (
          {
            try manager.removeItem(at: url("cases/cobalt-lake-media")); try manager.removeItem(at: url(newRecord))
          },
          [newRecord: .removed, newCase: .removed]
        ),
      ]
      for (number, step) in steps.enumerated() {
        try step.change()
        let patch = try #require(
          try SiteBuilder.renderChanges(request, changes: ChangeSet(content: step.changes), since: baseline))
        #expect(patch.summary == "files added or removed", "step \(number)")
        let clean = try apply(patch, to: &site, baseline: &baseline, comparedWith: request, step: "step \(number)")
        #expect(patch.files.count < clean.count / 3, "step \(number): only what changed is rendered")
        #expect(!patch.files.contains { $0.path.hasPrefix("partners/adventure-works-agency/") }, "step \(number)")
        for (path, change) in step.changes where change == .removed && path.hasPrefix("cases/") {
          let parts = path.split(separator: "/")
          #expect(
            patch.removed.contains("partners/\(parts[1])/cases/\(parts[2].dropLast(3))/index.html"), "step \(number)")
        }
        if number == 3 { #expect(patch.files.contains { $0.path == "partners/cobalt-lake-media/index.html" }) }
        if number == 4 { #expect(patch.removed.contains("partners/cobalt-lake-media/index.html")) }
      }
      // A partner removed with its cases left.
      let record = try String(contentsOf: url("partners/cobalt-river-media.yaml"), encoding: .utf8)
      try manager.removeItem(at: url("partners/cobalt-river-media.yaml"))
      #expect(
        try SiteBuilder.renderChanges(
          request, changes: ChangeSet(content: ["partners/cobalt-river-media.yaml": .removed]), since: baseline) == nil)
      try Data(record.utf8).write(to: url("partners/cobalt-river-media.yaml"))
      // A taken id (in another partner's folder), and a link to a file outside the content folder.
      let taken = "cases/contoso-consulting/NW-2026-019.md"
      try Data(text.utf8).write(to: url(taken))
      #expect(
        try SiteBuilder.renderChanges(request, changes: ChangeSet(content: [taken: .added]), since: baseline) == nil)
      try manager.removeItem(at: url(taken))
      let outside = folder.appendingPathComponent("outside.md")
      try Data(text.utf8).write(to: outside)
      try manager.createSymbolicLink(at: url(added), withDestinationURL: outside)
      #expect(
        try SiteBuilder.renderChanges(request, changes: ChangeSet(content: [added: .added]), since: baseline) == nil)
    }
  }

  /// A FAQ entry or a free page edited: each is read alone; an answer renders the FAQ page alone, a free
  /// page's body that page alone; a free page's title, which every page's navigation shows, renders every
  /// page. An entry with an error takes the whole build. Each step equals a clean render byte for byte.
  @Test func faqAndFreePageEditsRenderWhatShowsThem() throws {
    try withTemporaryFolder { folder in
      let (content, request) = try sampleRequest(in: folder)
      var (baseline, site) = try firstRender(request)
      let faq = "faq/what-is-grace.md"
      let page = "pages/escalation-process.md"
      func append(_ path: String, _ text: String) throws {
        let url = content.appendingPathComponent(path)
        try Data((try String(contentsOf: url, encoding: .utf8) + text).utf8).write(to: url)
      }
      // Each step: an edit, the files it must render (nil: every page), and the summary.
      let steps: [(edit: () throws -> Void, paths: [String], rendered: Set<String>?, summary: String)] = [
        ({ try append(faq, "\nAsk your PDM first.\n") }, [faq], ["faq/index.html"], "FAQ or pages edited"),
        (
          { try append(page, "\nA closing paragraph.\n") }, [page], ["pages/escalation-process/index.html"],
          "FAQ or pages edited"
        ),
        (
          {
            try append(faq, "\nMore.\n"); try append(page, "\nMore.\n")
          }, [faq, page],
          ["faq/index.html", "pages/escalation-process/index.html"], "FAQ or pages edited"
        ),
        ({ try edit(content, page, "title: ", "title: The ") }, [page], nil, "pages edited"),
      ]
      for (number, step) in steps.enumerated() {
        try step.edit()
        #expect(
          SiteBuilder.plan(ChangeSet(content: Dictionary(uniqueKeysWithValues: step.paths.map { ($0, .changed) })))
            == .documentEdits(step.paths.sorted()))
        let changes = ChangeSet(content: Dictionary(uniqueKeysWithValues: step.paths.map { ($0, .changed) }))
        let patch = try #require(try SiteBuilder.renderChanges(request, changes: changes, since: baseline))
        #expect(patch.summary == step.summary, "step \(number)")
        let clean = try apply(patch, to: &site, baseline: &baseline, comparedWith: request, step: "step \(number)")
        if let rendered = step.rendered {
          #expect(Set(patch.files.map(\.path)) == rendered, "step \(number)")
        } else {
          #expect(patch.files.count > clean.count / 2, "step \(number): every page shows the new title")
        }
      }
      // A FAQ entry with an error: the whole build, which reports it.
      try edit(content, faq, "question:", "questoin:")
      #expect(
        try SiteBuilder.renderChanges(request, changes: ChangeSet(content: [faq: .changed]), since: baseline) == nil)
    }
  }

  /// A program whose partner list and `actions/` have several pages: a row changed in place renders the
  /// page it is on and not the others; a partner moved across pages (a tier below the eligible ones sends
  /// it to the front, a new name along its group) renders the pages it moves across. Each step equals a
  /// clean render byte for byte.
  @Test func listAndActionsPagesRenderWhenTheirRowsChangeOrMove() throws {
    try withTemporaryFolder { folder in
      let (content, request) = try pagedRequest(in: folder)
      var (baseline, site) = try firstRender(request)
      func text(_ path: String) -> String { String(decoding: site[path] ?? [], as: UTF8.self) }
      let listPages = site.keys.filter { $0.hasPrefix("partners/page/") }.sorted()
      let actionsPages = site.keys.filter { $0.hasPrefix("actions/") }
      #expect(listPages == ["partners/page/2/index.html", "partners/page/3/index.html"])
      #expect(actionsPages.count > 2)
      let slugs = try FileManager.default.contentsOfDirectory(atPath: content.appendingPathComponent("partners").path)
        .map { String($0.dropLast(".yaml".count)) }.sorted()
      func listed(on page: String) -> [String] { slugs.filter { text(page).contains("partners/\($0)/\"") } }
      // An accredited partner of page 2 (seeded content: the same every run), and the last of page 3.
      let second = "partner-00070"
      #expect(listed(on: listPages[0]).contains(second))
      let third = try #require(listed(on: listPages[1]).last)
      func step(_ slug: String, _ change: (String) -> String) throws -> [String] {
        try editRecord(slug, in: content, change, request: request, site: &site, baseline: &baseline)
      }
      func lastTier(_ tier: String) -> (String) -> String {
        { record in
          var lines = record.components(separatedBy: "\n")
          if let last = lines.lastIndex(where: { $0.contains("reviewed: ") && $0.contains("tier: ") }) {
            lines[last] = lines[last].replacingOccurrences(
              of: #"tier: [a-z]+"#, with: "tier: \(tier)", options: .regularExpression)
          }
          return lines.joined(separator: "\n")
        }
      }
      // A row changed in place (the region): its list page alone, and not every page of actions/.
      let inPlace = try step(second) { $0.replacingOccurrences(of: "region: ", with: "region: North ") }
      #expect(inPlace.filter { $0.hasPrefix("partners/page/") } == [listPages[0]])
      #expect(inPlace.filter { $0.hasPrefix("actions/") }.count < actionsPages.count)
      // Below the eligible tiers: to the front of the list, across the pages before it.
      let moved = try step(second, lastTier("partner"))
      #expect(moved.contains("index.html") && moved.contains(listPages[0]))
      #expect(!listed(on: listPages[0]).contains(second))
      // A new name moves the last partner of the last page to the front of its group, on an earlier page.
      let renamed = try step(third) { $0.replacingOccurrences(of: "name: Partner", with: "name: Aaa Partner") }
      #expect(!listed(on: listPages[1]).contains(third))
      #expect(renamed.contains(listPages[1]))
      // Back among the accredited: off the overview again.
      let back = try step(second, lastTier("elite"))
      #expect(back.contains("index.html"))
      #expect(listPages.contains { listed(on: $0).contains(second) })
    }
  }

  /// A record edit of what no evaluation, calendar or order reads but the partner list shows (the region:
  /// `Partner.Reach.listed`) renders the partner's page, the list's page it is on (the overview for
  /// the first page), `api/partners.json` and `api/accreditations.csv`, and nothing else: a region changed,
  /// a region new to the program, a region of a partner on the overview, a region and a website in one
  /// save, then a tier change (every file's plan) after them. Each step equals a clean render byte for byte.
  @Test func aRegionEditRendersTheFilesThatShowIt() throws {
    try withTemporaryFolder { folder in
      let (content, request) = try pagedRequest(in: folder)
      var (baseline, site) = try firstRender(request)
      func text(_ path: String) -> String { String(decoding: site[path] ?? [], as: UTF8.self) }
      let listPages = site.keys.filter { $0.hasPrefix("partners/page/") }.sorted()
      let slugs = try FileManager.default.contentsOfDirectory(atPath: content.appendingPathComponent("partners").path)
        .map { String($0.dropLast(".yaml".count)) }.sorted()
      func listed(on page: String) -> [String] { slugs.filter { text(page).contains("partners/\($0)/\"") } }
      func step(_ slug: String, _ change: (String) -> String) throws -> Set<String> {
        let paths = try editRecord(slug, in: content, change, request: request, site: &site, baseline: &baseline)
        #expect(paths.contains("partners/\(slug)/index.html"))
        return Set(paths.filter { $0 != "partners/\(slug)/index.html" })
      }
      let api: Set = ["api/partners.json", "api/accreditations.csv"]
      let second = try #require(listed(on: listPages[0]).first)
      let third = try #require(listed(on: listPages[1]).last)
      let first = try #require(listed(on: "index.html").first)
      // Another region of the program's.
      let other = { (record: String) in
        record.replacingOccurrences(
          of: #"region: [A-Z]+"#, with: record.contains("region: EMEA") ? "region: AMER" : "region: EMEA",
          options: .regularExpression)
      }
      #expect(try step(second, other) == api.union([listPages[0]]))
      #expect(
        try step(third) { $0.replacingOccurrences(of: "region: ", with: "region: Far ") } == api.union([listPages[1]]))
      #expect(text("api/partners.json").contains("Far "))
      #expect(
        try step(first) { $0.replacingOccurrences(of: "region: ", with: "region: Near ") } == api.union(["index.html"]))
      let both = try step(second) {
        $0.replacingOccurrences(
          of: #"region: [A-Z]+"#, with: "region: Mid\nwebsite: https://example.com", options: .regularExpression)
      }
      #expect(both.contains("index.html") && both.contains(listPages[0]), "a line added moves what follows: every plan")
      let back = try step(third) { $0.replacingOccurrences(of: "region: Far ", with: "region: ") }
      #expect(back == api.union([listPages[1]]))
      let tier = try step(first) {
        $0.replacingOccurrences(of: #"tier: [a-z]+ \}"#, with: "tier: partner }", options: .regularExpression)
      }
      #expect(tier.contains("index.html"))
    }
  }

  /// The board and the PDMs' index are keyed by what they show (`KeyRule.evaluated`, every evaluation;
  /// `KeyRule.portfolios`, the index's numbers): an edit that changes nothing on them (a partner's region)
  /// renders neither; a new name for a partner on the board renders the board, and a partner given a PDM
  /// the PDMs' index. Each step equals a clean render byte for byte.
  @Test func boardAndPDMIndexRenderWhenWhatTheyShowChanges() throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 40, cases: 5, seed: 5)
      let request = SiteBuilder.Request(content: content, asOf: Day("2026-12-01"), today: Day("2026-12-01"))
      var (baseline, site) = try firstRender(request)
      func text(_ path: String) -> String { String(decoding: site[path] ?? [], as: UTF8.self) }
      let board = "board/index.html"
      let pdms = "pdms/index.html"
      let slugs = try FileManager.default.contentsOfDirectory(atPath: content.appendingPathComponent("partners").path)
        .map { String($0.dropLast(".yaml".count)) }.sorted()
      let onBoard = try #require(slugs.first { text(board).contains("partners/\($0)/\"") })
      func step(_ slug: String, _ change: (String) -> String) throws -> [String] {
        try editRecord(slug, in: content, change, request: request, site: &site, baseline: &baseline)
      }
      // The region: on the partner's pages and the list, not on the board or the PDMs' index.
      let region = try step(onBoard) { $0.replacingOccurrences(of: "region: ", with: "region: North ") }
      #expect(region.contains("partners/\(onBoard)/index.html"))
      #expect(!region.contains(board) && !region.contains(pdms))
      // A new name for a partner the board shows: the board (and not the PDMs' index, which names none).
      let renamed = try step(onBoard) { $0.replacingOccurrences(of: "name: Partner", with: "name: Aaa Partner") }
      #expect(renamed.contains(board) && !renamed.contains(pdms))
      #expect(text(board).contains("Aaa Partner"))
      // A PDM given to a partner: a new row of the PDMs' index.
      let given = try step(onBoard) { $0.replacingOccurrences(of: "region: ", with: "pdm: Dana Reyes\nregion: ") }
      #expect(given.contains(pdms))
      #expect(text(pdms).contains("Dana Reyes"))
    }
  }

  /// Issue 22: templates edited alone (a partial, a page template, a static file, then an edit undone)
  /// render the files that use them from what is in memory, and the site equals a clean render.
  @Test func templateEditsGiveWhatACleanRenderGives() throws {
    try withTemporaryFolder { folder in
      let content = try sampleContent(in: folder)
      let templates = folder.appendingPathComponent("templates")
      try FileManager.default.createDirectory(
        at: templates.appendingPathComponent("static/assets"), withIntermediateDirectories: true)
      let request = SiteBuilder.Request(content: content, templates: templates, asOf: nil, today: Day("2026-12-01"))
      var (baseline, site) = try firstRender(request)
      func builtIn(_ path: String) throws -> String {
        try #require(TemplateSet.builtInFiles.first { $0.path == path }).text
      }
      // Each step: the overlay's files written (path → text, nil to remove), and a file that must be rendered.
      let steps: [([String: String?], String)] = [
        (
          ["stage-stepper.mustache": try builtIn("stage-stepper.mustache") + "<!-- 1 -->"],
          "partners/northwind-digital/"
        ),
        (
          ["faq.mustache": try builtIn("faq.mustache").replacingOccurrences(of: "<h1", with: "<h1 class=\"x\"")], "faq/"
        ),
        (["static/assets/extra.css": "p { margin: 0 }\n"], "assets/extra.css"),
        (["stage-stepper.mustache": nil, "faq.mustache": nil], "faq/"),
      ]
      for (number, (writes, mustRender)) in steps.enumerated() {
        for (path, text) in writes {
          let url = templates.appendingPathComponent(path)
          if let text { try Data(text.utf8).write(to: url) } else { try FileManager.default.removeItem(at: url) }
        }
        let patch = try #require(
          try SiteBuilder.renderChanges(request, changes: ChangeSet(templates: true), since: baseline))
        #expect(patch.summary == "templates edited")
        try apply(patch, to: &site, baseline: &baseline, comparedWith: request, step: "step \(number)")
        #expect(patch.files.contains { $0.path.hasPrefix(mustRender) }, "step \(number)")
        #expect(!patch.files.contains { $0.path == "api/status.json" || $0.path == "index.html" }, "step \(number)")
      }
    }
  }

  /// A note edited, then its partner's record: the case pages the record edit renders show the new note
  /// (the baseline follows the note edit).
  @Test func aRecordEditAfterANoteEditShowsTheNewNote() throws {
    try withTemporaryFolder { folder in
      let (content, request) = try sampleRequest(in: folder)
      let first = try SiteBuilder.render(request)
      var site = Dictionary(uniqueKeysWithValues: first.files.map { ($0.path, $0.bytes) })
      let note = "cases/northwind-digital/NW-2026-019.md"
      let url = content.appendingPathComponent(note)
      try Data((try String(contentsOf: url, encoding: .utf8) + "\nA call about **Zebra Crossings**.\n").utf8)
        .write(to: url)
      let noted = try #require(
        try SiteBuilder.renderChanges(request, changes: ChangeSet(content: [note: .changed]), since: first.baseline))
      #expect(noted.summary == "case notes edited" && noted.files.count == 1)
      // A new name, which its case pages show (a region or a website they do not: those render its page alone).
      try edit(content, "partners/northwind-digital.yaml", "name: Northwind Digital", "name: Northwind Digital Group")
      let record = "partners/northwind-digital.yaml"
      let patch = try #require(
        try SiteBuilder.renderChanges(request, changes: ChangeSet(content: [record: .changed]), since: noted.baseline))
      for file in noted.files + patch.files { site[file.path] = file.bytes }
      let clean = try SiteBuilder.render(request).files
      for file in clean where site[file.path] != file.bytes { Issue.record("\(file.path) differs from a clean render") }
      let casePage = "partners/northwind-digital/cases/NW-2026-019/index.html"
      #expect(patch.files.contains { $0.path == casePage })
      #expect(String(decoding: site[casePage] ?? [], as: UTF8.self).contains("Zebra Crossings"))
    }
  }

  /// A note edit changes the baseline it is given in place (a copy the caller kept stays as it was), and
  /// what it leaves is what a clean render's baseline holds: the cases and input hashes, with the tables
  /// of every case's data and every path kept rather than emptied.
  @Test func aNoteEditLeavesTheBaselineACleanRenderWouldWithItsTablesKept() throws {
    try withTemporaryFolder { folder in
      let (content, request) = try sampleRequest(in: folder)
      let first = try SiteBuilder.render(request).baseline
      var baseline = first
      for (step, note) in ["cases/northwind-digital/NW-2026-019.md", "cases/contoso-consulting/CT-2025-002.md"]
        .enumerated()
      {
        let url = content.appendingPathComponent(note)
        try Data((try String(contentsOf: url, encoding: .utf8) + "\nStep \(step): **Zebra**.\n").utf8).write(to: url)
        let patch = try #require(
          try SiteBuilder.renderChanges(request, changes: ChangeSet(content: [note: .changed]), since: baseline))
        #expect(patch.summary == "case notes edited")
        baseline = patch.baseline
      }
      let clean = try SiteBuilder.render(request).baseline
      #expect(baseline.content.cases == clean.content.cases)
      #expect(baseline.content.inputHashes == clean.content.inputHashes)
      #expect(baseline.site == nil)
      #expect(!first.content.caseDataHashes.isEmpty && baseline.content.caseDataHashes == clean.content.caseDataHashes)
      #expect(!first.content.inputPaths.isEmpty && baseline.content.inputPaths == clean.content.inputPaths)
      // The first render's baseline, which the edits were given copies of, has the notes as they were.
      let edited = try #require(
        first.content.cases.first { $0.location.file == "cases/northwind-digital/NW-2026-019.md" })
      #expect(!edited.notes.contains("Zebra") && first.site != nil)
      #expect(first.content.inputHashes != clean.content.inputHashes)
    }
  }

  /// A record with an error is not read alone: the whole build reports it where it is.
  @Test func aRecordWithAnErrorTakesTheWholeBuild() throws {
    try withTemporaryFolder { folder in
      let (content, request) = try sampleRequest(in: folder)
      let first = try SiteBuilder.render(request)
      let record = "partners/northwind-digital.yaml"
      try edit(content, record, "reviewed: 2026-06-26", "reviewed: 2026-13-45")
      #expect(
        try SiteBuilder.renderChanges(request, changes: ChangeSet(content: [record: .changed]), since: first.baseline)
          == nil)
    }
  }

  /// `status.json` and the CSV are assembled from each partner's piece: the same bytes as the document
  /// written whole, for no partner, one, and many.
  @Test(arguments: [0, 1, 7])
  func siteWideFilesFromPiecesAreTheWholeDocument(partners: Int) throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: max(1, partners), cases: 2, seed: 11)
      let request = SiteBuilder.Request(content: content, asOf: nil, today: Day("2030-01-01"))
      let rendered = try SiteBuilder.render(request)
      let evaluations = Array(rendered.evaluations.prefix(partners))
      let memo = PartnerMemo()
      let whole = StatusDocument(evaluations: evaluations, asOf: rendered.asOf, contentName: "content").json
      for _ in 0..<2 {  // made, then from the memo
        let pieces = StatusDocument.bytes(
          evaluations: evaluations, asOf: rendered.asOf, contentName: "content", memo: memo)
        #expect(String(decoding: pieces, as: UTF8.self) == whole.serialized())
      }
      let histories = try rendered.evaluations.prefix(partners).map { evaluation in
        let partner = try #require(rendered.baseline.content.partners.first { $0.slug == evaluation.slug })
        return Evaluator(standards: rendered.baseline.content.standards)
          .history(
            of: partner, cases: rendered.baseline.content.cases.filter { $0.partnerSlug == partner.slug },
            through: rendered.asOf)
      }
      let wholeHistory = HistoryJSON.json(histories: histories, asOf: rendered.asOf).serialized(compactFrom: 2)
      for _ in 0..<2 {
        let pieces = HistoryJSON.bytes(histories: histories, asOf: rendered.asOf, memo: memo)
        #expect(String(decoding: pieces, as: UTF8.self) == wholeHistory)
      }
      if partners == 7 {
        let served = try #require(rendered.files.first { $0.path == "api/status.json" })
        let all = StatusDocument(evaluations: rendered.evaluations, asOf: rendered.asOf, contentName: "content")
        #expect(String(decoding: served.bytes, as: UTF8.self) == all.json.serialized())
      }
    }
  }

  /// `api/partners.json` assembled from each partner's row in the memo is the document written whole: made,
  /// then from the memo, for no partner, one and many; and after a partner's region changed to one no
  /// other has (every region's index moves), with the other rows as the memo kept them. The program's
  /// months summed from the partners' parts in the memo are those counted whole, after the edit too.
  @Test(arguments: [0, 1, 7])
  func thePartnerIndexFromRowsIsTheWholeDocument(partners: Int) throws {
    try withTemporaryFolder { folder in
      let folder = try generatedContent(in: folder, partners: max(1, partners), cases: 3, seed: 13)
      var content = ContentLoader.load(try ContentFolder.read(folder).files).content
      content.partners = Array(content.partners.prefix(partners))
      let site = siteContext(content, asOf: "2026-11-15")
      let memo = PartnerMemo()
      let whole = PartnerIndex.json(site: site, ordered: site.listedPartners).compact()
      #expect(whole.contains("\"partners\":[") && (try? JSONSerialization.jsonObject(with: Data(whole.utf8))) != nil)
      for _ in 0..<2 {
        let pieces = PartnerIndex.bytes(site: site, ordered: site.listedPartners, memo: memo)
        #expect(String(decoding: pieces, as: UTF8.self) == whole)
      }
      #expect(site.programMonths == Evaluator.programMonths(site.programHistories, through: site.asOf))
      guard let first = content.partners.first else { return }
      // A new region, and no accreditation: its history, and so the program's months, change too.
      content.partners[0].region = "Aaa first region"
      content.partners[0].accreditations = []
      let evaluations = Evaluator(standards: content.standards)
        .evaluate(content.partners, cases: content.cases, asOf: site.asOf)
      let edited = SiteContext(
        updating: site, edited: [first.slug], content: content, evaluations: evaluations,
        histories: memo.forgetting([first.slug]))
      let fresh = siteContext(content, asOf: "2026-11-15")
      #expect(edited.programMonths == fresh.programMonths)
      #expect(edited.programMonths != site.programMonths || partners == 0)
      let wholeAfter = PartnerIndex.json(site: edited, ordered: edited.listedPartners).compact()
      #expect(wholeAfter != whole)
      let piecesAfter = PartnerIndex.bytes(site: edited, ordered: edited.listedPartners, memo: edited.histories)
      #expect(String(decoding: piecesAfter, as: UTF8.self) == wholeAfter)
    }
  }

  /// The calendar assembled from each partner's events in the memo is the engine's, made whole
  /// (`Evaluator.calendar`): made, then from the memo, at three dates; and after the last partner by slug
  /// lost its accreditations and got a certification expiring tomorrow (its events move), with the other partners' events as the memo kept them. A memo that kept the edited
  /// partner's events gives the old calendar: the pieces are the memo's.
  @Test(arguments: [1, 40])
  func theCalendarFromEachPartnersEventsIsTheWholeCalendar(partners: Int) throws {
    try withTemporaryFolder { folder in
      let folder = try generatedContent(in: folder, partners: partners, cases: 3, seed: 21)
      var content = ContentLoader.load(try ContentFolder.read(folder).files).content
      func whole(_ site: SiteContext) -> [CalendarEvent] {
        Evaluator(standards: site.content.standards).calendar(
          after: site.asOf.adding(days: -1), through: site.asOf.adding(days: PartnerList.dueHorizon),
          partners: site.content.partners, evaluations: site.evaluations)
      }
      for date in ["2026-01-31", "2026-03-01"] {
        let site = siteContext(content, asOf: date)
        #expect(site.calendarEvents == whole(site))
        #expect(!site.calendarEvents.isEmpty)
      }
      let site = siteContext(content, asOf: "2026-11-15")
      let before = site.calendarEvents
      #expect(before == whole(site))
      let memo = site.histories
      let last = try #require(content.partners.indices.max { content.partners[$0].slug < content.partners[$1].slug })
      let slug = content.partners[last].slug
      content.partners[last].accreditations = []
      content.partners[last].certifications = [
        EarnedCertification(
          name: "zz-cert", earned: Day("2020-01-01"), expires: Day("2026-11-16"),
          location: SourceLocation(file: "partners/\(slug).yaml", line: 1, column: 1))
      ]
      let evaluations = Evaluator(standards: content.standards)
        .evaluate(content.partners, cases: content.cases, asOf: site.asOf)
      let edited = SiteContext(
        updating: site, edited: [slug], content: content, evaluations: evaluations,
        histories: memo.forgetting([slug]))
      let after = edited.calendarEvents
      #expect(after == whole(edited))
      #expect(after != before)
      #expect(
        after.contains {
          $0.date == Day("2026-11-16") && $0.kind == .certificationExpires && $0.partner == slug
            && $0.subject == "zz-cert"
        })
      let stale = SiteContext(
        updating: site, edited: [slug], content: content, evaluations: evaluations, histories: memo)
      #expect(stale.calendarEvents == before)
    }
  }

  @Test func thePlannerSendsEachEditItsWay() {
    let record = "partners/a.yaml"
    let note = "cases/a/A-1.md"
    #expect(SiteBuilder.plan(ChangeSet()) == .nothing)
    #expect(SiteBuilder.plan(ChangeSet(content: [record: .changed])) == .recordEdits([record]))
    #expect(SiteBuilder.plan(ChangeSet(content: [note: .changed])) == .caseEdits([note]))
    #expect(SiteBuilder.plan(ChangeSet(content: ["faq/a.md": .changed])) == .documentEdits(["faq/a.md"]))
    #expect(SiteBuilder.plan(ChangeSet(content: ["faq/a.md": .added])) == .whole)
    #expect(SiteBuilder.plan(ChangeSet(content: [note: .added])) == .filesAddedOrRemoved([note: .added]))
    #expect(
      SiteBuilder.plan(ChangeSet(content: [note: .removed, "cases/a/A-2.md": .changed]))
        == .filesAddedOrRemoved([note: .removed, "cases/a/A-2.md": .changed]))
    #expect(
      SiteBuilder.plan(ChangeSet(content: [note: .removed, record: .changed]))
        == .filesAddedOrRemoved([note: .removed, record: .changed]))
    #expect(SiteBuilder.plan(ChangeSet(content: [note: .removed, "faq/a.md": .changed])) == .whole)
    #expect(SiteBuilder.plan(ChangeSet(content: ["pages/a.md": .changed, record: .changed])) == .whole)
    #expect(SiteBuilder.plan(ChangeSet(content: [record: .changed, note: .changed])) == .whole)
    #expect(SiteBuilder.plan(ChangeSet(content: [record: .added])) == .filesAddedOrRemoved([record: .added]))
    #expect(SiteBuilder.plan(ChangeSet(content: [record: .removed])) == .filesAddedOrRemoved([record: .removed]))
    #expect(SiteBuilder.plan(ChangeSet(content: ["standards.yaml": .changed])) == .whole)
    #expect(SiteBuilder.plan(ChangeSet(content: [record: .changed], templates: true)) == .whole)
    #expect(SiteBuilder.plan(ChangeSet(templates: true, newDay: true)) == .whole)
    #expect(SiteBuilder.plan(ChangeSet(templates: true)) == .templateEdits)
    #expect(SiteBuilder.plan(ChangeSet(content: [record: .changed], newDay: true)) == .whole)
    #expect(SiteBuilder.plan(ChangeSet(isUnknown: true)) == .whole)
  }

  /// The kernel's paths as changes: a hidden file (vim's swap file, a temporary file renamed over a record)
  /// is none, whether it is still there or not, as it is for the polling scan and the content's reader.
  @Test func hiddenFilesAreNoChange() throws {
    try withTemporaryFolder { folder in
      try FileManager.default.createDirectory(
        at: folder.appendingPathComponent("partners"), withIntermediateDirectories: true)
      for path in ["partners/.a.yaml.swp", "partners/a.yaml", "partners/b.yaml"] {
        try Data("name: A\n".utf8).write(to: folder.appendingPathComponent(path))
      }
      let paths = [
        "partners/.a.yaml.swp", ".git/index", "partners/.dat.nosync1.x", "partners/a.yaml", "partners/b.yaml",
      ]
      let changes = ChangeSet.touched(paths, in: folder) { $0 == "partners/a.yaml" }
      #expect(changes == ["partners/a.yaml": .changed, "partners/b.yaml": .added])
      #expect(
        SiteBuilder.plan(ChangeSet(content: ChangeSet.touched(paths.prefix(4), in: folder) { _ in true }))
          == .recordEdits(["partners/a.yaml"]))
    }
  }
}

@Suite("Record edits in accredit serve")
struct ServeRecordEditTests {
  /// Through the server, watched by the kernel and by polling: a record edit renders its pages and the
  /// site-wide ones, an invalid one shows its positioned error, and the next valid one recovers.
  @Test(arguments: [false, true])
  func aRecordEditIsIncrementalAndAnErrorRecovers(poll: Bool) async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder, poll: poll)
      preview.server.rebuild()
      try await preview.server.live { _ in
        func edit(_ path: String, _ from: String, _ to: String) async throws {
          let before = preview.server.generation
          let text = try preview.read(path)
          #expect(text.contains(from))
          // Saved whole, by a rename: a scan between a truncation and the write would see an empty record,
          // which the whole build handles (correctly, but not the path this test is about).
          try Data(text.replacingOccurrences(of: from, with: to).utf8).write(
            to: preview.content.appendingPathComponent(path), options: .atomic)
          try await waitUntil { preview.server.generation > before }
        }
        func servedEqualsACleanRender() throws {
          let request = SiteBuilder.Request(
            content: preview.content, templates: preview.templates, asOf: nil, today: .todayUTC())
          let clean = Dictionary(
            try SiteBuilder.render(request).files.map { ($0.path, $0.bytes) }, uniquingKeysWith: { a, _ in a })
          #expect(preview.server.state.snapshot.files.mapValues(\.bytes) == clean)
        }
        let record = "partners/northwind-digital.yaml"
        try await edit(record, "earned: 2024-03-20, expires: 2026-03-20", "earned: 2026-03-19, expires: 2028-03-19")
        // The server logs a build just after it publishes it: wait for the line, not only the build.
        try await waitUntil("for the record edit's log line") {
          preview.log.err.contains("rendered: partner records edited)")
        }
        try servedEqualsACleanRender()

        try await edit(record, "reviewed: 2026-06-26", "reviewed: 2026-13-45")
        try await waitUntil("for the error's log line") {
          preview.log.err.contains("content/partners/northwind-digital.yaml:12:")
        }
        #expect(preview.server.state.snapshot.problems?.contains("northwind-digital.yaml:12:") == true)

        try await edit(record, "reviewed: 2026-13-45", "reviewed: 2026-06-26")
        #expect(preview.server.state.snapshot.problems == nil)
        try servedEqualsACleanRender()
        let records = preview.log.err.components(separatedBy: "rendered: partner records edited)").count
        try await edit(record, "pdm: Jana Kowalski", "pdm: Eve Newcomer")
        try await waitUntil("for the second record edit's log line") {
          preview.log.err.components(separatedBy: "rendered: partner records edited)").count == records + 1
        }
        try servedEqualsACleanRender()
        // The website, which the partner's page alone shows; then the status, from what that edit left.
        try await edit(record, "website: https://northwind.example", "website: https://northwind.example/p")
        #expect(
          preview.server.state.snapshot.files["partners/northwind-digital/index.html"].map {
            String(decoding: $0.bytes, as: UTF8.self).contains("https://northwind.example/p")
          } == true)
        try servedEqualsACleanRender()
        try await edit(record, "earned: 2026-03-19, expires: 2028-03-19", "earned: 2024-03-20, expires: 2026-03-20")
        try servedEqualsACleanRender()
      }
    }
  }
}
