import AccreditContent
import AccreditEngine
import AccreditSite
import Foundation

/// The fuzzing harness: one input becomes one file of a small valid content folder, which is loaded,
/// checked, and, when it has no errors, evaluated and rendered in memory. The first byte picks the file.
///
/// Built with `-sanitize=fuzzer` (Scripts/fuzz), libFuzzer calls `LLVMFuzzerTestOneInput`; built normally,
/// `accredit-fuzz FILE…` runs the same harness on saved inputs, to reproduce a finding.
enum Harness {
  /// The files an input can stand for, by its first byte modulo their count.
  static let targets = [
    "partners/fuzz-labs.yaml", "cases/fuzz-labs/FZ-2026-001.md", "faq/fuzz-entry.md", "pages/fuzz-page.md",
    "standards.yaml", "site.yaml",
  ]

  /// A tiny content folder that builds without problems; the input replaces one of its files.
  static let base: [ContentFile] = [
    ContentFile(
      path: "standards.yaml",
      text: """
        tiers: [partner, gold, platinum]
        eligible_tiers: [gold, platinum]
        tier_review_months: [1, 6]
        evaluation_interval_months: 6
        marks_review_threshold: 3
        universal_certifications: [basics]
        certifications:
          basics: Program Basics
          data-sync: Data Sync
        accreditations:
          data-work:
            name: Data Work
            certifications: [data-sync]
        """),
    ContentFile(path: "site.yaml", text: "title: Fuzz\nbase_url: https://fuzz.example/\nas_of: 2026-11-15\n"),
    ContentFile(
      path: "partners/fuzz-labs.yaml",
      text: """
        name: Fuzz Labs
        region: EMEA
        tiers:
          - { reviewed: 2026-01-12, tier: gold }
        certifications:
          - { name: basics, earned: 2024-02-02 }
          - { name: data-sync, earned: 2025-06-01 }
        accreditations:
          - { type: data-work, issued: 2025-02-28 }
        """),
    ContentFile(
      path: "cases/fuzz-labs/FZ-2026-001.md",
      text: """
        ---
        customer: "Example Co"
        accreditation: data-work
        steps:
          - { stage: complaint, date: 2026-04-20 }
        ---
        A sync job dropped *some* records.
        """),
    ContentFile(path: "faq/fuzz-entry.md", text: "---\ntitle: A question\n---\nAn answer.\n"),
    ContentFile(path: "pages/fuzz-page.md", text: "---\ntitle: A page\n---\nSome text.\n"),
  ]

  static let templates = try? TemplateSet.builtIn()

  /// Loads, checks, formats the diagnostics, and renders the whole site when the content is valid.
  static func run(_ input: [UInt8]) {
    guard let first = input.first, let templates else { return }
    let path = targets[Int(first) % targets.count]
    let files = base.filter { $0.path != path } + [ContentFile(path: path, bytes: Array(input.dropFirst()))]
    let loaded = ContentLoader.load(files)
    let formatter = DiagnosticFormatter(root: "content", sources: loaded.content.sources)
    _ = formatter.report(loaded.diagnostics)
    _ = formatter.json(loaded.diagnostics)
    guard !loaded.diagnostics.hasErrors else { return }
    let content = loaded.content
    let asOf = content.site.asOf ?? Day(daysSinceUnixEpoch: 20_407)
    let renderer = SiteBuilder.renderer(for: content, asOf: asOf, contentName: "content", templates: templates)
    for job in renderer.jobs() { _ = try? job.render() }
  }
}

#if FUZZING
  // libFuzzer's driver, from the toolchain's fuzzer runtime.
  @_silgen_name("LLVMFuzzerRunDriver")
  func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
  ) -> CInt

  // SwiftPM links an executable's entry point under the module's name (`main` is defined as it), so the
  // fuzzing build defines that entry point and hands over to libFuzzer's driver.
  @_cdecl("accredit_fuzz_main")
  func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { start, size in
      Harness.run(start.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
      return 0
    }
  }
#else
  /// `accredit-fuzz FILE…`: runs the harness on each saved input and says which ones it ran.
  @main
  struct Replay {
    static func main() {
      for path in CommandLine.arguments.dropFirst() {
        guard let data = FileManager.default.contents(atPath: path) else {
          FileHandle.standardError.write(Data("accredit-fuzz: cannot read \(path)\n".utf8))
          exit(1)
        }
        Harness.run(Array(data))
        print("ran \(path)")
      }
    }
  }
#endif
