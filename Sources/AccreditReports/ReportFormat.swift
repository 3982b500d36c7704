import AccreditContent
import AccreditEngine
import AccreditSupport

/// How `changes` and `upcoming` print.
///
/// Names, tiers and reasons come from records (or from a `status.json` given to `changes`), which are
/// untrusted: in text, what could act on a terminal is shown as a symbol, as in diagnostics; in
/// Markdown it is shown so too, and the rest is escaped so that it reads as plain text (no heading, link,
/// image or HTML); JSON escapes what JSON needs.
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
      return changes.isEmpty ? "No status changes.\n" : changes.map { $0.line(Self.terminal) + "\n" }.joined()
    case .markdown:
      var text = "### Accreditation status changes\n\n"
      text += "From \(Self.codeSpan(from)) to \(Self.codeSpan(to)), both evaluated as of \(asOf).\n\n"
      text += changes.isEmpty ? "No status changes.\n" : changes.map { "- \($0.line(Self.markdown))\n" }.joined()
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
      return events.isEmpty
        ? "Nothing falls due in the next \(days) days.\n" : events.map { $0.line(Self.terminal) + "\n" }.joined()
    case .markdown:
      var text = "### Coming up in the next \(days) days\n\nAs of \(asOf.display), if nothing changes.\n\n"
      text += events.isEmpty ? "Nothing falls due.\n" : events.map { "- \($0.line(Self.markdown))\n" }.joined()
      return text
    case .json:
      return JSONValue.array(
        events.map {
          .object([
            ("date", .string($0.date.iso)), ("kind", .string($0.kind.rawValue)), ("partner", .string($0.partner)),
            ("partner_name", .string($0.partnerName)), ("detail", .string($0.detail)),
            ("outlook", .string($0.outlook)),
          ])
        }
      ).serialized()
    }
  }

  /// A value for a terminal: control characters and bidirectional controls as symbols, as diagnostics
  /// show them (`DiagnosticFormatter.printable`).
  static func terminal(_ value: String) -> String {
    DiagnosticFormatter.printable(Substring(value))
  }

  /// A value for a Markdown line that reads as the plain text it is. Control characters are symbols, so
  /// no line break can start a heading; leading blanks go (four would start code); and every ASCII
  /// punctuation character that Markdown or GitHub's extensions can act on is backslash-escaped
  /// (CommonMark lets any ASCII punctuation be): no emphasis, code, link, image, HTML, entity, table,
  /// strikethrough, math, autolink (`:`, `.`, `@`), and no list, quote or heading where a name begins
  /// the line. The commas, quotes, `;`, `?`, `%`, `/` and `(` of ordinary names and reasons stay as
  /// they are, and `-` and `)` too unless they could open a list.
  static func markdown(_ value: String) -> String {
    let printable = terminal(String(value.drop { $0 == " " || $0 == "\t" }))
    let leadingDigits = printable.prefix { $0.isASCII && $0.isNumber }.count
    var output = ""
    output.reserveCapacity(printable.utf8.count)
    for (offset, character) in printable.enumerated() {
      let opensList =
        (character == "-" && offset == 0) || (character == ")" && offset == leadingDigits && offset > 0)
      if opensList || (character.isASCII && character.isPunctuationOrSymbol && !inert.contains(character)) {
        output.append("\\")
      }
      output.append(character)
    }
    return output
  }

  /// ASCII punctuation Markdown leaves alone in the middle of a line once `[`, `<` and `&` are escaped.
  private static let inert: Set<Character> = [",", "'", "\"", ";", "?", "%", "/", "(", "-", ")"]

  /// `text` as a Markdown code span (for the sides given on the command line), whatever backticks it holds.
  static func codeSpan(_ text: String) -> String {
    let printable = terminal(text)
    var longest = 0
    var run = 0
    for character in printable {
      run = character == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: longest + 1)
    let pad = printable.hasPrefix("`") || printable.hasSuffix("`") ? " " : ""
    return fence + pad + printable + pad + fence
  }
}

extension Character {
  /// Whether an ASCII character is punctuation or a symbol (`!` to `/`, `:` to `@`, `[` to `` ` ``, `{` to `~`).
  fileprivate var isPunctuationOrSymbol: Bool { isPunctuation || isSymbol }
}
