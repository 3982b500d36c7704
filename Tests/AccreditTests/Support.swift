import AccreditContent
import AccreditEngine
import AccreditFixtures
import Foundation
import Testing

/// A small content tree made in memory: default standards and site settings, plus the files a test adds.
struct Tree {
  static let standards = """
    tiers: [partner, gold, platinum, diamond, elite]
    eligible_tiers: [platinum, diamond, elite]
    tier_review_months: [1, 6]
    evaluation_interval_months: 6
    marks_review_threshold: 3
    universal_certifications: [program]
    certifications:
      program: Partner Program
      sales: Sales Software
      service: Service Software
    accreditations:
      crm:
        name: CRM Implementation
        certifications: [sales]
      migration:
        name: Platform Migration
        certifications: []
    """

  var files: [String: String] = ["standards.yaml": Tree.standards, "site.yaml": "title: Test\n"]

  init(_ files: [String: String] = [:]) {
    self.files.merge(files) { _, new in new }
  }

  func load() -> ContentLoader.Result {
    ContentLoader.load(files.map { ContentFile(path: $0.key, text: $0.value) })
  }

  /// Every partner's evaluation as of `asOf`.
  func evaluations(asOf: String) -> [PartnerEvaluation] {
    let content = load().content
    return Evaluator(standards: content.standards).evaluate(content.partners, cases: content.cases, asOf: Day(asOf))
  }
}

/// A partner record holding a platinum tier, every certification and a CRM accreditation, which a test
/// changes with `replacing`.
let healthyPartner = """
  name: Test Partner
  tiers:
    - { reviewed: 2026-01-15, tier: platinum }
  certifications:
    - { name: program, earned: 2025-01-01 }
    - { name: sales, earned: 2025-01-01, expires: 2027-06-01 }
  accreditations:
    - { type: crm, issued: 2025-03-15 }
  """

/// A case file whose path ran to the review board and ended in a mark on `date`.
func markCase(on date: String) -> String {
  """
  ---
  customer: A Customer
  steps:
    - { stage: complaint, date: 2025-01-01 }
    - { stage: mediation, date: 2025-01-02 }
    - { stage: partner-ops, date: 2025-01-03 }
    - { stage: review-board, date: 2025-01-04 }
  outcome: { decision: mark, date: \(date) }
  ---
  Notes.
  """
}

extension Day {
  /// A day from a literal known to be valid.
  init(_ text: String) {
    guard let day = Day(iso: text) else { fatalError("bad test date \(text)") }
    self = day
  }
}

/// Loads `partner` (as `partners/p.yaml`) and `cases` (as `cases/p/<id>.md`), expects no errors, and
/// evaluates it as of `asOf`.
func evaluate(
  partner: String, cases: [String: String] = [:], asOf: String,
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> PartnerEvaluation? {
  var files = ["partners/p.yaml": partner]
  for (id, text) in cases { files["cases/p/\(id).md"] = text }
  let loaded = Tree(files).load()
  let errors = loaded.diagnostics.filter { $0.severity == .error }
  #expect(errors.isEmpty, "fixture has errors: \(errors)", sourceLocation: sourceLocation)
  guard let partner = loaded.content.partners.first else { return nil }
  return Evaluator(standards: loaded.content.standards)
    .evaluate(partner, cases: loaded.content.cases, asOf: Day(asOf))
}

/// The repository's root folder, for tests that read the sample content or golden files.
let repositoryRoot = URL(fileURLWithPath: #filePath)
  .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh temporary folder, removed when `body` returns.
func withTemporaryFolder<T>(_ body: (URL) throws -> T) throws -> T {
  let folder = FileManager.default.temporaryDirectory
    .appendingPathComponent("accredit-tests-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: folder) }
  return try body(folder)
}

/// A fresh temporary folder, removed when `body` returns (async).
func withTemporaryFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
  let folder = FileManager.default.temporaryDirectory
    .appendingPathComponent("accredit-tests-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: folder) }
  return try await body(folder)
}

/// Every regular file below `folder`, by path relative to it, with its bytes and modification date.
func filesBelow(_ folder: URL) throws -> [String: (bytes: Data, modified: Date)] {
  var files: [String: (bytes: Data, modified: Date)] = [:]
  let keys: [URLResourceKey] = [.isRegularFileKey, .contentModificationDateKey]
  let base = folder.standardizedFileURL.path
  let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: keys)
  while let url = enumerator?.nextObject() as? URL {
    let values = try url.resourceValues(forKeys: Set(keys))
    guard values.isRegularFile == true else { continue }
    let path = String(url.standardizedFileURL.path.dropFirst(base.count + 1))
    files[path] = (try Data(contentsOf: url), values.contentModificationDate ?? .distantPast)
  }
  return files
}

/// A generated content tree written to `folder/content`; returns that folder.
func generatedContent(in folder: URL, partners: Int, cases: Int, seed: UInt64) throws -> URL {
  let content = folder.appendingPathComponent("content")
  try FixtureGenerator(partners: partners, casesPerPartner: cases, seed: seed).generate { path, text in
    let url = content.appendingPathComponent(path)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }
  return content
}

/// Dates every file below `folder` modified after `changedAfter` to `date`: the build cache's stamps then
/// see them as changed at `date`, and not as "racily" just changed.
func redate(_ folder: URL, to date: Date, changedAfter: Date = .distantPast) throws {
  let manager = FileManager.default
  for path in try manager.subpathsOfDirectory(atPath: folder.path) {
    let url = folder.appendingPathComponent(path)
    let modified = try manager.attributesOfItem(atPath: url.path)[.modificationDate] as? Date ?? .distantPast
    if modified > changedAfter { try manager.setAttributes([.modificationDate: date], ofItemAtPath: url.path) }
  }
}

/// A copy of the sample content in `folder/content` whose files were last changed an hour ago.
func agedSampleContent(in folder: URL) throws -> URL {
  let content = folder.appendingPathComponent("content")
  try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: content)
  try redate(content, to: Date().addingTimeInterval(-3600))
  return content
}
