import AccreditContent
import AccreditEngine
import Foundation

/// The build cache's record of a build: what it was made from (the tool, the options, the date, every
/// content and template file's stamp, the output folder's manifest) and what it printed. A build whose
/// inputs match the record has nothing to do, and says so without reading a file.
struct BuildRecord {
  /// The lines that must match for the record to hold: tool, options, inputs.
  let inputs: [String]
  /// The content folder's stamp, for the racy check.
  let stamp: FolderStamp

  static func name(_ request: SiteBuilder.Request, _ output: SiteBuilder.Output) -> String {
    BuildCache.name(
      "build", [request.content.standardizedFileURL.path, output.folder.standardizedFileURL.path])
  }

  /// The record of `request`'s inputs now; nil when a folder cannot be stamped (the build reports why).
  static func current(_ request: SiteBuilder.Request) -> BuildRecord? {
    guard let content = FolderStamp.of(request.content, only: ContentFolder.topLevel, what: "content folder") else {
      return nil
    }
    var inputs = [
      "identity \(SiteRenderer.buildIdentity)",
      "request \(request.templates?.standardizedFileURL.path ?? "-")\t\(request.asOf?.iso ?? "-")\t"
        + "\(request.search ? 1 : 0)",
    ]
    inputs += content.lines.map { "content \($0)" }
    if let templates = request.templates {
      guard let stamp = FolderStamp.of(templates, what: "templates folder") else { return nil }
      inputs += stamp.lines.map { "templates \($0)" }
    }
    return BuildRecord(inputs: inputs, stamp: content)
  }

  /// The output folder's manifest, which a build rewrites whenever it writes: another build into the
  /// folder, or a hand-made change to the manifest, makes the record stale.
  static func outputLine(_ folder: URL) -> String {
    var status = stat()
    let path = folder.appendingPathComponent(SiteWriter.manifestName).path
    guard stat(path, &status) == 0 else { return "output -" }
    #if canImport(Darwin)
      let time = status.st_mtimespec
    #else
      let time = status.st_mtim
    #endif
    return "output \(status.st_size) \(time.tv_sec).\(time.tv_nsec) \(status.st_ino)"
  }

  /// The build a matching record describes, or nil when the record does not hold for `request` today.
  static func replay(_ lines: [String], inputs: BuildRecord, request: SiteBuilder.Request, output: URL)
    -> SiteBuilder.Built?
  {
    var rest = lines[...]
    guard rest.count >= inputs.inputs.count + 3, rest.prefix(inputs.inputs.count).elementsEqual(inputs.inputs) else {
      return nil
    }
    rest = rest.dropFirst(inputs.inputs.count)
    // The date: as given, from site.yaml (unchanged with the files), or today's, which must still be today.
    let date = rest.removeFirst().split(separator: " ").map(String.init)
    guard date.count == 4, date[0] == "asof", let asOf = Day(iso: date[1]),
      date[2] != "today" || date[3] == request.today.iso
    else { return nil }
    guard rest.removeFirst() == outputLine(output) else { return nil }
    let result = rest.removeFirst().split(separator: " ").map(String.init)
    guard result.count == 4, result[0] == "result", let fileCount = Int(result[1]), let partners = Int(result[2])
    else { return nil }
    var counts: [AccreditationStatus: Int] = [:]
    for pair in result[3].split(separator: ",") {
      let parts = pair.split(separator: "=")
      guard parts.count == 2, let status = AccreditationStatus(rawValue: String(parts[0])), let count = Int(parts[1])
      else { return nil }
      counts[status] = count
    }
    var diagnostics: [Diagnostic] = []
    for line in rest {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { BuildCache.unescape($0) }
      guard fields.count == 6, fields[0] == "diagnostic", let severity = Diagnostic.Severity(rawValue: fields[1]),
        let lineNumber = Int(fields[3]), let column = Int(fields[4])
      else { return nil }
      diagnostics.append(
        Diagnostic(severity, at: SourceLocation(file: fields[2], line: lineNumber, column: column), fields[5]))
    }
    return SiteBuilder.Built(
      asOf: asOf, partnerCount: partners, statusCounts: counts, fileCount: fileCount,
      report: SiteWriter.Report(isFull: false), diagnostics: diagnostics, isUpToDate: true)
  }

  /// The record of a build just made from these inputs.
  func lines(for built: SiteBuilder.Built, source: String, request: SiteBuilder.Request, output: URL) -> [String] {
    let counts = AccreditationStatus.allCases.map { "\($0.rawValue)=\(built.statusCounts[$0] ?? 0)" }
    return inputs + [
      "asof \(built.asOf.iso) \(source) \(request.today.iso)",
      BuildRecord.outputLine(output),
      "result \(built.fileCount) \(built.partnerCount) \(counts.joined(separator: ","))",
    ]
      + built.diagnostics.map { diagnostic in
        [
          "diagnostic", diagnostic.severity.rawValue, diagnostic.location.file, String(diagnostic.location.line),
          String(diagnostic.location.column), diagnostic.message,
        ].map(BuildCache.escape).joined(separator: "\t")
      }
  }
}
