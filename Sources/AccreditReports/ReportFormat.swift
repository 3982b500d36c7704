import AccreditEngine
import AccreditSupport

/// How `changes` and `upcoming` print.
public enum ReportFormat: String, Sendable, CaseIterable {
  /// Markdown, for `$GITHUB_STEP_SUMMARY` or a pull-request comment.
  case markdown
  /// Plain lines.
  case text
  /// JSON.
  case json

  /// The changes report.
  public func render(_ changes: [StatusChange], from: String, to: String, asOf: String) -> String {
    switch self {
    case .text:
      return changes.isEmpty ? "No status changes.\n" : changes.map { $0.line + "\n" }.joined()
    case .markdown:
      var text = "### Accreditation status changes\n\n"
      text += "From `\(from)` to `\(to)`, both evaluated as of \(asOf).\n\n"
      text += changes.isEmpty ? "No status changes.\n" : changes.map { "- \($0.line)\n" }.joined()
      return text
    case .json:
      return JSONValue.array(
        changes.map {
          .object([
            ("kind", .string($0.kind.rawValue)), ("partner", .string($0.partner)),
            ("partner_name", .string($0.partnerName)), ("accreditation", .string($0.accreditation)),
            ("from", .string($0.from)), ("to", .string($0.to)), ("detail", .string($0.detail)),
            ("line", .string($0.line)),
          ])
        }
      ).serialized()
    }
  }

  /// The upcoming report.
  public func render(_ events: [UpcomingEvent], days: Int, asOf: Day) -> String {
    switch self {
    case .text:
      return events.isEmpty ? "Nothing falls due in the next \(days) days.\n" : events.map { $0.line + "\n" }.joined()
    case .markdown:
      var text = "### Coming up in the next \(days) days\n\nAs of \(asOf.display), if nothing changes.\n\n"
      text += events.isEmpty ? "Nothing falls due.\n" : events.map { "- \($0.line)\n" }.joined()
      return text
    case .json:
      return JSONValue.array(
        events.map {
          .object([
            ("date", .string($0.date.iso)), ("kind", .string($0.kind)), ("partner", .string($0.partner)),
            ("partner_name", .string($0.partnerName)), ("detail", .string($0.detail)),
            ("outlook", .string($0.outlook)),
          ])
        }
      ).serialized()
    }
  }
}
