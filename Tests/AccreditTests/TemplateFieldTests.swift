import AccreditContent
import AccreditEngine
import AccreditMustache
@testable import AccreditSite
import Foundation
import Testing

/// The jobs of the sample site, with nothing rendered; with lists of 10 partners a page and sitemap files
/// of 50 pages, so that the list pages and the sitemap index are there too.
private let sampleJobs: [OutputJob] = {
  let loaded = ContentLoader.load(
    (try? ContentFolder.read(repositoryRoot.appendingPathComponent("content")))?.files ?? [])
  let asOf = loaded.content.site.asOf ?? Day("2026-11-15")
  let evaluations = Evaluator(standards: loaded.content.standards)
    .evaluate(loaded.content.partners, cases: loaded.content.cases, asOf: asOf)
  guard let templates = try? TemplateSet.builtIn() else { return [] }
  var renderer = SiteRenderer(
    content: loaded.content, evaluations: evaluations, asOf: asOf, contentName: "content", templates: templates)
  renderer.listPageSize = 10
  renderer.sitemapLimit = 50
  return renderer.jobs()
}()

/// The field contract of the page templates: the `### Template fields` section of `docs/site.md` lists,
/// per template, every dotted path its view model has, and the sample site's models must have exactly those.
@Suite("Template fields")
struct TemplateFieldTests {
  /// What the sample site's models hold for one template.
  struct Fields {
    /// Every path, intermediate ones included.
    var paths: Set<String> = []
    /// The paths of lists, and whether any instance of each is non-empty.
    var lists: [String: Bool] = [:]
  }

  /// Every path of `value` under `prefix`: a list adds its items' paths under its own path.
  private static func collect(_ value: TemplateValue, at prefix: String, into fields: inout Fields) {
    switch value {
    case .object(let object):
      for (name, field) in object.fields {
        let path = prefix.isEmpty ? name : "\(prefix).\(name)"
        fields.paths.insert(path)
        collect(field, at: path, into: &fields)
      }
    case .list(let items):
      if !prefix.isEmpty { fields.lists[prefix] = fields.lists[prefix] == true || !items.isEmpty }
      for item in items { collect(item, at: prefix, into: &fields) }
    case .null, .bool, .int, .double, .string:
      break
    }
  }

  /// The fields of every template, over all its jobs in the sample site.
  private static func computed() throws -> [String: Fields] {
    var result: [String: Fields] = [:]
    for job in sampleJobs {
      guard let template = job.template else { continue }
      let value = try #require(try job.templateValue(), "\(job.path) has a template but no value")
      collect(value, at: "", into: &result[template, default: Fields()])
    }
    return result
  }

  /// Rewrites the fenced block under each `#### \`template\`` heading of docs/site.md with its fields.
  private static func record(_ computed: [String: Fields]) throws {
    let url = repositoryRoot.appendingPathComponent("docs/site.md")
    var output: [Substring] = []
    var template: String?
    var skipping = false
    for line in try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false) {
      if let match = line.wholeMatch(of: /#### `([a-z-]+)`/) { template = String(match.1) }
      if line.hasPrefix("```") {
        if skipping {
          skipping = false
        } else if let name = template, let fields = computed[name] {
          output.append(line)
          output += fields.paths.sorted().map { Substring($0) }
          skipping = true
          template = nil
          continue
        }
      }
      if !skipping { output.append(line) }
    }
    try output.joined(separator: "\n").write(to: url, atomically: true, encoding: .utf8)
  }

  /// The paths `docs/site.md` lists per template, in the order of its lines.
  private static func documented() throws -> [String: [String]] {
    let url = repositoryRoot.appendingPathComponent("docs/site.md")
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(of: "### Template fields") else {
      Issue.record("docs/site.md has no ### Template fields section")
      return [:]
    }
    var result: [String: [String]] = [:]
    var template: String?
    var inBlock = false
    for line in lines[(start + 1)...] {
      if !inBlock && (line.hasPrefix("## ") || line.hasPrefix("### ")) { break }
      if line.hasPrefix("```") {
        inBlock.toggle()
        if inBlock { #expect(template != nil, "a fenced block in ### Template fields has no #### heading") }
        continue
      }
      if inBlock {
        let path = line.trimmingCharacters(in: .whitespaces)
        if let template, !path.isEmpty { result[template, default: []].append(path) }
      } else if let match = line.wholeMatch(of: /#### `([a-z-]+)`/) {
        let name = String(match.1)
        #expect(result[name] == nil, "\(name) is documented twice")
        template = name
        result[name] = []
      }
    }
    return result
  }

  @Test func everyListHasItemsSomewhereInTheSample() throws {
    for (template, fields) in try Self.computed() {
      let empty = fields.lists.filter { !$0.value }.keys.sorted()
      #expect(empty.isEmpty, "\(template): lists empty in every sample page hide their items' fields: \(empty)")
    }
  }

  @Test func docsListEveryFieldOfEveryTemplate() throws {
    let computed = try Self.computed()
    if ProcessInfo.processInfo.environment["ACCREDIT_RECORD"] == "1" {
      try Self.record(computed)
      Issue.record("re-recorded the field lists in docs/site.md; run again without ACCREDIT_RECORD")
      return
    }
    let documented = try Self.documented()
    // The templates are the page table's: each is documented, and the sample site renders with each.
    let table = Set(PageTable.templates)
    #expect(
      Set(documented.keys) == table,
      "templates in docs/site.md: \(documented.keys.sorted()); in the page table: \(table.sorted())")
    #expect(
      Set(computed.keys) == table,
      "templates of the sample site's jobs: \(computed.keys.sorted()); in the page table: \(table.sorted())")
    for template in table.union(computed.keys).union(documented.keys).sorted() {
      let listed = documented[template] ?? []
      #expect(listed == listed.sorted(), "\(template): the paths in docs/site.md are not sorted")
      #expect(listed.count == Set(listed).count, "\(template): docs/site.md lists a path twice")
      let expected = computed[template]?.paths ?? []
      let missing = expected.subtracting(listed).sorted()
      let absent = Set(listed).subtracting(expected).sorted()
      #expect(
        missing.isEmpty && absent.isEmpty,
        "\(template): missing from docs/site.md: \(missing); documented but absent from the models: \(absent)")
    }
  }
}

/// The page table (`PageTable`): the one list of the kinds of output file, which the template set and the
/// field contract above take their templates from.
@Suite("Page table")
struct PageTableTests {
  @Test func everyBuiltInTemplateIsARowsOrOneARowUses() throws {
    let templates = try TemplateSet.builtIn()
    let builtIn = Set(
      TemplateSet.builtInFiles.map(\.path).filter { $0.hasSuffix(".mustache") }.map {
        String($0.dropLast(".mustache".count))
      })
    let used = Set(PageTable.templates.flatMap { templates.templatesUsed(by: $0) })
    #expect(
      builtIn.subtracting(used).isEmpty,
      "templates no row of the page table uses: \(builtIn.subtracting(used).sorted())")
    #expect(Set(PageTable.templates).isSubset(of: builtIn))
  }

  @Test func eachKindIsNamedOnce() {
    let names = PageTable.kinds.map(\.name)
    #expect(names.count == Set(names).count, "\(names)")
  }
}

/// Values made directly instead of through `TemplateEncoder`, for speed: each must be what the encoder
/// would make of its model, or the pages would change.
@Suite("Directly made template values")
struct DirectTemplateValueTests {
  @Test func aStepperIsWhatTheEncoderMakesOfIt() throws {
    let stages = [
      StepperStage(
        label: "Complaint", state: "done", stateLabel: "done", date: DateView(Day("2026-03-04")), isCurrent: false),
      StepperStage(label: "Mediation", state: "current", stateLabel: "current stage", date: nil, isCurrent: true),
    ]
    #expect(try TemplateEncoder.encodeThroughCodable(stages) == .list(stages.map(\.templateValue)))
  }

  @Test func everySampleCaseStepperIsWhatTheEncoderMakesOfIt() throws {
    let site = try sampleSiteContext()
    let cases = site.cases.values.flatMap { $0 }
    #expect(cases.count > 5)
    for escalation in cases {
      #expect(
        try TemplateEncoder.encodeThroughCodable(site.stepper(for: escalation))
          == site.encodedStepper(for: escalation).value,
        "\(escalation.location.file)")
    }
  }

  @Test func everySamplePartnerAndCasePageIsWhatTheEncoderMakesOfIt() throws {
    let site = try sampleSiteContext()
    var pages: [PartnerPage] = []
    for evaluation in site.evaluations {
      guard let page = site.partnerPage(evaluation) else { continue }
      #expect(try TemplateEncoder.encodeThroughCodable(page) == page.templateValue, "\(evaluation.slug)")
      #expect(try TemplateEncoder.encode(page) == page.templateValue)
      pages.append(page)
      for escalation in site.cases[evaluation.slug] ?? [] {
        let casePage = site.casePage(escalation, partnerName: evaluation.name)
        #expect(try TemplateEncoder.encodeThroughCodable(casePage) == casePage.templateValue, "\(escalation.id)")
      }
      let feed = site.partnerFeed(evaluation)
      #expect(try TemplateEncoder.encodeThroughCodable(feed) == feed.templateValue, "\(evaluation.slug) feed")
    }
    // Every kind of row is there in some page, so that each row's value is compared.
    #expect(pages.count > 5)
    #expect(pages.contains { $0.accreditations.contains { !$0.reasons.isEmpty } })
    #expect(pages.contains { !$0.tiers.isEmpty } && pages.contains { !$0.grace.isEmpty })
    #expect(pages.contains { !$0.certifications.isEmpty } && pages.contains { !$0.decisions.isEmpty })
    #expect(pages.contains { !$0.scheduled.isEmpty } && pages.contains { !$0.statusHistory.isEmpty })
    #expect(pages.contains { !$0.openCases.isEmpty } && pages.contains { !$0.closedCases.isEmpty })
    #expect(pages.contains { !$0.timeline.markers.isEmpty && !$0.timeline.events.isEmpty })
    let siteFeed = site.feed()
    #expect(!siteFeed.entries.isEmpty)
    #expect(try TemplateEncoder.encodeThroughCodable(siteFeed) == siteFeed.templateValue)
  }

  @Test func aPageFrameIsWhatTheEncoderMakesOfIt() throws {
    let site = try sampleSiteContext()
    let evaluation = try #require(site.evaluations.first)
    let page = try #require(site.partnerPage(evaluation))
    for (root, current) in [("", "home"), ("../../", ""), ("../../../../../", "faq"), ("../", "page-unknown")] {
      let frame = site.frame(page, title: "A <title>", description: "Its description.", root: root, current: current)
      let framed = site.framed(
        page.templateValue, title: "A <title>", description: "Its description.", root: root, current: current)
      #expect(try TemplateEncoder.encodeThroughCodable(frame) == framed, "\(root) \(current)")
    }
  }

  @Test func everySampleListActionsPDMAndMarksPageIsWhatTheEncoderMakesOfIt() throws {
    let site = try sampleSiteContext()
    func check<Model: TemplateRepresentable>(_ model: Model, _ what: String) throws {
      #expect(try TemplateEncoder.encodeThroughCodable(model) == model.templateValue, "\(what)")
    }
    let actions = (1...site.actionsPageCount).map { site.actionsPage($0) }
    for (number, page) in actions.enumerated() { try check(page, "actions page \(number + 1)") }
    #expect(actions.contains { $0.weeks.contains { $0.rows.contains { !$0.effects.isEmpty } } })
    #expect(site.portfolios.count > 1)
    let portfolios = site.portfolios.map { site.pdmPage($0) }
    for page in portfolios { try check(page, "the page of \(page.name)") }
    #expect(portfolios.contains { !$0.openCases.isEmpty && !$0.actions.isEmpty && !$0.partners.isEmpty })
    let marks = site.evaluations.map { site.marksPage($0) }
    for page in marks { try check(page, "the marks of \(page.partnerName)") }
    #expect(marks.contains { $0.marks.contains { $0.reviewBoard != nil } })
    let list = site.partnerList(page: 1, of: site.listedPartners)
    #expect(!list.rows.isEmpty)
    try check(list, "the partner list")
  }
}
