/// The rule for the names reports print on one line (a partner's name; the tiers, certifications and
/// accreditation types of the standards): no control character (tab and line breaks included), no
/// Unicode line or paragraph separator, and no bidirectional embedding, override or isolate. Such a
/// character could move the cursor or clear a terminal, start a new line in a Markdown job summary, or
/// show a name reversed. `docs/content-format.md` states the rule and `schemas/` hold the same pattern.
enum NameRule {
  /// What is wrong with `text` as a name, naming the first character at fault
  /// (`holds a line break (U+000A)`), or nil when it is fine.
  static func problem(_ text: String) -> String? {
    for scalar in text.unicodeScalars {
      let kind: String
      switch scalar.value {
      case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029: kind = "a line break"
      case 0x00..<0x20, 0x7F..<0xA0: kind = "a control character"
      case 0x202A...0x202E, 0x2066...0x2069: kind = "a bidirectional control"
      default: continue
      }
      let hex = String(scalar.value, radix: 16, uppercase: true)
      return "holds \(kind) (U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex)); a name is one "
        + "line of text without control characters"
    }
    return nil
  }
}

extension Fields {
  /// A text value that is a name (`NameRule`); a name that breaks the rule is reported and read as nil.
  func name(_ key: String, required: Bool = false) -> String? {
    guard let text = text(key, required: required) else { return nil }
    if let problem = NameRule.problem(text), let node = value(key) {
      document.error("'\(key)' \(problem)", at: node)
      return nil
    }
    return text
  }
}
