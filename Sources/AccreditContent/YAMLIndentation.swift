/// Finds the line an editor must change when libyaml rejects a text because of its indentation, and says
/// what is wrong in plain words.
///
/// libyaml notices a mis-indented line only when the structure around it no longer fits, often on the line
/// before or at the mapping that holds it ("did not find expected '-' indicator" at 10:3 for a problem on
/// line 11), and a tab in the indentation is "found character that cannot start any token". This check
/// reads the lines as a person does: tabs in the indentation, list items that do not line up with their
/// siblings, a line indented deeper than the line above allows, and a line that steps back to a level no
/// line above it used. It runs only after libyaml has failed, so it never rejects a valid text.
enum YAMLIndentation {
  /// A line and column (1-based) in the text, and what is wrong there.
  struct Problem: Equatable {
    let line: Int
    let column: Int
    let message: String
  }

  /// The first indentation problem on or before `lastLine`, or nil when the indentation looks right.
  static func problem(in text: String, through lastLine: Int) -> Problem? {
    let lines = significantLines(text, through: lastLine)
    if let tab = lines.first(where: \.indentHasTab) {
      return Problem(
        line: tab.number, column: tab.tabColumn,
        message: "tab characters cannot indent YAML; indent this line with spaces")
    }
    return misalignedItem(lines) ?? misplacedLine(lines)
  }

  /// A line that takes part in the block structure: not blank, not a comment, not inside a block scalar
  /// (`|`, `>`) or a flow collection that spans lines.
  struct Line {
    let number: Int
    let indent: Int
    /// The text after the indentation, without a trailing comment.
    let content: Substring
    let indentHasTab: Bool
    let tabColumn: Int

    var isItem: Bool { content == "-" || content.hasPrefix("- ") }

    /// Whether the next line may be indented deeper: a key with no value on this line, or a bare `-`.
    var opensBlock: Bool { content.hasSuffix(":") || content == "-" }

    /// For a list item whose content is a mapping entry (`- name: x`), the column its further keys use.
    var itemMappingIndent: Int? {
      guard isItem else { return nil }
      let rest = content.dropFirst()
      let spaces = rest.prefix { $0 == " " }.count
      let value = rest.dropFirst(spaces)
      guard let first = value.first, !"{[\"'".contains(first), value.contains(": ") || value.hasSuffix(":") else {
        return nil
      }
      return indent + 1 + spaces
    }
  }

  static func significantLines(_ text: String, through lastLine: Int) -> [Line] {
    var result: [Line] = []
    var blockScalarIndent: Int?
    var flowDepth = 0
    for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let number = index + 1
      guard number <= lastLine else { break }
      let whitespace = raw.prefix { $0 == " " || $0 == "\t" }
      let body = raw.dropFirst(whitespace.count)
      let indent = whitespace.count
      if body.isEmpty || body.hasPrefix("#") { continue }
      if let scalarIndent = blockScalarIndent {
        if indent > scalarIndent { continue }
        blockScalarIndent = nil
      }
      let content = withoutComment(body)
      let startsInFlow = flowDepth > 0
      flowDepth = max(0, flowDepth + brackets(in: content))
      if startsInFlow { continue }
      let tabOffset = whitespace.firstIndex(of: "\t").map { whitespace.distance(from: whitespace.startIndex, to: $0) }
      result.append(
        Line(
          number: number, indent: indent, content: content, indentHasTab: tabOffset != nil,
          tabColumn: (tabOffset ?? 0) + 1))
      if isBlockScalarHeader(content) { blockScalarIndent = indent }
    }
    return result
  }

  /// List items in one run that do not all start at the same column: the odd one out is the line to change.
  private static func misalignedItem(_ lines: [Line]) -> Problem? {
    var start = 0
    while start < lines.count {
      guard lines[start].isItem else {
        start += 1
        continue
      }
      var end = start
      // A run ends where an item may hold a nested list, whose items rightly sit deeper.
      while end + 1 < lines.count, lines[end + 1].isItem, !lines[end].opensBlock,
        lines[end].itemMappingIndent == nil, abs(lines[end + 1].indent - lines[start].indent) <= 2
      {
        end += 1
      }
      let run = lines[start...end]
      let counts = Dictionary(grouping: run, by: \.indent).mapValues(\.count)
      // The indentation most items use; on a tie, the first item's.
      let first = lines[start].indent
      if counts.count > 1,
        let usual = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key != first) })?.key,
        let odd = run.first(where: { $0.indent != usual })
      {
        return Problem(
          line: odd.number, column: odd.indent + 1,
          message: "this list item is indented by \(spaces(odd.indent)); the other items of the list use "
            + "\(usual), so line them up")
      }
      start = end + 1
    }
    return nil
  }

  /// A line deeper than the line above allows, stepping back to a column no enclosing line uses, or a key
  /// that lines up with list items it does not belong to.
  private static func misplacedLine(_ lines: [Line]) -> Problem? {
    // Each open level: its column, and the line that opened it when list items did.
    var levels: [(indent: Int, firstItem: Line?)] = [(0, nil)]
    var previous: Line?
    for line in lines {
      let current = levels.last ?? (0, nil)
      if line.indent > current.indent {
        guard let previous else {
          return Problem(
            line: line.number, column: line.indent + 1,
            message: "the first line is indented by \(spaces(line.indent)); the top level starts at column 1")
        }
        guard previous.opensBlock else {
          return Problem(
            line: line.number, column: line.indent + 1,
            message: "this line is indented by \(spaces(line.indent)), but the lines above it at this level use "
              + "\(current.indent); line it up with them (only a line under a key that ends with ':' goes deeper)")
        }
        levels.append((line.indent, line.isItem ? line : nil))
      } else if line.indent < current.indent {
        while let last = levels.last, last.indent > line.indent { levels.removeLast() }
        if levels.last?.indent != line.indent {
          let used = levels.last.map { "\($0.indent)" } ?? "0"
          return Problem(
            line: line.number, column: line.indent + 1,
            message: "this line is indented by \(spaces(line.indent)); the lines above it at this level use \(used)")
        }
      }
      if let item = levels.last?.firstItem, !line.isItem, levels.count > 1 {
        let parent = levels[levels.count - 2].indent
        return Problem(
          line: line.number, column: line.indent + 1,
          message: "this line is indented by \(spaces(line.indent)) like the list items from line \(item.number), "
            + "but it is not a list item; a key beside the list's own key is indented by \(parent)")
      }
      if let mappingIndent = line.itemMappingIndent { levels.append((mappingIndent, nil)) }
      previous = line
    }
    return nil
  }

  private static func spaces(_ count: Int) -> String { count == 1 ? "1 space" : "\(count) spaces" }

  /// `content` without a trailing ` # comment` outside quotes.
  private static func withoutComment(_ content: Substring) -> Substring {
    var quote: Character?
    var previous: Character = " "
    for index in content.indices {
      let character = content[index]
      if let open = quote {
        if character == open { quote = nil }
      } else if character == "\"" || character == "'" {
        quote = character
      } else if character == "#" && (previous == " " || previous == "\t") {
        return trimmed(content[..<index])
      }
      previous = character
    }
    return trimmed(content)
  }

  private static func trimmed(_ text: Substring) -> Substring {
    var text = text
    while let last = text.last, last == " " || last == "\t" { text.removeLast() }
    return text
  }

  /// Opened minus closed flow brackets outside quotes.
  private static func brackets(in content: Substring) -> Int {
    var quote: Character?
    var depth = 0
    for character in content {
      if let open = quote {
        if character == open { quote = nil }
      } else {
        switch character {
        case "\"", "'": quote = character
        case "[", "{": depth += 1
        case "]", "}": depth -= 1
        default: break
        }
      }
    }
    return depth
  }

  /// Whether a line ends with a block scalar indicator (`key: |`, `- >-`, `|2`).
  private static func isBlockScalarHeader(_ content: Substring) -> Bool {
    guard let marker = content.lastIndex(where: { $0 == "|" || $0 == ">" }) else { return false }
    let before = content[..<marker]
    guard before.isEmpty || before.hasSuffix(" ") else { return false }
    return content[content.index(after: marker)...].allSatisfy { "+-0123456789".contains($0) }
  }
}
