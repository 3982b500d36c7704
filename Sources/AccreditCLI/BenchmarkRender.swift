import AccreditContent
import AccreditEngine
import AccreditMarkdown
import AccreditMustache
import AccreditSite
public import ArgumentParser
import Foundation

/// `accredit benchmark-render`: a hidden command that measures, on one core, the CPU time a page of each
/// template takes: building and encoding its model, then the template work alone.
public struct BenchmarkRender: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "benchmark-render",
    abstract: "Print the CPU time per page of each template, model and rendering apart (for benchmarks).",
    shouldDisplay: false)

  @Option(help: ArgumentHelp("The content folder.", valueName: "folder")) public var content = "content"
  @Option(help: "Times to render every page, keeping the fastest.") public var rounds = 3

  public init() {}

  public func run() throws {
    let request = SiteBuilder.Request(content: URL(fileURLWithPath: content), asOf: nil, today: .todayUTC())
    let renderer = try SiteBuilder.renderer(for: request)
    var byTemplate: [String: [OutputJob]] = [:]
    for job in renderer.jobs() where job.template != nil { byTemplate[job.template ?? "", default: []].append(job) }
    // The notes' Markdown, part of a case page's model, on its own.
    let notes = renderer.content.cases.map(\.notes)
    var html = 0
    let markdown = try cpuSeconds { for note in notes { html &+= Markdown.html(from: note).utf8.count } }
    let perNote = markdown * 1e6 / Double(max(1, notes.count))
    print(String(format: "Markdown: %.1f µs a note (%d notes)", perNote, notes.count))
    print("template      pages   model µs/page   template work µs/page")
    for (template, jobs) in byTemplate.sorted(by: { $0.key < $1.key }) {
      var modelBest = Double.infinity
      var renderBest = Double.infinity
      for _ in 0..<max(1, rounds) {
        var values: [TemplateValue] = []
        values.reserveCapacity(jobs.count)
        let modelTime = try cpuSeconds { for job in jobs { values.append(try job.templateValue() ?? .null) } }
        var bytes = 0
        let renderTime = try cpuSeconds {
          for (job, value) in zip(jobs, values) { bytes &+= try job.render(value)?.count ?? 0 }
        }
        modelBest = min(modelBest, modelTime)
        renderBest = min(renderBest, renderTime)
      }
      let perPage = { (seconds: Double) in String(format: "%8.1f", seconds * 1e6 / Double(jobs.count)) }
      print(
        template.padding(toLength: 12, withPad: " ", startingAt: 0),
        String(format: "%6d", jobs.count), "       ", perPage(modelBest), "              ", perPage(renderBest))
    }
  }

  /// The CPU time this thread spends in `body`.
  private func cpuSeconds(_ body: () throws -> Void) throws -> Double {
    func now() -> Double {
      var time = timespec()
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
      return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
    let start = now()
    try body()
    return now() - start
  }
}
