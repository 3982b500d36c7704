import AccreditContent
import AccreditEngine
import AccreditSite
import Foundation
import Synchronization

/// What the commands do, apart from argument parsing, so tests can run them with a captured console.
public enum Commands {
  /// Runs `build`; returns the exit status.
  public static func build(
    _ command: Build, console: Console, today: Day = .todayUTC(),
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> Int32 {
    let started = ContinuousClock.now
    var request = SiteBuilder.Request(
      content: command.contentOptions.contentURL, templates: command.templateOptions.templatesURL,
      asOf: command.date.asOf, today: today)
    // --search or --no-search, else site.yaml's `search:` (read alone first: Pagefind is looked for before
    // anything is built).
    let siteSearch = command.search == nil ? ContentFolder.siteSettings(command.contentOptions.contentURL)?.search : nil
    request.search = command.search ?? siteSearch ?? false
    let name = command.output
    var output = SiteBuilder.Output(
      folder: URL(fileURLWithPath: command.output, isDirectory: true), clean: command.clean, wait: !command.noWait,
      onWaiting: { console.err("accredit: waiting for another build of \(name)/ to finish…\n") })
    output.cache = command.cacheOptions.cache
    output.onCacheWarning = { console.err("accredit: warning: \($0)\n") }
    if request.search {
      // Found before anything is built: a missing Pagefind leaves the output folder as it was.
      do {
        output.pagefind = try Pagefind.locate(
          environment: environment, asker: siteSearch == true ? "'search: true' in site.yaml" : "--search",
          alternative: siteSearch == true ? ", or build without the index with --no-search" : "")
      } catch {
        console.err("accredit: error: \(error.description)\n")
        return ExitStatus.unavailable
      }
    }
    do {
      let result = try SiteBuilder.build(request, into: output)
      let formatter = DiagnosticFormatter(root: command.contentOptions.content, sources: [:])
      if !result.diagnostics.isEmpty && !command.quiet {
        console.err(result.diagnostics.map(formatter.text).joined())
      }
      // What the build did to an interrupted one, or could not tidy up: said even with --quiet.
      for note in result.report.notes { console.err("accredit: note: \(note)\n") }
      if !command.quiet {
        if !result.report.kept.isEmpty { console.err(keptNote(result.report.kept, output: command.output)) }
        let elapsed = started.duration(to: .now)
        console.out(summary(result, output: command.output, elapsed: elapsed) + "\n")
        if command.timings { console.out(timingsLine(result.timings)) }
      }
      return 0
    } catch {
      let root = if case .templates = error { command.templateOptions.label } else { command.contentOptions.content }
      return report(error, root: root, console: console, action: "build")
    }
  }

  /// Runs `check`; returns the exit status. With the content unchanged since the last check (the build
  /// cache's record of it), prints what that check printed without reading a file.
  public static func check(_ command: Check, console: Console) -> Int32 {
    let content = command.contentOptions.contentURL
    let cache = command.cacheOptions.cache
    let name = BuildCache.name(
      "check",
      [
        content.standardizedFileURL.path, command.contentOptions.content, command.format.rawValue,
        "\(command.strict)",
      ])
    let stamp = FolderStamp.of(content, only: ContentFolder.topLevel, what: "content folder")
    let identity = "identity \(SiteRenderer.buildIdentity)"
    let inputs = [identity] + (stamp.map { ["content " + $0.digest()] } ?? [])
    if stamp != nil {
      switch cache.read(name) {
      case .found(let lines) where lines.count == inputs.count + 3 && lines.starts(with: inputs):
        if let code = Int32(lines[inputs.count].dropFirst("exit ".count)) {
          console.out(BuildCache.unescape(lines[inputs.count + 1].dropFirst("out ".count)))
          console.err(BuildCache.unescape(lines[inputs.count + 2].dropFirst("err ".count)))
          return code
        }
      case .damaged(let why):
        console.err("accredit: warning: ignoring the build cache's record \(cache.folder.path)/\(name) (\(why))\n")
      default:
        break
      }
    }
    let out = Mutex(""), err = Mutex("")
    let recording = Console(
      out: { text in
        out.withLock { $0 += text }; console.out(text)
      },
      err: { text in
        err.withLock { $0 += text }; console.err(text)
      })
    let parseFile = cache.parseCacheFile(for: content)
    let parseCache = ParseCache.load(from: parseFile, identity: SiteRenderer.buildIdentity)
    if let warning = parseCache.warning { console.err("accredit: warning: \(warning)\n") }
    let code = uncachedCheck(command, listing: stamp?.listing, parseCache: parseCache.cache, console: recording)
    parseCache.cache.save(to: parseFile, identity: SiteRenderer.buildIdentity)
    if let stamp {
      cache.write(
        name,
        [identity, "content " + stamp.digest(smudgingAt: Date())] + [
          "exit \(code)", "out " + BuildCache.escape(out.withLock { $0 }),
          "err " + BuildCache.escape(err.withLock { $0 }),
        ])
    }
    return code
  }

  private static func uncachedCheck(
    _ command: Check, listing: FolderJail.Listing?, parseCache: ParseCache, console: Console
  ) -> Int32 {
    let root = command.contentOptions.content
    let loaded: ContentLoader.Result
    do {
      loaded = try ContentFolder.load(command.contentOptions.contentURL, listing: listing, cache: parseCache)
    } catch {
      console.err("accredit: error: \(error.description)\n")
      return 1
    }
    let diagnostics = loaded.diagnostics
    let formatter = DiagnosticFormatter(root: root, sources: loaded.content.sources)
    switch command.format {
    case .json:
      console.out(formatter.json(diagnostics))
    case .github:
      console.out(formatter.github(diagnostics))
    case .text:
      if diagnostics.isEmpty {
        let content = loaded.content
        console.out(
          "\(root): no problems in \(counted(content.partners.count, "partner")), "
            + "\(counted(content.cases.count, "case")), \(counted(content.faq.count, "FAQ entry", "FAQ entries")) and "
            + "\(counted(content.pages.count, "page"))\n")
      } else {
        console.err(formatter.report(diagnostics))
      }
    }
    let failed = diagnostics.hasErrors || (command.strict && !diagnostics.isEmpty)
    return failed ? 1 : 0
  }

  private static func report(_ error: SiteBuilder.Failure, root: String, console: Console, action: String) -> Int32 {
    switch error {
    case .content(let diagnostics, let sources), .templates(let diagnostics, let sources):
      let formatter = DiagnosticFormatter(root: root, sources: sources)
      console.err(formatter.report(diagnostics))
      if action == "build" { console.err("accredit: build failed; the output folder was left as it was\n") }
      return 1
    case .io(let message), .write(let message), .busy(let message), .search(let message), .refused(let message):
      console.err("accredit: error: \(message)\n")
      if case .refused = error { return ExitStatus.usage }
      if case .write = error { return ExitStatus.cannotWrite }
      if case .busy = error { return ExitStatus.busy }
      if case .search = error { return ExitStatus.unavailable }
      return 1
    }
  }

  /// The files of the output folder that accredit did not make, said once: on the build that found the
  /// folder without a manifest of accredit's. A build never removes them.
  private static func keptNote(_ kept: [String], output: String) -> String {
    let shown = kept.prefix(10).joined(separator: ", ")
    let more = kept.count > 10 ? " and \(kept.count - 10) more" : ""
    let noun = kept.count == 1 ? "entry" : "entries"
    return "accredit: note: kept \(kept.count) \(noun) in \(output)/ that accredit did not make: \(shown)\(more) "
      + "(a build removes only the files it made)\n"
  }

  /// `timings: load 12 ms, templates 1 ms, …`, or that the cache answered without the stages.
  private static func timingsLine(_ stages: [(stage: String, time: Duration)]) -> String {
    guard !stages.isEmpty else { return "timings: the build cache answered; no stage ran\n" }
    return "timings: " + stages.map { "\($0.stage) \(milliseconds($0.time)) ms" }.joined(separator: ", ") + "\n"
  }

  private static func milliseconds(_ duration: Duration) -> Int64 {
    duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
  }

  /// "1 partner", "3 partners": a count with its noun agreeing.
  static func counted(_ count: Int, _ noun: String, _ pluralNoun: String? = nil) -> String {
    "\(count) \(count == 1 ? noun : pluralNoun ?? noun + "s")"
  }

  private static func summary(_ result: SiteBuilder.Built, output: String, elapsed: Duration) -> String {
    let counts = AccreditationStatus.allCases.compactMap { status -> String? in
      let count = result.statusCounts[status] ?? 0
      return count == 0 ? nil : "\(count) \(status.rawValue)"
    }
    let report = result.report
    let writes =
      result.isUpToDate
      ? "0 of \(result.fileCount) files written (nothing changed since the last build)"
      : report.isFull && report.written == result.fileCount
        ? "\(result.fileCount) files written"
        : result.isNoteEdit
          ? "\(report.written) of \(result.fileCount) files written (case notes edited alone)"
          : "\(report.written) of \(result.fileCount) files written, \(report.removed) removed"
    return "Built \(output)/ as of \(result.asOf.iso): \(writes); \(counted(result.partnerCount, "partner")); "
      + "accreditations \(counts.joined(separator: ", ")); \(milliseconds(elapsed)) ms"
  }
}
